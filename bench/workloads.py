"""The workloads of issue 2 (item 7), written once for both engines.

- W1 chain: y = x, then N times y = tanh(y·1.0001 + 0.001); backward.
  A graph 3N nodes deep (plus 2N constant leaves).
- W2 wide: s = Σ a_i·b_i over n fresh leaves a_i, b_i; backward.
- W3 micrograd's moons demo: MLP(2, [16, 16, 1]) on 100 two-moons points,
  loss = mean(relu(1 − y·score)) + 1e-4·Σp², SGD with lr = 1 − 0.9·k/100.
  Each step also records how many hinge terms relu(1 − y·score) are non-zero
  (only those pass a gradient back to the network). ``frozen=True`` is the
  control: the same steps with lr = 0, so the weights, the loss and the
  (dense) set of non-zero hinge terms stay those of step 1.
- W4: MLP(2, [64, 64, 1]) forward + backward over 256 two-moons points
  (the W3 data loss, no update).

Each function returns a dict of plain numbers (times, values, gradients) so
that a worker process can print it as JSON. Only the work itself is timed;
data generation, model construction and checks are not. Every time is a pair
``[wall, cpu]`` in seconds: ``time.perf_counter`` and ``time.process_time``
(the CPU time of this process, which other jobs on a shared machine disturb
far less than the wall clock).

For instruction counts (``bench/compare.py --callgrind``) the worker sets
:data:`region_start` and :data:`region_end`, called right before a workload's
first clock reading and right after its last one, to functions that valgrind
recognises; by default they do nothing.
"""

from __future__ import annotations

import gc
import hashlib
import os
import struct
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from .data import make_moons, uniform_floats
from .engines import Engine

Result = dict[str, Any]

W1_X0 = 0.5
MOONS_NOISE = 0.1
W3_SIZES = (16, 16, 1)
W4_SIZES = (64, 64, 1)
W3_REG = 1e-4


def _no_mark() -> object:
    return None


#: Called right before the measured region of a workload (and ``region_end``
#: right after it); see the module docstring.
region_start: Callable[[], object] = _no_mark
region_end: Callable[[], object] = _no_mark


def set_region_markers(start: Callable[[], object], end: Callable[[], object]) -> None:
    """Make the workloads call ``start()`` and ``end()`` around their measured region."""
    global region_start, region_end
    region_start, region_end = start, end


def digest(xs: Sequence[float]) -> str:
    """A SHA-256 of the exact bits of ``xs`` (float64): equal iff the numbers are."""
    return hashlib.sha256(struct.pack(f"<{len(xs)}d", *xs)).hexdigest()


def clock() -> tuple[float, float]:
    """(wall, cpu) now."""
    return time.perf_counter(), time.process_time()


def elapsed(t0: tuple[float, float], t1: tuple[float, float]) -> list[float]:
    """[wall, cpu] seconds from ``t0`` to ``t1``."""
    return [t1[0] - t0[0], t1[1] - t0[1]]


