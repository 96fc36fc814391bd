"""Walking the graph: topological order and the backward pass.

Reverse-mode differentiation in two steps (the chain rule, node by node):

1. order the nodes below the root so that every node comes after its inputs
   (iterative depth-first search: no recursion limit);
2. seed ∂root/∂root = gradient and visit the nodes from the root down; each
   node adds ``local derivative × its own gradient`` into each input.

The local derivatives come from the node's op (``Op.df``); nothing here knows
any particular op. Gradients are gathered in a scratch slot ``_g`` and only
then added into ``.grad``, so a second ``backward()`` adds the same amounts
again (micrograd's would reuse the first pass's totals).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .modes import AnomalyError, current

if TYPE_CHECKING:
    from .value import Value


def topological_order(root: Value) -> list[Value]:
    """Every node below ``root`` once, inputs before the nodes that use them."""
    order: list[Value] = []
    seen = {root}
    stack = [(root, iter(root._prev))]
    while stack:
        node, inputs = stack[-1]
        for child in inputs:
            if child not in seen:
                seen.add(child)
                stack.append((child, iter(child._prev)))
                break
        else:  # all inputs done
            stack.pop()
            order.append(node)
    return order


def propagate(root: Value, gradient: float) -> list[Value]:
    """Fill ``node._g`` = ∂root/∂node × gradient for every node below root.

    Returns the topological order; the caller reads ``_g`` and resets it."""
    order = topological_order(root)
    for node in order:
        node._g = 0.0
    root._g = gradient
    if current.get().anomaly:
        _propagate_checked(order)
        return order
    try:
        for node in reversed(order):
            op = node._op
            if op is None:
                continue
            g = node._g
            inputs = node._prev
            if op.arity == 1:
                x = inputs[0]
                x._g += op.df(x.data, node.data, *op.params) * g
            elif op.arity == 2:
                a, b = inputs
                da, db = op.df(a.data, b.data, node.data, *op.params)
                a._g += da * g
                b._g += db * g
            else:
                for x, d in zip(inputs, op.df(tuple([x.data for x in inputs]), node.data),
                                strict=True):
                    x._g += d * g
    except (TypeError, ValueError) as e:
        _reset(order)
        name = op.name if op is not None else "?"
        raise type(e)(f"backward through op {name!r} failed: {e}") from e
    return order


def _propagate_checked(order: list[Value]) -> None:
    """The same pass, op by op through ``Op.derivatives``, stopping at the first nan."""
    try:
        for node in reversed(order):
            op = node._op
            if op is None:
                continue
            g = node._g
            ds = op.derivatives([x.data for x in node._prev], node.data)
            for i, (x, d) in enumerate(zip(node._prev, ds)):
                contribution = d * g
                if contribution != contribution and g == g:
                    inputs = ", ".join(repr(c.data) for c in node._prev)
                    raise AnomalyError(
                        f"op {op.name!r} produced a nan gradient in the backward pass "
                        f"for its input {i} ({x.label or 'unlabelled'}, value {x.data!r}); "
                        f"inputs ({inputs}), output {node.data!r}, "
                        f"local derivative {d!r}, upstream gradient {g!r}")
                x._g += contribution
    except AnomalyError:
        _reset(order)
        raise


def _reset(order: list[Value]) -> None:
    for node in order:
        node._g = 0.0


def backward(root: Value, gradient: float = 1.0) -> None:
    """Add ∂root/∂node × gradient into ``.grad`` of every node below root."""
    order = propagate(root, gradient)
    for node in order:
        node.grad += node._g
        node._g = 0.0
