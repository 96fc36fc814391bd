"""nn.losses against their closed forms (values and gradients), reductions,
stability at extreme inputs, and clear errors on bad input."""

from __future__ import annotations

import math
import random

import pytest

import nn
from autograd import Value
from nn import losses as L


def vals(xs):
    return [Value(x) for x in xs]


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def _numeric_grads(fn, xs, h=1e-6):
    out = []
    for i in range(len(xs)):
        up, down = list(xs), list(xs)
        step = h * max(1.0, abs(xs[i]))
        up[i] += step
        down[i] -= step
        out.append((fn(up) - fn(down)) / (2 * step))
    return out


# -- regression ------------------------------------------------------------------------

def test_mse_mean_and_sum_with_gradients():
    p = vals([1.0, 2.0, 3.0])
    loss = L.mse(p, [0.0, 2.0, 5.0])
    loss.backward()
    assert loss.data == pytest.approx(5 / 3, rel=1e-15)
    assert [x.grad for x in p] == pytest.approx([2 / 3, 0.0, -4 / 3], rel=1e-15)
    q = vals([1.0, 2.0, 3.0])
    total = L.mse(q, [0.0, 2.0, 5.0], reduction="sum")
    total.backward()
    assert total.data == 5.0 and [x.grad for x in q] == [2.0, 0.0, -4.0]


def test_single_values_and_values_as_targets():
    p, t = Value(3.0), Value(1.0)
    loss = L.mse(p, t)
    loss.backward()
    assert loss.data == 4.0 and p.grad == 4.0 and t.grad == -4.0
    assert L.mse(3, 1).data == 4.0


def test_l1_and_l2():
    p = vals([1.0, -2.0, 0.5])
    loss = L.l1(p, [0.0, 0.0, 0.5])
    loss.backward()
    assert loss.data == 1.0 and [x.grad for x in p] == pytest.approx([1 / 3, -1 / 3, 0.0])
    q = vals([1.0, -2.0, 0.5])
    half = L.l2(q, [0.0, 0.0, 1.5])
    half.backward()
    assert half.data == 0.5 * (1 + 4 + 1)  # ½·Σ(p − t)²: summed by default
    assert [x.grad for x in q] == [1.0, -2.0, -1.0]
    assert L.l2([1.0, -2.0, 0.5], [0.0, 0.0, 1.5], reduction="mean").data == 1.0


def test_bce_closed_form_and_gradients():
    p = vals([0.25, 0.8])
    loss = L.bce(p, [1.0, 0.0], reduction="sum")
    loss.backward()
    assert loss.data == pytest.approx(math.log(4) + math.log(5), rel=1e-15)
    # ∂/∂p of −[t ln p + (1−t) ln(1−p)] = (p − t)/(p(1 − p))
    assert [x.grad for x in p] == pytest.approx([-4.0, 5.0], rel=1e-14)
    t = Value(0.6)
    q = Value(0.3)
    L.bce(q, t).backward()
    assert t.grad == pytest.approx(math.log(0.7) - math.log(0.3), rel=1e-15)


def test_bce_clamps_logs_at_minus_100_as_pytorch():
    p = Value(0.0)
    loss = L.bce(p, 1.0)
    loss.backward()
    assert loss.data == 100.0
    assert math.isfinite(p.grad) and p.grad < -1e11  # −1/ε with torch's ε ≈ 1e-12
    assert L.bce(1.0, 0.0).data == 100.0
    assert L.bce(0.0, 0.0).data == 0.0


def test_bce_refuses_probabilities_outside_0_1():
    with pytest.raises(ValueError, match=r"probability must lie in \[0, 1\], got 1.5"):
        L.bce(Value(1.5), 1.0)
    with pytest.raises(ValueError, match="bce_with_logits"):
        L.bce(-0.5, 0.0)


def test_bce_with_logits_equals_bce_of_sigmoid_and_is_stable():
    xs, ts = [-2.0, 0.3, 4.0], [1.0, 0.25, 0.0]
    x = vals(xs)
    loss = L.bce_with_logits(x, ts)
    loss.backward()
    ref = L.bce([_sigmoid(v) for v in xs], ts)
    assert loss.data == pytest.approx(ref.data, rel=1e-14)
    assert [v.grad for v in x] == pytest.approx(
        [(_sigmoid(v) - t) / 3 for v, t in zip(xs, ts)], rel=1e-13)
    big = Value(1000.0)
    far = L.bce_with_logits(big, 0.0)
    far.backward()
    assert far.data == 1000.0 and big.grad == 1.0
    assert L.bce_with_logits(-1000.0, 0.0).data == 0.0
    assert L.bce_with_logits(-30.0, 1.0).data == pytest.approx(30.0 + math.exp(-30.0), rel=1e-15)


# -- margin losses ----------------------------------------------------------------------------

