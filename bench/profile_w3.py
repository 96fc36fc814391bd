"""Where a chainrule W3 step spends its time: ``python bench/profile_w3.py [--top N]``.

Runs a few warm-up steps of micrograd's moons demo (W3) on chainrule, then
profiles one more step with cProfile and prints the top functions by own time
(tottime) and by cumulative time, plus the share of each phase
(forward, zero_grad, backward, SGD update) measured without the profiler.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.data import make_moons  # noqa: E402
from bench.engines import Chainrule  # noqa: E402
from bench.workloads import MOONS_NOISE, W3_SIZES, svm_loss  # noqa: E402


def one_step(engine: Chainrule, model: Any, params: list[Any], X: list[list[float]],
             y: list[float], k: int, phases: dict[str, float] | None = None) -> float:
    """One W3 SGD step; adds each phase's seconds into ``phases`` when given."""
    t0 = time.perf_counter()
    total = svm_loss(engine, model, X, y, params).total
    t1 = time.perf_counter()
    model.zero_grad()
    t2 = time.perf_counter()
    total.backward()
    t3 = time.perf_counter()
    lr = 1.0 - 0.9 * k / 100
    for p in params:
        p.data -= lr * p.grad
    t4 = time.perf_counter()
    if phases is not None:
        for name, dt in (("forward (graph building)", t1 - t0), ("zero_grad", t2 - t1),
                         ("backward", t3 - t2), ("SGD update", t4 - t3)):
            phases[name] = phases.get(name, 0.0) + dt
    return float(total.data)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="bench/profile_w3.py",
                                description="Profile one chainrule W3 step with cProfile.")
    p.add_argument("--top", type=int, default=25, help="how many functions to list")
    p.add_argument("--timed-steps", type=int, default=20,
                   help="steps timed without the profiler for the phase shares")
    args = p.parse_args(argv)
    engine = Chainrule()
    X, y = make_moons(100, MOONS_NOISE, 3)
    model = engine.mlp(2, W3_SIZES, 3)
    params = model.parameters()
    phases: dict[str, float] = {}
    for k in range(args.timed_steps):
        one_step(engine, model, params, X, y, k, phases)
    total = sum(phases.values())
    print(f"chainrule W3 step, {args.timed_steps} steps without the profiler: "
          f"{total / args.timed_steps * 1e3:.1f} ms per step (wall clock)")
    for name, dt in phases.items():
        print(f"  {name:<26} {dt / args.timed_steps * 1e3:7.2f} ms  {dt / total:6.1%}")
    profiler = cProfile.Profile()
    profiler.enable()
    one_step(engine, model, params, X, y, args.timed_steps)
    profiler.disable()
    for key, title in (("tottime", "own time"), ("cumulative", "cumulative time")):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats(key).print_stats(args.top)
        print(f"\n== one step under cProfile, top {args.top} by {title} ==")
        text = out.getvalue()
        start = text.find("   ncalls")
        print(text[start:].rstrip() if start >= 0 else text.rstrip())


if __name__ == "__main__":
    main()
