"""The op table: every scalar op of chainrule, each defined exactly once.

Each entry gives the value ``f`` (on floats, IEEE results from ``floats``),
the local derivative(s) ``df``, the display ``symbol``, how it is written
(``syntax``), where it is defined and smooth (``domain``, ``branch``,
``smoothness``) and which parameters it refuses (``check``). Plain backward,
``grad(create_graph=True)``, drawing, the expression parser and gradient
checking all read these entries; nothing else in the package knows how any op
is differentiated or spelled. See ``op.py`` for the signatures. ``x`` is an
input, ``y`` the output.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from typing import Any

from . import floats
from .op import Op, cos, data, div, erf, exp, log, power, sigmoid, sign, sin, tanh
from .syntax import Syntax


def _num(c: float) -> str:
    return f"{c:g}"


def _infix(token: str) -> Syntax:
    return Syntax("infix", token)


def _method(name: str, *aliases: str, activation: bool = False) -> Syntax:
    return Syntax("method", name, (name, *aliases), activation)


def _function(name: str, *aliases: str, kind: str = "function") -> Syntax:
    return Syntax(kind, name, (name, *aliases))


def _positive(x: float, *p: float) -> bool:
    return x > 0


def _sympy(form: Any) -> dict[str, Any]:
    """The op's SymPy form (``autograd.to_sympy``): ``form(sympy, *inputs, *params)``."""
    return {"sympy": form}


def _sympy_number(sp: Any, c: float) -> Any:
    """A parameter as SymPy writes it: 2 for 2.0 (x**2, not x**2.0), oo for inf."""
    if math.isinf(c):
        return sp.oo if c > 0 else -sp.oo
    return sp.Integer(int(c)) if c == int(c) else sp.Float(c)


def _refuse(op: str, name: str, value: float, rule: str) -> None:
    raise ValueError(f"{op}: {name} must be {rule}, got {value!r}")


# -- arithmetic ---------------------------------------------------------------

ADD = Op("add", "+", operator.add, lambda a, b, y: (1.0, 1.0), arity=2,
         syntax=_infix("+"), zero_safe=True,
         forms=_sympy(lambda sp, a, b: a + b),
         doc="a + b")
SUB = Op("sub", "−", operator.sub, lambda a, b, y: (1.0, -1.0), arity=2,
         syntax=_infix("-"), zero_safe=True,
         forms=_sympy(lambda sp, a, b: a - b),
         doc="a − b")
MUL = Op("mul", "×", operator.mul, lambda a, b, y: (b, a), arity=2,
         syntax=_infix("*"), zero_safe=True,
         forms=_sympy(lambda sp, a, b: a * b),
         doc="a · b")
DIV = Op("div", "÷", floats.div,
         lambda a, b, y: (div(1.0, b), div(-a, b * b)), arity=2,
         domain=lambda a, b: b != 0, syntax=_infix("/"),
         forms=_sympy(lambda sp, a, b: a / b),
         doc="a / b;  ∂/∂a = 1/b,  ∂/∂b = −a/b²")
NEG = Op("neg", "−", operator.neg, lambda x, y: -1.0, syntax=Syntax("prefix", "-"),
         zero_safe=True,
         forms=_sympy(lambda sp, x: -x),
         doc="−x")


def _d_pow(a: Any, b: Any, y: Any) -> tuple[Any, Any]:
    # PyTorch's convention: ∂/∂a = 0 where b = 0; ∂/∂b = 0 where a = 0, b ≥ 0.
    # Recorded (create_graph), ∂/∂a stays b·a^(b−1) at b = 0 unless that is 0·∞,
    # so its derivative in b is 1/a there and the Hessian stays symmetric.
    if data(b) == 0 and (type(b) is float or data(a) == 0 or not math.isfinite(data(a))):
        da = 0.0
    else:
        da = b * power(a, b - 1.0)
    db = 0.0 if (data(a) == 0 and b >= 0) else y * log(a)
    return da, db


def _powc_domain(x: float, c: float) -> bool:
    """x ** c is smooth everywhere for c a whole number >= 0, off 0 for a
    negative whole c, and for x > 0 otherwise."""
    if c == int(c):
        return c >= 0 or x != 0
    return x > 0


POW = Op("pow", "^", floats.pow, _d_pow, arity=2, domain=lambda a, b: a > 0,
         syntax=_infix("**"),
         forms=_sympy(lambda sp, a, b: a**b),
         doc="a ** b;  ∂/∂a = b·a^(b−1),  ∂/∂b = a^b·ln a")
