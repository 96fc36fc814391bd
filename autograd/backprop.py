"""Walking the graph: the one order and the one chain-rule walk.

Every node gets a creation number when it is made (``Value._id``), and inputs
are always made before the nodes that use them. That gives the one order all
readers of a graph share — the tape that drawing, step-through and exporters
read, ``autograd.topological_order`` — : by creation, inputs first, root last.

The backward walk (the chain rule, node by node) takes the nodes in the
reverse of that order, from the root down, with a heap of the nodes reached
so far: the node handled next is the most recently made one, so all its users
are done and its gradient is final. Each handled node adds
``local derivative × its gradient`` for each input. The accumulation rule:
a node's gradient is ``sum`` of its contributions (from 0.0) in the order its
users were made. Contributions arrive in the reverse order, so a node reached
more than once keeps them in a list until it is handled.

A node whose gradient is exactly 0 and whose op is ``zero_safe`` (its local
derivatives are finite wherever its value is) is not expanded: its
contributions would all be exact zeros, which change no sum. Whole dead
subgraphs (a hinge term at 0, an off ReLU) are never visited. Where a local
derivative may be infinite, 0 × inf = nan still comes out.

The local derivatives come from the node's op (``Op.df``); nothing here knows
any particular op. Gradients are gathered in each node's scratch slot ``_g``
and only then added into ``.grad``, so a second ``backward()`` adds the same
amounts again (micrograd's would reuse the first pass's totals). The same
walk on Values, for ``grad(create_graph=True)``, is :func:`propagate_graph`:
same order, same rule, same numbers.

``_g`` is ``None`` outside a pass. Every pass puts ``None`` back, also when it
fails or is interrupted, and passes hold ``lock``, so threads whose graphs
share nodes (parameters) take turns. A pass started from inside another pass
of the same thread (an op's derivative calling ``backward()``) raises a clear
RuntimeError instead of reusing the scratch slots.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from heapq import heappop, heappush, heapreplace
from itertools import repeat
from operator import attrgetter, mul
from typing import TYPE_CHECKING, Any

from .modes import AnomalyError, current

if TYPE_CHECKING:
    from .op import Op
    from .value import Value

SEEN = object()  # the mark of a node reached by :func:`order`
_last_write = -1  # the creation number a leaf's .data was last written at
_creation = attrgetter("_id")
lock = threading.RLock()  # held by every pass that uses the scratch slots
_running = threading.local()  # .active: this thread is inside a pass


@contextmanager
def exclusive(what: str) -> Iterator[None]:
    """Hold ``lock`` for one pass; refuse a pass nested in another of this thread."""
    with lock:
        if getattr(_running, "active", False):
            raise RuntimeError(f"{what} was called while another backward pass of this thread "
                               f"is running (from inside an op's derivative?): passes cannot "
                               f"nest; compute it before or after the pass")
        try:  # set inside the try: an interrupt just after it cannot leave it set
            _running.active = True
            yield
        finally:
            _running.active = False


def wrote(creation: int) -> None:
    """A leaf's ``.data`` was just written; it now has this creation number."""
    global _last_write
    _last_write = creation


def last_write() -> int:
    """The creation number of the last ``.data`` write to a leaf (-1: none yet):
    a value that changes whenever any leaf's data does."""
    return _last_write


class StaleGraphError(RuntimeError):
    """A node was made from a leaf whose ``.data`` was changed afterwards."""


def check_fresh(reached: list[Value], oldest: int | None = None) -> None:
    """Refuse a walk over a node made before one of its inputs' ``.data`` was
    written (its value and derivatives would mix old and new data). Costs
    nothing unless some leaf was written after the oldest op node reached was
    made (``oldest``, its creation number, if the caller knows it); then every
    reached edge is checked."""
    if oldest is None:
        oldest = min((n._id for n in reached if n._op is not None), default=None)
    if oldest is None or _last_write < oldest:
        return
    for node in reached:
        for x in node._prev:
            if x._id > node._id:
                raise StaleGraphError(
                    f"{x!r} had its .data changed after {node!r} was computed from it: "
                    f"the graph is stale (its values and gradients would mix the old and "
                    f"the new data); compute the output again from the inputs")


