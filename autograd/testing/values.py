"""Numbers to draw: bounded floats, and the wide default with shrinkable magnitudes.

:func:`magnitudes` is the default for the variables of :func:`expressions`
and the inputs of :func:`model_inputs`: 0, a few plain numbers (±1, ±2, ±½,
±10...), and signed values whose magnitude is log-uniform over many decades,
so a bug that only shows for x > 5 or for tiny x is reached. It shrinks to 0
first, then to the plain numbers, then to round powers of ten: a failing
case reads ``x = 0.0`` or ``x = 10.0``, never ``x = 8e-184``.
"""

from __future__ import annotations

import math

from hypothesis import strategies as st

from ..floats import real, shown

__all__ = ["values", "magnitudes", "drawn_number"]

_PLAIN = (1.0, -1.0, 2.0, -2.0, 0.5, -0.5, 3.0, -3.0, 10.0, -10.0, 0.1, -0.1)


def _number(x: object, name: str, where: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError(f"{where}: {name} must be a number, got {type(x).__name__}: "
                        f"{shown(x)}")
    return real(x, f"{where}: {name}")  # ValueError for an int beyond float64


def values(min_value: float | None = -10.0, max_value: float | None = 10.0
           ) -> st.SearchStrategy[float]:
    """Finite floats in [min_value, max_value] (None: unbounded), no nan, no
    inf, no subnormals."""
    return bounded(min_value, max_value, "values")


def bounded(min_value: object, max_value: object, where: str) -> st.SearchStrategy[float]:
    """:func:`values`, with errors naming ``where``."""
    lo = None if min_value is None else _number(min_value, "min_value", where)
    hi = None if max_value is None else _number(max_value, "max_value", where)
    for name, v in (("min_value", lo), ("max_value", hi)):
        if v is not None and not math.isfinite(v):
            raise ValueError(f"{where}: {name} must be finite or None, got {v!r}")
    if lo is not None and hi is not None and lo > hi:
        raise ValueError(f"{where}: min_value {lo!r} is above max_value {hi!r}")
    return st.floats(min_value=lo, max_value=hi, allow_nan=False, allow_infinity=False,
                     allow_subnormal=False)


def magnitudes(smallest: float = 1e-3, largest: float = 1e3, *, zero: bool = True
               ) -> st.SearchStrategy[float]:
    """Signed floats with |x| log-uniform in [smallest, largest], plain numbers
    in that range, and 0 (unless ``zero=False``); see the module docstring."""
    lo = _number(smallest, "smallest", "magnitudes")
    hi = _number(largest, "largest", "magnitudes")
    if not (0 < lo <= hi and math.isfinite(hi)):
        raise ValueError(f"magnitudes: need 0 < smallest <= largest < inf, got "
                         f"smallest={lo!r}, largest={hi!r}")
    if not isinstance(zero, bool):
        raise TypeError(f"magnitudes: zero must be True or False, got {zero!r}")
    plain = st.sampled_from([x for x in _PLAIN if lo <= abs(x) <= hi] or [lo, -lo])
    e_lo, e_hi = math.log10(lo), math.log10(hi)
    exponent = st.floats(e_lo, e_hi) if e_hi > e_lo else st.just(e_lo)
    kinds = st.integers(0 if zero else 1, 9)

    @st.composite
    def build(draw: st.DrawFn) -> float:
        kind = draw(kinds)  # shrinks to 0, then to the plain numbers
        if kind == 0:
            return 0.0
        if kind <= 2:
            return draw(plain)
        x = min(max(10.0 ** draw(exponent), lo), hi)
        return -x if draw(st.booleans()) else x

    return build()


def drawn_number(x: object, what: str) -> float:
    """``x``, drawn from a strategy the user gave, as a finite float; else a
    clear TypeError/ValueError naming ``what``."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError(f"{what} drew {type(x).__name__} {shown(x)}: it must draw numbers")
    f = real(x, f"{what} drew a number that")
    if not math.isfinite(f):
        raise ValueError(f"{what} drew {f!r}: it must draw finite numbers")
    return f
