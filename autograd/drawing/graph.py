"""What a drawing shows: the graph under a root, its gradients, its groups.

:func:`read` records the graph as a :class:`~autograd.tape.Tape` (fused
neurons as their two steps) and takes the backward pass's numbers from the
engine's own walk (``Tape.gradients``, the numbers ``backward()`` adds into
``.grad``), without touching any ``.grad``:

- every use of a value as an op's input (``a + a`` is two uses), with the
  local derivative ∂out/∂in at this point and the contribution
  local × ∂root/∂out that backprop adds into the input (the product the
  engine makes);
- ∂root/∂node for every node;
- each node's uses in the order the engine adds them up: by the creation of
  their users, each user's in argument order. A sum of contributions written
  in that order is the engine's sum, float for float;
- the backprop steps: the op nodes from the root down, as backward handles
  them; and the forward steps, the op nodes in the order they were computed.

:func:`plan` decides how a big graph is shown: neurons (a weighted sum with its
activation and its own parameters) as clusters or collapsed into one box, a
batch loss as one block per sample with the shared parameters once, and past
``max_nodes`` only the part nearest the root. Every function here is linear
in nodes + edges.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..tape import Tape
from ..value import Value


class Use(NamedTuple):
    """Value ``src`` used as argument ``pos`` of the op that produced ``dst``
    (a tuple: a million of them are made quickly)."""

    src: int
    dst: int
    pos: int
    local: float
    contribution: float


@dataclass
class Scene:
    """The graph under a root as the drawing reads it, indexed as its tape
    (by creation: inputs first, root last)."""

    values: list[Value]
    grads: list[float]
    inputs: list[list[Use]]  # per node: the uses of its op's inputs, in argument order
    users: list[list[Use]]  # per node: its uses, in the order the engine sums them
    steps: list[int]  # the op nodes, in backprop order (root first)

    @property
    def root(self) -> int:
        return len(self.values) - 1

    @property
    def forward_steps(self) -> list[int]:
        """The op nodes in the order the forward pass computed them."""
        return self.steps[::-1]

    def step_of(self) -> dict[int, int]:
        """For each op node, its position in :attr:`steps`."""
        return {node: k for k, node in enumerate(self.steps)}

    def is_constant(self, i: int) -> bool:
        """An unlabelled leaf: a number written in the formula (nn labels its
        parameters and inputs)."""
        v = self.values[i]
        return v.fn is None and not v.label


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
    make = Use._make
    for i, args in enumerate(tape.args):  # by creation: users end up in the engine's order
        if not args:
            continue
        g = grads[i]
        uses = inputs[i] = [make((j, i, pos, d, d * g))
                            for pos, (j, d) in enumerate(zip(args, locals_[i]))]
        for use in uses:
            users[use[0]].append(use)
    return Scene(list(tape.nodes), grads, inputs, users, tape.steps())


@dataclass
class Group:
    """A neuron: a weighted sum, its activation, and parameters used only there.

    ``layer`` counts neurons on the longest path from the inputs (1 for the
    first layer); ``index`` numbers the neurons of one layer (of one sample)
    from 1 by creation; ``title`` is the ops it holds (``w·x+b → tanh``),
    ``activation`` the last one's symbol when it has one (``tanh``)."""

    output: int
    members: list[int]
    title: str
    activation: str | None = None
    layer: int = 1
    index: int = 1
    sample: int | None = None


@dataclass
class Plan:
    """Which nodes are drawn and how: clusters, collapsed boxes, samples, a cut-off."""

    groups: list[Group] = field(default_factory=list)
    collapsed: bool = False
    full_count: int = 0  # nodes drawn without collapsing (for the note)
    hidden: set[int] = field(default_factory=set)
    max_nodes: int | None = None
    layers: bool = False  # neurons of one layer inside one more cluster
    samples: dict[int, int] = field(default_factory=dict)  # node -> sample (1-based)
    n_samples: int = 0
    shared: list[int] = field(default_factory=list)  # leaves the samples share, by creation
    focus: int = 0  # values hidden to show a batch by its first sample (0: not focused)
    # nodes drawn inside the node that uses them (see _fold): an op -> the drawn node
    # its chain starts from; a constant it uses -> None
    folded: dict[int, int | None] = field(default_factory=dict)

    def group_of(self) -> dict[int, Group]:
        return {m: g for g in self.groups for m in g.members}


