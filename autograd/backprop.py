"""Walking the graph: topological order and the backward pass.

Reverse-mode differentiation in two steps (the chain rule, node by node):

1. order the nodes below the root so that every node comes after its inputs
   (iterative depth-first search: no recursion limit);
2. seed ∂root/∂root = gradient and visit the nodes from the root down; each
   node adds ``local derivative × its own gradient`` into each input.

The local derivatives come from the node's op (``Op.df``); nothing here knows
any particular op. Gradients are gathered in each node's scratch slot ``_g``
and only then added into ``.grad``, so a second ``backward()`` adds the same
amounts again (micrograd's would reuse the first pass's totals).

``_g`` doubles as the search's mark: ``None`` outside a pass (not reached),
``OPEN`` while the node's inputs are being ordered, then the scratch float.
Every pass puts ``None`` back, also when it fails, and passes hold ``lock``,
so threads whose graphs share nodes (parameters) take turns.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from .modes import AnomalyError, current

if TYPE_CHECKING:
    from .value import Value

OPEN = object()  # mark of a node whose inputs are still being ordered
lock = threading.RLock()  # held by every pass that uses the marks


def _order(root: Value) -> list[Value]:
    """Nodes below root, inputs first; sets each one's ``_g`` to 0.0."""
    order: list[Value] = []
    stack = [root]
    while stack:
        node = stack[-1]
        if node._g is None:  # first visit: open it and push its inputs
            node._g = OPEN
            for child in node._prev:
                if child._g is None:
                    if child._prev:
                        stack.append(child)
                    else:  # a leaf needs no opening
                        child._g = 0.0
                        order.append(child)
        else:
            stack.pop()
            if node._g is OPEN:  # all its inputs are ordered
                node._g = 0.0
                order.append(node)
    return order


def _clear(order: list[Value]) -> None:
    for node in order:
        node._g = None


def topological_order(root: Value) -> list[Value]:
    """Every node below ``root`` once, inputs before the nodes that use them: a
    depth-first walk taking inputs in argument order, so ``(u + v) * w`` gives
    u, v, u+v, w, f (drawings and checks rely on that reading order). It uses no
    marks, so it is safe at any time; backward uses the faster ``_order``."""
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
        else:  # all its inputs are ordered
            stack.pop()
            order.append(node)
    return order


def backward_order(root: Value) -> list[Value]:
    """The order backward visits nodes in (reversed), for ``grad(create_graph=True)``,
    so that both sum each node's contributions in the same order, bit for bit."""
    with lock:
        try:
            order = _order(root)
        except BaseException:
            _clear_marks(root)
            raise
        _clear(order)
    return order


def _clear_marks(root: Value) -> None:
    """After an interrupted search: put ``None`` back wherever a mark is left."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node._g is not None:
            node._g = None
            stack.extend(node._prev)


def propagate(root: Value, gradient: float) -> list[Value]:
    """Set ``node._g`` = ∂root/∂node × gradient on every node below root.

    Returns the topological order; the caller holds ``lock``, reads ``_g``
    and must ``_clear`` it (``backward`` and ``grad`` do)."""
    try:
        order = _order(root)
    except BaseException:
        _clear_marks(root)
        raise
    root._g = gradient
    try:
        if current.get().anomaly:
            _propagate_checked(order)
        else:
            _propagate(order)
    except BaseException:
        _clear(order)
        raise
    return order


def _propagate(order: list[Value]) -> None:
    op = None
    try:
        for node in reversed(order):
            op = node._op
            if op is None:
                continue
            g = node._g
            inputs = node._prev
            if op.arity == 1:
                x = inputs[0]
                if op.params:
                    x._g += op.df(x._data, node._data, *op.params) * g
                else:
                    x._g += op.df(x._data, node._data) * g
            elif op.arity == 2:
                a, b = inputs
                if op.params:
                    da, db = op.df(a._data, b._data, node._data, *op.params)
                else:
                    da, db = op.df(a._data, b._data, node._data)
                a._g += da * g
                b._g += db * g
            else:
                ds = op.df(tuple([x._data for x in inputs]), node._data)
                if len(ds) != len(inputs):
                    raise ValueError(f"{len(ds)} derivatives for {len(inputs)} inputs")
                for x, d in zip(inputs, ds):
                    x._g += d * g
    except (TypeError, ValueError) as e:
        name = op.name if op is not None else "?"
        raise type(e)(f"backward through op {name!r} failed: {e}") from e


def _propagate_checked(order: list[Value]) -> None:
    """The same pass, op by op through ``Op.derivatives``, stopping at the first nan."""
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


def backward(root: Value, gradient: float = 1.0) -> None:
    """Add ∂root/∂node × gradient into ``.grad`` of every node below root."""
    with lock:
        order = propagate(root, gradient)
        for node in order:
            node._grad += node._g
            node._g = None
