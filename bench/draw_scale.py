"""Drawing big graphs: ``python bench/draw_scale.py [--n N] [--runs R] [--quick]``.

Times ``draw(root, "backward")`` (reading the tape and the engine's
gradients, planning, collapsing, cutting at ``max_nodes``, writing the DOT; no
rendering: what reaches Graphviz is at most ``max_nodes`` nodes) at n and 8n,
for three shapes, next to ``backward()`` on the same graph:

- ``sum``: ``autograd.sum`` of n leaves (one node with n inputs: n edges);
- ``chain``: n ops in a chain, a leaf used by every other one (long edges);
- ``layer``: n tanh neurons of 3 inputs each, summed (neurons found and collapsed).

The default n = 125,000 makes the ``sum`` row at 8n a 10⁶-edge graph. Every
measurement runs in a fresh process (no memory carried over); the table gives
the best of ``--runs`` CPU times (the machine is shared: CPU time is disturbed
far less than the wall clock) and the ratio 8n ÷ n (linear: about 8,
quadratic: 64). ``tests/test_draw_scale.py`` checks the same ratio on small
graphs in CI.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHAPES = ("sum", "chain", "layer")


def build(shape: str, n: int) -> Any:
    """The graph of ``shape`` with about n nodes (n edges into one node for ``sum``)."""
    import autograd
    from autograd import Value

    if shape == "sum":
        return autograd.sum([Value(float(i % 7), label=f"x{i}") for i in range(n)])
    if shape == "chain":
        x = Value(0.5, label="x")
        y = x
        for k in range(n):
            y = (y * 1.0001).tanh() if k % 2 else y + x
        return y
    xs = [Value(0.1 * i, label=f"x{i + 1}") for i in range(3)]
    count = max(1, n // 5)
    weights = [[Value(0.01 * ((j + i) % 11 - 5), label=f"w[{j},{i}]") for i in range(3)]
               for j in range(count)]
    biases = [Value(0.0, label=f"b[{j}]") for j in range(count)]
    return autograd.sum(autograd.neurons(weights, xs, biases, "tanh"))


def measure(shape: str, n: int) -> dict[str, float]:
    """CPU seconds of draw() and backward() on one graph (in this process)."""
    from autograd import draw

    root = build(shape, n)
    t = time.process_time()
    drawing = draw(root, "backward")
    drawn = time.process_time() - t
    t = time.process_time()
    root.backward()
    backward = time.process_time() - t
    return {"draw": drawn, "backward": backward, "dot_lines": drawing.source.count("\n")}


def run_one(shape: str, n: int, root: Path = ROOT) -> dict[str, float]:
    """``measure`` in a fresh interpreter, with chainrule imported from ``root``."""
    code = (f"import sys, json; sys.path.insert(0, {str(root)!r}); "
            f"sys.path.insert(1, {str(ROOT)!r}); "
            f"from bench.draw_scale import measure; "
            f"print(json.dumps(measure({shape!r}, {n})))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=1800, check=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=125_000, help="n (default 125000: 8n = 10⁶)")
    parser.add_argument("--runs", type=int, default=3, help="runs per case (best is kept)")
    parser.add_argument("--quick", action="store_true", help="n = 2000, one run")
    parser.add_argument("--shapes", default=",".join(SHAPES), help="sum,chain,layer")
    parser.add_argument("--root", type=Path, default=ROOT,
                        help="import chainrule from this checkout (e.g. the code before a "
                             "change, from git archive)")
    args = parser.parse_args(argv)
    n, runs = (2000, 1) if args.quick else (args.n, args.runs)
    print(f"draw(root, 'backward') vs root.backward(), best of {runs} CPU times (s)\n")
    print(f"| graph | draw at n={n:,} | draw at 8n={8 * n:,} | 8n ÷ n | backward at 8n |")
    print("|---|---|---|---|---|")
    for shape in args.shapes.split(","):
        small = [run_one(shape, n, args.root) for _ in range(runs)]
        big = [run_one(shape, 8 * n, args.root) for _ in range(runs)]
        a = min(r["draw"] for r in small)
        b = min(r["draw"] for r in big)
        back = min(r["backward"] for r in big)
        print(f"| {shape} | {a:.3f} | {b:.3f} | {b / a:.1f} | {back:.3f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
