"""nn.construct: the universality constructions are exact, checked with exact
arithmetic (integer and dyadic inputs are represented exactly in float64, so
the network's value must equal the Fraction-computed target bit for bit)."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import pytest

import nn
from autograd import Value
from nn import construct as C


def _l1(x, q) -> Fraction:
    return sum((abs(Fraction(a) - Fraction(b)) for a, b in zip(x, q)), Fraction(0))


def _dyadic(rng: random.Random, lo: int = -8, hi: int = 8) -> float:
    return rng.randint(lo * 16, hi * 16) / 16


def test_construct_is_importable_as_nn_construct():
    assert nn.construct is C


def test_abs_net_is_exactly_abs_everywhere():
    net = C.abs_net()
    assert isinstance(net, nn.MLP) and C.count_neurons(net) == 3
    rng = random.Random(0)
    xs = [0.0, -0.0, 1.0, -1.0, 1e-300, -1e300, 0.1, -2.5]
    xs += [rng.uniform(-1e6, 1e6) for _ in range(200)]
    for x in xs:
        assert net([x]).data == abs(x)


def test_abs_net_gradient_is_the_sign():
    net = C.abs_net()
    for x, g in [(-3.0, -1.0), (2.0, 1.0), (0.0, 0.0)]:
        v = Value(x)
        net([v]).backward()
        assert v.grad == g


def test_l1_norm_net_exact():
    rng = random.Random(1)
    for dim in (1, 2, 4):
        q = [_dyadic(rng) for _ in range(dim)]
        net = C.l1_norm_net(q)
        assert [len(layer.neurons) for layer in net.layers] == [2 * dim, 1]
        for _ in range(100):
            x = [_dyadic(rng) for _ in range(dim)]
            assert net(x).data == _l1(x, q)


def test_pseudo_dirac_net_exact():
    q = [1.0, -2.0]
    net = C.pseudo_dirac_net(q)
    assert net(q).data == 1.0
    for dx, dy in itertools.product(range(-3, 4), repeat=2):
        x = [q[0] + dx / 4, q[1] + dy / 4]
        assert net(x).data == max(Fraction(0), 1 - _l1(x, q))
    for x in ([2.0, -2.0], [1.0, -1.0], [5.0, 5.0], [0.5, -1.5]):  # L1 distance ≥ 1
        assert net(x).data == 0.0


def test_memorizer_outputs_labels_at_points_and_zero_elsewhere():
    rng = random.Random(2)
    dim, n = 3, 7
    box = list(itertools.product(range(-2, 3), repeat=dim))
    points = rng.sample(box, n)
    labels = [rng.randint(-9, 9) for _ in points]
    net = C.memorizer_net([list(p) for p in points], labels)
    assert C.count_neurons(net) == 2 * n * dim + n + 1
    assert [len(layer.neurons) for layer in net.layers] == [2 * n * dim, n, 1]
    for p, label in zip(points, labels):
        assert net(list(p)).data == label
    for p in box:  # every other integer point is ≥ 1 away from all memorised ones
        if p not in points:
            assert net(list(p)).data == 0.0
    for p in points:  # half-way between grid points: y_n·(1 − ½)
        x = [p[0] + 0.5, p[1], p[2]]
        expected = sum(lab * max(Fraction(0), 1 - _l1(x, q)) for q, lab in zip(points, labels))
        assert net(x).data == expected


def test_memorizer_refuses_bad_points():
    with pytest.raises(ValueError, match=r"points\[1\] repeats points\[0\]"):
        C.memorizer_net([[0, 1], [0, 1]], [1, 2])
    with pytest.raises(ValueError, match="not a point of Z"):
        C.memorizer_net([[0, 0.5]], [1])
    with pytest.raises(ValueError, match="2 points and 1 labels"):
        C.memorizer_net([[0, 0], [1, 1]], [1])
    with pytest.raises(ValueError, match=r"points\[1\] has 3 coordinates"):
        C.memorizer_net([[0, 0], [1, 1, 1]], [1, 2])


def _interp(xs, ys, x) -> Fraction:
    """The piecewise-linear interpolant in exact arithmetic, constant left of
    the first knot and continuing the last slope right of the last one."""
    X, Y, t = [Fraction(v) for v in xs], [Fraction(v) for v in ys], Fraction(x)
    if t <= X[0]:
        return Y[0]
    i = max(j for j in range(len(X) - 1) if X[j] <= t)
    return Y[i] + (Y[i + 1] - Y[i]) / (X[i + 1] - X[i]) * (t - X[i])


def test_interpolant_net_is_exact_at_and_between_knots():
    xs = [-2.0, 0.0, 1.0, 3.0, 4.0]
    ys = [1.0, -3.0, 2.0, 2.0, -6.0]  # slopes −2, 5, 0, −8: dyadic throughout
    net = C.interpolant_net(xs, ys)
    assert [len(layer.neurons) for layer in net.layers] == [len(xs) - 1, 1]
    for x, y in zip(xs, ys):
        assert net([x]).data == y
    for k in range(-5 * 8, 7 * 8):
        x = k / 8
        assert net([x]).data == _interp(xs, ys, x)
    assert net([-100.0]).data == 1.0            # constant on the left
    assert net([10.0]).data == -6.0 - 8.0 * 6   # last slope on the right
    flat = C.interpolant_net(xs, ys, right="constant")
    assert flat([10.0]).data == -6.0 and flat([3.5]).data == -2.0


def test_interpolant_net_random_knots_close_to_exact():
    rng = random.Random(3)
    for _ in range(20):
        xs = sorted(rng.sample(range(-50, 50), 6))
        ys = [rng.uniform(-5, 5) for _ in xs]
        net = C.interpolant_net([float(v) for v in xs], ys)
        for _ in range(30):
            x = rng.uniform(xs[0] - 3, xs[-1] + 3)
            assert net([x]).data == pytest.approx(float(_interp(xs, ys, x)), abs=1e-12)


def test_interpolant_net_refuses_bad_knots():
    with pytest.raises(ValueError, match=r"increase strictly, but xs\[1\] = 1.0 and xs\[2\] = 1.0"):
        C.interpolant_net([0, 1, 1], [0, 1, 2])
    with pytest.raises(ValueError, match="at least 2 knots"):
        C.interpolant_net([0], [0])
    with pytest.raises(ValueError, match=r"ys\[1\] must be a finite real number"):
        C.interpolant_net([0, 1], [0, float("nan")])
