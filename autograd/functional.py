"""``grad(output, inputs, create_graph=False)``: gradients as return values.

Without ``create_graph`` this is the float backward pass of ``backprop.py``
read off the scratch slots, leaving every ``.grad`` untouched. With
``create_graph=True`` the same chain rule runs on Values: each op's
``df`` (the one definition in the op table) is called with the input Values
and the output Value, so the gradients are recorded and can be differentiated
again (second and third derivatives, Hessians).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from . import ops
from .backprop import backward_order, lock, propagate
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
        with lock:
            order = propagate(output, 1.0)
            result = tuple(0.0 if x._g is None else x._g for x in xs)
            for node in order:
                node._g = None
        return result
    return tuple(_graph_grads(output, xs))


def _graph_grads(output: Value, xs: Sequence[Value]) -> list[Value]:
    """The chain rule on Values: contributions are recorded ops, summed per node."""
    contributions: dict[Value, list[Any]] = {output: [1.0]}
    for node in reversed(backward_order(output)):
        parts = contributions.get(node)
        op = node._op
        if parts is None or op is None:
            continue
        g = _total(parts)
        contributions[node] = [g]
        for x, d in zip(node._prev, op.derivatives(node._prev, node)):
            contributions.setdefault(x, []).append(d * g)
    return [_as_value(_total(contributions.get(x, [0.0]))) for x in xs]


def _total(parts: list[Any]) -> Any:
    return parts[0] if len(parts) == 1 else apply(ops.SUM, parts)


def _as_value(g: Any) -> Value:
    return g if isinstance(g, Value) else Value(g)