POWC = Op("powc", lambda p: f"^{_num(p[0])}", floats.pow,
          lambda x, y, c: 0.0 if c == 0 else c * power(x, c - 1.0),
          param_names=("exponent",), domain=_powc_domain,
          examples=((2.0,), (3.0,), (0.5,), (-1.0,), (1.5,), (-0.5,), (0.0,), (-2.0,)),
          syntax=_infix("**"),
          forms=_sympy(lambda sp, x, c: x**_sympy_number(sp, c)),
          doc="x ** c for a constant c;  c·x^(c−1)")
ABS = Op("abs", "|x|", abs, lambda x, y: sign(x), branch=lambda x: sign(x),
         syntax=Syntax("builtin", "abs", ("abs",)), zero_safe=True,
         forms=_sympy(lambda sp, x: sp.Abs(x)),
         doc="|x|;  sign(x), 0 at 0")

# -- exponentials and logarithms ---------------------------------------------

EXP = Op("exp", "exp", floats.exp, lambda x, y: y, domain=lambda x: x <= 709.0,
         syntax=_method("exp"), zero_safe=True,
         forms=_sympy(lambda sp, x: sp.exp(x)),
         doc="e^x;  e^x")
LOG = Op("log", "ln", floats.log, lambda x, y: div(1.0, x), domain=_positive,
         syntax=_method("log", "ln"),
         forms=_sympy(lambda sp, x: sp.log(x)),
         doc="ln x;  1/x")
LOG1P = Op("log1p", "ln(1+x)", floats.log1p, lambda x, y: div(1.0, 1.0 + x),
           domain=lambda x: x > -1.0, syntax=_method("log1p"), zero_safe=True,
           forms=_sympy(lambda sp, x: sp.log(1 + x)),
           doc="ln(1 + x);  1/(1 + x)")
SQRT = Op("sqrt", "√", floats.sqrt, lambda x, y: div(1.0, 2.0 * y), domain=_positive,
          syntax=_method("sqrt"),
          forms=_sympy(lambda sp, x: sp.sqrt(x)),
          doc="√x;  1/(2√x)")

# -- trigonometric and the error function -------------------------------------

SIN = Op("sin", "sin", floats.sin, lambda x, y: cos(x), syntax=_method("sin"),
         zero_safe=True,
         forms=_sympy(lambda sp, x: sp.sin(x)),
         doc="sin x;  cos x")
COS = Op("cos", "cos", floats.cos, lambda x, y: -sin(x), syntax=_method("cos"),
         zero_safe=True,
         forms=_sympy(lambda sp, x: sp.cos(x)),
         doc="cos x;  −sin x")
ATAN = Op("atan", "atan", floats.atan, lambda x, y: 1.0 / (1.0 + x * x),
          syntax=_method("atan", activation=True), zero_safe=True,
          forms=_sympy(lambda sp, x: sp.atan(x)),
          doc="arctan x;  1/(1 + x²)")
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
ERF = Op("erf", "erf", floats.erf,
         lambda x, y: _TWO_OVER_SQRT_PI * exp(-(x * x)), syntax=_method("erf"),
         zero_safe=True,
         forms=_sympy(lambda sp, x: sp.erf(x)),
         doc="erf x;  2/√π · e^(−x²)")

# -- activations ----------------------------------------------------------------

TANH = Op("tanh", "tanh", floats.tanh, lambda x, y: (1.0 - y) * (1.0 + y),
          syntax=_method("tanh", activation=True),
          zero_safe=True,
          forms=_sympy(lambda sp, x: sp.tanh(x)),
          doc="tanh x;  1 − tanh²x, as (1 − y)(1 + y): exact for large |x|, as PyTorch")
SIGMOID = Op("sigmoid", "σ", floats.sigmoid, lambda x, y: y * (1.0 - y),
             syntax=_method("sigmoid", activation=True),
             zero_safe=True,
             forms=_sympy(lambda sp, x: 1 / (1 + sp.exp(-x))),
             doc="σ(x) = 1/(1 + e^−x);  σ(1 − σ)")
RELU = Op("relu", "ReLU", lambda x: 0.0 if x <= 0 else x,
          lambda x, y: 0.0 if x <= 0 else 1.0, branch=lambda x: x > 0,
          syntax=_method("relu", activation=True),
          zero_safe=True,
          forms=_sympy(lambda sp, x: sp.Max(0, x)),
          doc="max(0, x);  1 for x > 0, else 0 (0 at the kink)")


