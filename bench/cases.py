"""What each scale of the benchmark runs: the cases and their sizes.

``full`` is the issue's benchmark; ``quick`` the same workloads smaller (for a
look in about a minute); ``tiny`` is what ``tests/test_bench_smoke.py`` runs so
that the harness cannot rot. micrograd's W3 runs 5 steps at full scale (about
a second per step), chainrule's all 100: seconds per step compare, the final
accuracy is chainrule's after 100 steps and micrograd's after its 5.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SCALES = ("full", "quick", "tiny")


@dataclass(frozen=True)
class Case:
    """One row of the benchmark: a workload at one size, with each engine's arguments."""

    id: str
    workload: str
    label: str
    params: dict[str, dict[str, Any]] = field(default_factory=dict)


def _same(**params: Any) -> dict[str, dict[str, Any]]:
    return {"chainrule": dict(params), "micrograd": dict(params)}


def cases(scale: str = "full") -> list[Case]:
    """Every case of ``scale`` (one of :data:`SCALES`), in table order."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}: use one of {', '.join(SCALES)}")
    w1_sizes = {"full": (10**3, 10**4, 10**5, 10**6), "quick": (10**3, 10**4),
                "tiny": (10, 100)}[scale]
    w2_terms = {"full": 10**5, "quick": 10**4, "tiny": 100}[scale]
    w3_steps = {"full": (100, 5), "quick": (100, 2), "tiny": (3, 3)}[scale]
    w3_points = {"full": 100, "quick": 100, "tiny": 20}[scale]
    w4_points = {"full": 256, "quick": 32, "tiny": 4}[scale]
    out = [Case(f"W1-{n}", "W1", f"W1 chain, N={n:,}", _same(n=n)) for n in w1_sizes]
    out.append(Case(f"W2-{w2_terms}", "W2", f"W2 wide, {w2_terms:,} products",
                    _same(n=w2_terms)))
    out.append(Case("W3", "W3", f"W3 moons, {w3_points} points",
                    {"chainrule": {"steps": w3_steps[0], "n": w3_points},
                     "micrograd": {"steps": w3_steps[1], "n": w3_points}}))
    out.append(Case(f"W4-{w4_points}", "W4", f"W4 MLP 2-64-64-1, {w4_points} samples",
                    _same(n=w4_points)))
    return out