def _clear_marks(root: Value) -> None:
    """Put ``None`` back wherever a mark or scratch value is left under root
    (after a pass, or a failed one). An interrupt during the clean-up restarts
    it, and is raised once it is done.

    An interrupt can also arrive as this function is entered, before its
    ``try``: callers clean in their ``try`` and again in their ``except``
    (``try: ...; _clear_marks(r) except BaseException: _clear_marks(r); raise``),
    so that a pass hit by one interrupt at any moment leaves no mark."""
    pending: BaseException | None = None
    stack = [root]  # kept through an interrupt: cleaning goes on where it was
    while True:
        try:
            while stack:
                node = stack[-1]
                if node._g is None:
                    stack.pop()
                else:  # its inputs go on top before its mark goes: if an interrupt
                    stack.extend(node._prev)  # falls in between, it is met again
                    node._g = None
            break
        except BaseException as e:  # finish cleaning first
            pending = pending or e
    if pending is not None:
        raise pending


def order(root: Value) -> list[Value]:
    """Every node below ``root`` once, by creation: each after its inputs, the
    root last. The order of the tape, and the reverse of backward's."""
    with exclusive("topological_order"):
        nodes: list[Value] = [root]
        try:
            root._g = SEEN
            for node in nodes:  # grows as it goes: each node reached once
                for x in node._prev:
                    if x._g is None:
                        x._g = SEEN
                        nodes.append(x)
            _clear_marks(root)
        except BaseException:  # see _clear_marks
            _clear_marks(root)
            raise
    nodes.sort(key=_creation)  # by creation number (a C sort, not a walk)
    return nodes


#: The public name (``autograd.topological_order``).
topological_order = order


