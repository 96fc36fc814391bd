"""Every op of the op table, through the public API.

For each op: its value against a closed form written here with ``math`` at
several points, its derivative against central differences of the engine's
own forward value (h = 1e-6·max(1, |x|), pass |a − n| <= 1e-6 + 1e-5·|n|) on
the smooth part of its domain, the same derivative through
``grad(create_graph=True)``, and second derivatives (the Hessian) against
central differences of the first. Kinks are not derivatives: their
conventional values are pinned exactly in ``KINKS``.

A new op in ``autograd.OPS`` without a case here fails
``test_every_op_in_the_table_has_cases``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pytest

import autograd
from autograd import Value

SELU_ALPHA = 1.6732632423543772848170429916717  # Klambauer et al. (2017)
SELU_SCALE = 1.0507009873554804934193349852946


@dataclass(frozen=True)
class Case:
    """One way of reaching an op from the public API, with its closed form."""

    name: str                         # test id
    op: str | None                    # the op name the output node records (None: composite)
    api: str                          # the public entry point exercised
    build: Callable[..., Value]       # input Values -> output Value
    ref: Callable[..., float]         # input floats -> the closed-form value
    points: Sequence[tuple[float, ...]]
    smooth: bool = field(default=True)  # False: no derivative checks (none yet)


def pts(*xs: float) -> list[tuple[float, ...]]:
    return [(x,) for x in xs]


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def elu(x: float, alpha: float) -> float:
    return x if x > 0 else alpha * (math.exp(x) - 1.0)


def lse(*xs: float) -> float:
    m = max(xs)
    return m + math.log(math.fsum(math.exp(x - m) for x in xs))


GENERIC = pts(-2.3, -0.7, 0.0, 0.4, 1.1, 2.9)
NONZERO = pts(-2.3, -0.7, 0.4, 1.1, 2.9)
POSITIVE = pts(0.15, 0.6, 1.0, 1.7, 4.2, 30.0)
PAIRS = [(1.3, -0.7), (-2.1, 0.4), (0.25, 3.0), (5.0, -1.5), (-0.6, -0.9)]

CASES: list[Case] = [
    # -- operators ------------------------------------------------------------
    Case("a+b", "add", "+", lambda a, b: a + b, lambda a, b: a + b, PAIRS),
    Case("a+2", "add", "+", lambda a: a + 2, lambda a: a + 2.0, NONZERO),
    Case("2.5+a", "add", "+", lambda a: 2.5 + a, lambda a: 2.5 + a, NONZERO),
    Case("a-b", "sub", "-", lambda a, b: a - b, lambda a, b: a - b, PAIRS),
    Case("a-2", "sub", "-", lambda a: a - 2, lambda a: a - 2.0, NONZERO),
    Case("2-a", "sub", "-", lambda a: 2 - a, lambda a: 2.0 - a, NONZERO),
    Case("a*b", "mul", "*", lambda a, b: a * b, lambda a, b: a * b, PAIRS),
    Case("a*3", "mul", "*", lambda a: a * 3, lambda a: a * 3.0, NONZERO),
    Case("-1.5*a", "mul", "*", lambda a: -1.5 * a, lambda a: -1.5 * a, NONZERO),
    Case("a/b", "div", "/", lambda a, b: a / b, lambda a, b: a / b, PAIRS),
    Case("a/4", "div", "/", lambda a: a / 4, lambda a: a / 4.0, NONZERO),
    Case("3/a", "div", "/", lambda a: 3 / a, lambda a: 3.0 / a, NONZERO),
    Case("-a", "neg", "unary -", lambda a: -a, lambda a: -a, GENERIC),
    Case("+a*2", "mul", "unary +", lambda a: (+a) * 2.0, lambda a: a * 2.0, GENERIC),
    Case("abs", "abs", "abs", abs, abs, NONZERO),
    Case("a**b", "pow", "**", lambda a, b: a ** b, lambda a, b: math.exp(b * math.log(a)),
         [(0.5, 1.5), (1.7, -0.6), (3.0, 2.0), (0.2, -1.3), (2.5, 1e-3)]),
    Case("2**a", "pow", "number ** Value", lambda a: 2 ** a, lambda a: math.exp(a * math.log(2)),
         pts(-1.5, 0.0, 0.7, 3.0)),
    Case("0.5**a", "pow", "number ** Value", lambda a: 0.5 ** a,
         lambda a: math.exp(-a * math.log(2)), pts(-1.5, 0.7, 3.0)),
    Case("a**2", "powc", "**", lambda a: a ** 2, lambda a: a * a, GENERIC),
    Case("a**3", "powc", "**", lambda a: a ** 3, lambda a: a * a * a, GENERIC),
    Case("a**7", "powc", "**", lambda a: a ** 7, lambda a: a * a * a * a * a * a * a,
         pts(-1.1, 0.9, 1.3)),
    Case("a**0", "powc", "**", lambda a: a ** 0, lambda a: 1.0, GENERIC),
    Case("a**1", "powc", "**", lambda a: a ** 1, lambda a: a, GENERIC),
    Case("a**-1", "powc", "**", lambda a: a ** -1, lambda a: 1.0 / a, NONZERO),
    Case("a**-2", "powc", "**", lambda a: a ** -2, lambda a: 1.0 / (a * a), NONZERO),
    Case("a**0.5", "powc", "**", lambda a: a ** 0.5, math.sqrt, POSITIVE),
    Case("a**(1/3)", "powc", "**", lambda a: a ** (1 / 3), lambda a: math.exp(math.log(a) / 3),
         POSITIVE),
    Case("a**1.5", "powc", "**", lambda a: a ** 1.5, lambda a: a * math.sqrt(a), POSITIVE),
    # -- exponentials, logarithms, trigonometry --------------------------------
    Case("exp", "exp", "Value.exp", Value.exp, math.exp, pts(-5.0, -0.7, 0.0, 1.3, 25.0)),
    Case("log", "log", "Value.log", Value.log, math.log, POSITIVE),
    Case("log1p", "log1p", "Value.log1p", Value.log1p, math.log1p,
         pts(-0.85, -0.3, 1e-8, 0.2, 1.5, 20.0)),
    Case("sqrt", "sqrt", "Value.sqrt", Value.sqrt, math.sqrt, POSITIVE),
    Case("sin", "sin", "Value.sin", Value.sin, math.sin, GENERIC),
    Case("cos", "cos", "Value.cos", Value.cos, math.cos, GENERIC),
    Case("atan", "atan", "Value.atan", Value.atan, math.atan, GENERIC),
    Case("erf", "erf", "Value.erf", Value.erf, math.erf, GENERIC),
    # -- activations ------------------------------------------------------------
    Case("tanh", "tanh", "Value.tanh", Value.tanh, math.tanh, pts(-3.0, -0.5, 0.0, 0.8, 2.5)),
    Case("sigmoid", "sigmoid", "Value.sigmoid", Value.sigmoid, sigmoid,
         pts(-6.0, -1.0, 0.0, 1.5, 8.0)),
    Case("relu", "relu", "Value.relu", Value.relu, lambda x: max(0.0, x),
         pts(-1.2, -0.1, 0.3, 2.0)),
    # softplus is x itself above 20 (PyTorch's threshold), ln(1 + e^x) below
    Case("softplus", "softplus", "Value.softplus", Value.softplus,
         lambda x: x if x > 20 else math.log1p(math.exp(x)),
         pts(-30.0, -2.0, 0.0, 3.0, 19.5, 20.5, 50.0)),
    Case("leaky_relu", "leaky_relu", "Value.leaky_relu", Value.leaky_relu,
         lambda x: x if x > 0 else 0.01 * x, NONZERO),
    Case("leaky_relu(0.2)", "leaky_relu", "Value.leaky_relu", lambda x: x.leaky_relu(0.2),
         lambda x: x if x > 0 else 0.2 * x, NONZERO),
    Case("elu", "elu", "Value.elu", Value.elu, lambda x: elu(x, 1.0), NONZERO),
    Case("elu(0.5)", "elu", "Value.elu", lambda x: x.elu(0.5), lambda x: elu(x, 0.5), NONZERO),
    Case("selu", "selu", "Value.selu", Value.selu, lambda x: SELU_SCALE * elu(x, SELU_ALPHA),
         NONZERO),
    Case("celu", "celu", "Value.celu", Value.celu,
         lambda x: max(0.0, x) + min(0.0, math.exp(x) - 1.0), NONZERO),
    Case("celu(2)", "celu", "Value.celu", lambda x: x.celu(2.0),
         lambda x: max(0.0, x) + min(0.0, 2.0 * (math.exp(x / 2.0) - 1.0)), NONZERO),
    Case("gelu", "gelu", "Value.gelu", Value.gelu,
         lambda x: 0.5 * x * (1.0 + math.erf(x / math.sqrt(2.0))), GENERIC),
    Case("silu", "silu", "Value.silu", Value.silu, lambda x: x * sigmoid(x), GENERIC),
    Case("softsign", "softsign", "Value.softsign", Value.softsign, lambda x: x / (1.0 + abs(x)),
         NONZERO),
    Case("hardtanh", "hardtanh", "Value.hardtanh", Value.hardtanh,
         lambda x: min(1.0, max(-1.0, x)), pts(-2.0, -0.5, 0.3, 1.7)),
    Case("hardtanh(-2,3)", "hardtanh", "Value.hardtanh", lambda x: x.hardtanh(-2.0, 3.0),
         lambda x: min(3.0, max(-2.0, x)), pts(-3.0, -1.5, 0.0, 2.5, 4.0)),
    Case("relu6", "relu6", "Value.relu6", Value.relu6, lambda x: min(6.0, max(0.0, x)),
         pts(-1.0, 0.5, 3.0, 5.9, 7.0)),
    Case("hardsigmoid", "hardsigmoid", "Value.hardsigmoid", Value.hardsigmoid,
         lambda x: min(1.0, max(0.0, x / 6.0 + 0.5)), pts(-4.0, -2.5, 0.0, 1.0, 2.9, 3.5)),
    Case("logsigmoid", "logsigmoid", "Value.logsigmoid", Value.logsigmoid,
         lambda x: -math.log1p(math.exp(-x)), pts(-30.0, -2.0, 0.0, 1.5, 30.0)),
    Case("tanhshrink", "tanhshrink", "Value.tanhshrink", Value.tanhshrink,
         lambda x: x - math.tanh(x), pts(-2.0, -0.6, 0.3, 1.5)),
    Case("hardshrink", "hardshrink", "Value.hardshrink", Value.hardshrink,
         lambda x: x if abs(x) > 0.5 else 0.0, pts(-2.0, -0.3, 0.2, 0.9)),
    Case("hardshrink(1)", "hardshrink", "Value.hardshrink", lambda x: x.hardshrink(1.0),
         lambda x: x if abs(x) > 1.0 else 0.0, pts(-1.5, -0.8, 0.5, 2.0)),
    Case("softshrink", "softshrink", "Value.softshrink", Value.softshrink,
         lambda x: math.copysign(max(0.0, abs(x) - 0.5), x), pts(-2.0, -0.3, 0.2, 0.9)),
    Case("softshrink(1)", "softshrink", "Value.softshrink", lambda x: x.softshrink(1.0),
         lambda x: math.copysign(max(0.0, abs(x) - 1.0), x), pts(-1.5, -0.8, 0.5, 2.0)),
    Case("clamp(-1,1)", "clamp", "Value.clamp", lambda x: x.clamp(-1.0, 1.0),
         lambda x: min(1.0, max(-1.0, x)), pts(-2.0, -0.5, 0.7, 1.5)),
    Case("clamp(min=0)", "clamp", "Value.clamp", lambda x: x.clamp(min=0.0),
         lambda x: max(0.0, x), pts(-1.0, 0.5, 3.0)),
    Case("clamp(max=0.5)", "clamp", "Value.clamp", lambda x: x.clamp(max=0.5),
         lambda x: min(0.5, x), pts(-1.0, 0.2, 1.0)),
    # -- several inputs -----------------------------------------------------------
    Case("maximum", "maximum", "autograd.maximum", autograd.maximum, max, PAIRS),
    Case("maximum(a,0.5)", "maximum", "autograd.maximum", lambda a: autograd.maximum(a, 0.5),
         lambda a: max(a, 0.5), pts(-1.0, 0.2, 1.5)),
    Case("minimum", "minimum", "autograd.minimum", autograd.minimum, min, PAIRS),
    Case("minimum(2,a)", "minimum", "autograd.minimum", lambda a: autograd.minimum(2, a),
         lambda a: min(2.0, a), pts(-1.0, 1.5, 3.0)),
    Case("prelu", "prelu", "autograd.prelu", autograd.prelu,
         lambda x, a: x if x > 0 else a * x, PAIRS),
    Case("sum1", "sum", "autograd.sum", lambda *xs: autograd.sum(xs), lambda *xs: math.fsum(xs),
         [(0.7,), (-2.0,)]),
    Case("sum4", "sum", "autograd.sum", lambda *xs: autograd.sum(xs), lambda *xs: math.fsum(xs),
         [(0.7, -1.2, 3.3, 0.01), (1.0, 2.0, 3.0, 4.0)]),
    Case("sum with numbers", "sum", "autograd.sum",
         lambda a, b: autograd.sum([a, 2.5, b, 1]), lambda a, b: a + b + 3.5, PAIRS),
    Case("mean", "mean", "autograd.mean", lambda *xs: autograd.mean(xs),
         lambda *xs: math.fsum(xs) / len(xs), [(0.7, -1.2, 3.3), (5.0,), (1.0, 2.0, 3.0, 4.5)]),
    Case("dot", "dot", "autograd.dot", lambda *xs: autograd.dot(xs[:2], xs[2:]),
         lambda a, b, c, d: a * c + b * d, [(0.7, -1.2, 3.3, 0.5), (1.0, 2.0, -3.0, 4.0)]),
    Case("dot3 with numbers", "dot", "autograd.dot",
         lambda a, b, c: autograd.dot([a, b, c], [1.5, -2.0, 0.25]),
         lambda a, b, c: 1.5 * a - 2.0 * b + 0.25 * c, [(0.7, -1.2, 3.3), (1.0, 2.0, -3.0)]),
    Case("dot+bias", "affine", "autograd.dot(bias=)",
         lambda *xs: autograd.dot(xs[:2], xs[2:4], xs[4]),
         lambda a, b, c, d, e: a * c + b * d + e, [(0.7, -1.2, 3.3, 0.5, -0.25),
                                                   (1.0, 2.0, -3.0, 4.0, 10.0)]),
    Case("logsumexp", "logsumexp", "autograd.logsumexp", lambda *xs: autograd.logsumexp(xs), lse,
         [(0.1,), (1.0, 2.0, 3.0), (-5.0, 0.5, 2.0, 20.0), (300.0, 299.0)]),
    Case("softmax", None, "autograd.softmax",
         lambda *xs: autograd.dot([1.0, -2.0, 3.0], autograd.softmax(xs)),
         lambda *xs: math.fsum(c * math.exp(x - lse(*xs)) for c, x in zip((1.0, -2.0, 3.0), xs)),
         [(1.0, 2.0, 3.0), (-0.5, 0.0, 0.4), (30.0, 29.0, -10.0)]),
    Case("log_softmax", None, "autograd.log_softmax",
         lambda *xs: autograd.dot([1.0, -2.0, 3.0], autograd.log_softmax(xs)),
         lambda *xs: math.fsum(c * (x - lse(*xs)) for c, x in zip((1.0, -2.0, 3.0), xs)),
         [(1.0, 2.0, 3.0), (-0.5, 0.0, 0.4), (30.0, 29.0, -10.0)]),
]

#: What the public API promises (README, docs/conventions.md): each reached by one case.
API = {
    "+", "-", "*", "/", "**", "number ** Value", "unary -", "unary +", "abs",
    *(f"Value.{m}" for m in (
        "exp log log1p sqrt tanh sigmoid relu softplus leaky_relu elu selu celu gelu silu "
        "softsign hardtanh relu6 hardsigmoid logsigmoid atan sin cos tanhshrink hardshrink "
        "softshrink clamp").split()),
    *(f"autograd.{f}" for f in (
        "maximum minimum sum mean dot logsumexp softmax log_softmax".split())),
}

POINTS = [pytest.param(c, p, id=f"{c.name}@{','.join(f'{x:g}' for x in p)}")
          for c in CASES for p in c.points]


def forward(case: Case, point: Sequence[float]) -> float:
    return case.build(*[Value(x) for x in point]).data


def backward_grads(case: Case, point: Sequence[float]) -> list[float]:
    leaves = [Value(x) for x in point]
    case.build(*leaves).backward()
    return [v.grad for v in leaves]


def central(fn: Callable[[list[float]], float], point: Sequence[float], i: int) -> float:
    """Central difference of fn in coordinate i, h = 1e-6·max(1, |x_i|)."""
    x = point[i]
    h = 1e-6 * max(1.0, abs(x))
    up, down = list(point), list(point)
    up[i], down[i] = x + h, x - h
    return (fn(up) - fn(down)) / (up[i] - down[i])


def close(analytic: float, numeric: float) -> bool:
    return abs(analytic - numeric) <= 1e-6 + 1e-5 * abs(numeric)


# -- coverage ------------------------------------------------------------------------

def test_every_op_in_the_table_has_cases() -> None:
    tested = {c.op for c in CASES if c.op is not None}
    assert tested == set(autograd.OPS), (
        f"ops without a case: {sorted(set(autograd.OPS) - tested)}; "
        f"cases for unknown ops: {sorted(tested - set(autograd.OPS))}")


def test_every_public_op_of_the_api_has_cases() -> None:
    reached = {c.api.removesuffix("(bias=)") for c in CASES}
    assert API <= reached, f"not reached: {sorted(API - reached)}"
    for name in API:
        if name.startswith("Value."):
            assert callable(getattr(Value, name.split(".")[1]))
        elif name.startswith("autograd."):
            assert callable(getattr(autograd, name.split(".")[1]))


def test_table_entries_are_well_formed() -> None:
    for name, op in autograd.OPS.items():
        assert isinstance(op, autograd.Op)
        assert op.name == name
        assert op.arity in (1, 2, None)
        assert op.doc, f"op {name!r} has no doc"
        if not op.param_names:
            assert isinstance(op.label(), str) and op.label(), name


# -- values and derivatives at smooth points ----------------------------------------

@pytest.mark.parametrize(("case", "point"), POINTS)
def test_value_matches_closed_form(case: Case, point: tuple[float, ...]) -> None:
    out = case.build(*[Value(x) for x in point])
    want = case.ref(*point)
    assert type(out.data) is float
    assert abs(out.data - want) <= 1e-12 * abs(want) + 1e-14, (out.data, want)
    if case.op is not None:
        assert out.op == case.op


@pytest.mark.parametrize(("case", "point"), POINTS)
def test_derivative_matches_central_differences(case: Case, point: tuple[float, ...]) -> None:
    grads = backward_grads(case, point)
    for i, g in enumerate(grads):
        n = central(lambda p: forward(case, p), point, i)
        assert close(g, n), f"d/dx{i}: analytic {g!r}, numeric {n!r}"


@pytest.mark.parametrize(("case", "point"), POINTS)
def test_create_graph_gives_the_same_first_derivative(case: Case,
                                                      point: tuple[float, ...]) -> None:
    leaves = [Value(x) for x in point]
    out = case.build(*leaves)
    gs = autograd.grad(out, leaves, create_graph=True)
    assert all(isinstance(g, Value) for g in gs)
    assert [g.data for g in gs] == backward_grads(case, point)


@pytest.mark.parametrize(("case", "point"), POINTS)
def test_hessian_matches_central_differences(case: Case, point: tuple[float, ...]) -> None:
    leaves = [Value(x) for x in point]
    first = autograd.grad(case.build(*leaves), leaves, create_graph=True)
    for i, g in enumerate(first):
        row = autograd.grad(g, leaves)
        for j, h in enumerate(row):
            n = central(lambda p: backward_grads(case, p)[i], point, j)
            assert close(h, n), f"d²/dx{i}dx{j}: analytic {h!r}, numeric {n!r}"


# -- kinks: conventions, pinned exactly ---------------------------------------------

KINKS: list[tuple[str, Callable[..., Value], tuple[float, ...], float, tuple[float, ...]]] = [
    ("relu@0", Value.relu, (0.0,), 0.0, (0.0,)),
    ("relu@-0.0", Value.relu, (-0.0,), 0.0, (0.0,)),
    ("abs@0", abs, (0.0,), 0.0, (0.0,)),
    ("maximum tie@0", autograd.maximum, (0.0, 0.0), 0.0, (0.5, 0.5)),
    ("maximum tie@3", autograd.maximum, (3.0, 3.0), 3.0, (0.5, 0.5)),
    ("minimum tie@3", autograd.minimum, (3.0, 3.0), 3.0, (0.5, 0.5)),
    ("minimum tie@-1", autograd.minimum, (-1.0, -1.0), -1.0, (0.5, 0.5)),
    ("maximum(a,1) tie", lambda a: autograd.maximum(a, 1.0), (1.0,), 1.0, (0.5,)),
    ("minimum(1,a) tie", lambda a: autograd.minimum(1, a), (1.0,), 1.0, (0.5,)),
    ("clamp(-1,1)@-1", lambda x: x.clamp(-1.0, 1.0), (-1.0,), -1.0, (1.0,)),
    ("clamp(-1,1)@1", lambda x: x.clamp(-1.0, 1.0), (1.0,), 1.0, (1.0,)),
    ("clamp(-2,3)@-2", lambda x: x.clamp(-2.0, 3.0), (-2.0,), -2.0, (1.0,)),
    ("clamp(-2,3)@3", lambda x: x.clamp(-2.0, 3.0), (3.0,), 3.0, (1.0,)),
    ("clamp(1,1)@1", lambda x: x.clamp(1.0, 1.0), (1.0,), 1.0, (1.0,)),
    ("clamp(min=0)@0", lambda x: x.clamp(min=0.0), (0.0,), 0.0, (1.0,)),
    ("clamp(max=0.5)@0.5", lambda x: x.clamp(max=0.5), (0.5,), 0.5, (1.0,)),
    ("hardtanh@-1", Value.hardtanh, (-1.0,), -1.0, (0.0,)),
    ("hardtanh@1", Value.hardtanh, (1.0,), 1.0, (0.0,)),
    ("hardtanh(-2,3)@-2", lambda x: x.hardtanh(-2.0, 3.0), (-2.0,), -2.0, (0.0,)),
    ("hardtanh(-2,3)@3", lambda x: x.hardtanh(-2.0, 3.0), (3.0,), 3.0, (0.0,)),
    ("relu6@0", Value.relu6, (0.0,), 0.0, (0.0,)),
    ("relu6@6", Value.relu6, (6.0,), 6.0, (0.0,)),
    ("hardsigmoid@-3", Value.hardsigmoid, (-3.0,), 0.0, (0.0,)),
    ("hardsigmoid@3", Value.hardsigmoid, (3.0,), 1.0, (0.0,)),
    ("hardshrink@0.5", Value.hardshrink, (0.5,), 0.0, (0.0,)),
    ("hardshrink@-0.5", Value.hardshrink, (-0.5,), 0.0, (0.0,)),
    ("hardshrink(1)@1", lambda x: x.hardshrink(1.0), (1.0,), 0.0, (0.0,)),
    ("hardshrink(1)@-1", lambda x: x.hardshrink(1.0), (-1.0,), 0.0, (0.0,)),
    ("softshrink@0.5", Value.softshrink, (0.5,), 0.0, (0.0,)),
    ("softshrink@-0.5", Value.softshrink, (-0.5,), -0.0, (0.0,)),
    ("softshrink(1)@1", lambda x: x.softshrink(1.0), (1.0,), 0.0, (0.0,)),
    ("softshrink(1)@-1", lambda x: x.softshrink(1.0), (-1.0,), -0.0, (0.0,)),
    ("leaky_relu@0", Value.leaky_relu, (0.0,), 0.0, (0.01,)),
    ("leaky_relu(0.2)@0", lambda x: x.leaky_relu(0.2), (0.0,), 0.0, (0.2,)),
    ("elu@0", Value.elu, (0.0,), 0.0, (1.0,)),
    ("elu(0.5)@0", lambda x: x.elu(0.5), (0.0,), 0.0, (0.5,)),
    ("selu@0", Value.selu, (0.0,), 0.0, (SELU_SCALE * SELU_ALPHA,)),
    ("celu@0", Value.celu, (0.0,), 0.0, (1.0,)),
    ("celu(2)@0", lambda x: x.celu(2.0), (0.0,), 0.0, (1.0,)),
]


@pytest.mark.parametrize(("fn", "xs", "value", "grads"),
                         [pytest.param(*k[1:], id=k[0]) for k in KINKS])
def test_kink_convention(fn: Callable[..., Value], xs: tuple[float, ...], value: float,
                         grads: tuple[float, ...]) -> None:
    leaves = [Value(x) for x in xs]
    out = fn(*leaves)
    assert out.data == value and math.copysign(1, out.data) == math.copysign(1, value)
    out.backward()
    assert tuple(v.grad for v in leaves) == grads
    # the create_graph path reads the same derivative definition
    again = [Value(x) for x in xs]
    assert tuple(g.data for g in autograd.grad(fn(*again), again, create_graph=True)) == grads


def test_pow_at_exponent_zero_first_derivatives_as_pytorch_hessian_symmetric() -> None:
    """∂(a**b)/∂a is 0 where b = 0 (PyTorch's ``where``), but recorded it stays
    b·a^(b−1), whose derivative in b is 1/a: the Hessian is symmetric (PyTorch
    2.13 gives 0 for that entry, which makes gradgradcheck of a**b fail at b = 0)."""
    a, b = Value(2.5), Value(0.0)
    y = a ** b
    assert y.data == 1.0
    da, db = autograd.grad(y, [a, b], create_graph=True)
    assert (da.data, db.data) == (0.0, math.log(2.5))
    assert autograd.grad(da, [a, b]) == (0.0, 1.0 / 2.5)
    assert autograd.grad(db, [a, b]) == (1.0 / 2.5, math.log(2.5) ** 2)
    assert autograd.gradgradcheck(lambda x, e: x ** e, [2.0, 0.0])


def test_selu_slope_at_zero_is_scale_times_alpha() -> None:
    x = Value(0.0)
    x.selu().backward()
    assert x.grad == 1.7580993408473766


# -- parameters and arguments ---------------------------------------------------------

@pytest.mark.parametrize(("call", "error", "words"), [
    (lambda x: x.celu(0.0), ValueError, "alpha"),
    (lambda x: x.hardtanh(2.0, 1.0), ValueError, "min_val"),
    (lambda x: x.softshrink(-0.5), ValueError, "lambd"),
    (lambda x: x.clamp(), ValueError, "min"),
    (lambda x: x.leaky_relu("0.1"), TypeError, "str"),
    (lambda x: x.elu(None), TypeError, "NoneType"),
    (lambda x: x.clamp(min=[0.0]), TypeError, "list"),
    (lambda x: x.hardshrink(Value(0.5)), TypeError, "Value"),
])
def test_bad_op_parameters_raise_clear_errors(call: Callable[[Value], Value],
                                              error: type[Exception], words: str) -> None:
    with pytest.raises(error, match=words):
        call(Value(0.3))


def test_parameters_accept_any_real_number() -> None:
    from fractions import Fraction

    x = Value(-2.0)
    assert x.leaky_relu(Fraction(1, 4)).data == -0.5
    assert x.hardtanh(-1, 1).data == -1.0
    assert x.clamp(min=True).data == 1.0


@pytest.mark.parametrize(("call", "error", "words"), [
    (lambda: autograd.mean([]), ValueError, "mean"),
    (lambda: autograd.logsumexp([]), ValueError, "logsumexp"),
    (lambda: autograd.log_softmax([]), ValueError, "log_softmax"),
    (lambda: autograd.dot([Value(1.0)], [1.0, 2.0]), ValueError, "dot"),
    (lambda: autograd.sum(Value(1.0)), TypeError, "Value"),
    (lambda: autograd.sum("ab"), TypeError, "str"),
    (lambda: autograd.mean(3.0), TypeError, "float"),
    (lambda: autograd.sum([Value(1.0), "x"]), TypeError, "str"),
    (lambda: autograd.maximum(Value(1.0), None), TypeError, "NoneType"),
])
def test_bad_function_arguments_raise_clear_errors(call: Callable[[], object],
                                                   error: type[Exception], words: str) -> None:
    with pytest.raises(error, match=words):
        call()


def test_empty_sum_and_dot_are_zero() -> None:
    assert autograd.sum([]).data == 0.0
    assert autograd.dot([], []).data == 0.0


def test_sum_and_dot_are_one_node() -> None:
    xs = [Value(float(i)) for i in range(5)]
    s = autograd.sum(xs)
    assert s.op == "sum" and s.children == tuple(xs)
    d = autograd.dot(xs[:2], xs[2:4], xs[4])
    assert d.op == "affine" and d.children == tuple(xs)


def test_softmax_sums_to_one_and_log_softmax_is_its_log() -> None:
    xs = [Value(x) for x in (0.3, -1.2, 2.5, 0.0)]
    sm = autograd.softmax(xs)
    assert abs(math.fsum(s.data for s in sm) - 1.0) <= 1e-15
    for s, ls in zip(sm, autograd.log_softmax(xs)):
        assert abs(math.log(s.data) - ls.data) <= 1e-15


def test_log_softmax_does_not_round_through_logsumexp() -> None:
    """x − logsumexp(x) would carry the ulp of 1e4 (−0.6931471805601177);
    shifting by the max first gives ln ½ to the last digit, as PyTorch."""
    out = autograd.log_softmax([1e4, 1e4, 0.0])
    assert [o.data for o in out] == [-math.log(2.0), -math.log(2.0), -10000.0 - math.log(2.0)]
    assert [s.data for s in autograd.softmax([1e4, 1e4, 0.0])] == [0.5, 0.5, 0.0]
