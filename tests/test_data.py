"""nn.data: the generators' geometry and labels, seeding, splitting, batching."""

from __future__ import annotations

import math
import statistics
from collections import Counter

import pytest

from nn import data as D

GENERATORS = {
    "moons": lambda seed, **kw: D.make_moons(60, noise=0.1, seed=seed, **kw),
    "circles": lambda seed, **kw: D.make_circles(60, noise=0.05, seed=seed, **kw),
    "blobs": lambda seed, **kw: D.make_blobs(60, centers=2, seed=seed, **kw),
    "spirals": lambda seed, **kw: D.make_spirals(60, 2, noise=0.05, seed=seed, **kw),
    "xor": lambda seed, **kw: D.make_xor(60, noise=0.1, seed=seed, **kw),
}


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_seeded_generators_reproduce_and_differ(name):
    make = GENERATORS[name]
    X1, y1 = make(0)
    X2, y2 = make(0)
    X3, _ = make(1)
    assert (X1, y1) == (X2, y2)
    assert X1 != X3
    assert len(X1) == len(y1) == 60 and all(len(p) == 2 for p in X1)
    assert all(isinstance(c, float) for p in X1 for c in p)
    assert Counter(y1) == {0: 30, 1: 30}
    _, ys = make(0, labels="sign")
    assert ys == [2 * v - 1 for v in y1]


def test_moons_geometry_without_noise():
    X, y = D.make_moons(50, seed=0)
    for (a, b), label in zip(X, y):
        if label == 0:  # the upper half of the unit circle
            assert math.hypot(a, b) == pytest.approx(1.0, abs=1e-12) and b >= -1e-12
        else:  # the lower half of the unit circle around (1, 0.5)
            assert math.hypot(a - 1, b - 0.5) == pytest.approx(1.0, abs=1e-12)
            assert b <= 0.5 + 1e-12
    assert Counter(y) == {0: 25, 1: 25}


def test_moons_noise_has_the_requested_spread():
    X0, y0 = D.make_moons(2000, seed=5, shuffle=False)
    Xn, yn = D.make_moons(2000, noise=0.2, seed=5, shuffle=False)
    assert y0 == yn
    dev = [c1 - c0 for p0, p1 in zip(X0, Xn) for c0, c1 in zip(p0, p1)]
    assert statistics.pstdev(dev) == pytest.approx(0.2, rel=0.05)


def test_circles_radii():
    X, y = D.make_circles(40, factor=0.3, seed=2)
    for p, label in zip(X, y):
        assert math.hypot(*p) == pytest.approx(1.0 if label == 0 else 0.3, abs=1e-12)
    with pytest.raises(ValueError, match="factor must lie in \\(0, 1\\)"):
        D.make_circles(10, factor=1.5)


def test_blobs_explicit_centres():
    centres = [[0.0, 0.0, 0.0], [5.0, 5.0, 5.0], [-5.0, 2.0, 1.0]]
    X, y = D.make_blobs(30, centers=centres, cluster_std=0.0, seed=0)
    assert Counter(y) == {0: 10, 1: 10, 2: 10}
    assert all(p == centres[label] for p, label in zip(X, y))
    X, y = D.make_blobs(3000, centers=centres, cluster_std=0.5, seed=1)
    for k, c in enumerate(centres):
        pts = [p for p, label in zip(X, y) if label == k]
        for d in range(3):
            assert statistics.fmean(p[d] for p in pts) == pytest.approx(c[d], abs=0.05)
    X, y = D.make_blobs(10, centers=4, n_features=5, seed=3)
    assert set(y) == {0, 1, 2, 3} and all(len(p) == 5 for p in X)


def test_spirals_lie_on_their_arms():
    k, turns = 3, 1.5
    X, y = D.make_spirals(90, n_classes=k, turns=turns, seed=0)
    assert Counter(y) == {0: 30, 1: 30, 2: 30}
    for (a, b), c in zip(X, y):
        r = math.hypot(a, b)
        assert 0.1 - 1e-12 <= r <= 1 + 1e-12
        theta = 2 * math.pi * c / k + 2 * math.pi * turns * r
        assert a == pytest.approx(r * math.cos(theta), abs=1e-12)
        assert b == pytest.approx(r * math.sin(theta), abs=1e-12)
    with pytest.raises(ValueError, match="two classes"):
        D.make_spirals(30, n_classes=3, labels="sign")


def test_xor_classic_and_noisy():
    assert D.make_xor() == ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0])
    assert D.make_xor(centered=True, labels="sign") == (
        [[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]], [-1, 1, 1, -1])
    X, y = D.make_xor(8, seed=0)
    assert sorted(zip(map(tuple, X), y)) == sorted(
        [((0.0, 0.0), 0), ((0.0, 1.0), 1), ((1.0, 0.0), 1), ((1.0, 1.0), 0)] * 2)
    X, y = D.make_xor(400, noise=0.1, seed=0)
    for p, label in zip(X, y):  # each noisy point stays nearest to a corner of its class
        corner = (round(p[0]), round(p[1]))
        assert label == corner[0] ^ corner[1]


