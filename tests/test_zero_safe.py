"""zero_safe, the property that lets backward skip a node whose gradient is 0.

An op may declare ``zero_safe`` only if its local derivatives are finite
wherever its value is finite: then every contribution of a node with gradient
exactly 0 is an exact zero, and skipping the node changes no sum. Checked over
the whole table, at any finite float (subnormals and 1e308 included); the ops
that do not declare it have a counterexample here, where 0 × inf = nan must
still come out."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import OPS, Op, Value, grad
from autograd.expr import method_defaults

ANY = st.floats(allow_nan=False, allow_infinity=False)
EXTREMES = (0.0, -0.0, 5e-324, -5e-324, 1e-310, 1e-300, 1.0, -1.0, 1e300, -1e300,
            1.7976931348623157e308, -1.7976931348623157e308, 709.0, 710.0, -745.0, 20.0)


def bound_ops(name: str) -> list[Op]:
    op = OPS[name]
    if not op.param_names:
        return [op]
    sets = list(op.examples)
    defaults = method_defaults(op)
    if defaults and all(isinstance(d, float) for d in defaults):
        sets.append(tuple(defaults))
    return [op.bind(*p) for p in sets]


def count(op: Op) -> int:
    if op.arity is not None:
        return op.arity
    return 5 if op.inputs_ok is not None and op.inputs_ok(5) else 4


def finite_value_gives_finite_derivatives(op: Op, xs: list[float]) -> bool:
    y = op.value(xs)
    if not math.isfinite(y):
        return True
    return all(math.isfinite(d) for d in op.derivatives(xs, y))


SAFE = [n for n, op in OPS.items() if op.zero_safe]


@pytest.mark.parametrize("name", SAFE)
def test_declared_zero_safe_holds_at_extreme_points(name: str) -> None:
    for op in bound_ops(name):
        n = count(op)
        for a in EXTREMES:
            for b in EXTREMES:
                xs = [a if k % 2 == 0 else b for k in range(n)]
                assert finite_value_gives_finite_derivatives(op, xs), (op, xs)


@pytest.mark.parametrize("name", SAFE)
@given(data=st.data())
def test_declared_zero_safe_holds_anywhere(name: str, data: st.DataObject) -> None:
    for op in bound_ops(name):
        xs = [data.draw(ANY) for _ in range(count(op))]
        assert finite_value_gives_finite_derivatives(op, xs), (op, xs)


COUNTEREXAMPLES = {  # a finite value with an infinite local derivative
    "div": [1e-310, 1e-310], "pow": [0.0, 0.5], "powc": [0.0], "log": [5e-324],
    "sqrt": [0.0],
}


def test_every_op_without_zero_safe_has_a_counterexample() -> None:
    assert set(OPS) - set(SAFE) == set(COUNTEREXAMPLES)
    for name, xs in COUNTEREXAMPLES.items():
        op = OPS[name].bind(0.5) if name == "powc" else OPS[name]
        assert not finite_value_gives_finite_derivatives(op, xs), name


def test_zero_times_infinity_is_still_nan_through_an_unsafe_op() -> None:
    x = Value(0.0, label="x")
    y = x.sqrt() * 0.0  # ∂y/∂sqrt = 0: sqrt's node has gradient 0, its derivative is inf
    (g,) = grad(y, [x])
    assert math.isnan(g)
    y.backward()
    assert math.isnan(x.grad)
    z = Value(2.0)
    w = autograd.maximum(z, Value(1.0)) * 0.0  # safe: skipped, and exactly 0
    w.backward()
    assert z.grad == 0.0
