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
from .op import Op
from .value import Value

__all__ = ["Tape"]


@dataclass(frozen=True)
class Tape:
    """The graph under a root as a program (see the module docstring)."""

    nodes: tuple[Value, ...]
    ops: tuple[Op | None, ...]
    args: tuple[tuple[int, ...], ...]

    @classmethod
    def of(cls, root: Any, where: str = "tape") -> Tape:
        """Record the graph under ``root`` (linear in nodes + edges)."""
        if not isinstance(root, Value):
            hint = (" (a network with several outputs returns a list: use one output, or "
                    "autograd.sum(outputs))" if isinstance(root, (list, tuple)) else "")
            raise TypeError(f"{where}: root must be a Value, got {type(root).__name__}{hint}")
        nodes = order(root)
        index = {node: i for i, node in enumerate(nodes)}
        return cls(tuple(nodes), tuple(node.fn for node in nodes),
                   tuple(tuple(index[c] for c in node.children) for node in nodes))

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
        walk (the numbers ``backward()`` adds into ``.grad``); no ``.grad`` changes."""
        by_node = gradients(self.nodes[-1], gradient)
        return [by_node.get(node, 0.0) for node in self.nodes]

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