def find_groups(t: Scene, hidden: set[int] | frozenset[int] = frozenset()) -> list[Group]:
    """Neurons found by shape alone (no op is named): a variadic op with at
    least three inputs that is a weighted sum (its syntax is ``pairs``, as
    ``dot``) or is followed by an activation (a unary op, its only user); with
    it, the leaves it uses that nothing else drawn uses (its own weights and
    bias; ``hidden``: nodes not drawn)."""
    groups: list[Group] = []
    taken: set[int] = set()
    for i in range(len(t.values)):  # by creation: numbering follows the forward pass
        op = t.values[i].fn
        if op is None or op.arity is not None or len(t.inputs[i]) < 3 or i in taken \
                or i in hidden:
            continue
        members = {i}
        output, title, activation = i, op.label(), None
        if len(t.users[i]) == 1:
            act = t.users[i][0].dst
            act_op = t.values[act].fn
            if act_op is not None and act_op.arity == 1:
                members.add(act)
                activation = act_op.label()
                output, title = act, f"{title} → {activation}"
        if output == i and op.syntax.kind != "pairs":
            continue
        for u in t.inputs[i]:
            if t.values[u.src].fn is None and all(w.dst == i or w.dst in hidden
                                                  for w in t.users[u.src]):
                members.add(u.src)
        taken.update(members)
        groups.append(Group(output, sorted(members), title, activation))
    _number_layers(t, groups)
    return groups


def _number_layers(t: Scene, groups: list[Group]) -> None:
    """Layer of each neuron: 1 + the deepest layer among the neurons upstream of it."""
    if not groups:
        return
    ends = {g.output: g for g in groups}
    depth = [0] * len(t.values)
    for i in range(len(t.values)):  # inputs come before users
        depth[i] = max((depth[u.src] for u in t.inputs[i]), default=0)
        g = ends.get(i)
        if g is not None:
            g.layer = depth[i] + 1
            depth[i] = g.layer


def _number_neurons(groups: list[Group]) -> None:
    """Index of each neuron in its layer (and sample), by creation."""
    seen: dict[tuple[int | None, int], int] = {}
    for g in sorted(groups, key=lambda g: g.output):
        key = (g.sample, g.layer)
        seen[key] = seen.get(key, 0) + 1
        g.index = seen[key]


def find_samples(t: Scene, groups: list[Group]) -> dict[int, int]:
    """A batch loss: node -> sample number (1-based; 0 for a leaf the samples
    share), or ``{}`` when the graph is not one.

    From the root down through ops with one op input (``0.5 × Σ``), the first op
    with several op inputs splits the graph; it is a batch when the subgraphs
    under those inputs share no op node, have as many op nodes each, each holds
    a neuron, and they share leaves (the parameters). A leaf used by one sample
    only (its input, its target) belongs to it; shared leaves to none."""
    in_group = {m for g in groups for m in g.members}
    node = t.root
    for _ in range(8):
        if node in in_group:
            return {}  # a neuron's inputs are not samples
        heads = list(dict.fromkeys(u.src for u in t.inputs[node]
                                   if t.values[u.src].fn is not None))
        if len(heads) >= 2:
            break
        if len(heads) != 1:
            return {}
        node = heads[0]
    else:
        return {}
    owner: dict[int, int] = {}
    for k, head in enumerate(heads, 1):
        stack = [head]
        while stack:
            x = stack.pop()
            seen = owner.get(x)
            if seen == k:
                continue
            if seen is not None:
                return {}  # two samples share an op node: not a batch
            owner[x] = k
            stack.extend(u.src for u in t.inputs[x] if t.values[u.src].fn is not None)
    sizes = [0] * (len(heads) + 1)
    for k in owner.values():
        sizes[k] += 1
    with_neuron = {owner.get(g.output) for g in groups}
    if len(set(sizes[1:])) != 1 or not all(k in with_neuron for k in range(1, len(heads) + 1)):
        return {}
    shared = False
    for x, k in list(owner.items()):
        for u in t.inputs[x]:
            if t.values[u.src].fn is not None:
                continue
            other = owner.get(u.src)
            if other is None:
                if all(owner.get(w.dst) == k for w in t.users[u.src]):
                    owner[u.src] = k
                else:
                    shared = True
                    owner[u.src] = 0
    return owner if shared else {}


def count_drawn(t: Scene, plan: Plan) -> int:
    """How many Graphviz nodes the plan draws (a value with an op counts twice)."""
    owner = plan.group_of() if plan.collapsed else {}
    total = len(plan.groups) if plan.collapsed else 0
    skip = owner.keys() | plan.hidden if owner or plan.hidden else ()
    n_ops = len(t.steps)
    total += len(t.values) + n_ops  # a value with an op counts twice
    for i in skip:
        total -= 1 if t.values[i].fn is None else 2
    for i in plan.folded:
        total -= 1 if t.values[i].fn is None else 2
    return total


