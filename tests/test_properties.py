"""The engine proved by properties, with the strategies users import.

Every op against central differences on its domain, thousands of random
expression DAGs per CI run, algebraic laws of the gradient, ReLU networks'
rescaling invariance, and the bookkeeping of backward()/grad().
Counts scale with the Hypothesis profile (see conftest.py): ``examples(k)``
runs k times the profile's ``max_examples``.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn
from autograd import OPS, Value, grad, gradcheck, gradgradcheck, topological_order
from autograd.testing import (
    Expression,
    Network,
    assert_gradients_match,
    expressions,
    guards,
    mlps,
    op_calls,
    values,
)

pytestmark = pytest.mark.filterwarnings("error::autograd.KinkWarning")


def examples(k: float) -> settings:
    """k times the current profile's number of examples."""
    return settings(max_examples=max(1, int(k * settings().max_examples)))


def close(a: float, b: float, rel: float = 1e-9, abs_: float = 1e-9) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


def leaves_for(expr: Expression) -> list[Value]:
    """A leaf for every variable, used or not (so expressions drawn over the same
    variables can be called on the same leaves)."""
    return [Value(x, label=n) for n, x in zip(expr.variables, expr.point)]


# -- the strategies themselves -------------------------------------------------

@pytest.mark.parametrize("name", sorted(OPS))
def test_every_op_of_the_table_declares_what_the_strategies_need(name):
    op = OPS[name]
    versions = guards.versions(op, "test")
    assert all(not v.unbound for v in versions)
    assert len(versions) == max(1, len(op.examples))
    for n in guards.input_counts(op):
        versions[0].check_inputs(n)  # a count the op takes


@given(values(), values(None, None))
def test_values_are_finite_and_never_subnormal(x, y):
    assert -10.0 <= x <= 10.0
    for v in (x, y):
        assert math.isfinite(v)
        assert v == 0 or abs(v) >= 2.2250738585072014e-308


def _graph(root: Value) -> list[tuple[str, tuple[float, ...], tuple[float, ...]]]:
    return [(n.op, n.fn.params if n.fn else (), tuple(c.data for c in n.children))
            for n in topological_order(root)]


@examples(1)
@given(expressions(variables=3))
def test_an_expression_prints_as_the_code_that_builds_it(expr):
    namespace: dict = {}
    exec(expr.code(), namespace)  # test-only exec of the printed case, imports included
    out = namespace["out"]
    built = expr(**expr.inputs)
    assert out.data == built.data == expr.evaluate()[-1]
    assert _graph(out) == _graph(built)  # the same ops, parameters and inputs
    assert expr.code() in repr(expr)
    assert set(expr.inputs) == {n for n in expr.variables if f"{n} = Value(" in expr.code()}


@examples(1)
@given(expressions(variables=2, shared=False, max_ops=6))
def test_shared_false_gives_trees(expr):
    n_vars = len(expr.variables)
    uses = [o for s in expr.steps for o in s.operands if isinstance(o, int) and o >= n_vars]
    assert len(uses) == len(set(uses))


@examples(1)
@given(expressions(variables=2, max_ops=10))
def test_generated_nodes_stay_in_their_domains_and_bounds(expr):
    vals = expr.evaluate()
    assert all(math.isfinite(v) for v in vals)
    for step in expr.steps:
        xs = step.inputs(vals)
        assert step.op.in_domain(xs), (step.op, xs)
        if step.op.name != "add":  # the sums of unused nodes are not drawn
            assert guards.safe_value(step.op, xs) is not None, (step.op, xs)


def test_shared_subexpressions_are_generated():
    found = []

    @settings(max_examples=200, derandomize=True)
    @given(expressions(variables=2))
    def look(expr):
        n_vars = len(expr.variables)
        uses = [o for s in expr.steps for o in s.operands if isinstance(o, int) and o >= n_vars]
        found.append(len(uses) > len(set(uses)))

    look()
    assert sum(found) >= 20


@pytest.mark.parametrize("make, error, pattern", [
    (lambda: expressions(ops=["tanh", "nope"]), ValueError, r"unknown op 'nope'"),
    (lambda: expressions(ops=[]), ValueError, r"ops is empty"),
    (lambda: expressions(variables=0), ValueError, r"from 1 to 26, got 0"),
    (lambda: expressions(variables="xy"), TypeError, r"not a str"),
    (lambda: expressions(variables=["x", "x"]), ValueError, r"duplicate"),
    (lambda: expressions(variables=["2x"]), ValueError, r"identifiers"),
    (lambda: expressions(variables={"x": math.nan}), ValueError, r"'x' = nan"),
    (lambda: expressions(max_depth=0), ValueError, r"max_depth"),
    (lambda: mlps(activation="maximum"), ValueError, r"no unary op"),
    (lambda: mlps(activation=3), TypeError, r"activation must be"),
])
def test_strategy_arguments_are_checked(make, error, pattern):
    with pytest.raises(error, match=pattern):
        make()


