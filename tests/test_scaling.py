"""No quadratic corners in the core walks (issue: trust).

Every walk over a graph is linear in nodes + edges. Each case counts the lines
of Python a walk executes (``sys.settrace``) on a graph of n and of 8n nodes
and asserts the ratio is near 8, far from the 64 of a quadratic walk. Counts,
not times: the same on any machine at any load (speed itself is measured in
bench/). Work done inside one C call (a sort) is not counted. The drawing's own
scaling test is in tests/test_draw_scale.py."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from counting import work

import autograd
from autograd import Value, grad, gradcheck
from autograd.tape import Tape

N = 1500
BOUND = 10.0  # 8 for a linear walk; a quadratic one gives 64, n log n in Python ~10


def chain(n: int) -> tuple[list[Value], Value]:
    x = Value(0.5, label="x")
    y = x
    for _ in range(n):
        y = (y * 1.0001 + 0.001).tanh()
    return [x], y


def wide(n: int) -> tuple[list[Value], Value]:
    xs = [Value(0.001 * i) for i in range(n)]
    return xs, autograd.sum([x * x for x in xs])


def shared(n: int) -> tuple[list[Value], Value]:
    """One leaf used by n nodes that all feed the root (a fan-out the size of the graph)."""
    x = Value(0.3, label="x")
    return [x], autograd.sum([(x * float(i % 7)).sigmoid() for i in range(n)])


def deep_fan_in(n: int) -> tuple[list[Value], Value]:
    """A chain where every node also feeds the root: long edges across the order."""
    x = Value(0.2, label="x")
    ys, y = [], x
    for _ in range(n):
        y = (y * 0.999).tanh()
        ys.append(y)
    return [x], autograd.sum(ys)


GRAPHS = {"chain": chain, "wide": wide, "shared": shared, "deep fan-in": deep_fan_in}
WALKS: dict[str, Callable[[list[Value], Value], object]] = {
    "topological_order": lambda xs, root: autograd.topological_order(root),
    "backward": lambda xs, root: root.backward(),
    "grad": lambda xs, root: grad(root, xs),
    "grad(create_graph=True)": lambda xs, root: grad(root, xs[:1], create_graph=True),
    "tape": lambda xs, root: Tape.of(root).gradients(),
    "zero_grad": lambda xs, root: root.zero_grad(),
}


@pytest.mark.parametrize("graph", list(GRAPHS))
@pytest.mark.parametrize("walk", list(WALKS))
def test_walks_are_linear(graph: str, walk: str) -> None:
    n = N // 4 if "create_graph" in walk else N  # it builds a graph of its own: slower
    small, big = GRAPHS[graph](n), GRAPHS[graph](8 * n)
    w1 = work(lambda: WALKS[walk](*small))
    w8 = work(lambda: WALKS[walk](*big))
    assert w8 / w1 < BOUND, f"{walk} on a {graph} graph: {w1} lines at n, {w8} at 8n"


def test_gradcheck_is_linear_in_the_graph_size() -> None:
    def make(n: int) -> Callable[[Value], Value]:
        def fn(x: Value) -> Value:
            return shared_on(x, n)
        return fn

    def shared_on(x: Value, n: int) -> Value:
        return autograd.sum([(x * float(i % 7)).sigmoid() for i in range(n)])

    w1 = work(lambda: gradcheck(make(N // 4), [0.3]))
    w8 = work(lambda: gradcheck(make(2 * N), [0.3]))
    assert w8 / w1 < BOUND, f"gradcheck: {w1} lines at n, {w8} at 8n"