def propagate(root: Value, gradient: float) -> list[Value]:
    """The chain rule on floats: sets ``node._g`` = ∂root/∂node × gradient on
    every node reached and returns them (the caller holds the lock and puts
    ``None`` back in ``_g``, also on failure). Nodes not reached (only behind
    an unexpanded zero) have gradient 0.

    The frontier (nodes reached, not handled yet) is ``nxt``, the newest input
    the last handled node reached first, and ``runs``, a heap of lists of
    nodes sorted by creation, keyed by their newest node: handling the newest of
    them next needs no heap operation along a chain, and a wide node's inputs
    (a sum of 10⁵ terms) are one run, not 10⁵ heap entries. Inputs are visited
    last to first, so that a node's list of contributions, reversed, has each
    user's contributions in argument order."""
    if root._op is None:
        root._g = gradient
        return [root]
    reached: list[Value] = []
    leaves: list[Value] = []
    runs: list[tuple[int, list[Value]]] = []
    root._g = gradient
    node: Value | None = root
    op: Op | None = None
    try:
        while node is not None:
            g = node._g
            if type(g) is list:  # from several users: their sum, in their creation order
                g.reverse()
                g = node._g = sum(g, 0.0)
            reached.append(node)
            op = node._op
            assert op is not None  # leaves never enter the frontier
            nxt: Value | None = None
            if g != 0.0 or not op.zero_safe or node._data - node._data != 0.0:
                inputs = node._prev
                vjp = op.vjp
                if op.arity == 1 and vjp is None:
                    x = inputs[0]
                    if op.params:
                        c = op.df(x._data, node._data, *op.params) * g
                    else:
                        c = op.df(x._data, node._data) * g
                    b = x._g
                    if b is None:  # reached first: a leaf waits in a list, a node is next
                        x._g = c
                        if x._op is None:
                            leaves.append(x)
                        else:
                            nxt = x
                    elif type(b) is list:
                        b.append(c)
                    else:
                        x._g = [b, c]
                elif op.arity == 2 and vjp is None:  # as above, the second input first
                    a, x = inputs
                    if op.params:
                        da, dx = op.df(a._data, x._data, node._data, *op.params)
                    else:
                        da, dx = op.df(a._data, x._data, node._data)
                    c = dx * g
                    b = x._g
                    if b is None:
                        x._g = c
                        if x._op is None:
                            leaves.append(x)
                        else:
                            nxt = x
                    elif type(b) is list:
                        b.append(c)
                    else:
                        x._g = [b, c]
                    c = da * g
                    b = a._g
                    if b is None:
                        a._g = c
                        if a._op is None:
                            leaves.append(a)
                        elif nxt is None:
                            nxt = a
                        elif a._id > nxt._id:
                            heappush(runs, (-nxt._id, [nxt]))
                            nxt = a
                        else:
                            heappush(runs, (-a._id, [a]))
                    elif type(b) is list:
                        b.append(c)
                    else:
                        a._g = [b, c]
                else:
                    if vjp is not None:  # the op makes its contributions itself
                        cs = vjp(tuple([x._data for x in inputs]), node._data, g, *op.params)
                        if cs is None:  # all exact zeros
                            cs = ()
                        elif len(cs) != len(inputs):
                            raise ValueError(f"{len(cs)} contributions for {len(inputs)} inputs")
                        else:
                            cs = cs[::-1]
                    else:
                        ds = op.df(tuple([x._data for x in inputs]), node._data)
                        if len(ds) != len(inputs):
                            raise ValueError(f"{len(ds)} derivatives for {len(inputs)} inputs")
                        cs = map(mul, ds[::-1], repeat(g))
                    new: list[Value] | None = None
                    for x, c in zip(inputs[::-1], cs):
                        b = x._g
                        if b is None:  # as above; the new nodes make one run
                            x._g = c
                            if x._op is None:
                                leaves.append(x)
                            elif new is None:
                                new = [x]
                            else:
                                new.append(x)
                        elif type(b) is list:
                            b.append(c)
                        else:
                            x._g = [b, c]
                    if new is not None:
                        if len(new) > 1:
                            new.sort(key=_creation)
                            nxt = new.pop()
                            heappush(runs, (-new[-1]._id, new))
                        else:
                            nxt = new[0]
            # the next node: the newest of nxt and the runs' newest nodes
            if nxt is not None and (not runs or nxt._id > -runs[0][0]):
                node = nxt
                continue
            if nxt is not None:
                heappush(runs, (-nxt._id, [nxt]))
            if not runs:
                break
            run = runs[0][1]
            node = run.pop()
            if run:
                heapreplace(runs, (-run[-1]._id, run))
            else:
                heappop(runs)
    except (TypeError, ValueError) as e:
        name = op.name if op is not None else "?"
        raise type(e)(f"backward through op {name!r} failed: {e}") from e
    for x in leaves:
        g = x._g
        if type(g) is list:
            g.reverse()
            x._g = sum(g, 0.0)
    # op nodes are handled newest first (leaves keep out of the heap, and only
    # a leaf's creation number changes), so the last handled is the oldest
    check_fresh(reached, reached[-1]._id)
    reached += leaves
    if current.get().anomaly:
        _find_nan(reached)
    return reached



def propagate_graph(root: Value, gradient: Any,
                    contributions: Callable[[Value, Any], Sequence[Any]],
                    total: Callable[[list[Any]], Any]) -> list[Value]:
    """The chain rule on Values (``grad(create_graph=True)``): the walk of
    :func:`propagate` (same order, same rule), expanding every node, with
    ``contributions(node, g)`` giving each input's share as recorded Values
    (the op's ``vjp``, or ``df × g``) and ``total(parts)`` adding several
    contributions (in their users' creation order) as one recorded sum, so the
    gradients are Values that can be differentiated again. Sets ``_g`` on
    every node reached and returns them."""
    root._g = gradient
    heap = [(-root._id, root)]
    reached: list[Value] = []
    while heap:
        node = heappop(heap)[1]
        g = node._g
        if type(g) is list:
            g.reverse()
            g = total(g)
        node._g = g
        reached.append(node)
        if node._op is None:
            continue
        cs = contributions(node, g)
        for x, c in zip(node._prev[::-1], cs[::-1]):  # last to first, as propagate
            b = x._g
            if b is None:
                x._g = c
                heappush(heap, (-x._id, x))
            elif type(b) is list:
                b.append(c)
            else:
                x._g = [b, c]
    check_fresh(reached)
    return reached


