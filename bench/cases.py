"""What each scale of the benchmark runs: the cases and their sizes.

``full`` is the issue's benchmark; ``quick`` the same workloads smaller (for a
look in about a minute); ``tiny`` is what ``tests/test_bench_smoke.py`` runs so
that the harness cannot rot. micrograd's W3 runs 5 steps at full scale (about
a second per step), chainrule's all 100: seconds per step compare, the final
accuracy is chainrule's after 100 steps and micrograd's after its 5.
micrograd's time per step does not depend on the step (it runs every node's
backward whatever its gradient), chainrule's may (it can skip the points whose
hinge term is 0, more of them as training goes on): the sparsity is reported
beside the time.

W3 runs once per Python version asked for (``--python``), with a control
beside it: W3 with frozen weights (lr = 0), whose graph stays as dense as at
step 1. Every step of the control is the same computation, so it needs fewer
steps and runs: chainrule 30 steps, micrograd 3, at most 3 runs (full scale).
W1, W2 and W4 run on the interpreter that runs the benchmark.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Any

SCALES = ("full", "quick", "tiny")


@dataclass(frozen=True)
class Case:
    """One row of the benchmark: a workload at one size, with each engine's arguments.

    ``python`` is the version (``"3.13"``) whose interpreter runs it, None for the
    one running the benchmark; ``max_runs`` caps the runs of this case."""

    id: str
    workload: str
    label: str
    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    python: str | None = None
    max_runs: int | None = None


def _same(**params: Any) -> dict[str, dict[str, Any]]:
    return {"chainrule": dict(params), "micrograd": dict(params)}


def w3_case_id(python: str, frozen: bool = False) -> str:
    """The id of W3 (or its frozen control) on Python ``python``."""
    return f"W3{'-frozen' if frozen else ''}-py{python}"


def cases(scale: str = "full", pythons: list[str] | None = None) -> list[Case]:
    """Every case of ``scale`` (one of :data:`SCALES`), in table order; W3 and its
    frozen control once per version in ``pythons`` (default: the running one)."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}: use one of {', '.join(SCALES)}")
    if pythons is None:
        pythons = [f"{sys.version_info[0]}.{sys.version_info[1]}"]
    w1_sizes = {"full": (10**3, 10**4, 10**5, 10**6), "quick": (10**3, 10**4),
                "tiny": (10, 100)}[scale]
    w2_terms = {"full": 10**5, "quick": 10**4, "tiny": 100}[scale]
    w3_steps = {"full": (100, 5), "quick": (100, 2), "tiny": (3, 3)}[scale]
    w3_points = {"full": 100, "quick": 100, "tiny": 20}[scale]
    w4_points = {"full": 256, "quick": 32, "tiny": 4}[scale]
    out = [Case(f"W1-{n}", "W1", f"W1 chain, N={n:,}", _same(n=n)) for n in w1_sizes]
    out.append(Case(f"W2-{w2_terms}", "W2", f"W2 wide, {w2_terms:,} products",
                    _same(n=w2_terms)))
    frozen_steps = {"full": (30, 3), "quick": (10, 2), "tiny": (3, 2)}[scale]
    frozen_runs = {"full": 3, "quick": 2, "tiny": 1}[scale]
    for v in pythons:
        out.append(Case(w3_case_id(v), "W3", f"W3 moons, {w3_points} points, Python {v}",
                        {"chainrule": {"steps": w3_steps[0], "n": w3_points},
                         "micrograd": {"steps": w3_steps[1], "n": w3_points}}, python=v))
        out.append(Case(w3_case_id(v, frozen=True), "W3",
                        f"W3 frozen weights (lr = 0), Python {v}",
                        {"chainrule": {"steps": frozen_steps[0], "n": w3_points,
                                       "frozen": True},
                         "micrograd": {"steps": frozen_steps[1], "n": w3_points,
                                       "frozen": True}},
                        python=v, max_runs=frozen_runs))
    out.append(Case(f"W4-{w4_points}", "W4", f"W4 MLP 2-64-64-1, {w4_points} samples",
                    _same(n=w4_points)))
    return out