MARGIN = {
    "logistic": (lambda m: math.log1p(math.exp(-m)), lambda m: -_sigmoid(-m)),
    "exponential": (lambda m: math.exp(-m), lambda m: -math.exp(-m)),
    "hinge": (lambda m: max(0.0, 1 - m), lambda m: -1.0 if m < 1 else 0.0),
    "squared_hinge": (lambda m: max(0.0, 1 - m) ** 2, lambda m: -2 * max(0.0, 1 - m)),
    "quadratic_margin": (lambda m: (1 - m) ** 2, lambda m: -2 * (1 - m)),
}


@pytest.mark.parametrize("name", sorted(MARGIN))
def test_margin_losses_closed_forms(name):
    f, df = MARGIN[name]
    rng = random.Random(name)
    scores = [rng.uniform(-3, 3) for _ in range(9)]
    ys = [rng.choice([-1, 1]) for _ in scores]
    s = vals(scores)
    loss = getattr(L, name)(s, ys)
    loss.backward()
    margins = [y * v for y, v in zip(ys, scores)]
    assert loss.data == pytest.approx(sum(map(f, margins)) / 9, rel=1e-14)
    # ∂ℓ(y·s)/∂s = y·ℓ'(y·s), divided by n for the mean
    assert [v.grad for v in s] == pytest.approx(
        [y * df(m) / 9 for y, m in zip(ys, margins)], rel=1e-13, abs=1e-16)
    total = getattr(L, name)(scores, ys, reduction="sum")
    assert total.data == pytest.approx(sum(map(f, margins)), rel=1e-14)


def test_margin_losses_at_special_points():
    s = Value(1.0)
    h = L.hinge(s, 1)
    h.backward()
    assert h.data == 0.0 and s.grad == 0.0  # the kink y·s = 1: gradient 0
    assert L.logistic(0.0, 1).data == math.log(2)
    assert L.logistic(1000.0, -1).data == 1000.0  # no overflow
    assert L.logistic(1000.0, 1).data == 0.0
    assert L.exponential(2.0, -1).data == math.exp(2.0)


def test_margin_losses_refuse_index_labels():
    with pytest.raises(ValueError, match="labels must be -1 or \\+1, got 0"):
        L.hinge([0.5, 0.2], [0, 1])
    with pytest.raises(ValueError, match="got True"):
        L.logistic(0.5, True)
    assert L.hinge(0.5, Value(-1.0)).data == 1.5  # a Value label counts by its data


# -- classification --------------------------------------------------------------------------

def test_multiclass_hinge_cs231n_example():
    s = vals([3.2, 5.1, -1.7])
    loss = L.multiclass_hinge(s, 0)
    loss.backward()
    assert loss.data == pytest.approx(max(0, 5.1 - 3.2 + 1) + max(0, -1.7 - 3.2 + 1))
    assert [v.grad for v in s] == [-1.0, 1.0, 0.0]
    assert L.multiclass_hinge([3.2, 5.1, -1.7], 1, margin=0.5).data == 0.0


def test_cross_entropy_is_minus_log_softmax():
    logits = [1.5, -0.3, 0.2, 2.0]
    for k in range(4):
        x = vals(logits)
        loss = L.cross_entropy(x, k)
        loss.backward()
        z = sum(math.exp(v) for v in logits)
        assert loss.data == pytest.approx(-math.log(math.exp(logits[k]) / z), rel=1e-14)
        assert [v.grad for v in x] == pytest.approx(
            [math.exp(v) / z - (j == k) for j, v in enumerate(logits)], rel=1e-13, abs=1e-16)


def test_cross_entropy_extreme_logits_from_the_conventions():
    x = vals([1000.0, 0.0, -1000.0])
    loss = L.cross_entropy(x, 2)
    loss.backward()
    assert loss.data == 2000.0 and [v.grad for v in x] == [1.0, 0.0, -1.0]
    y = vals([1e4, 1e4, 0.0])
    loss2 = L.cross_entropy(y, 2)
    loss2.backward()
    assert loss2.data == pytest.approx(10000.693147180560, rel=1e-15)
    assert [v.grad for v in y] == pytest.approx([0.5, 0.5, -1.0], rel=1e-15)


def test_cross_entropy_and_multiclass_hinge_on_a_batch():
    batch, targets = [[1.0, 2.0], [0.5, -0.5], [0.0, 3.0]], [1, 0, 0]
    each = [L.cross_entropy(row, t).data for row, t in zip(batch, targets)]
    assert L.cross_entropy(batch, targets).data == pytest.approx(sum(each) / 3, rel=1e-15)
    assert L.cross_entropy(batch, targets, reduction="sum").data == pytest.approx(sum(each))
    hinge = [L.multiclass_hinge(row, t).data for row, t in zip(batch, targets)]
    assert L.multiclass_hinge(batch, targets).data == pytest.approx(sum(hinge) / 3)


