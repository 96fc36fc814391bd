"""IEEE-754 float64 math with PyTorch's results at edge points.

Python's ``math`` raises where PyTorch returns a number: ``math.log(0)`` is a
ValueError, ``1 / 0.0`` a ZeroDivisionError, ``math.exp(1000)`` an
OverflowError. Every function here returns ``inf``, ``-inf`` or ``nan``
instead (see ``docs/conventions.md``), so the op table can use them as the
value of each op without a try/except of its own.
"""

from __future__ import annotations

import math
import numbers
from decimal import Decimal
from typing import Any

inf = math.inf
nan = math.nan

__all__ = [
    "real", "div", "exp", "expm1", "log", "log1p", "sqrt", "pow", "tanh", "sigmoid",
    "softplus", "erf", "sin", "cos", "atan", "maximum", "minimum", "logsumexp",
    "is_odd_integer",
]


def real(x: Any, what: str) -> float:
    """``x`` as a float if it is a real number (int, float, bool, Fraction,
    Decimal, NumPy scalar...), else TypeError naming ``what`` and the type; a
    finite number too large for a float64 is a ValueError, never a silent inf."""
    if type(x) is float:
        return x
    kind = getattr(getattr(x, "dtype", None), "kind", None)
    if (isinstance(x, (numbers.Real, Decimal))
            or (kind in ("b", "i", "u", "f") and getattr(x, "shape", ()) == ())):
        try:
            f = float(x)
        except OverflowError:
            f = inf
        except ValueError:  # Decimal('sNaN'): Python refuses to convert it
            raise ValueError(f"{what} {shown(x)} is a signaling NaN, which has no float "
                             f"value; use nan") from None
        if math.isinf(f) and not (isinstance(x, float) or kind == "f"
                                  or (isinstance(x, Decimal) and x.is_infinite())):
            raise ValueError(f"{what} {shown(x)} is too large for a float64")
        return f
    raise TypeError(f"{what} must be a real number (int, float, bool, Fraction, "
                    f"NumPy scalar...), got {type(x).__name__}: {shown(x)}")


def shown(x: Any) -> str:
    """``repr(x)``, cut to 60 characters for error messages."""
    text = repr(x)
    return text if len(text) <= 60 else text[:57] + "..."


def is_odd_integer(y: float) -> bool:
    """True for 1.0, -3.0, ...: the exponents for which pow keeps the sign of x."""
    return math.isfinite(y) and y == int(y) and int(y) % 2 == 1


def div(a: float, b: float) -> float:
    """a / b, with a / ±0 = ±inf (signed as IEEE) and 0 / 0 = nan."""
    try:
        return a / b
    except ZeroDivisionError:
        if a == 0 or a != a:
            return nan
        return math.copysign(inf, a) * math.copysign(1.0, b)


def exp(x: float) -> float:
    """e**x; ``inf`` past 709.78 instead of OverflowError."""
    try:
        return math.exp(x)
    except OverflowError:
        return inf


def expm1(x: float) -> float:
    """e**x - 1, exact near 0; ``inf`` on overflow."""
    try:
        return math.expm1(x)
    except OverflowError:
        return inf


def log(x: float) -> float:
    """ln x: log(±0) = -inf, log(x < 0) = nan."""
    if x > 0:
        return math.log(x)
    if x == 0:
        return -inf
    return nan


def log1p(x: float) -> float:
    """ln(1 + x), exact for tiny x: log1p(-1) = -inf, below -1 nan."""
    if x > -1:
        return math.log1p(x)
    if x == -1:
        return -inf
    return nan


def sqrt(x: float) -> float:
    """√x: sqrt(-0.0) = -0.0, sqrt(x < 0) = nan."""
    return math.sqrt(x) if x >= 0 else nan


def pow(x: float, y: float) -> float:  # noqa: A001 - mirrors math.pow
    """x**y as C's pow: 0**-1 = inf, (-8)**(1/3) = nan, overflow = ±inf."""
    try:
        return math.pow(x, y)
    except OverflowError:
        return -inf if (x < 0 and is_odd_integer(y)) else inf
    except ValueError:
        if x == 0:  # zero to a negative power
            return math.copysign(inf, x) if is_odd_integer(y) else inf
        return nan  # negative base, non-integer exponent


def tanh(x: float) -> float:
    """tanh x (never raises)."""
    return math.tanh(x)


def sigmoid(x: float) -> float:
    """σ(x) = 1 / (1 + e^-x); e^-x overflows to inf, so σ(-800) = 0, never nan."""
    return 1.0 / (1.0 + exp(-x))


def softplus(x: float) -> float:
    """ln(1 + e^x), and x itself above 20 (PyTorch's threshold)."""
    return x if x > 20.0 else log1p(exp(x))


def erf(x: float) -> float:
    """The error function (never raises)."""
    return math.erf(x)


def sin(x: float) -> float:
    """sin x; sin(±inf) = nan."""
    return math.sin(x) if math.isfinite(x) else nan


def cos(x: float) -> float:
    """cos x; cos(±inf) = nan."""
    return math.cos(x) if math.isfinite(x) else nan


def atan(x: float) -> float:
    """arctan x (never raises)."""
    return math.atan(x)


def maximum(a: float, b: float) -> float:
    """max(a, b), nan if either is nan (as torch.maximum)."""
    if a != a or b != b:
        return nan
    return a if a >= b else b


def minimum(a: float, b: float) -> float:
    """min(a, b), nan if either is nan (as torch.minimum)."""
    if a != a or b != b:
        return nan
    return a if a <= b else b


def logsumexp(xs: tuple[float, ...] | list[float]) -> float:
    """ln Σ e^x_i, shifted by the max so that nothing overflows."""
    if any(x != x for x in xs):
        return nan
    m = max(xs)
    shift = m if math.isfinite(m) else 0.0
    return log(sum(exp(x - shift) for x in xs)) + shift