def rss_bytes() -> int | None:
    """Resident set size of this process now (Linux ``/proc/self/statm``), None elsewhere."""
    try:
        with open("/proc/self/statm") as f:
            resident_pages = int(f.read().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return resident_pages * os.sysconf("SC_PAGE_SIZE")


def count_nodes(engine: Engine, root: Any) -> int:
    """Number of distinct Value objects in the graph under ``root``, leaves
    (parameters, inputs, constants) included, root included."""
    seen = {id(root)}
    stack = [root]
    while stack:
        node = stack.pop()
        for child in engine.children(node):
            if id(child) not in seen:
                seen.add(id(child))
                stack.append(child)
    return len(seen)


# -- W1 -----------------------------------------------------------------------


def w1_chain(engine: Engine, n: int) -> Result:
    """y = x; N times y = tanh(y·1.0001 + 0.001); y.backward()."""
    x = engine.value(W1_X0)
    region_start()
    t0 = clock()
    y = x
    for _ in range(n):
        y = engine.tanh(y * 1.0001 + 0.001)
    t1 = clock()
    y.backward()
    t2 = clock()
    region_end()
    return {"times": {"total": elapsed(t0, t2), "forward": elapsed(t0, t1),
                      "backward": elapsed(t1, t2)},
            "value": float(y.data), "grad": float(x.grad)}


# -- W2 -----------------------------------------------------------------------


def _w2_build(engine: Engine, a_data: list[float], b_data: list[float]
              ) -> tuple[list[Any], list[Any], Any, dict[str, list[float]]]:
    region_start()
    t0 = clock()
    a = [engine.value(v) for v in a_data]
    b = [engine.value(v) for v in b_data]
    s = engine.total([ai * bi for ai, bi in zip(a, b)])
    t1 = clock()
    s.backward()
    t2 = clock()
    region_end()
    return a, b, s, {"total": elapsed(t0, t2), "build": elapsed(t0, t1),
                     "backward": elapsed(t1, t2)}


MEMORY_MODES = ("none", "rss", "tracemalloc")


def _max_rss_bytes() -> int | None:
    """Peak resident set size of this process so far (``ru_maxrss``), None without it."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Linux/macOS
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def w2_wide(engine: Engine, n: int, seed: int = 2, memory: str = "none") -> Result:
    """s = Σ a_i·b_i of 2n fresh leaves, backward.

    ``memory="none"`` times the build and the backward pass; ``"rss"`` (run in
    a fresh process) measures instead how far the peak resident memory rises
    above the resident memory before the build; ``"tracemalloc"`` the peak of
    the bytes Python allocates meanwhile. Nodes are counted after the pass."""
    if memory not in MEMORY_MODES:
        raise ValueError(f"w2_wide: memory must be one of {MEMORY_MODES}, got {memory!r}")
    a_data = uniform_floats(n, seed)
    b_data = uniform_floats(n, seed + 1)
    out: Result = {"terms": n, "memory": memory}
    if memory == "none":
        a, b, s, times = _w2_build(engine, a_data, b_data)
        out["times"] = times
    elif memory == "rss":
        gc.collect()
        before, peak_before = rss_bytes(), _max_rss_bytes()
        a, b, s, _ = _w2_build(engine, a_data, b_data)
        peak = _max_rss_bytes()
        if before is None or peak is None or peak_before is None:
            raise RuntimeError("w2_wide: resident memory cannot be read on this system")
        # ru_maxrss is the peak since the process started: the growth is seen only
        # when it passes the earlier peak (a graph of 1e5 terms does, by far);
        # otherwise it is unknown (None).
        out["rss_before"], out["max_rss_before"] = before, peak_before
        out["peak_bytes"] = peak - before if peak > peak_before else None
    else:
        tracemalloc.start()
        try:
            base = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            a, b, s, _ = _w2_build(engine, a_data, b_data)
            out["peak_bytes"] = tracemalloc.get_traced_memory()[1] - base
        finally:
            tracemalloc.stop()
    nodes = count_nodes(engine, s)
    out.update(
        nodes=nodes, value=float(s.data),
        grads_a=[float(v.grad) for v in a[:5]], grads_b=[float(v.grad) for v in b[:5]],
        grads_digest=digest([float(v.grad) for v in a] + [float(v.grad) for v in b]),
        grad_error=max(max(abs(ai.grad - bi.data), abs(bi.grad - ai.data))
                       for ai, bi in zip(a, b)))
    if "peak_bytes" in out:
        peak_bytes = out["peak_bytes"]
        out["bytes_per_node"] = None if peak_bytes is None else peak_bytes / nodes
    return out


# -- W3 and W4: the moons MLP ---------------------------------------------------------


class MoonsLoss(NamedTuple):
    """micrograd's demo loss on a batch, its accuracy, and its non-zero hinge terms."""

    total: Any
    accuracy: float
    hinge_active: int


def svm_loss(engine: Engine, model: Any, X: Sequence[Sequence[float]], y: Sequence[float],
             params: list[Any] | None, reg: float = W3_REG) -> MoonsLoss:
    """micrograd's demo loss: mean(relu(1 − y·score)) (+ reg·Σp² when ``params``
    is given), the accuracy sign(score) == y, and how many of the hinge terms
    relu(1 − y·score) are non-zero (the points whose gradient is not 0)."""
    inputs = [engine.model_input(row) for row in X]
    scores = [model(x) for x in inputs]
    losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
    loss = engine.mean(losses)
    if params is not None:
        loss = loss + reg * engine.sum_of_squares(params)
    hits = [(yi > 0) == (si.data > 0) for yi, si in zip(y, scores)]
    active = sum(1 for term in losses if term.data != 0)
    return MoonsLoss(loss, sum(hits) / len(hits), active)


def w3_moons(engine: Engine, steps: int = 100, n: int = 100, seed: int = 3,
             frozen: bool = False) -> Result:
    """``steps`` SGD steps of micrograd's moons demo; seconds per step, the loss,
    accuracy and number of non-zero hinge terms of each step, the RSS after each
    step, the final accuracy and parameters. ``frozen``: lr = 0 (the control
    whose graph stays as dense as at step 1; the update is still done)."""
    X, y = make_moons(n, MOONS_NOISE, seed)
    model = engine.mlp(2, W3_SIZES, seed)
    params = model.parameters()
    step_times: list[list[float]] = []
    losses: list[float] = []
    accuracies: list[float] = []
    active: list[int] = []
    rss: list[int | None] = []
    region_start()
    for k in range(steps):
        t0 = clock()
        total, acc, hinge_active = svm_loss(engine, model, X, y, params)
        model.zero_grad()
        total.backward()
        lr = 0.0 if frozen else 1.0 - 0.9 * k / 100
        for p in params:
            p.data -= lr * p.grad
        step_times.append(elapsed(t0, clock()))
        losses.append(float(total.data))
        accuracies.append(acc)
        active.append(hinge_active)
        del total
        rss.append(rss_bytes())
    region_end()
    final_loss, final_acc, _ = svm_loss(engine, model, X, y, params)
    total_time = [sum(t[0] for t in step_times), sum(t[1] for t in step_times)]
    return {"times": {"total": total_time, "step": [t / steps for t in total_time]},
            "steps": steps, "points": n, "frozen": frozen, "step_times": step_times,
            "losses": losses, "accuracies": accuracies, "hinge_active": active,
            "final_loss": float(final_loss.data), "final_accuracy": final_acc,
            "params_digest": digest([float(p.data) for p in params]),
            "rss": rss, "n_params": len(params)}


def w4_mlp(engine: Engine, n: int = 256, seed: int = 4) -> Result:
    """One forward + backward of MLP(2, [64, 64, 1]) over ``n`` points."""
    X, y = make_moons(n, MOONS_NOISE, seed)
    model = engine.mlp(2, W4_SIZES, seed)
    params = model.parameters()
    region_start()
    t0 = clock()
    loss, acc, _ = svm_loss(engine, model, X, y, None)
    t1 = clock()
    loss.backward()
    t2 = clock()
    region_end()
    grads = [float(p.grad) for p in params]
    return {"times": {"total": elapsed(t0, t2), "forward": elapsed(t0, t1),
                      "backward": elapsed(t1, t2)},
            "loss": float(loss.data), "accuracy": acc, "n_params": len(params),
            "grad_abs_sum": sum(abs(g) for g in grads), "grads_head": grads[:8],
            "grads_digest": digest(grads)}


WORKLOADS: dict[str, Callable[..., Result]] = {
    "W1": w1_chain, "W2": w2_wide, "W3": w3_moons, "W4": w4_mlp,
}