def test_class_index_is_checked():
    for bad in (3, -1, 1.0, True):
        with pytest.raises(ValueError, match="class index in \\[0, 3\\)"):
            L.cross_entropy([1.0, 2.0, 3.0], bad)
    with pytest.raises(ValueError, match="non-empty"):
        L.multiclass_hinge([], 0)


def test_kl_divergence():
    p, qs = [0.5, 0.25, 0.25], [0.25, 0.5, 0.25]
    q = vals(qs)
    kl = L.kl_divergence(p, q)
    kl.backward()
    assert kl.data == pytest.approx(0.5 * math.log(2) + 0.25 * math.log(0.5), rel=1e-15)
    assert [v.grad for v in q] == pytest.approx([-pi / qi for pi, qi in zip(p, qs)])
    assert L.kl_divergence(p, p).data == 0.0
    assert L.kl_divergence([0.0, 1.0], [0.5, 0.5]).data == pytest.approx(math.log(2))
    pv = vals(p)
    L.kl_divergence(pv, qs).backward()  # ∂/∂p_i = ln(p_i/q_i) + 1
    assert [v.grad for v in pv] == pytest.approx(
        [math.log(a / b) + 1 for a, b in zip(p, qs)], rel=1e-14)
    with pytest.raises(ValueError, match="not a probability"):
        L.kl_divergence([-0.1, 1.1], [0.5, 0.5])


# -- regularisers -------------------------------------------------------------------------------

def test_penalties_on_values_and_modules():
    w = vals([1.5, -2.0, 0.0])
    l2 = L.l2_penalty(w)
    l2.backward()
    assert l2.data == 1.5**2 + 4.0 and [v.grad for v in w] == [3.0, -4.0, 0.0]
    assert l2.op == "dot"  # one node, however many parameters
    u = vals([1.5, -2.0, 0.0])
    l1 = L.l1_penalty(u)
    l1.backward()
    assert l1.data == 3.5 and [v.grad for v in u] == [1.0, -1.0, 0.0]
    model = nn.MLP(2, [3, 1], seed=0)
    expected = sum(p.data ** 2 for p in model.parameters())
    assert L.l2_penalty(model).data == pytest.approx(expected, rel=1e-14)
    assert L.l2_penalty([]).data == 0.0
    with pytest.raises(TypeError, match="Module or an iterable"):
        L.l2_penalty(Value(1.0))


# -- gradients by central differences on random inputs --------------------------------------------

@pytest.mark.parametrize("name", ["mse", "l1", "bce_with_logits", "logistic", "exponential",
                                  "squared_hinge", "quadratic_margin"])
def test_elementwise_losses_match_central_differences(name):
    rng = random.Random(17)
    fn = getattr(L, name)
    for _ in range(20):
        xs = [rng.uniform(-2, 2) for _ in range(4)]
        if name in ("mse", "l1", "bce_with_logits"):
            ts = [rng.uniform(0, 1) for _ in xs]
        else:
            ts = [rng.choice([-1, 1]) for _ in xs]
        if name == "l1" and any(abs(x - t) < 1e-3 for x, t in zip(xs, ts)):
            continue  # keep away from the kink
        v = vals(xs)
        fn(v, ts).backward()
        numeric = _numeric_grads(lambda z: fn(z, ts).data, xs)
        for a, n in zip((x.grad for x in v), numeric):
            assert abs(a - n) <= 1e-6 + 1e-5 * abs(n)


# -- argument errors -------------------------------------------------------------------------------

def test_shapes_reductions_and_types_are_checked():
    with pytest.raises(ValueError, match="2 predictions but 3 targets"):
        L.mse([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="both be single values or both sequences"):
        L.mse([1.0, 2.0], 1.0)
    with pytest.raises(ValueError, match="empty"):
        L.mse([], [])
    with pytest.raises(ValueError, match="reduction must be 'mean' or 'sum', got 'none'"):
        L.mse([1.0], [1.0], reduction="none")
    with pytest.raises(TypeError, match=r"mse: prediction\[1\] must be a number or a Value"):
        L.mse([1.0, "2"], [1.0, 2.0])


def test_cross_entropy_takes_numpy_integer_targets_and_refuses_bools() -> None:
    import numpy as np

    from nn import losses
    assert losses.cross_entropy([1.0, 2.0, 3.0], np.int64(2)).data == \
        losses.cross_entropy([1.0, 2.0, 3.0], 2).data
    for bad in (True, np.bool_(True), 1.0, 3):
        with pytest.raises(ValueError, match="class index"):
            losses.cross_entropy([1.0, 2.0, 3.0], bad)


def test_kl_divergence_refuses_a_q_that_is_no_distribution() -> None:
    from nn import losses
    with pytest.raises(ValueError, match=r"q\[1\] = -0.5"):
        losses.kl_divergence([0.5, 0.5], [1.5, -0.5])
