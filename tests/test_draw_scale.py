"""Drawing is linear in nodes + edges: the work at 8n over the work at n.

Not a timed assertion of speed (that is ``bench/draw_scale.py``): the lines of
Python executed (``counting.work``) grow 8 times on a graph 8 times bigger for a
linear walk, 64 times for a quadratic one; the count is the same at any machine
load. The threshold, 12, leaves room for what grows slowly (longer labels and
numbers) and still fails on quadratic growth (the old collapsed-sum drawing
took 78 times longer)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from counting import work

import autograd
from autograd import Value, draw, step_through
from autograd.drawing.dot import DotWriter, Moment, measure
from autograd.drawing.graph import plan, read
from autograd.drawing.style import Style

N = 1500
LIMIT = 12.0


def wide_sum(n: int) -> Value:
    """One node with n inputs (labelled and constant leaves alternating)."""
    return autograd.sum([Value(float(i % 5), label=f"x{i}") if i % 2 else Value(float(i % 3))
                         for i in range(n)])


def chain(n: int) -> Value:
    """n ops in a chain, one leaf used by every other op (a node with n/2 users)."""
    x = Value(0.5, label="x")
    y = x
    for k in range(n):
        y = (y * 1.0001).tanh() if k % 2 else y + x
    return y


def layer(n: int) -> Value:
    """n/4 tanh neurons of 3 inputs, summed: neurons found, collapsed, cut."""
    xs = [Value(0.1 * i, label=f"x{i + 1}") for i in range(3)]
    count = max(1, n // 4)
    weights = [[Value(0.01 * ((j + i) % 11 - 5), label=f"w[{j},{i}]") for i in range(3)]
               for j in range(count)]
    biases = [Value(0.0, label=f"b[{j}]") for j in range(count)]
    return autograd.sum(autograd.neurons(weights, xs, biases, "tanh"))


def ratio(make: Callable[[int], Value], job: Callable[[Value], Any]) -> float:
    small, big = make(N), make(8 * N)
    job(small)  # warm up imports and caches
    return work(lambda: job(big)) / work(lambda: job(small))


@pytest.mark.parametrize("make", [wide_sum, chain, layer], ids=["sum", "chain", "layer"])
def test_draw_is_linear(make: Callable[[int], Value]) -> None:
    r = ratio(make, lambda root: draw(root, "backward").source)
    assert r < LIMIT, f"draw took {r:.1f}× longer on a graph 8× bigger (linear: ~8)"


@pytest.mark.parametrize("make", [wide_sum, chain, layer], ids=["sum", "chain", "layer"])
def test_every_view_and_a_frame_are_linear(make: Callable[[int], Value]) -> None:
    """Reading, planning (collapsing, cutting), measuring every cell over every
    view and frame, and writing one step-through frame of each pass."""
    s = Style()

    def everything(root: Value) -> None:
        t = read(root)
        p = plan(t, max_nodes=300, collapse="auto", clusters=True)
        lay = measure(t, p, s, header=[["a caption"]])
        for m in (Moment("forward", len(t.steps) // 2), Moment("backward", len(t.steps) // 2)):
            DotWriter(t, p, s, "backward", m, layout=lay).source()
        for view in ("forward", "both"):
            DotWriter(t, p, s, view, layout=lay).source()

    r = ratio(make, everything)
    assert r < LIMIT, f"{r:.1f}× longer on a graph 8× bigger (linear: ~8)"


def test_nothing_is_cut_without_a_note_at_any_size() -> None:
    d = draw(wide_sum(8 * N), "backward")
    assert any(f"of {8 * N + 1} values not shown" in note for note in d.notes)
    assert d.source.count(" -> ") < 1000  # what reaches Graphviz stays small


@pytest.mark.parametrize("make", [wide_sum, chain], ids=["sum", "chain"])
def test_step_through_is_linear(make: Callable[[int], Value]) -> None:
    """Every frame of a wide sum (one step with 8n inputs) and the frames' shared
    layout; a chain has too many steps for a lecture, so only its refusal is timed."""
    def frames(root: Value) -> None:
        try:
            s = step_through(root)
        except ValueError as e:
            assert "max_steps" in str(e)
            return
        for frame in s:
            assert len(frame.source) < 200_000

    r = ratio(make, frames)
    assert r < LIMIT, f"step_through took {r:.1f}× longer on a graph 8× bigger (linear: ~8)"


def test_a_wide_sum_steps_through_with_a_short_caption() -> None:
    """One step through a sum of 16k leaves names its first inputs and how many more,
    in the player's text and in the frame's picture."""
    n = 16_000
    s = step_through(wide_sum(n))
    last = s.captions[-1]
    assert last.endswith(f"… and {n // 2 - 5} more inputs.") and len(last) < 300, last
    assert "x1 += 1 × 1 = 1; x3 += 1 × 1 = 1" in last
    assert "more inputs" in s[-1].source