def _d_softplus(x: Any, y: Any) -> Any:
    z = exp(x)
    return 1.0 if x > 20.0 else z / (z + 1.0)


SOFTPLUS = Op("softplus", "softplus", floats.softplus, _d_softplus,
              syntax=_method("softplus", activation=True),
              zero_safe=True,
              forms=_sympy(lambda sp, x: sp.log(1 + sp.exp(x))),
              doc="ln(1 + e^x) (x above 20);  σ(x)")
LEAKY_RELU = Op("leaky_relu", lambda p: f"LReLU({_num(p[0])})",
                lambda x, s: x if x > 0 else x * s,
                lambda x, y, s: 1.0 if x > 0 else s,
                param_names=("negative_slope",), branch=lambda x, s: x > 0,
                examples=((0.01,), (0.2,)),
                syntax=_method("leaky_relu", activation=True),
                zero_safe=True,
                forms=_sympy(lambda sp, x, s: sp.Piecewise((x, x > 0), (s * x, True))),
                doc="x for x > 0, else s·x;  1 or s")


def _elu(x: float, scale: float, alpha: float, input_scale: float) -> float:
    """PyTorch's ELU family: scale·x for x > 0, else scale·α·(e^(x·input_scale) − 1)."""
    return x * scale if x > 0 else floats.expm1(x * input_scale) * (alpha * scale)


def _d_elu(x: Any, scale: float, alpha: float, input_scale: float) -> Any:
    # the x <= 0 test first, so that nan takes the linear branch (as PyTorch)
    return input_scale * (alpha * scale) * exp(x * input_scale) if x <= 0 else scale


ELU = Op("elu", lambda p: f"ELU({_num(p[0])})",
         lambda x, a: _elu(x, 1.0, a, 1.0),
         lambda x, y, a: _d_elu(x, 1.0, a, 1.0),
         param_names=("alpha",), branch=lambda x, a: x > 0, examples=((1.0,), (0.5,)),
         syntax=_method("elu", activation=True),
         zero_safe=True,
         forms=_sympy(lambda sp, x, a: sp.Piecewise((x, x > 0), (a * (sp.exp(x) - 1), True))),
         doc="x for x > 0, else α(e^x − 1);  1 or α·e^x")
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
SELU = Op("selu", "SELU", lambda x: _elu(x, SELU_SCALE, SELU_ALPHA, 1.0),
          lambda x, y: _d_elu(x, SELU_SCALE, SELU_ALPHA, 1.0),
          branch=lambda x: x > 0, syntax=_method("selu", activation=True),
          zero_safe=True,
          forms=_sympy(lambda sp, x: SELU_SCALE * sp.Piecewise((x, x > 0),
                                                        (SELU_ALPHA * (sp.exp(x) - 1), True))),
          doc="λ·ELU_α(x) with PyTorch's λ, α")
def _nonzero_alpha(alpha: float) -> None:
    if alpha == 0:
        raise ValueError("celu: alpha must not be 0 (it divides x)")


CELU = Op("celu", lambda p: f"CELU({_num(p[0])})",
          lambda x, a: _elu(x, 1.0, a, 1.0 / a),
          lambda x, y, a: _d_elu(x, 1.0, a, 1.0 / a),
          param_names=("alpha",), branch=lambda x, a: x > 0, examples=((1.0,), (2.0,)),
          check=_nonzero_alpha, syntax=_method("celu", activation=True),
          zero_safe=True,
          forms=_sympy(lambda sp, x, a: sp.Piecewise((x, x > 0), (a * (sp.exp(x / a) - 1), True))),
          doc="x for x > 0, else α(e^(x/α) − 1);  1 or e^(x/α)")

_SQRT1_2 = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
GELU = Op("gelu", "GELU", lambda x: x * 0.5 * (1.0 + math.erf(x * _SQRT1_2)),
          lambda x, y: 0.5 * (1.0 + erf(x * _SQRT1_2))
          + x * (_INV_SQRT_2PI * exp(-0.5 * (x * x))),
          syntax=_method("gelu", activation=True),
          zero_safe=True,
          forms=_sympy(lambda sp, x: x / 2 * (1 + sp.erf(x / sp.sqrt(2)))),
          doc="x·Φ(x) (exact, erf form);  Φ(x) + x·φ(x)")