def plan(t: Scene, *, max_nodes: int | None, collapse: bool | str, clusters: bool,
         layers: bool = False, focus: bool = False, fold: bool = False) -> Plan:
    """Clusters or boxes for neurons, samples of a batch, and a cut-off past ``max_nodes``.
    ``focus``: a batch (collapsed) shows its first sample in full and every other
    sample by its result only (see :func:`_focus`); ``fold``: chains of ops on one
    value drawn as their last node (see :func:`_fold`; edges then carry no numbers)."""
    if collapse not in (True, False, "auto"):
        raise ValueError(f"draw: collapse must be True, False or 'auto', got {collapse!r}")
    if max_nodes is not None and (isinstance(max_nodes, bool) or not isinstance(max_nodes, int)
                                  or max_nodes < 2):
        raise ValueError(f"draw: max_nodes must be an int >= 2 or None, got {max_nodes!r}")
    groups = find_groups(t) if (clusters or collapse) else []
    owner = find_samples(t, groups) if groups else {}
    samples = {x: k for x, k in owner.items() if k}
    for g in groups:
        g.sample = samples.get(g.output)
    _number_neurons(groups)
    p = Plan(groups=groups, layers=layers and not samples, max_nodes=max_nodes,
             samples=samples, n_samples=max(samples.values(), default=0),
             shared=[x for x, k in sorted(owner.items()) if k == 0])
    full = count_drawn(t, p)
    if groups and (collapse is True or (collapse == "auto" and max_nodes is not None
                                        and full > max_nodes)):
        p.collapsed = True
        p.full_count = full
    elif not clusters:
        p.groups = []
    if focus and p.collapsed and p.n_samples >= 2:
        _focus(t, p, owner)
    if max_nodes is not None and count_drawn(t, p) > max_nodes:
        _cut(t, p, max_nodes)
    if fold:
        _fold(t, p)
    return p


def _focus(t: Scene, p: Plan, owner: dict[int, int]) -> None:
    """A batch by its first sample: samples 2, 3 … hidden but for their result
    (the node the loss reads), so the shared parameters are used by sample 1's
    neurons only and go inside their boxes, as in a one-sample network."""
    results = {k: x for x, k in owner.items()
               if k >= 2 and t.values[x].fn is not None
               and any(owner.get(u.dst) != k for u in t.users[x])}
    hidden = {x for x, k in owner.items() if k >= 2 and results.get(k) != x}
    groups = find_groups(t, hidden)
    for g in groups:
        g.sample = p.samples.get(g.output)
    _number_neurons(groups)
    members = {m for g in groups for m in g.members}
    p.groups = groups
    p.hidden |= hidden
    p.focus = len(hidden)
    p.shared = [x for x in p.shared if x not in members]
    p.samples = {x: k for x, k in p.samples.items() if x not in hidden}


def _fold(t: Scene, p: Plan) -> None:
    """A chain of ops each on one value and constants (``(ŷ − 1)^2`` is ``ŷ − 1``
    then ``^2``) drawn as its last node, whose name shows the chain: the ops
    before it, unnamed and used by it alone, are not drawn, nor their constants.
    Edges then skip what is folded, so they carry no numbers."""
    in_group = p.group_of()

    def single(i: int) -> int | None:
        """The one input of op ``i`` that is not a constant, if it has one only."""
        ins = [u.src for u in t.inputs[i] if not t.is_constant(u.src)]
        return ins[0] if len(ins) == 1 else None

    for i in range(len(t.values)):  # inputs before users: a chain folds from its start
        if t.values[i].fn is None or i in p.hidden or i in in_group:
            continue
        c = single(i)
        start = single(c) if c is not None and t.values[c].fn is not None else None
        if (c is None or start is None or t.values[c].label or c in in_group
                or c in p.hidden or len(t.users[c]) != 1):
            continue
        p.folded[c] = p.folded.get(start, start)
        for u in t.inputs[c]:
            if t.is_constant(u.src) and all(w.dst == c for w in t.users[u.src]):
                p.folded[u.src] = None


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
        if i in kept:
            continue
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
                if u.src not in queued and u.src not in kept and u.src not in p.hidden:
                    queued.add(u.src)
                    queue.append(u.src)
    p.groups = [g for g in p.groups if g.output in kept]
    p.hidden = set(range(len(t.values))) - kept
    p.samples = {x: k for x, k in p.samples.items() if x in kept}
    p.shared = [x for x in p.shared if x in kept]