def test_an_expression_names_wrong_arguments():
    expr = Expression(("x", "y"), (1.0, 2.0), ())
    with pytest.raises(TypeError, match=r"missing \['x'\], unexpected \['z'\]"):
        expr(y=1.0, z=2.0)
    with pytest.raises(TypeError, match=r"takes 2 input\(s\)"):
        expr(1.0, 2.0, 3.0)
    assert expr(3.0, 4.0).data == 3.0  # no ops: the first variable
    assert expr(5.0).data == 5.0  # only the variables it uses
    assert expr(x=5.0).data == 5.0  # y is not used: it may be left out
    assert expr.inputs == {"x": 1.0}


# -- every op against central differences ---------------------------------------------

@pytest.mark.parametrize("name", sorted(OPS))
@examples(0.5)
@given(data=st.data())
def test_every_op_matches_central_differences(name, data):
    op, xs = data.draw(op_calls(name), label="op, inputs")
    assert gradcheck(op, xs)
    assert gradgradcheck(op, xs)


# -- random DAGs -------------------------------------------------------------------------

@examples(32)
@given(expressions(variables=3))
def test_random_dags_match_central_differences(expr):
    assert_gradients_match(expr, expr.inputs, second_order=False)


@examples(2)
@given(expressions(variables=2, max_ops=6))
def test_random_dags_second_derivatives(expr):
    assert_gradients_match(expr, expr.inputs)  # second order is the default


@examples(2)
@given(expressions(variables=3, shared=False))
def test_random_trees_match_central_differences(expr):
    assert_gradients_match(expr, expr.inputs, second_order=False)


@examples(1)
@given(mlps())
def test_random_networks_match_central_differences(net):
    assert_gradients_match(net, net.inputs)


# -- algebraic properties -------------------------------------------------------------------

POINT = st.fixed_dictionaries({"x": values(-3, 3), "y": values(-3, 3)})


@examples(1)
@given(st.data(), POINT, values(-3, 3), values(-3, 3))
def test_grad_is_linear(data, point, a, b):
    f = data.draw(expressions(variables=point), label="f")
    g = data.draw(expressions(variables=point), label="g")
    xs = leaves_for(f)
    lhs = grad(a * f(*xs) + b * g(*xs), xs)
    gf, gg = grad(f(*xs), xs), grad(g(*xs), xs)
    for k in range(len(xs)):
        expected = a * gf[k] + b * gg[k]
        assert close(lhs[k], expected, abs_=1e-9 * (1 + abs(a * gf[k]) + abs(b * gg[k])))


@examples(1)
@given(st.data(), POINT)
def test_chain_rule_through_composition(data, point):
    inner = data.draw(expressions(variables=point), label="inner")
    u = inner(**inner.inputs).data
    outer = data.draw(expressions(variables={"u": u}), label="outer")
    xs = leaves_for(inner)
    composed = outer(u=inner(*xs))
    leaf = Value(u)
    (d_outer,) = grad(outer(u=leaf), [leaf])
    d_inner = grad(inner(*xs), xs)
    for k, dk in enumerate(grad(composed, xs)):
        assert close(dk, d_outer * d_inner[k], abs_=1e-9 * (1 + abs(d_outer * d_inner[k])))


@examples(1)
@given(expressions(variables=2, max_ops=6))
def test_mixed_second_derivatives_are_symmetric(expr):
    x, y = leaves_for(expr)
    gx, gy = grad(expr(x, y), [x, y], create_graph=True)
    (dxy,) = grad(gx, [y])
    (dyx,) = grad(gy, [x])
    assert close(dxy, dyx, rel=1e-8, abs_=1e-9)


@examples(1)
@given(expressions(variables=("x", "y")), expressions(variables=("z", "w")))
def test_grad_of_a_sum_of_independent_parts(f, g):
    fx, gx = leaves_for(f), leaves_for(g)
    total = grad(f(*fx) + g(*gx), fx + gx)
    parts = grad(f(*fx), fx) + grad(g(*gx), gx)
    for t, p in zip(total, parts):
        assert close(t, p, rel=1e-12, abs_=1e-15)


# -- ReLU networks: positive rescaling invariance --------------------------------------------

