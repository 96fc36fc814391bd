"""Fuzzing the checking entry points with whatever a user might pass (issue 9).

gradcheck / gradgradcheck get random functions, inputs, params and settings
(numbers of every kind, nan, inf, bools, strings, None, nested containers,
Values, functions that raise or return the wrong type); the strategies get
random arguments and are then drawn from. Each call must end in one of:
a result (True/False), GradcheckError, a TypeError or ValueError that names
the entry point, or the user's function's own exception — never another
exception, never a crash, and never a change to the caller's Values.
Fixed seed under the CI profile (``tests/conftest.py``).
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import autograd
from autograd import GradcheckError, KinkWarning, Op, Value, gradcheck, gradgradcheck
from autograd.testing import (
    expressions,
    magnitudes,
    mlps,
    model_inputs,
    op_calls,
    values,
)

pytestmark = pytest.mark.filterwarnings("ignore::autograd.KinkWarning")


def examples(k: float) -> settings:
    return settings(max_examples=max(1, int(k * settings().max_examples)),
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


class FnError(Exception):
    """What the fuzzed user functions raise on purpose."""


SQUARE = Op("square", "²", f=lambda x: x * x, df=lambda x, y: 2 * x)
WRONG = Op("square", "²", f=lambda x: x * x, df=lambda x, y: 3 * x)
STRAY = Value(2.0, label="stray")  # a Value of the caller's that fns may read


def _raise(*args: Any) -> Any:
    raise FnError("fn raised")


FNS: list[Any] = [
    lambda x: x * x,
    lambda x, y: (x * y).tanh() + SQUARE(x),
    lambda *xs: autograd.sum(list(xs)) if xs else STRAY * STRAY,
    lambda x: WRONG(x),
    lambda x: x.data,  # returns a float
    lambda x: None,
    lambda x: "x",
    lambda x: x.log(),  # nan for x <= 0
    lambda x: x / 0.0,
    lambda x: x * STRAY,
    lambda: STRAY * 3.0,
    lambda x: x if x > 0 else -x,
    lambda x: abs(x).relu(),
    lambda **kw: autograd.sum(list(kw.values())) if kw else STRAY,
    _raise,
    math.sin,  # a builtin, not Values
    3, "fn", None, STRAY,
]

ANY_NUMBER = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**400, 10**400),
    st.booleans(), st.fractions(max_denominator=1000), st.complex_numbers(max_magnitude=5),
    st.sampled_from([np.float64(0.5), np.int64(3), np.bool_(True), np.float32(1.5)]),
    st.decimals(allow_nan=True), st.just(Fraction(1, 3)))
JUNK = st.one_of(st.none(), st.text(max_size=5), st.binary(max_size=3),
                 st.just(object()), st.just(math.sin))
ELEMENT = st.one_of(ANY_NUMBER, JUNK, st.builds(Value, st.floats(-5, 5)), st.just(STRAY))
INPUTS = st.one_of(
    ELEMENT, st.lists(ELEMENT, max_size=4), st.tuples(ELEMENT, ELEMENT),
    st.dictionaries(st.one_of(st.sampled_from(["x", "y", "w0.1", ""]), st.integers(0, 2)),
                    ELEMENT, max_size=3),
    st.lists(st.floats(-3, 3), min_size=1, max_size=3))
PARAMS = st.one_of(st.none(), ELEMENT, st.lists(st.one_of(st.just(STRAY), ELEMENT),
                                                 max_size=3),
                   st.just([STRAY, STRAY]), st.just({"w": STRAY}), st.just("ab"))
SETTING = st.one_of(ANY_NUMBER, JUNK, st.sampled_from([1e-6, 1e-3, 0.0, 1e-300, -1.0]))
FLAG = st.one_of(st.booleans(), st.integers(0, 1), st.none(), st.text(max_size=2))


def _named(e: BaseException, where: str) -> bool:
    return str(e).startswith(where)


@examples(4)
@given(fn=st.sampled_from(FNS), inputs=INPUTS, params=PARAMS, eps=SETTING,
       atol=SETTING, rtol=SETTING, raise_exception=FLAG, allow_unused=FLAG,
       which=st.sampled_from(["gradcheck", "gradgradcheck"]))
def test_gradcheck_arguments(fn: Any, inputs: Any, params: Any, eps: Any, atol: Any,
                             rtol: Any, raise_exception: Any, allow_unused: Any,
                             which: str) -> None:
    check = gradcheck if which == "gradcheck" else gradgradcheck
    STRAY.data, STRAY.grad = 2.0, 0.5
    try:
        result = check(fn, inputs, params=params, eps=eps, atol=atol, rtol=rtol,
                       raise_exception=raise_exception, allow_unused=allow_unused)
        assert result in (True, False)
    except GradcheckError:
        pass
    except (TypeError, ValueError) as e:  # a clear error that names the check
        assert _named(e, which), e
    except FnError:
        assert fn is _raise
    except KinkWarning:
        pass
    assert (STRAY.data, STRAY.grad) == (2.0, 0.5)  # the caller's Value is untouched


# -- the strategies -----------------------------------------------------------------------

OPS_ARG = st.one_of(
    st.none(), st.just("tanh"), st.just("nope"), st.just([]), st.just(["mul", SQUARE]),
    st.lists(st.sampled_from(["add", "log", "hypot", "leaky_relu", "dot", "pow"]),
             max_size=3),
    st.just([Op("beta", "b", f=lambda x, b: x * b, df=lambda x, y, b: b,
                param_names=("b",))]),  # parameters and no examples
    st.just([3]), st.just(SQUARE), ELEMENT)
VARIABLES = st.one_of(
    st.integers(-2, 30), st.booleans(), st.text(max_size=3),
    st.lists(st.sampled_from(["x", "y", "x", "2x", "", "for"]), max_size=3),
    st.dictionaries(st.sampled_from(["x", "y", "z"]),
                    st.one_of(ANY_NUMBER, st.just(st.floats()), st.just(st.just(math.nan)),
                              st.just(st.just("a")), JUNK), max_size=2),
    ELEMENT)
SIZE = st.one_of(st.integers(-3, 100), st.booleans(), st.floats(0, 5), st.none(),
                 st.text(max_size=1))


def _draw_or_refuse(data: Any, make: Any, where: str) -> None:
    """Build the strategy: a clear refusal, or a strategy that draws."""
    try:
        strategy = make()
    except (TypeError, ValueError) as e:
        assert where in str(e) or "op " in str(e), e
        return
    try:
        drawn = data.draw(strategy)
    except (TypeError, ValueError) as e:  # a user's strategy or model that gives junk
        assert str(e).startswith(where), e
        return
    if hasattr(drawn, "inputs"):
        for x in drawn.inputs.values():
            assert math.isfinite(x)


@examples(2)
@given(data=st.data(), variables=VARIABLES, ops=OPS_ARG, max_depth=SIZE, max_ops=SIZE,
       shared=FLAG, constants=FLAG, must_use=st.one_of(st.just(None), OPS_ARG))
def test_expressions_arguments(data: Any, variables: Any, ops: Any, max_depth: Any,
                               max_ops: Any, shared: Any, constants: Any,
                               must_use: Any) -> None:
    _draw_or_refuse(data, lambda: expressions(
        variables, ops, max_depth=max_depth, shared=shared, max_ops=max_ops,
        constants=constants, must_use=must_use), "expressions")


@examples(2)
@given(data=st.data(), a=SETTING, b=SETTING, zero=FLAG, op=OPS_ARG,
       which=st.sampled_from(["values", "magnitudes", "op_calls"]))
def test_value_and_op_call_arguments(data: Any, a: Any, b: Any, zero: Any, op: Any,
                                     which: str) -> None:
    make = {"values": lambda: values(a, b), "magnitudes": lambda: magnitudes(a, b, zero=zero),
            "op_calls": lambda: op_calls(op if not isinstance(op, list) else "tanh", a, b)}
    _draw_or_refuse(data, make[which], which)


class _Model:
    def __init__(self, out: Any) -> None:
        self.out, self.w = out, Value(0.5)

    def parameters(self) -> list[Value]:
        return [self.w]

    def __call__(self, xs: list[Any]) -> Any:
        return self.out(self.w, xs)


MODELS = st.sampled_from([
    _Model(lambda w, xs: (w * xs[0]).tanh()), _Model(lambda w, xs: [w * x for x in xs]),
    _Model(lambda w, xs: 3.0), _Model(lambda w, xs: [])])


@examples(2)
@given(data=st.data(), nin=SIZE, hidden=st.one_of(SIZE, st.just(st.integers(-1, 3))),
       layers=SIZE, activation=st.one_of(
           st.sampled_from(["tanh", "relu", "nope", "maximum", "leaky_relu"]),
           st.just(SQUARE), st.just(lambda v: v.sin()), st.just(lambda v: 1.0),
           st.just([]), st.just(["tanh", SQUARE]), ELEMENT),
       weight=st.one_of(st.none(), st.just(values(-1, 1)), st.just(st.just(math.inf)),
                        ELEMENT),
       model=MODELS, which=st.sampled_from(["mlps", "model_inputs"]))
def test_network_arguments(data: Any, nin: Any, hidden: Any, layers: Any, activation: Any,
                           weight: Any, model: Any, which: str) -> None:
    if which == "mlps":
        _draw_or_refuse(data, lambda: mlps(nin, hidden, layers, activation, weight), "mlps")
    else:
        _draw_or_refuse(data, lambda: model_inputs(model, nin, weight), "model_inputs")
