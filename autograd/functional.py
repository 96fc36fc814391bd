"""``grad(output, inputs, create_graph=False)``: gradients as return values.

Without ``create_graph`` this is the float walk of ``backprop.py`` read off
the scratch slots, leaving every ``.grad`` untouched. With
``create_graph=True`` the same walk runs on Values: each op's ``df`` (the one
definition in the op table) is called with the input Values and the output
Value, so the gradients are recorded and can be differentiated again (second
and third derivatives, Hessians). Both follow one order and one accumulation
rule, so ``grad(...)``, ``grad(..., create_graph=True)`` and ``backward()``
give the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from . import ops
from .backprop import _clear_marks, exclusive, gradients, propagate_graph
from .value import Value, apply


def grad(output: Value, inputs: Value | Iterable[Value], create_graph: bool = False
         ) -> tuple[Any, ...]:
    """∂output/∂input for each input: floats, or Values with ``create_graph=True``.

    An input the output does not depend on gets 0."""
    if not isinstance(output, Value):
        raise TypeError(f"grad: output must be a Value, got {type(output).__name__}")
    xs: Sequence[Value] = (inputs,) if isinstance(inputs, Value) else tuple(inputs)
    for i, x in enumerate(xs):
        if not isinstance(x, Value):
            raise TypeError(f"grad: inputs[{i}] must be a Value, got {type(x).__name__}")
    if not create_graph:
        by_node = gradients(output)
        return tuple(by_node.get(x, 0.0) for x in xs)
    return tuple(_graph_grads(output, xs))


def _graph_grads(output: Value, xs: Sequence[Value]) -> list[Value]:
    """The chain rule on Values: contributions are recorded ops, added per node
    in the walk's order."""
    with exclusive("grad(create_graph=True)"):
        try:
            got: dict[Value, Any] = {}
            for node in propagate_graph(output, 1.0, _contributions, _sum):
                got[node] = node._g  # (a loop: see backprop.gradients)
            _clear_marks(output)
        except BaseException:  # see _clear_marks
            _clear_marks(output)
            raise
    return [_as_value(got.get(x, 0.0)) for x in xs]


def _contributions(node: Value, g: Any) -> Sequence[Any]:
    """Each input's share g × ∂node/∂input as recorded Values: the op's own
    ``vjp`` or ``df`` called on Values, as the float walk calls them on floats."""
    op = node._op
    assert op is not None
    if op.vjp is not None:
        return op.vjp(node._prev, node, g, *op.params)
    return [d * g for d in op.derivatives(node._prev, node)]


def _sum(parts: list[Any]) -> Any:
    """Several contributions as one recorded sum (the sum op adds as backward does)."""
    return apply(ops.SUM, parts)


def _as_value(g: Any) -> Value:
    return g if isinstance(g, Value) else Value(g)