@examples(1)
@given(st.data(), mlps(activation="relu", layers=st.integers(1, 2)),
       st.floats(0.1, 10.0))
def test_relu_network_rescaling_invariance(data, net: Network, d):
    layer = data.draw(st.integers(0, len(net.weights) - 2), label="layer")
    j = data.draw(st.integers(0, len(net.weights[layer]) - 1), label="neuron")
    w = [[list(ws) for ws in layer_w] for layer_w in net.weights]
    b = [list(bs) for bs in net.biases]
    w[layer][j] = [wi / d for wi in w[layer][j]]
    b[layer][j] /= d
    for ws in w[layer + 1]:
        ws[j] *= d
    scaled = Network(tuple(tuple(tuple(ws) for ws in lw) for lw in w),
                     tuple(tuple(bs) for bs in b), net.x, net.activation)

    before, after = net.inputs, scaled.inputs
    names = list(before)
    xs, ys = [Value(before[n]) for n in names], [Value(after[n]) for n in names]
    out, out_scaled = net(*xs), scaled(*ys)
    assert close(out.data, out_scaled.data, abs_=1e-12 * (1 + abs(out.data)))
    # the gradient scales the other way: incoming ×d, outgoing ×1/d, the rest stays
    g, g_scaled = grad(out, xs), grad(out_scaled, ys)
    for n, a, s in zip(names, g, g_scaled):
        if n.startswith(f"w{layer}.{j}.") or n == f"b{layer}.{j}":
            expect = a * d
        elif n.startswith(f"w{layer + 1}.") and n.endswith(f".{j}"):
            expect = a / d
        else:
            expect = a
        assert close(s, expect, abs_=1e-12 * (1 + abs(expect))), n


@examples(0.5)
@given(st.integers(0, 2**16), st.floats(0.1, 10.0), st.integers(0, 3),
       st.lists(values(-2, 2), min_size=3, max_size=3))
def test_nn_mlp_rescaling_invariance(seed, d, j, x):
    model = nn.MLP(3, [4, 4, 1], seed=seed)
    before = model(x).data
    params = dict(model.named_parameters())
    for k in range(3):
        params[f"layers.0.neurons.{j}.w.{k}"].data /= d
    params[f"layers.0.neurons.{j}.b"].data /= d
    for k in range(4):
        params[f"layers.1.neurons.{k}.w.{j}"].data *= d
    assert close(model(x).data, before, abs_=1e-12 * (1 + abs(before)))


# -- backward() bookkeeping ---------------------------------------------------------------------

@examples(2)
@given(expressions(variables=3), values(-2, 2))
def test_backward_twice_doubles_every_grad(expr, g):
    out = expr(**expr.inputs)
    nodes = topological_order(out)
    out.backward(g)
    first = [n.grad for n in nodes]
    out.backward(g)
    assert [n.grad for n in nodes] == [2 * v for v in first]


@examples(2)
@given(expressions(variables=3))
def test_backward_and_grad_are_identical(expr):
    xs = leaves_for(expr)
    out = expr(*xs)
    via_grad = grad(out, xs)
    assert all(x.grad == 0.0 for x in xs)  # grad() leaves .grad alone
    out.backward()
    assert [x.grad for x in xs] == list(via_grad)


@examples(1)
@given(expressions(variables=2, max_ops=6))
def test_create_graph_first_derivatives_equal_plain_ones(expr):
    xs = leaves_for(expr)
    out = expr(*xs)
    assert [g.data for g in grad(out, xs, create_graph=True)] == list(grad(out, xs))


# -- users' own ops go through the same machinery ---------------------------------------------

CUBE = autograd.Op("cube", "³", f=lambda x: x * x * x, df=lambda x, y: 3 * x * x)
BROKEN = autograd.Op("cube", "³", f=lambda x: x * x * x, df=lambda x, y: 2 * x * x)


@examples(0.5)
@given(expressions(variables=2, ops=[CUBE, "tanh", "mul", "add"]))
def test_a_users_op_in_random_expressions(expr):
    assert any(s.op is CUBE for s in expr.steps)  # the op under test is always in
    assert "cube(" in expr.code()
    assert_gradients_match(expr, expr.inputs)


def test_a_broken_users_op_is_caught_by_the_property():
    @settings(max_examples=100, derandomize=True)
    @given(expressions(variables=1, ops=[BROKEN, "sin"]))
    def prop(expr):
        assert_gradients_match(expr, expr.inputs)

    with pytest.raises(autograd.GradcheckError, match="cube"):
        prop()
