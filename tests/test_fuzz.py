"""Fuzz passes over the public entry points that take user data (issue: trust).

Each generator throws arbitrary input at one entry point; the only allowed
outcomes are a correct result or a clear TypeError/ValueError (ExpressionError
for expressions) — never another exception, a crash, or a silent wrong number.
The nn files, state dicts, drawing labels and the HTML player have fuzz passes
of their own (test_serialize_trust, test_optim_trust, test_html_hostile...).
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import OPS, Value, grad
from autograd.expr import ExpressionError, parse

ANYTHING = st.one_of(
    st.integers(), st.floats(), st.booleans(), st.none(), st.text(max_size=20),
    st.binary(max_size=10), st.complex_numbers(), st.fractions(),
    st.decimals(allow_nan=True), st.lists(st.floats(), max_size=3),
    st.tuples(st.integers()), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.integers(-10**400, 10**400), st.floats().map(np.float64), st.integers(-2**31, 2**31 - 1)
    .map(np.int32), st.booleans().map(np.bool_), st.floats(width=32).map(np.float32),
    st.just(Value(1.0)), st.just(object()), st.just(math.inf), st.just(-math.inf),
)


def is_real(x: Any) -> bool:
    return (isinstance(x, (int, float, Fraction, Decimal, np.integer, np.floating, np.bool_))
            and not isinstance(x, Value))


@settings(max_examples=2000)
@given(ANYTHING)
def test_value_takes_any_real_number_and_refuses_the_rest(x: Any) -> None:
    try:
        v = Value(x)
    except TypeError:
        assert not is_real(x), f"Value({x!r}) refused a real number"
        return
    except ValueError as e:
        assert is_real(x) and ("too large for a float64" in str(e)
                               or "signaling NaN" in str(e)), (x, e)
        return
    assert is_real(x) and type(v.data) is float
    expected = float(x)
    assert v.data == expected or (math.isnan(v.data) and math.isnan(expected))


FLOATS = st.one_of(st.floats(), st.sampled_from([0.0, -0.0, 5e-324, 1e308, -1e308, math.inf,
                                                  -math.inf, math.nan, 1.0, -1.0]))


def _inputs(op: Any, draw: st.DrawFn) -> list[float]:
    if op.arity is not None:
        return [draw(FLOATS) for _ in range(op.arity)]
    n = draw(st.integers(1, 7))
    while op.inputs_ok is not None and not op.inputs_ok(n):
        n += 1
    return [draw(FLOATS) for _ in range(n)]


@pytest.mark.parametrize("name", list(OPS))
@settings(max_examples=150)
@given(data=st.data())
def test_every_op_takes_any_float_and_any_parameter_without_raising(name: str,
                                                                    data: st.DataObject) -> None:
    """IEEE results (inf, nan) instead of Python exceptions, forward and backward,
    at any float input; parameters are real numbers or a clear error at bind."""
    op = OPS[name]
    if op.param_names:
        params = [data.draw(st.one_of(FLOATS, ANYTHING)) for _ in op.param_names]
        try:
            op = op.bind(*params)
        except (TypeError, ValueError) as e:
            assert str(e), name
            return
    xs = [Value(x, label=f"x{i}") for i, x in enumerate(_inputs(op, data.draw))]
    y = op(*xs)
    assert type(y.data) is float
    gs = grad(y, xs)
    assert all(type(g) is float for g in gs)
    y.backward()
    assert [x.grad for x in xs] == [g for g in gs] or any(math.isnan(g) for g in gs)


EXPRESSION_PARTS = st.sampled_from(
    ["x", "y", "+", "-", "*", "/", "**", "(", ")", ",", "tanh", "relu", "log", "max", "sum",
     "leaky_relu", "clamp", "1", "2.5", "1e309", "0", " ", "__import__", ".", "[", "]",
     "lambda", ":", "'", '"', "^", "%", "=", "f =", "\\", "\n", "\x00", "α", "𝑥", "#", "1j",
     "not", "and", "if", "else", "@", "~", "<", "{", "}", "**-", "9" * 30])


@settings(max_examples=3000)
@given(st.one_of(st.text(max_size=60), st.lists(EXPRESSION_PARTS, max_size=25).map("".join)),
       st.floats(-5, 5), st.floats(-5, 5))
def test_the_expression_parser_accepts_or_refuses_clearly(source: str, x: float,
                                                          y: float) -> None:
    try:
        expr = parse(source)
    except ExpressionError as e:
        assert str(e)
        return
    values = {name: (x if k % 2 == 0 else y) for k, name in enumerate(expr.variables)}
    try:
        out = expr.evaluate(values)
    except ExpressionError as e:
        assert str(e)
        return
    assert isinstance(out, Value) and type(out.data) is float
    out.backward()
