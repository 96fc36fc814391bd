"""The strategies of autograd.testing, as a user of their own ops meets them:
ops with parameters, domains and f that raise, every expression holding the
op under test, wide plain numbers, networks with any activation, a user's
own model, and cases that run as printed."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st

import autograd
import nn
from autograd import Op, Value
from autograd.op import div, sigmoid
from autograd.testing import (
    Network,
    assert_gradients_match,
    expressions,
    guards,
    magnitudes,
    mlps,
    model_inputs,
    op_calls,
)

pytestmark = pytest.mark.filterwarnings("error::autograd.KinkWarning")

SWISH = Op("swish", "swish", f=lambda x, b: x * sigmoid(b * x),
           df=lambda x, y, b: (lambda s: s + b * x * s * (1.0 - s))(sigmoid(b * x)),
           param_names=("beta",), examples=((1.0,), (2.5,)))
BARE = Op("bare", "bare", f=lambda x, b: x * b, df=lambda x, y, b: b, param_names=("b",))
LN = Op("ln", "ln", f=math.log, df=lambda x, y: div(1.0, x))  # math.log raises at x <= 0
HYPOT = Op("hypot", "hypot", f=math.hypot, df=lambda a, b, y: (div(a, y), div(b, y)),
           arity=2, domain=lambda a, b: a != 0 or b != 0)
LME = Op("lme", "lme", f=lambda xs: math.log(sum(math.exp(x) for x in xs) / len(xs)),
         df=lambda xs, y: [autograd.op.exp(x - y) / len(xs) for x in xs], arity=None)


def examples(k: float) -> settings:
    return settings(max_examples=max(1, int(k * settings().max_examples)))


def _run(expr: Any) -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    exec(expr.code(), namespace)  # test-only exec of the printed case
    return namespace


# -- ops with parameters ---------------------------------------------------------------

@examples(1)
@given(expressions(variables=("x",), ops=[SWISH, "tanh"], max_ops=3))
def test_an_op_with_parameters_is_drawn_bound_and_printed_with_them(expr):
    lines = [line for line in expr.code().splitlines() if "swish" in line and " = " in line]
    assert lines and all(".bind(1.0)(" in line or ".bind(2.5)(" in line for line in lines)
    assert "from test_strategies import SWISH as swish" in expr.code()
    assert _run(expr)["out"].data == expr(**expr.inputs).data
    assert_gradients_match(expr, expr.inputs)


def test_a_bound_op_keeps_its_parameter() -> None:
    @settings(max_examples=20, derandomize=True)
    @given(expressions(variables=("x",), ops=[SWISH.bind(0.75)], max_ops=2))
    def prop(expr):
        assert ".bind(0.75)(x" in expr.code()

    prop()


def test_an_unbound_op_without_examples_is_refused_with_the_fix() -> None:
    with pytest.raises(ValueError, match=r"op 'bare' has parameter\(s\) \(b\) and no examples"
                                         r".*bare\.bind\(1\.0\).*examples="):
        expressions(ops=[BARE, "add"])
    with pytest.raises(ValueError, match="op 'bare'"):
        mlps(activation=BARE)
    with pytest.raises(ValueError, match="op 'bare'"):
        op_calls(BARE)


# -- where an op is defined ---------------------------------------------------------------

@examples(1)
@given(expressions(variables=("x", "y"), ops=[LN, HYPOT, "mul", "sin"], max_ops=4))
def test_ops_whose_f_raises_or_that_have_a_domain_are_drawn_inside_it(expr):
    vals = expr.evaluate()
    for step in expr.steps:
        xs = step.inputs(vals)
        if step.op is LN:
            assert xs[0] >= 1e-3
        if step.op is HYPOT:
            assert abs(xs[0]) >= 1e-3 or abs(xs[1]) >= 1e-3
    assert_gradients_match(expr, expr.inputs)


@pytest.mark.parametrize("op, xs, safe", [
    (HYPOT, [1e-4, 1e-4], False),  # both may reach 0 at once
    (HYPOT, [1e-4, 0.5], True),
    (LN, [1e-4], False),
    (LN, [-1.0], False),  # f raises: not safe, no crash
    (LN, [2.0], True),
    (autograd.OPS["relu"], [5e-4], False),  # within the margin of the kink
    (autograd.OPS["relu"], [2e-3], True),
    (autograd.OPS["exp"], [50.0], False),  # beyond VALUE_BOUND
    (autograd.OPS["powc"].bind(-1.0), [1e-4], False),
])
def test_guards(op, xs, safe) -> None:
    assert (guards.safe_value(op, xs) is not None) is safe


# -- every expression contains the op under test -----------------------------------------

def test_every_expression_contains_the_users_ops_unless_told_otherwise() -> None:
    seen = {"with": 0, "without": 0}

    @settings(max_examples=100, derandomize=True)
    @given(expressions(ops=[LN, HYPOT, "tanh", "add"], max_ops=4))
    def always(expr):
        names = {s.op.name for s in expr.steps}
        assert {"ln", "hypot"} <= names

    @settings(max_examples=100, derandomize=True)
    @given(expressions(ops=[LN, "tanh", "add"], must_use=()))
    def sometimes(expr):
        seen["with" if any(s.op is LN for s in expr.steps) else "without"] += 1

    always()
    sometimes()
    assert seen["with"] > 10 and seen["without"] > 10
    with pytest.raises(ValueError, match="must_use names 2 ops but max_ops is 1"):
        expressions(ops=[LN, HYPOT], max_ops=1)


def test_variadic_ops_get_up_to_eight_operands() -> None:
    counts: set[int] = set()

    @settings(max_examples=300, derandomize=True)
    @given(expressions(ops=[LME, "add"], max_ops=3))
    def look(expr):
        counts.update(len(s.operands) for s in expr.steps if s.op is LME)

    look()
    assert counts == set(range(1, 9))


# -- numbers ---------------------------------------------------------------------------------

def test_magnitudes_are_wide_and_shrink_to_plain_numbers() -> None:
    assert find(magnitudes(), lambda x: True) == 0.0
    assert find(magnitudes(), lambda x: x > 5) == 10.0
    assert find(magnitudes(), lambda x: x < 0) == -1.0
    assert find(magnitudes(zero=False), lambda x: True) == 1.0
    assert find(magnitudes(), lambda x: abs(x) > 200) in (1000.0, -1000.0) or abs(
        find(magnitudes(), lambda x: abs(x) > 200)) <= 1000.0
    tiny = find(magnitudes(), lambda x: 0 < abs(x) < 1e-2)
    assert 1e-3 <= abs(tiny) < 1e-2 and len(repr(tiny)) <= 22


@settings(max_examples=500, derandomize=True)
@given(magnitudes())
def test_magnitudes_stay_in_range(x) -> None:
    assert x == 0.0 or 1e-3 <= abs(x) <= 1e3


def test_magnitudes_reach_every_decade() -> None:
    decades: set[int] = set()

    @settings(max_examples=500, derandomize=True)
    @given(magnitudes())
    def look(x):
        if x:
            decades.add(math.floor(math.log10(abs(x))))

    look()
    assert decades >= set(range(-3, 3))


# -- networks -----------------------------------------------------------------------------

def softish(v: Value) -> Value:
    return v / (1.0 + v * v).sqrt()


@examples(0.5)
@given(mlps(activation=[SWISH, softish, "tanh", "leaky_relu"]))
def test_mlps_take_an_op_or_any_function_and_print_runnable(net: Network) -> None:
    namespace: dict[str, Any] = {}
    exec(net.code(), namespace)  # test-only exec of the printed case
    again = namespace["net"]
    assert again(**net.inputs).data == net(**net.inputs).data
    assert_gradients_match(net, net.inputs)


def test_a_lambda_activation_says_it_cannot_be_imported() -> None:
    net = Network(weights=(((1.0,),), ((1.0,),)), biases=((0.0,), (0.0,)), x=(0.5,),
                  activation=lambda v: v.tanh())
    assert "activation=activation" in net.code()
    assert "cannot be imported" in net.code()


MODEL = nn.MLP(2, [3, 2], activation="tanh", seed=1)  # two outputs


@examples(0.5)
@given(model_inputs(MODEL, nin=2))
def test_a_users_own_model(case) -> None:
    assert len(case.params) == len(MODEL.parameters())
    out = case(**case.inputs)
    a, b = MODEL([Value(x) for x in case.x])
    assert out.data == pytest.approx(a.data + 2 * b.data)  # several outputs: Σ (i+1)·out_i
    assert_gradients_match(case, case.inputs, params=case.params)
    assert "TinyMLP" not in repr(case) and "MLP" in repr(case)


def test_model_inputs_keeps_off_kinks() -> None:
    relu_model = nn.MLP(1, [4, 1], activation="relu", seed=0)

    @settings(max_examples=100, derandomize=True)
    @given(model_inputs(relu_model, nin=1))
    def prop(case):
        assert guards.unsafe_node(case(**case.inputs)) is None

    prop()


@pytest.mark.parametrize("make, error, pattern", [
    (lambda: model_inputs(3, 2), TypeError, "model must be callable"),
    (lambda: model_inputs(MODEL, 0), ValueError, "nin must be from 1"),
    (lambda: model_inputs(MODEL, 2.0), TypeError, "nin must be an int"),
    (lambda: model_inputs(MODEL, 2, x=[1.0]), TypeError, "x must be a strategy"),
    (lambda: mlps(nin=0), ValueError, "nin must be from 1 to 64"),
    (lambda: mlps(weight=0.5), TypeError, "weight must be a strategy"),
    (lambda: op_calls("tanh", 1.0), ValueError, "both min_value and max_value"),
    (lambda: magnitudes(0.0, 1.0), ValueError, "0 < smallest"),
    (lambda: expressions(ops=[3]), TypeError, "each op must be a name"),
    (lambda: expressions(max_ops=True), TypeError, "max_ops must be an int"),
    (lambda: expressions(shared=1), TypeError, "shared must be True or False"),
])
def test_bad_arguments_are_named(make, error, pattern) -> None:
    with pytest.raises(error, match=pattern):
        make()


def test_a_users_strategy_that_draws_nan_is_named() -> None:
    @given(expressions(variables={"x": st.just(math.nan)}))
    def prop(expr):
        pass

    with pytest.raises(ValueError, match="the strategy of variable 'x' drew nan"):
        prop()
