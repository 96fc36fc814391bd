"""The tape: the recorded graph under a root as a small, flat program.

A :class:`Tape` lists the nodes under a root in the one order of
``backprop.order`` (each node after its inputs, the root last). Node ``i`` is
``nodes[i]`` (the Value), made by ``ops[i]`` — None for a leaf (an input, a
parameter, a constant) — from the nodes ``args[i]`` (indices, in argument
order: ``a + a`` lists ``a`` twice), with the bound op's parameters in
``ops[i].params``. For f = (u + v)·w::

    0  u        leaf
    1  v        leaf
    2  w        leaf           (the order of creation: inputs always first)
    3  add      (0, 1)
    4  mul      (3, 2)         root

A fused node (``autograd.fuse``: a neuron's affine step and activation as one
node) is one entry; ``Tape.of(root, expand=True)`` shows it as its parts, an
entry for the intermediate value and one for the node, as readers that teach
(drawings, step-through) want; ``recorded[i]`` then says which recorded node
entry ``i`` stands for (None for a fused node's intermediate step).

This is what autodidax calls a jaxpr and HIPS autograd a ``const_graph``: the
one intermediate form that readers of a graph use instead of walking Values
themselves. Each reader is a *backend* with its own rule per op: the drawing
(the op's ``symbol``), replay on new inputs (the op's value ``f``:
:meth:`Tape.replay`), SymPy export (``autograd.sympy``). The numbers a reader
shows of the backward pass come from the engine's own walk
(:meth:`Tape.gradients`), never from a copy of the chain rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .backprop import gradients, order
from .fused import inner_gradient
from .op import Op
from .value import Value

_new = object.__new__

__all__ = ["Tape"]


@dataclass(frozen=True)
class Tape:
    """The graph under a root as a program (see the module docstring)."""

    nodes: tuple[Value, ...]
    ops: tuple[Op | None, ...]
    args: tuple[tuple[int, ...], ...]
    recorded: tuple[Value | None, ...] = ()

    @classmethod
    def of(cls, root: Any, where: str = "tape", *, expand: bool = False) -> Tape:
        """Record the graph under ``root`` (linear in nodes + edges); with
        ``expand``, each fused node as its parts."""
        if not isinstance(root, Value):
            hint = (" (a network with several outputs returns a list: use one output, or "
                    "autograd.sum(outputs))" if isinstance(root, (list, tuple)) else "")
            raise TypeError(f"{where}: root must be a Value, got {type(root).__name__}{hint}")
        nodes = order(root)
        if expand and any(node._op is not None and node._op.parts for node in nodes):
            return cls._expanded(nodes)
        index = {node: i for i, node in enumerate(nodes)}
        return cls(tuple(nodes), tuple(node.fn for node in nodes),
                   tuple(tuple(index[c] for c in node.children) for node in nodes),
                   tuple(nodes))

    @classmethod
    def _expanded(cls, nodes: list[Value]) -> Tape:
        """The tape with each fused node as two entries: its first part, made
        from the node's inputs (the intermediate value), then its last part."""
        out: list[Value] = []
        recorded: list[Value | None] = []
        index: dict[Value, Value] = {}
        for node in nodes:
            op = node._op
            if op is None or not op.parts:
                shown = node if op is None else _stand_in(
                    node._data, node._label, op, tuple(index[c] for c in node._prev))
                out.append(shown)
                recorded.append(node)
                index[node] = shown
                continue
            first, then = op.parts
            children = tuple(index[c] for c in node._prev)
            inner = _stand_in(first.value([c._data for c in children]), None, first, children)
            outer = _stand_in(node._data, node._label, then, (inner,))
            out += [inner, outer]
            recorded += [None, node]
            index[node] = outer
        position = {id(v): i for i, v in enumerate(out)}
        return cls(tuple(out), tuple(v._op for v in out),
                   tuple(tuple(position[id(c)] for c in v._prev) for v in out),
                   tuple(recorded))

    def __len__(self) -> int:
        return len(self.nodes)

    @property
    def root(self) -> int:
        """The index of the root (the last node)."""
        return len(self.nodes) - 1

    def data(self) -> list[float]:
        """Every node's value, as recorded."""
        return [node.data for node in self.nodes]

    def steps(self) -> list[int]:
        """The op nodes in the order backward handles them (the root first)."""
        return [i for i in range(len(self.nodes) - 1, -1, -1) if self.ops[i] is not None]

    def users(self) -> list[list[tuple[int, int]]]:
        """For each node, its uses ``(user, position)`` in the order backward
        reaches them: the user nearest the root first, positions in argument order."""
        users: list[list[tuple[int, int]]] = [[] for _ in self.nodes]
        for i in self.steps():
            for pos, j in enumerate(self.args[i]):
                users[j].append((i, pos))
        return users

    def gradients(self, gradient: float = 1.0) -> list[float]:
        """∂root/∂node × gradient for every node, by the engine's own backward
        walk (the numbers ``backward()`` adds into ``.grad``); no ``.grad``
        changes. A fused node's intermediate step gets what the fused op passes
        to its first part (``autograd.fused.inner_gradient``)."""
        recorded = self.recorded or self.nodes
        root = recorded[-1]
        assert root is not None
        by_node = gradients(root, gradient)
        grads = [0.0 if r is None else by_node.get(r, 0.0) for r in recorded]
        for i, r in enumerate(recorded):
            if r is None:  # the intermediate step of the fused node that follows it
                fused = recorded[i + 1]
                assert fused is not None and fused.fn is not None
                grads[i] = 0.0 + inner_gradient(fused.fn, self.nodes[i].data, fused.data,
                                                grads[i + 1])
        return grads

    def local_derivatives(self) -> list[tuple[float, ...]]:
        """For each node, ∂node/∂input for each of its inputs (empty for a leaf):
        the op's ``df`` at the recorded values, the factors backward multiplies by."""
        out: list[tuple[float, ...]] = []
        for node, op in zip(self.nodes, self.ops):
            if op is None:
                out.append(())
                continue
            try:
                ds = op.derivatives([c.data for c in node.children], node.data)
            except Exception as e:  # a user-defined op's derivative failing
                raise type(e)(f"the local derivative of op {op.name!r} "
                              f"(node {node!r}) failed: {e}") from e
            out.append(tuple(float(d) for d in ds))
        return out

    def replay(self, leaves: Mapping[int, float] | Sequence[float] | None = None
               ) -> list[float]:
        """Every node's value computed again from the op table (each op's ``f``),
        with the leaves at their recorded values or at ``leaves`` (a mapping
        index → value, or one value per leaf in tape order)."""
        values = self.data()
        leaf_ids = [i for i, op in enumerate(self.ops) if op is None]
        if leaves is not None:
            given = leaves if isinstance(leaves, Mapping) else dict(zip(leaf_ids, leaves))
            if not isinstance(leaves, Mapping) and len(leaves) != len(leaf_ids):
                raise ValueError(f"replay: {len(leaves)} values for {len(leaf_ids)} leaves")
            for i, x in given.items():
                if self.ops[i] is not None:
                    raise ValueError(f"replay: node {i} is not a leaf")
                values[i] = float(x)
        for i, op in enumerate(self.ops):
            if op is not None:
                values[i] = op.value([values[j] for j in self.args[i]])
        return values


def _stand_in(data: float, label: str | None, op: Op, children: tuple[Value, ...]) -> Value:
    """A Value that shows one part of a fused node in an expanded tape; it is
    never recorded (no creation number) and the engine never walks it."""
    v: Value = _new(Value)
    v._data, v._grad, v._label, v._op, v._prev, v._g, v._id = data, 0.0, label, op, children, \
        None, -1
    return v
