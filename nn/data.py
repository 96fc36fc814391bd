"""Seeded toy data sets and mini-batching, in pure Python (no NumPy, no downloads).

Every generator returns ``(X, y)``: ``X`` a list of points (lists of
floats), ``y`` a list of labels. ``labels="index"`` (default) gives class
indices 0, 1, ... (for ``cross_entropy``, ``bce``); ``labels="sign"`` gives
−1/+1 for two classes (for the margin losses: hinge, logistic...). ``seed``
makes the result reproducible (``None``: different every call).

Geometry (n = n_samples):

- ``make_moons``: two interleaved half circles, (cos t, sin t) for class 0
  and (1 − cos t, ½ − sin t) for class 1, t ∈ [0, π] (as scikit-learn).
- ``make_circles``: a circle of radius 1 (class 0) around one of radius
  ``factor`` (class 1).
- ``make_blobs``: Gaussian clusters of std ``cluster_std`` around centres.
- ``make_spirals``: ``n_classes`` interleaved spiral arms,
  r·(cos θ, sin θ) with θ = 2πk/K + 2π·turns·r.
- ``make_xor``: the 4 points of the XOR truth table, or ``n_samples``
  noisy copies of them.
- ``make_regression``: x uniform in [−2, 2]³ and y = f(x) + noise, by default
  f(x) = sin x₁ + x₂·x₃ − ½·x₃².
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator, Sequence
from typing import Any

Point = list[float]
LABELS = ("index", "sign")


# -- argument checks -------------------------------------------------------------------

def _count(n: Any, what: str, fn: str, minimum: int = 1) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < minimum:
        raise ValueError(f"{fn}: {what} must be an int >= {minimum}, got "
                         f"{type(n).__name__}: {n!r}")
    return n


def _nonneg(x: Any, what: str, fn: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not x >= 0 \
            or not math.isfinite(x):
        raise ValueError(f"{fn}: {what} must be a finite number >= 0, got "
                         f"{type(x).__name__}: {x!r}")
    return float(x)


def _rng(seed: Any, fn: str) -> random.Random:
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise TypeError(f"{fn}: seed must be an int or None, got {type(seed).__name__}: "
                        f"{seed!r}")
    return random.Random(seed)


def _finish(X: list[Point], y: list[int], rng: random.Random, shuffle: bool, labels: str,
            fn: str) -> tuple[list[Point], list[int]]:
    if labels not in LABELS:
        raise ValueError(f"{fn}: labels must be 'index' or 'sign', got {labels!r}")
    if labels == "sign":
        y = to_sign(y)
    if shuffle:
        order = list(range(len(X)))
        rng.shuffle(order)
        X, y = [X[i] for i in order], [y[i] for i in order]
    return X, y


def _linspace(a: float, b: float, n: int, endpoint: bool = True) -> list[float]:
    if n == 1:
        return [a]
    step = (b - a) / (n - 1 if endpoint else n)
    return [a + i * step for i in range(n)]


def to_sign(y: Sequence[int]) -> list[int]:
    """Class indices 0/1 as margin labels −1/+1."""
    out = []
    for i, label in enumerate(y):
        if label not in (0, 1):
            raise ValueError(f"to_sign: y[{i}] = {label!r}; sign labels need two classes "
                             f"0 and 1")
        out.append(2 * int(label) - 1)
    return out


def to_index(y: Sequence[int]) -> list[int]:
    """Margin labels −1/+1 as class indices 0/1."""
    out = []
    for i, label in enumerate(y):
        if label not in (-1, 1):
            raise ValueError(f"to_index: y[{i}] = {label!r} is not -1 or +1")
        out.append((int(label) + 1) // 2)
    return out


# -- generators ----------------------------------------------------------------------------

def make_moons(n_samples: int = 100, noise: float = 0.0, seed: int | None = None,
               labels: str = "index", shuffle: bool = True) -> tuple[list[Point], list[int]]:
    """Two interleaving half circles (scikit-learn's layout), Gaussian ``noise``."""
    n = _count(n_samples, "n_samples", "make_moons", 2)
    sd, rng = _nonneg(noise, "noise", "make_moons"), _rng(seed, "make_moons")
    n_out = n // 2
    X: list[Point] = [[math.cos(t), math.sin(t)] for t in _linspace(0, math.pi, n_out)]
    X += [[1 - math.cos(t), 0.5 - math.sin(t)] for t in _linspace(0, math.pi, n - n_out)]
    y = [0] * n_out + [1] * (n - n_out)
    X = [[c + rng.gauss(0.0, sd) if sd else c for c in p] for p in X]
    return _finish(X, y, rng, shuffle, labels, "make_moons")


def make_circles(n_samples: int = 100, noise: float = 0.0, factor: float = 0.5,
                 seed: int | None = None, labels: str = "index",
                 shuffle: bool = True) -> tuple[list[Point], list[int]]:
    """A unit circle (class 0) around a circle of radius ``factor`` (class 1)."""
    n = _count(n_samples, "n_samples", "make_circles", 2)
    sd, rng = _nonneg(noise, "noise", "make_circles"), _rng(seed, "make_circles")
    if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not 0 < factor < 1:
        raise ValueError(f"make_circles: factor must lie in (0, 1), got {factor!r}")
    n_out = n // 2
    X: list[Point] = [[math.cos(t), math.sin(t)]
                      for t in _linspace(0, 2 * math.pi, n_out, endpoint=False)]
    X += [[factor * math.cos(t), factor * math.sin(t)]
          for t in _linspace(0, 2 * math.pi, n - n_out, endpoint=False)]
    y = [0] * n_out + [1] * (n - n_out)
    X = [[c + rng.gauss(0.0, sd) if sd else c for c in p] for p in X]
    return _finish(X, y, rng, shuffle, labels, "make_circles")


def make_blobs(n_samples: int = 100, centers: int | Sequence[Sequence[float]] = 3,
               n_features: int = 2, cluster_std: float = 1.0,
               center_box: tuple[float, float] = (-10.0, 10.0), seed: int | None = None,
               labels: str = "index", shuffle: bool = True) -> tuple[list[Point], list[int]]:
    """Isotropic Gaussian clusters around ``centers`` (a count: drawn uniformly in
    ``center_box``; or explicit points); sample i belongs to cluster i mod k."""
    fn = "make_blobs"
    n = _count(n_samples, "n_samples", fn)
    sd, rng = _nonneg(cluster_std, "cluster_std", fn), _rng(seed, fn)
    if isinstance(centers, bool):
        raise ValueError(f"{fn}: centers must be a count or a list of points, got {centers!r}")
    if isinstance(centers, int):
        k, d = _count(centers, "centers", fn), _count(n_features, "n_features", fn)
        lo, hi = center_box
        cs = [[rng.uniform(lo, hi) for _ in range(d)] for _ in range(k)]
    else:
        cs = [[float(c) for c in p] for p in centers]
        if not cs or any(len(p) != len(cs[0]) or not p for p in cs):
            raise ValueError(f"{fn}: centers must be a count or equally long points, "
                             f"got {centers!r}")
    y = [i % len(cs) for i in range(n)]
    X = [[c + rng.gauss(0.0, sd) for c in cs[label]] for label in y]
    return _finish(X, y, rng, shuffle, labels, fn)


def make_spirals(n_samples: int = 100, n_classes: int = 2, noise: float = 0.0,
                 turns: float = 1.0, seed: int | None = None, labels: str = "index",
                 shuffle: bool = True) -> tuple[list[Point], list[int]]:
    """``n_classes`` interleaved spiral arms: arm k holds r·(cos θ, sin θ) with r
    from 0.1 to 1 and θ = 2πk/K + 2π·turns·r, plus Gaussian ``noise``."""
    fn = "make_spirals"
    n = _count(n_samples, "n_samples", fn)
    k = _count(n_classes, "n_classes", fn)
    sd, rng = _nonneg(noise, "noise", fn), _rng(seed, fn)
    tw = _nonneg(turns, "turns", fn)
    X: list[Point] = []
    y: list[int] = []
    for c in range(k):
        m = n // k + (1 if c < n % k else 0)
        for r in _linspace(0.1, 1.0, m):
            theta = 2 * math.pi * c / k + 2 * math.pi * tw * r
            X.append([r * math.cos(theta) + (rng.gauss(0.0, sd) if sd else 0.0),
                      r * math.sin(theta) + (rng.gauss(0.0, sd) if sd else 0.0)])
            y.append(c)
    return _finish(X, y, rng, shuffle, labels, fn)


XOR_POINTS: tuple[tuple[float, float], ...] = ((0.0, 0.0), (0.0, 1.0), (1.0, 0.0), (1.0, 1.0))
XOR_LABELS: tuple[int, ...] = (0, 1, 1, 0)


def make_xor(n_samples: int | None = None, noise: float = 0.0, seed: int | None = None,
             labels: str = "index", centered: bool = False,
             shuffle: bool = True) -> tuple[list[Point], list[int]]:
    """XOR: with ``n_samples=None`` the 4 points (0,0), (0,1), (1,0), (1,1) with
    labels 0, 1, 1, 0 in that order; otherwise ``n_samples`` copies of them
    (cycling) with Gaussian ``noise``. ``centered`` moves the corners to ±1."""
    fn = "make_xor"
    sd, rng = _nonneg(noise, "noise", fn), _rng(seed, fn)
    corners = [[2 * a - 1, 2 * b - 1] if centered else [a, b] for a, b in XOR_POINTS]
    if n_samples is None:
        X = [[c + rng.gauss(0.0, sd) if sd else c for c in p] for p in corners]
        return _finish(X, list(XOR_LABELS), rng, False, labels, fn)
    n = _count(n_samples, "n_samples", fn)
    X = [[c + rng.gauss(0.0, sd) if sd else c for c in corners[i % 4]] for i in range(n)]
    return _finish(X, [XOR_LABELS[i % 4] for i in range(n)], rng, shuffle, labels, fn)


def _default_f(x: Sequence[float]) -> float:
    return math.sin(x[0]) + x[1] * x[2] - 0.5 * x[2] * x[2]


def make_regression(n_samples: int = 100, noise: float = 0.0, seed: int | None = None,
                    f: Callable[[Sequence[float]], float] | None = None,
                    low: float = -2.0, high: float = 2.0) -> tuple[list[Point], list[float]]:
    """A regression sample of f: R³ → R: x uniform in [low, high]³, y = f(x) +
    N(0, noise²); by default f(x) = sin x₁ + x₂·x₃ − ½·x₃²."""
    fn = "make_regression"
    n = _count(n_samples, "n_samples", fn)
    sd, rng = _nonneg(noise, "noise", fn), _rng(seed, fn)
    if not low < high:
        raise ValueError(f"{fn}: need low < high, got low={low!r}, high={high!r}")
    target = f or _default_f
    X = [[rng.uniform(low, high) for _ in range(3)] for _ in range(n)]
    y = [float(target(x)) + (rng.gauss(0.0, sd) if sd else 0.0) for x in X]
    return X, y


# -- splitting and batching ---------------------------------------------------------------

def _check_xy(X: Sequence[Any], y: Sequence[Any], fn: str) -> int:
    if len(X) != len(y):
        raise ValueError(f"{fn}: X has {len(X)} samples but y has {len(y)}")
    if len(X) == 0:
        raise ValueError(f"{fn}: no samples")
    return len(X)


def train_test_split(X: Sequence[Any], y: Sequence[Any], test_size: float | int = 0.25,
                     seed: int | None = None, shuffle: bool = True
                     ) -> tuple[list[Any], list[Any], list[Any], list[Any]]:
    """``X_train, X_test, y_train, y_test`` (scikit-learn's order). ``test_size``
    is a fraction in (0, 1) (rounded up, as scikit-learn) or a count."""
    fn = "train_test_split"
    n = _check_xy(X, y, fn)
    if isinstance(test_size, float) and 0 < test_size < 1:
        n_test = math.ceil(test_size * n)
    elif isinstance(test_size, int) and not isinstance(test_size, bool):
        n_test = test_size
    else:
        raise ValueError(f"{fn}: test_size must be a fraction in (0, 1) or a count, "
                         f"got {test_size!r}")
    if not 1 <= n_test <= n - 1:
        raise ValueError(f"{fn}: test_size={test_size!r} leaves {n_test} of {n} samples "
                         f"for testing; need at least one in each part")
    order = list(range(n))
    if shuffle:
        _rng(seed, fn).shuffle(order)
    test, train = order[:n_test], order[n_test:]
    return ([X[i] for i in train], [X[i] for i in test],
            [y[i] for i in train], [y[i] for i in test])


def batches(X: Sequence[Any], y: Sequence[Any], batch_size: int, shuffle: bool = True,
            seed: int | None = None, drop_last: bool = False
            ) -> Iterator[tuple[list[Any], list[Any]]]:
    """One pass over the data in mini-batches ``(X_batch, y_batch)``, shuffled
    with ``seed``; the last batch is smaller unless ``drop_last``."""
    yield from DataLoader(X, y, batch_size, shuffle=shuffle, seed=seed, drop_last=drop_last)


class DataLoader:
    """Mini-batches over ``(X, y)``, re-iterable: each pass (epoch) reshuffles,
    with a seeded generator, so a run is reproducible and epochs differ."""

    def __init__(self, X: Sequence[Any], y: Sequence[Any], batch_size: int = 32,
                 shuffle: bool = True, seed: int | None = None,
                 drop_last: bool = False) -> None:
        self.n = _check_xy(X, y, "DataLoader")
        self.batch_size = _count(batch_size, "batch_size", "DataLoader")
        self.X, self.y = list(X), list(y)
        self.shuffle, self.drop_last = shuffle, drop_last
        self._rng = _rng(seed, "DataLoader")

    def __len__(self) -> int:
        full, rest = divmod(self.n, self.batch_size)
        return full + (1 if rest and not self.drop_last else 0)

    def __iter__(self) -> Iterator[tuple[list[Any], list[Any]]]:
        order = list(range(self.n))
        if self.shuffle:
            self._rng.shuffle(order)
        for start in range(0, self.n, self.batch_size):
            idx = order[start:start + self.batch_size]
            if self.drop_last and len(idx) < self.batch_size:
                return
            yield [self.X[i] for i in idx], [self.y[i] for i in idx]


__all__ = ["make_moons", "make_circles", "make_blobs", "make_spirals", "make_xor",
           "make_regression", "train_test_split", "batches", "DataLoader", "to_sign",
           "to_index", "XOR_POINTS", "XOR_LABELS"]
