"""What a drawing shows: the graph under a root, its gradients, its groups.

:func:`read` records the graph as a :class:`~autograd.tape.Tape` and takes
the backward pass's numbers from the engine's own walk (``Tape.gradients``,
the numbers ``backward()`` adds into ``.grad``), without touching any
``.grad``:

- every use of a value as an op's input (``a + a`` is two uses), with the
  local derivative ∂out/∂in at this point and the contribution
  local × ∂root/∂out that backprop adds into the input (the same product the
  engine computes);
- ∂root/∂node for every node;
- the backprop steps: the op nodes from the root down, one step per op whose
  gradient flows to its inputs, in the order backward handles them (so the
  running sums a step-through shows are the engine's running sums).

:func:`plan` decides how a big graph is shown: neurons (an n-ary op with its
activation and its own parameters) as clusters or collapsed into one box, and
past ``max_nodes`` only the part nearest the root, with a note.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from ..tape import Tape
from ..value import Value


@dataclass(frozen=True)
class Use:
    """Value ``src`` used as argument ``pos`` of the op that produced ``dst``."""

    src: int
    dst: int
    pos: int
    local: float
    contribution: float


@dataclass
class Scene:
    """The graph under a root as the drawing reads it, indexed as its tape
    (inputs first, root last)."""

    values: list[Value]
    grads: list[float]
    inputs: list[list[Use]]  # per node: the uses of its op's inputs, in argument order
    users: list[list[Use]]  # per node: its uses, in the order backprop reaches them
    steps: list[int]  # the op nodes, in backprop order (root first)

    @property
    def root(self) -> int:
        return len(self.values) - 1

    def step_of(self) -> dict[int, int]:
        """For each op node, its position in :attr:`steps`."""
        return {node: k for k, node in enumerate(self.steps)}


def read(root: Any, where: str = "draw") -> Scene:
    """The graph under ``root`` with every local derivative, contribution and
    gradient, from its tape and the engine's backward walk."""
    tape = Tape.of(root, where, expand=True)  # a fused neuron shows its two steps
    grads = tape.gradients()
    try:
        locals_ = tape.local_derivatives()
    except Exception as e:
        raise type(e)(f"{where}: {e}") from e
    n = len(tape)
    inputs: list[list[Use]] = [[] for _ in range(n)]
    users: list[list[Use]] = [[] for _ in range(n)]
    steps = tape.steps()
    for i in steps:
        g = grads[i]
        for pos, (j, d) in enumerate(zip(tape.args[i], locals_[i])):
            use = Use(j, i, pos, d, d * g)
            inputs[i].append(use)
            users[j].append(use)
    return Scene(list(tape.nodes), grads, inputs, users, steps)


@dataclass
class Group:
    """A neuron: an n-ary op node, its activation, and parameters used only there."""

    output: int
    members: list[int]
    title: str
    layer: int = 1  # 1 + the largest layer among the neurons feeding this one


@dataclass
class Plan:
    """Which nodes are drawn and how: clusters, collapsed boxes, a cut-off."""

    groups: list[Group] = field(default_factory=list)
    collapsed: bool = False
    hidden: set[int] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    layers: bool = False  # neurons of one layer inside one more cluster

    def group_of(self) -> dict[int, Group]:
        return {m: g for g in self.groups for m in g.members}


def find_groups(t: Scene) -> list[Group]:
    """Neurons found by shape alone (no op is named): a variadic op node with at
    least three inputs, the unary op that is its only user (the activation),
    and the leaf inputs used by nothing else (its weights and bias)."""
    groups: list[Group] = []
    taken: set[int] = set()
    for i in t.steps[::-1]:  # inputs first, so numbering follows the forward pass
        op = t.values[i].fn
        if op is None or op.arity is not None or len(t.inputs[i]) < 3 or i in taken:
            continue
        members = {i}
        members.update(u.src for u in t.inputs[i]
                       if t.values[u.src].fn is None
                       and all(w.dst == i for w in t.users[u.src]))
        output, title = i, op.label()
        if len(t.users[i]) == 1:
            act = t.users[i][0].dst
            act_op = t.values[act].fn
            if act_op is not None and act_op.arity == 1:
                members.add(act)
                output, title = act, f"{title} → {act_op.label()}"
        if len(members) < 2:
            continue
        taken.update(members)
        groups.append(Group(output, sorted(members), title))
    _number_layers(t, groups)
    return groups


def _number_layers(t: Scene, groups: list[Group]) -> None:
    """Layer of each neuron: 1 + the deepest layer among the neurons upstream of it."""
    ends = {g.output: g for g in groups}
    depth = [0] * len(t.values)
    for i in range(len(t.values)):  # inputs come before users
        depth[i] = max((depth[u.src] for u in t.inputs[i]), default=0)
        g = ends.get(i)
        if g is not None:
            g.layer = depth[i] + 1
            depth[i] = g.layer


def count_drawn(t: Scene, plan: Plan) -> int:
    """How many Graphviz nodes the plan draws (a value with an op counts twice)."""
    owner = plan.group_of() if plan.collapsed else {}
    total = len(plan.groups) if plan.collapsed else 0
    for i, v in enumerate(t.values):
        if i in owner or i in plan.hidden:
            continue
        total += 1 if v.fn is None else 2
    return total


def plan(t: Scene, *, max_nodes: int | None, collapse: bool | str, clusters: bool,
         layers: bool = False) -> Plan:
    """Clusters or boxes for neurons, and a cut-off past ``max_nodes``."""
    if collapse not in (True, False, "auto"):
        raise ValueError(f"draw: collapse must be True, False or 'auto', got {collapse!r}")
    if max_nodes is not None and (not isinstance(max_nodes, int) or max_nodes < 2):
        raise ValueError(f"draw: max_nodes must be an int >= 2 or None, got {max_nodes!r}")
    groups = find_groups(t) if (clusters or collapse) else []
    p = Plan(groups=groups, layers=layers)
    full = count_drawn(t, p)
    if groups and (collapse is True or (collapse == "auto" and max_nodes is not None
                                        and full > max_nodes)):
        p.collapsed = True
        p.notes.append(f"{len(groups)} neurons collapsed into boxes "
                       f"({full} nodes in full; draw(..., collapse=False) shows them)")
    elif not clusters:
        p.groups = []
    if max_nodes is not None and count_drawn(t, p) > max_nodes:
        _cut(t, p, max_nodes)
    return p


def _cut(t: Scene, p: Plan, max_nodes: int) -> None:
    """Keep the nodes nearest the root, breadth first, within ``max_nodes - 1``
    (one node says how many are hidden); a neuron is kept whole or not at all."""
    owner = p.group_of()
    budget = max_nodes - 1
    kept: set[int] = set()
    queue = deque([t.root])
    queued = {t.root}
    while queue:
        i = queue.popleft()
        g = owner.get(i)
        unit = g.members if g is not None else [i]
        if p.collapsed and g is not None:
            cost = 1
        else:
            cost = sum(1 if t.values[m].fn is None else 2 for m in unit)
        if cost > budget:
            break
        budget -= cost
        kept.update(unit)
        for m in unit:
            for u in t.inputs[m]:
                if u.src not in queued and u.src not in kept:
                    queued.add(u.src)
                    queue.append(u.src)
    p.groups = [g for g in p.groups if g.output in kept]
    p.hidden = set(range(len(t.values))) - kept
    p.notes.append(f"{len(p.hidden)} of {len(t.values)} values not shown "
                   f"(more than max_nodes={max_nodes}; draw(..., max_nodes=None) shows all)")