SILU = Op("silu", "SiLU", lambda x: x * floats.sigmoid(x),
          lambda x, y: (lambda s: s * (1.0 + x * (1.0 - s)))(sigmoid(x)),
          syntax=_method("silu", activation=True), zero_safe=True,
          forms=_sympy(lambda sp, x: x / (1 + sp.exp(-x))),
          doc="x·σ(x);  σ(1 + x(1 − σ))")
SOFTSIGN = Op("softsign", "softsign", lambda x: x / (1.0 + abs(x)),
              lambda x, y: (lambda t: 1.0 / (t * t))(1.0 + abs(x)),
              branch=lambda x: sign(x), smoothness=1,
              syntax=_method("softsign", activation=True),
              zero_safe=True,
              forms=_sympy(lambda sp, x: x / (1 + sp.Abs(x))),
              doc="x/(1 + |x|);  1/(1 + |x|)² (its second derivative jumps at 0)")


def _hardtanh(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else (hi if x > hi else x)


def _d_hardtanh(x: Any, lo: float, hi: float) -> float:
    return 0.0 if (x <= lo or x >= hi) else 1.0  # 0 exactly at a bound


def _piece(x: Any, lo: float, hi: float) -> int:
    return -1 if x < lo else (1 if x > hi else 0)


def _ordered(op: str) -> Any:
    def check(lo: float, hi: float) -> None:
        if lo > hi:
            raise ValueError(f"{op}: min_val ({lo}) must not exceed max_val ({hi})")
    return check


def _non_negative(op: str) -> Any:
    def check(lam: float) -> None:
        if not lam >= 0:
            _refuse(op, "lambd", lam, ">= 0")
    return check


HARDTANH = Op("hardtanh", lambda p: f"hardtanh[{_num(p[0])},{_num(p[1])}]",
              _hardtanh, lambda x, y, lo, hi: _d_hardtanh(x, lo, hi),
              param_names=("min_val", "max_val"), branch=_piece, check=_ordered("hardtanh"),
              examples=((-1.0, 1.0), (-2.0, 0.5)),
              syntax=_method("hardtanh", activation=True),
              zero_safe=True,
              forms=_sympy(lambda sp, x, lo, hi: sp.Min(sp.Max(x, lo), hi)),
              doc="x clipped to [lo, hi];  1 inside, 0 at and beyond a bound")
RELU6 = Op("relu6", "ReLU6", lambda x: _hardtanh(x, 0.0, 6.0),
           lambda x, y: _d_hardtanh(x, 0.0, 6.0),
           branch=lambda x: _piece(x, 0.0, 6.0), syntax=_method("relu6", activation=True),
           zero_safe=True,
           forms=_sympy(lambda sp, x: sp.Min(sp.Max(x, 0), 6)),
           doc="min(max(0, x), 6)")
HARDSIGMOID = Op("hardsigmoid", "hardσ",
                 lambda x: _hardtanh(x + 3.0, 0.0, 6.0) / 6.0,
                 lambda x, y: 1.0 / 6.0 if -3.0 < x < 3.0 else 0.0,
                 branch=lambda x: _piece(x, -3.0, 3.0),
                 syntax=_method("hardsigmoid", activation=True),
                 zero_safe=True,
                 forms=_sympy(lambda sp, x: sp.Min(sp.Max(x / 6 + sp.Rational(1, 2), 0), 1)),
                 doc="clip(x/6 + 1/2, 0, 1);  1/6 strictly inside (−3, 3)")


def _logsigmoid(x: float) -> float:
    return min(x, 0.0) - floats.log1p(floats.exp(-abs(x)))


def _d_logsigmoid(x: Any, y: Any) -> Any:
    # σ(−x) as PyTorch computes it from z = e^(−|x|); |x| is written out per branch
    # so that the derivative stays differentiable at 0 (abs' would give 0 there)
    if x < 0:
        z = exp(x)
        return 1.0 - z / (1.0 + z)
    z = exp(-x)
    return z / (1.0 + z)


LOGSIGMOID = Op("logsigmoid", "log σ", _logsigmoid, _d_logsigmoid,
                syntax=_method("logsigmoid", activation=True),
                zero_safe=True,
                forms=_sympy(lambda sp, x: -sp.log(1 + sp.exp(-x))),
                doc="ln σ(x) = min(x, 0) − ln(1 + e^−|x|);  σ(−x)")
TANHSHRINK = Op("tanhshrink", "tanhshrink", lambda x: x - math.tanh(x),
                lambda x, y: (lambda t: t * t)(tanh(x)),
                syntax=_method("tanhshrink", activation=True),
                zero_safe=True,
                forms=_sympy(lambda sp, x: x - sp.tanh(x)),
                doc="x − tanh x;  tanh² x")
HARDSHRINK = Op("hardshrink", lambda p: f"hardshrink({_num(p[0])})",
                lambda x, lam: 0.0 if -lam <= x <= lam else x,
                lambda x, y, lam: 0.0 if -lam <= x <= lam else 1.0,
                param_names=("lambd",), branch=lambda x, lam: _piece(x, -lam, lam),
                check=_non_negative("hardshrink"), examples=((0.5,), (1.0,)),
                syntax=_method("hardshrink", activation=True),
                zero_safe=True,
                forms=_sympy(lambda sp, x, lam: sp.Piecewise((x, sp.Abs(x) > lam), (0, True))),
                doc="x where |x| > λ, else 0;  1 or 0")
SOFTSHRINK = Op("softshrink", lambda p: f"softshrink({_num(p[0])})",
                lambda x, lam: x - lam if x > lam else (x + lam if x < -lam else x * 0.0),
                lambda x, y, lam: 0.0 if -lam <= x <= lam else 1.0,
                param_names=("lambd",), branch=lambda x, lam: _piece(x, -lam, lam),
                check=_non_negative("softshrink"), examples=((0.5,), (1.0,)),
                syntax=_method("softshrink", activation=True),
                zero_safe=True,
                forms=_sympy(lambda sp, x, lam: sp.Piecewise(
                    (x - lam, x > lam), (x + lam, x < -lam), (0, True))),
                doc="x ∓ λ beyond ±λ, else 0;  1 or 0")


def _clamp(x: float, lo: float, hi: float) -> float:
    x = lo if x < lo else x
    return hi if x > hi else x


CLAMP = Op("clamp", lambda p: f"clamp[{_num(p[0])},{_num(p[1])}]", _clamp,
           lambda x, y, lo, hi: 1.0 if lo <= x <= hi else 0.0,
           param_names=("min", "max"), branch=_piece, syntax=_method("clamp"),
           examples=((-1.0, 1.0), (0.0, 2.0), (-0.5, 3.0)),
           zero_safe=True,
           forms=_sympy(lambda sp, x, lo, hi: sp.Min(sp.Max(x, _sympy_number(sp, lo)),
                                                    _sympy_number(sp, hi))),
           doc="min(max(x, lo), hi);  1 inside, the bounds included")

# -- several inputs -------------------------------------------------------------


def _tie(a: Any, b: Any) -> int:
    return (a > b) - (a < b)


def _d_maximum(a: Any, b: Any, y: Any) -> tuple[float, float]:
    if data(a) == data(b):
        return 0.5, 0.5
    return (0.0 if a < b else 1.0), (0.0 if a > b else 1.0)  # nan: 1, 1


def _d_minimum(a: Any, b: Any, y: Any) -> tuple[float, float]:
    if data(a) == data(b):
        return 0.5, 0.5
    return (0.0 if a > b else 1.0), (0.0 if a < b else 1.0)


MAXIMUM = Op("maximum", "max", floats.maximum, _d_maximum, arity=2, branch=_tie,
             syntax=_function("maximum", "max"),
             zero_safe=True,
             forms=_sympy(lambda sp, a, b: sp.Max(a, b)),
             doc="max(a, b);  1 for the larger, ½ each on a tie")
MINIMUM = Op("minimum", "min", floats.minimum, _d_minimum, arity=2, branch=_tie,
             syntax=_function("minimum", "min"),
             zero_safe=True,
             forms=_sympy(lambda sp, a, b: sp.Min(a, b)),
             doc="min(a, b);  1 for the smaller, ½ each on a tie")
PRELU = Op("prelu", "PReLU", lambda x, a: x if x > 0 else a * x,
           lambda x, a, y: (1.0, 0.0) if x > 0 else (a, x), arity=2,
           branch=lambda x, a: x > 0, syntax=_function("prelu"),
           zero_safe=True,
           forms=_sympy(lambda sp, x, a: sp.Piecewise((x, x > 0), (a * x, True))),
           doc="x for x > 0, else a·x with a learnable slope a;  ∂/∂x = 1 or a,  ∂/∂a = 0 or x")
SUM = Op("sum", "Σ", lambda xs: sum(xs, 0.0), lambda xs, y: [1.0] * len(xs),
         arity=None, syntax=_function("sum", kind="list"), zero_safe=True,
         forms=_sympy(lambda sp, xs: sp.Add(*xs)),
         doc="Σ x_i;  1 each")
MEAN = Op("mean", "mean", lambda xs: sum(xs, 0.0) / len(xs),
          lambda xs, y: [1.0 / len(xs)] * len(xs), arity=None,
          syntax=_function("mean", kind="list"), zero_safe=True,
          forms=_sympy(lambda sp, xs: sp.Add(*xs) / len(xs)),
          doc="(1/n) Σ x_i;  1/n each")


def _dot(xs: Sequence[float]) -> float:
    n = len(xs) // 2
    return affine_value(xs[:n], xs[n:], 0.0)


def _d_dot(xs: tuple[Any, ...], y: Any) -> tuple[Any, ...]:
    n = len(xs) // 2
    return xs[n:] + xs[:n]


DOT = Op("dot", "·", _dot, _d_dot, arity=None, inputs_ok=lambda n: n % 2 == 0,
         syntax=Syntax("pairs", "dot"),
         zero_safe=True,
         forms=_sympy(lambda sp, xs: sp.Add(*map(operator.mul, xs[:len(xs) // 2],
                                                 xs[len(xs) // 2:]))),
         doc="inputs w_1..w_n, x_1..x_n: Σ w_i x_i;  ∂/∂w_i = x_i, ∂/∂x_i = w_i")


_sumprod = getattr(math, "sumprod", None)  # Python 3.12+


def affine_value(ws: Sequence[float], xs: Sequence[float], b: float) -> float:
    """Σ w_i x_i + b: the value of dot, of affine and of each neuron of a layer.

    Up to Python 3.11, ``sum(map(mul, ws, xs), b)``: added left to right from b.
    From 3.12 on, ``math.sumprod(ws, xs) + b`` (the products summed in C with
    extended precision; ``sum`` of floats is compensated there too, and
    ``map(mul)`` costs twice what it did), except where that gives 0: then the
    3.11 expression, so that a zero keeps its sign (−0.0 for all-negative-zero
    terms)."""
    if _sumprod is not None:
        z = _sumprod(ws, xs) + b
        if z != 0.0:
            return z
    return sum(map(operator.mul, ws, xs), b)


def _affine(xs: Sequence[float]) -> float:
    n = len(xs) // 2
    return affine_value(xs[:n], xs[n:-1], xs[-1])


def _d_affine(xs: tuple[Any, ...], y: Any) -> tuple[Any, ...]:
    n = len(xs) // 2
    return xs[n:-1] + xs[:n] + (1.0,)


AFFINE = Op("affine", "w·x+b", _affine, _d_affine, arity=None,
            inputs_ok=lambda n: n % 2 == 1, syntax=Syntax("pairs", "dot"),
            zero_safe=True,
            forms=_sympy(lambda sp, xs: sp.Add(*map(operator.mul, xs[:len(xs) // 2],
                                                    xs[len(xs) // 2:-1]), xs[-1])),
            doc="inputs w_1..w_n, x_1..x_n, b: Σ w_i x_i + b (a neuron's pre-activation);"
                "  ∂/∂w_i = x_i, ∂/∂x_i = w_i, ∂/∂b = 1")
LOGSUMEXP = Op("logsumexp", "LSE", floats.logsumexp,
               lambda xs, y: [exp(x - y) for x in xs], arity=None,
               syntax=_function("logsumexp", kind="list"),
               zero_safe=True,
               forms=_sympy(lambda sp, xs: sp.log(sp.Add(*[sp.exp(x) for x in xs]))),
               doc="ln Σ e^x_i (stable);  softmax_i = e^(x_i − y)")

#: Every built-in op by name (bound ops keep their unbound name).
TABLE: dict[str, Op] = {op.name: op for op in (
    ADD, SUB, MUL, DIV, NEG, POW, POWC, ABS, EXP, LOG, LOG1P, SQRT, SIN, COS,
    ATAN, ERF, TANH, SIGMOID, RELU, SOFTPLUS, LEAKY_RELU, ELU, SELU, CELU, GELU,
    SILU, SOFTSIGN, HARDTANH, RELU6, HARDSIGMOID, LOGSIGMOID, TANHSHRINK,
    HARDSHRINK, SOFTSHRINK, CLAMP, MAXIMUM, MINIMUM, PRELU, SUM, MEAN, DOT, AFFINE,
    LOGSUMEXP)}
