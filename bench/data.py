"""Seeded toy data for the benchmark: the two-moons set of micrograd's demo.

micrograd's notebook calls ``sklearn.datasets.make_moons(n_samples=100,
noise=0.1)`` and maps labels to ±1. This is the same construction without
scikit-learn, driven by ``random.Random(seed)`` so that both engines (in
separate processes) get bit-identical points:

- outer moon, label -1: (cos t, sin t) for t evenly spaced in [0, π];
- inner moon, label +1: (1 − cos t, 1/2 − sin t);
- then Gaussian noise with standard deviation ``noise`` on each coordinate.
"""

from __future__ import annotations

import math
import random


def make_moons(n: int = 100, noise: float = 0.1, seed: int = 0
               ) -> tuple[list[list[float]], list[float]]:
    """``n`` two-moons points ``X`` (lists of 2 floats) and labels ``y`` in {-1.0, +1.0}."""
    if not isinstance(n, int) or n < 2:
        raise ValueError(f"make_moons: n must be an int >= 2, got {n!r}")
    if noise < 0:
        raise ValueError(f"make_moons: noise must be >= 0, got {noise!r}")
    rng = random.Random(seed)
    n_outer = n // 2
    n_inner = n - n_outer
    X: list[list[float]] = []
    y: list[float] = []
    for i in range(n_outer):
        t = math.pi * i / max(n_outer - 1, 1)
        X.append([math.cos(t), math.sin(t)])
        y.append(-1.0)
    for i in range(n_inner):
        t = math.pi * i / max(n_inner - 1, 1)
        X.append([1.0 - math.cos(t), 0.5 - math.sin(t)])
        y.append(1.0)
    for point in X:
        point[0] += rng.gauss(0.0, noise)
        point[1] += rng.gauss(0.0, noise)
    return X, y


def uniform_floats(n: int, seed: int) -> list[float]:
    """``n`` floats drawn uniformly from [-1, 1) with ``random.Random(seed)``."""
    rng = random.Random(seed)
    return [rng.uniform(-1.0, 1.0) for _ in range(n)]