def test_regression_sample():
    X, y = D.make_regression(50, seed=0)
    assert all(len(x) == 3 and all(-2 <= c <= 2 for c in x) for x in X)
    assert y == [math.sin(x[0]) + x[1] * x[2] - 0.5 * x[2] ** 2 for x in X]
    Xn, yn = D.make_regression(4000, noise=0.3, seed=0)
    clean = [math.sin(x[0]) + x[1] * x[2] - 0.5 * x[2] ** 2 for x in Xn]
    assert statistics.pstdev(a - b for a, b in zip(yn, clean)) == pytest.approx(0.3, rel=0.05)
    Xf, yf = D.make_regression(5, seed=1, f=lambda x: x[0] + 2 * x[1] + 3 * x[2])
    assert yf == [x[0] + 2 * x[1] + 3 * x[2] for x in Xf]


def test_label_conversions():
    assert D.to_sign([0, 1, 1]) == [-1, 1, 1]
    assert D.to_index([-1, 1, 1]) == [0, 1, 1]
    with pytest.raises(ValueError, match=r"to_sign: y\[1\] = 2"):
        D.to_sign([0, 2])
    with pytest.raises(ValueError, match=r"to_index: y\[0\] = 0"):
        D.to_index([0, 1])


@pytest.mark.parametrize("call,message", [
    (lambda: D.make_moons(1), "n_samples must be an int >= 2"),
    (lambda: D.make_moons(10, noise=-0.1), "noise must be a finite number >= 0"),
    (lambda: D.make_moons(10, labels="onehot"), "labels must be 'index' or 'sign'"),
    (lambda: D.make_blobs(0), "make_blobs: n_samples"),
    (lambda: D.make_xor(n_samples=2.5), "make_xor: n_samples"),
    (lambda: D.make_regression(10, low=1.0, high=0.0), "low < high"),
])
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_bad_seed_type():
    with pytest.raises(TypeError, match="seed must be an int or None, got str"):
        D.make_moons(10, seed="0")


# -- splitting and batching ----------------------------------------------------------------

def test_train_test_split_partitions_and_keeps_pairs():
    X = [[float(i), float(-i)] for i in range(10)]
    y = list(range(10))
    Xtr, Xte, ytr, yte = D.train_test_split(X, y, test_size=0.25, seed=0)
    assert len(Xte) == 3 and len(Xtr) == 7  # ceil(0.25 · 10), as scikit-learn
    assert sorted(ytr + yte) == y
    assert all(x[0] == label for x, label in zip(Xtr + Xte, ytr + yte))
    assert D.train_test_split(X, y, test_size=0.25, seed=0)[3] == yte
    assert D.train_test_split(X, y, test_size=2, shuffle=False)[3] == [0, 1]
    for bad in (0.0, 1.0, 0, 10, "a"):
        with pytest.raises(ValueError, match="test_size"):
            D.train_test_split(X, y, test_size=bad)
    with pytest.raises(ValueError, match="X has 10 samples but y has 9"):
        D.train_test_split(X, y[:9])


def test_batches_cover_every_sample_once_per_pass():
    X, y = list(range(10)), [v * 10 for v in range(10)]
    got = list(D.batches(X, y, 4, seed=1))
    assert [len(xb) for xb, _ in got] == [4, 4, 2]
    assert sorted(v for xb, _ in got for v in xb) == X
    assert all(yv == 10 * xv for xb, yb in got for xv, yv in zip(xb, yb))
    assert [xb for xb, _ in got] == [xb for xb, _ in D.batches(X, y, 4, seed=1)]
    assert [xb for xb, _ in D.batches(X, y, 4, shuffle=False)] == [
        [0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert [len(xb) for xb, _ in D.batches(X, y, 4, seed=1, drop_last=True)] == [4, 4]


def test_dataloader_reshuffles_each_epoch_reproducibly():
    X, y = list(range(20)), list(range(20))
    a, b = D.DataLoader(X, y, batch_size=6, seed=3), D.DataLoader(X, y, batch_size=6, seed=3)
    assert len(a) == 4 and len(D.DataLoader(X, y, 6, drop_last=True)) == 3
    epochs_a = [[xb for xb, _ in a] for _ in range(3)]
    epochs_b = [[xb for xb, _ in b] for _ in range(3)]
    assert epochs_a == epochs_b
    assert epochs_a[0] != epochs_a[1]
    with pytest.raises(ValueError, match="batch_size must be an int >= 1"):
        D.DataLoader(X, y, batch_size=0)
