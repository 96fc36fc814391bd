"""No quadratic corners in the core walks (issue: trust).

Every walk over a graph is linear in nodes + edges. Each case times a graph of
n and of 8n nodes (the best of a few runs, CPU time, the garbage collector off;
the small graph walked 8 times per run, above the timer's noise) and asserts the ratio is
far from the 64 a quadratic walk would give: a generous bound of 20, so a
loaded machine does not fail it, while quadratic growth cannot pass. The
drawing's own scaling test is in tests/test_draw_scale.py."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

import pytest

import autograd
from autograd import Value, grad, gradcheck
from autograd.tape import Tape

N = 1500
BOUND = 20.0


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


def best_time(fn: Callable[[], object], runs: int = 3) -> float:
    """The best CPU time of a few runs, the garbage collector off while timing
    (its full collections grow with everything alive, not with the walk)."""
    best = float("inf")
    gc.collect()
    gc.disable()
    try:
        for _ in range(runs):
            t = time.process_time()
            fn()
            best = min(best, time.process_time() - t)
    finally:
        gc.enable()
    return max(best, 1e-4)


@pytest.mark.parametrize("graph", list(GRAPHS))
@pytest.mark.parametrize("walk", list(WALKS))
def test_walks_are_linear(graph: str, walk: str) -> None:
    n = N // 4 if "create_graph" in walk else N  # it builds a graph of its own: slower
    small, big = GRAPHS[graph](n), GRAPHS[graph](8 * n)
    t1 = best_time(lambda: [WALKS[walk](*small) for _ in range(8)]) / 8  # 8 runs: above noise
    t8 = best_time(lambda: WALKS[walk](*big))
    assert t8 / t1 < BOUND, f"{walk} on a {graph} graph: {t1:.4f} s at n, {t8:.4f} s at 8n"


def test_gradcheck_is_linear_in_the_graph_size() -> None:
    def make(n: int) -> Callable[[Value], Value]:
        def fn(x: Value) -> Value:
            return shared_on(x, n)
        return fn

    def shared_on(x: Value, n: int) -> Value:
        return autograd.sum([(x * float(i % 7)).sigmoid() for i in range(n)])

    t1 = best_time(lambda: gradcheck(make(N // 4), [0.3]))
    t8 = best_time(lambda: gradcheck(make(2 * N), [0.3]))
    assert t8 / t1 < BOUND, f"gradcheck: {t1:.4f} s at n, {t8:.4f} s at 8n"