def _find_nan(reached: list[Value]) -> None:
    """Under ``detect_anomaly()``: the first contribution the walk made that is
    nan although its upstream gradient is not raises AnomalyError naming the op."""
    for node in reached:
        op, g = node._op, node._g
        if op is None or g != g:
            continue
        datas = [x._data for x in node._prev]
        ds = op.derivatives(datas, node._data)
        cs = op.vjp(tuple(datas), node._data, g, *op.params) if op.vjp else None
        for i, (x, d) in enumerate(zip(node._prev, ds)):
            contribution = d * g if op.vjp is None else (cs[i] if cs is not None else 0.0)
            if contribution != contribution:
                inputs = ", ".join(repr(c._data) for c in node._prev)
                raise AnomalyError(
                    f"op {op.name!r} produced a nan gradient in the backward pass "
                    f"for its input {i} ({x.label or 'unlabelled'}, value {x._data!r}); "
                    f"inputs ({inputs}), output {node._data!r}, "
                    f"local derivative {d!r}, upstream gradient {g!r}")


def gradients(root: Value, gradient: float = 1.0) -> dict[Value, float]:
    """∂root/∂node × gradient for every node the walk reaches, by the walk
    backward uses (absent nodes: 0), without touching any ``.grad``."""
    with exclusive("the gradient walk"):
        try:
            found: dict[Value, float] = {}
            for node in propagate(root, gradient):  # (a loop, not a comprehension: an
                found[node] = 0.0 + node._g  # interrupt in one is caught here on 3.12+)
            _clear_marks(root)
        except BaseException:  # see _clear_marks
            _clear_marks(root)
            raise
        return found


def backward(root: Value, gradient: float = 1.0) -> None:
    """Add ∂root/∂node × gradient into ``.grad`` of every node below root.

    All or nothing: if the walk fails or is interrupted, no ``.grad`` changes;
    the write-back itself cannot fail (``.grad`` always holds a float), and an
    interrupt during it is held back until every ``.grad`` is updated."""
    with exclusive("backward()"):
        try:
            _write_back(propagate(root, gradient))
        except BaseException:
            # the walk failed or was interrupted, or the write-back was as it began:
            # no .grad changed (once begun, it finishes before raising); clear the marks
            _clear_marks(root)
            raise


def _write_back(nodes: list[Value]) -> None:
    """``.grad += _g`` on every node and clear ``_g``. An interrupt (Ctrl-C, a
    signal handler) arriving inside the loop is held back until every node is
    written: the node it hit is recognised by ``old`` (its ``.grad`` before the
    addition; a float addition always makes a new object)."""
    node: Value | None = None
    old: float | None = None
    try:
        for node in nodes:
            old = node._grad
            node._grad = old + node._g
            node._g = None
            old = None
    except BaseException:
        state: list[Any] = [node, old]
        while True:  # finish the write-back, also through further interrupts
            try:
                _settle(state)
                _add_rest(nodes, state)
                break
            except BaseException:
                continue
        raise


def _settle(state: list[Any]) -> None:
    """The interrupted node: if its ``.grad`` is already the new object, only
    its ``_g`` is left to clear."""
    node, old = state
    if node is not None and old is not None and node._g is not None \
            and node._grad is not old:
        node._g = None
    state[1] = None


def _add_rest(nodes: list[Value], state: list[Any]) -> None:
    """The write-back of the nodes not written yet, recording in ``state``
    where it is, so that another interrupt can be settled the same way."""
    for node in nodes:
        g = node._g
        if g is None:
            continue
        state[0], state[1] = node, None
        old = node._grad
        state[1] = old
        node._grad = old + g
        node._g = None
