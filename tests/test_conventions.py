"""Every row of docs/conventions.md, pinned exactly: value and gradient.

The table was read off PyTorch 2.13 (CPU, float64). Floats are compared
exactly: nan with math.isnan, and zeros and infinities with their sign
(math.copysign), so -0.0 and 0.0 are different answers here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import pytest

import autograd
from autograd import Value

inf, nan = math.inf, math.nan
LN2 = math.log(2.0)


def same(got: float, want: float) -> bool:
    """Exact float equality that tells nan from nan and -0.0 from 0.0."""
    if math.isnan(want):
        return math.isnan(got)
    return got == want and math.copysign(1.0, got) == math.copysign(1.0, want)


def run(fn: Callable[..., Value], *xs: float) -> tuple[float, list[float]]:
    """fn at the points xs: its value and its gradient for each input (by backward)."""
    leaves = [Value(x) for x in xs]
    out = fn(*leaves)
    out.backward()
    return out.data, [v.grad for v in leaves]


def check(fn: Callable[..., Value], xs: Sequence[float], value: float,
          grads: Sequence[float]) -> None:
    got_value, got_grads = run(fn, *xs)
    assert same(got_value, value), f"value at {xs}: got {got_value!r}, want {value!r}"
    for i, (g, w) in enumerate(zip(got_grads, grads, strict=True)):
        assert same(g, w), f"gradient {i} at {xs}: got {g!r}, want {w!r}"


# (id, fn, inputs, value, gradients): one line per row of the table (a row that
# lists several inputs or ops is split into one line each).
ROWS: list[tuple[str, Callable[..., Value], tuple[float, ...], float, tuple[float, ...]]] = [
    ("relu(0)", Value.relu, (0.0,), 0.0, (0.0,)),
    ("relu(nan)", Value.relu, (nan,), nan, (1.0,)),
    ("leaky_relu(0.01)(0)", lambda x: x.leaky_relu(0.01), (0.0,), 0.0, (0.01,)),
    ("leaky_relu()(0)", Value.leaky_relu, (0.0,), 0.0, (0.01,)),
    ("elu(0)", Value.elu, (0.0,), 0.0, (1.0,)),
    ("gelu(0)", Value.gelu, (0.0,), 0.0, (0.5,)),
    ("abs(0)", abs, (0.0,), 0.0, (0.0,)),
    ("abs(-0.0)", abs, (-0.0,), 0.0, (0.0,)),
    ("sqrt(0)", Value.sqrt, (0.0,), 0.0, (inf,)),
    ("0**0.5", lambda x: x ** 0.5, (0.0,), 0.0, (inf,)),
    ("sqrt(-1)", Value.sqrt, (-1.0,), nan, (nan,)),
    ("log(0)", Value.log, (0.0,), -inf, (inf,)),
    ("log(-1)", Value.log, (-1.0,), nan, (-1.0,)),
    ("log(-0.0)", Value.log, (-0.0,), -inf, (-inf,)),
    ("sqrt(-0.0)", Value.sqrt, (-0.0,), -0.0, (-inf,)),
    ("1/x at -0.0", lambda x: 1 / x, (-0.0,), -inf, (-inf,)),
    ("Value(1)/x at -0.0", lambda x: Value(1.0) / x, (-0.0,), -inf, (-inf,)),
    ("log1p(-1)", Value.log1p, (-1.0,), -inf, (inf,)),
    ("log1p(1e-20)", Value.log1p, (1e-20,), 1e-20, (1.0,)),
    ("(-3)**2", lambda x: x ** 2, (-3.0,), 9.0, (-6.0,)),
    ("(-2)**0.5", lambda x: x ** 0.5, (-2.0,), nan, (nan,)),
    ("(-8)**(1/3)", lambda x: x ** (1 / 3), (-8.0,), nan, (nan,)),
    ("(-0.5)**(1/3)", lambda x: x ** (1 / 3), (-0.5,), nan, (nan,)),
    ("0**0", lambda x: x ** 0, (0.0,), 1.0, (0.0,)),
    ("0**-1", lambda x: x ** -1, (0.0,), inf, (-inf,)),
    ("x**y at (-2, 2)", lambda x, y: x ** y, (-2.0, 2.0), 4.0, (-4.0, nan)),
    ("x**y at (0, 0)", lambda x, y: x ** y, (0.0, 0.0), 1.0, (0.0, 0.0)),
    ("x**y at (0, 3)", lambda x, y: x ** y, (0.0, 3.0), 0.0, (0.0, 0.0)),
    ("x**y at (0, 2.5)", lambda x, y: x ** y, (0.0, 2.5), 0.0, (0.0, 0.0)),
    ("x**y at (0, 0.5)", lambda x, y: x ** y, (0.0, 0.5), 0.0, (inf, 0.0)),
    ("x**y at (0, -1)", lambda x, y: x ** y, (0.0, -1.0), inf, (-inf, -inf)),
    ("2**y at 3", lambda y: 2 ** y, (3.0,), 8.0, (5.545177444479562,)),
    ("2.0**y at 3", lambda y: 2.0 ** y, (3.0,), 8.0, (8.0 * LN2,)),
    ("x/y at 1/0", lambda x, y: x / y, (1.0, 0.0), inf, (inf, -inf)),
    ("x/y at 0/0", lambda x, y: x / y, (0.0, 0.0), nan, (inf, nan)),
    ("exp(709)", Value.exp, (709.0,), 8.218407461554972e307, (8.218407461554972e307,)),
    ("exp(710)", Value.exp, (710.0,), inf, (inf,)),
    ("exp(1000)", Value.exp, (1000.0,), inf, (inf,)),
    ("exp(-1000)", Value.exp, (-1000.0,), 0.0, (0.0,)),
    ("tanh(20)", Value.tanh, (20.0,), 1.0, (0.0,)),
    ("tanh(-20)", Value.tanh, (-20.0,), -1.0, (0.0,)),
    ("tanh(1000)", Value.tanh, (1000.0,), 1.0, (0.0,)),
    ("tanh(-1000)", Value.tanh, (-1000.0,), -1.0, (0.0,)),
    ("sigmoid(-40)", Value.sigmoid, (-40.0,), 4.248354255291589e-18,
     (4.248354255291589e-18,)),
    ("sigmoid(800)", Value.sigmoid, (800.0,), 1.0, (0.0,)),
    ("sigmoid(-800)", Value.sigmoid, (-800.0,), 0.0, (0.0,)),
    ("softplus(0)", Value.softplus, (0.0,), LN2, (0.5,)),
    ("softplus(1000)", Value.softplus, (1000.0,), 1000.0, (1.0,)),
    ("softplus(-1000)", Value.softplus, (-1000.0,), 0.0, (0.0,)),
    ("maximum tie", autograd.maximum, (2.0, 2.0), 2.0, (0.5, 0.5)),
    ("maximum tie negative", autograd.maximum, (-1.5, -1.5), -1.5, (0.5, 0.5)),
    ("minimum tie", autograd.minimum, (2.0, 2.0), 2.0, (0.5, 0.5)),
    ("minimum tie negative", autograd.minimum, (-1.5, -1.5), -1.5, (0.5, 0.5)),
    ("maximum(nan, 1)", autograd.maximum, (nan, 1.0), nan, (1.0, 1.0)),
    ("maximum(1, nan)", autograd.maximum, (1.0, nan), nan, (1.0, 1.0)),
    ("clamp(-1, 1) at 1", lambda x: x.clamp(-1.0, 1.0), (1.0,), 1.0, (1.0,)),
    ("clamp(-1, 1) at -1", lambda x: x.clamp(-1.0, 1.0), (-1.0,), -1.0, (1.0,)),
    ("clamp(min=0) at 0", lambda x: x.clamp(min=0.0), (0.0,), 0.0, (1.0,)),
    ("clamp(max=2) at 2", lambda x: x.clamp(max=2.0), (2.0,), 2.0, (1.0,)),
    ("hardtanh at 1", Value.hardtanh, (1.0,), 1.0, (0.0,)),
    ("hardtanh at -1", Value.hardtanh, (-1.0,), -1.0, (0.0,)),
    ("hardtanh(-2, 3) at 3", lambda x: x.hardtanh(-2.0, 3.0), (3.0,), 3.0, (0.0,)),
    ("relu6 at 0", Value.relu6, (0.0,), 0.0, (0.0,)),
    ("relu6 at 6", Value.relu6, (6.0,), 6.0, (0.0,)),
    ("hardsigmoid at 3", Value.hardsigmoid, (3.0,), 1.0, (0.0,)),
    ("hardsigmoid at -3", Value.hardsigmoid, (-3.0,), 0.0, (0.0,)),
    ("hardsigmoid inside at 0", Value.hardsigmoid, (0.0,), 0.5, (1.0 / 6.0,)),
    ("hardsigmoid inside at 1.5", Value.hardsigmoid, (1.5,), 0.75, (1.0 / 6.0,)),
    ("hardsigmoid inside at -1.5", Value.hardsigmoid, (-1.5,), 0.25, (1.0 / 6.0,)),
    ("hardsigmoid just inside at 2.999", Value.hardsigmoid, (2.999,), (2.999 + 3.0) / 6.0,
     (1.0 / 6.0,)),
    ("hardshrink at 0.5", Value.hardshrink, (0.5,), 0.0, (0.0,)),
    ("hardshrink at -0.5", Value.hardshrink, (-0.5,), 0.0, (0.0,)),
    ("softshrink at 0.5", Value.softshrink, (0.5,), 0.0, (0.0,)),
    ("softshrink at -0.5", Value.softshrink, (-0.5,), -0.0, (0.0,)),
    ("selu(0)", Value.selu, (0.0,), 0.0, (1.7580993408473766,)),
    ("elu(alpha=1)(0)", lambda x: x.elu(1.0), (0.0,), 0.0, (1.0,)),
    ("celu(alpha=1)(0)", lambda x: x.celu(1.0), (0.0,), 0.0, (1.0,)),
    ("celu()(0)", Value.celu, (0.0,), 0.0, (1.0,)),
    ("hinge relu(1 - y*s) at y=1, s=1", lambda s: (1.0 - 1.0 * s).relu(), (1.0,), 0.0, (0.0,)),
    ("hinge relu(1 - y*s) at y=-1, s=-1", lambda s: (1.0 - -1.0 * s).relu(), (-1.0,), 0.0,
     (0.0,)),
]


@pytest.mark.parametrize(("fn", "xs", "value", "grads"),
                         [pytest.param(*row[1:], id=row[0]) for row in ROWS])
def test_row(fn: Callable[..., Value], xs: tuple[float, ...], value: float,
             grads: tuple[float, ...]) -> None:
    check(fn, xs, value, grads)


def test_hardsigmoid_slope_is_the_float64_sixth_not_pytorchs_float32() -> None:
    x = Value(0.25)
    x.hardsigmoid().backward()
    assert x.grad == 1.0 / 6.0
    assert x.grad != 0.1666666716337204  # PyTorch's float32 constant


def test_no_python_exceptions_at_edge_points() -> None:
    """Where plain Python floats raise, the engine returns IEEE numbers."""
    assert Value(0.0).log().data == -inf                   # math.log(0): ValueError
    assert (Value(1.0) / 0.0).data == inf                   # 1/0.0: ZeroDivisionError
    assert Value(1000.0).exp().data == inf                  # math.exp: OverflowError
    assert math.isnan((Value(-8.0) ** (1 / 3)).data)         # Python gives a complex
    assert (Value(10.0) ** 400).data == inf                 # float ** int: OverflowError
    assert (Value(-10.0) ** 401).data == -inf
    assert (Value(0.0) ** -2).data == inf                   # 0.0 ** -2: ZeroDivisionError
    assert (Value(-0.0) ** -1).data == -inf
    assert math.isnan(Value(inf).sin().data)                # math.sin(inf): ValueError
    assert math.isnan(Value(-inf).cos().data)


def test_log_softmax_of_huge_logits() -> None:
    xs = [Value(1000.0), Value(0.0), Value(-1000.0)]
    out = autograd.log_softmax(xs)
    assert [o.data for o in out] == [0.0, -1000.0, -2000.0]
    # d/dx of Σ_i (i+1)·log_softmax_i: finite (softmax is [1, 0, 0] in float64)
    autograd.sum([o * (i + 1) for i, o in enumerate(out)]).backward()
    assert all(math.isfinite(x.grad) for x in xs)
    assert [x.grad for x in xs] == [1.0 - 6.0, 2.0, 3.0]


def test_softmax_of_huge_logits() -> None:
    out = autograd.softmax([Value(1000.0), Value(0.0), Value(-1000.0)])
    assert [o.data for o in out] == [1.0, 0.0, 0.0]


def cross_entropy(logits: list[Value], target: int) -> Value:
    """−log_softmax(logits)[target], the engine-level form of the loss."""
    return -autograd.log_softmax(logits)[target]


@pytest.mark.parametrize(("logits", "value", "grads"), [
    ([1000.0, 0.0, -1000.0], 2000.0, [1.0, 0.0, -1.0]),
    ([1e4, 1e4, 0.0], 10000.693147180560, [0.5, 0.5, -1.0]),
])
def test_cross_entropy_rows(logits: list[float], value: float, grads: list[float]) -> None:
    xs = [Value(x) for x in logits]
    loss = cross_entropy(xs, 2)
    assert loss.data == value
    loss.backward()
    assert [x.grad for x in xs] == grads


@pytest.mark.parametrize(("logits", "value", "grads"), [
    ([1000.0, 0.0, -1000.0], 2000.0, [1.0, 0.0, -1.0]),
    ([1e4, 1e4, 0.0], 10000.693147180560, [0.5, 0.5, -1.0]),
])
def test_cross_entropy_through_logsumexp(logits: list[float], value: float,
                                         grads: list[float]) -> None:
    """logsumexp(x) − x_target: the value is exact; the gradient e^(x − lse)
    rounds at 1e4 (lse carries 1e4's ulp), as PyTorch's logsumexp does."""
    xs = [Value(x) for x in logits]
    loss = autograd.logsumexp(xs) - xs[2]
    assert loss.data == value
    loss.backward()
    for g, w in zip([x.grad for x in xs], grads):
        assert abs(g - w) <= 1e-12
