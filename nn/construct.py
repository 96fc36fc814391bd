"""Exact ReLU networks with explicit weights: the universality argument.

Each function returns an ordinary :class:`nn.MLP` (ReLU hidden layers) whose
weights are written down, not learned; with relu(z) = max(0, z):

- ``abs_net()``: |x| = relu(x) + relu(−x)                     (1 → 2 → 1)
- ``l1_norm_net(q)``: ‖x − q‖₁ = Σ_d relu(x_d − q_d) + relu(q_d − x_d)
                                                               (D → 2D → 1)
- ``pseudo_dirac_net(q)``: relu(1 − ‖x − q‖₁): 1 at q, 0 at L1 distance ≥ 1
                                                               (D → 2D → 1)
- ``memorizer_net(points, labels)``: Σ_n y_n·relu(1 − ‖x − x_n‖₁). Distinct
  points of Z^D are at L1 distance ≥ 1 from each other, so the network
  outputs y_n at x_n exactly and 0 wherever x is at distance ≥ 1 from every
  x_n; it has 2·N·D + N + 1 neurons                            (D → 2ND → N → 1)
- ``interpolant_net(xs, ys)``: the piecewise-linear interpolant of the knots
  (x_i, y_i) as y_0 + Σ_i (S_i − S_{i−1})·relu(x − x_i), S_i the slope on
  [x_i, x_{i+1}], S_{−1} = 0: constant y_0 left of x_0, the last slope (or
  constant, ``right="constant"``) right of the last knot        (1 → n−1 → 1)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .layers import MLP


def _real(x: Any, what: str, fn: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
        raise ValueError(f"{fn}: {what} must be a finite real number, got "
                         f"{type(x).__name__}: {x!r}")
    return float(x)


def _point(q: Any, fn: str, what: str = "q") -> list[float]:
    if isinstance(q, (int, float)):
        q = [q]
    if not isinstance(q, Sequence) or len(q) == 0:
        raise ValueError(f"{fn}: {what} must be a non-empty sequence of numbers, got {q!r}")
    return [_real(c, f"{what}[{i}]", fn) for i, c in enumerate(q)]


def _distance_layer(q: list[float]) -> tuple[list[list[float]], list[float]]:
    """2D ReLU neurons relu(x_d − q_d), relu(q_d − x_d) for d = 1..D."""
    dim = len(q)
    ws: list[list[float]] = []
    bs: list[float] = []
    for d, qd in enumerate(q):
        e = [1.0 if k == d else 0.0 for k in range(dim)]
        ws += [e, [-c for c in e]]
        bs += [-qd, qd]
    return ws, bs


def abs_net() -> MLP:
    """|x| = relu(x) + relu(−x): 2 hidden ReLU neurons, 1 linear output."""
    return MLP.from_weights([[[1.0], [-1.0]], [[1.0, 1.0]]], [[0.0, 0.0], [0.0]])


def l1_norm_net(q: Sequence[float] | float) -> MLP:
    """‖x − q‖₁ with 2D hidden ReLU neurons and a linear output summing them."""
    qs = _point(q, "l1_norm_net")
    ws, bs = _distance_layer(qs)
    return MLP.from_weights([ws, [[1.0] * len(ws)]], [bs, [0.0]])


def pseudo_dirac_net(q: Sequence[float] | float) -> MLP:
    """relu(1 − ‖x − q‖₁): a bump of height 1 at q, 0 at L1 distance ≥ 1."""
    qs = _point(q, "pseudo_dirac_net")
    ws, bs = _distance_layer(qs)
    return MLP.from_weights([ws, [[-1.0] * len(ws)]], [bs, [1.0]],
                            output_activation="relu")


def memorizer_net(points: Sequence[Sequence[float]], labels: Sequence[float]) -> MLP:
    """Σ_n y_n·relu(1 − ‖x − x_n‖₁) for N distinct points x_n of Z^D: outputs
    y_n at x_n and 0 away from all of them; 2·N·D + N + 1 neurons."""
    fn = "memorizer_net"
    if len(points) == 0 or len(points) != len(labels):
        raise ValueError(f"{fn}: need as many labels as points (at least one), got "
                         f"{len(points)} points and {len(labels)} labels")
    pts = [_point(p, fn, f"points[{n}]") for n, p in enumerate(points)]
    dim = len(pts[0])
    seen: dict[tuple[float, ...], int] = {}
    for n, p in enumerate(pts):
        if len(p) != dim:
            raise ValueError(f"{fn}: points[{n}] has {len(p)} coordinates, points[0] {dim}")
        if any(c != int(c) for c in p):
            raise ValueError(f"{fn}: points[{n}] = {p} is not a point of Z^{dim} (integer "
                             f"coordinates keep distinct points ≥ 1 apart in L1)")
        if tuple(p) in seen:
            raise ValueError(f"{fn}: points[{n}] repeats points[{seen[tuple(p)]}] = {p}")
        seen[tuple(p)] = n
    ys = [_real(y, f"labels[{n}]", fn) for n, y in enumerate(labels)]
    w1: list[list[float]] = []
    b1: list[float] = []
    for p in pts:
        ws, bs = _distance_layer(p)
        w1 += ws
        b1 += bs
    width = 2 * dim
    w2 = [[-1.0 if n * width <= k < (n + 1) * width else 0.0 for k in range(len(w1))]
          for n in range(len(pts))]
    return MLP.from_weights([w1, w2, [ys]], [b1, [1.0] * len(pts), [0.0]])


def interpolant_net(xs: Sequence[float], ys: Sequence[float], right: str = "linear") -> MLP:
    """The piecewise-linear interpolant of knots (x_i, y_i), x strictly
    increasing, as y_0 + Σ_i (S_i − S_{i−1})·relu(x − x_i) (one hidden layer)."""
    fn = "interpolant_net"
    if len(xs) != len(ys) or len(xs) < 2:
        raise ValueError(f"{fn}: need at least 2 knots and as many ys as xs, got "
                         f"{len(xs)} xs and {len(ys)} ys")
    if right not in ("linear", "constant"):
        raise ValueError(f"{fn}: right must be 'linear' or 'constant', got {right!r}")
    x = [_real(v, f"xs[{i}]", fn) for i, v in enumerate(xs)]
    y = [_real(v, f"ys[{i}]", fn) for i, v in enumerate(ys)]
    for i in range(len(x) - 1):
        if not x[i] < x[i + 1]:
            raise ValueError(f"{fn}: xs must increase strictly, but xs[{i}] = {x[i]} and "
                             f"xs[{i + 1}] = {x[i + 1]}")
    slopes = [(y[i + 1] - y[i]) / (x[i + 1] - x[i]) for i in range(len(x) - 1)]
    kinks = x[:-1]
    out = [slopes[0]] + [slopes[i] - slopes[i - 1] for i in range(1, len(slopes))]
    if right == "constant":
        kinks = x
        out.append(-slopes[-1])
    return MLP.from_weights([[[1.0] for _ in kinks], [out]],
                            [[-k for k in kinks], [y[0]]])


def count_neurons(model: MLP) -> int:
    """The number of neurons of an MLP (hidden and output)."""
    return sum(len(layer.neurons) for layer in model.layers)


__all__ = ["abs_net", "l1_norm_net", "pseudo_dirac_net", "memorizer_net",
           "interpolant_net", "count_neurons"]
