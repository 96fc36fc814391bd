"""The Value node and the backward pass: numbers, depth, accumulation, errors."""

from __future__ import annotations

import math
import random
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pytest

import autograd
from autograd import Value


def expression(seed: int) -> tuple[list[Value], Value]:
    """A small DAG with shared subexpressions, the same one for the same seed."""
    rng = random.Random(seed)
    xs = [Value(rng.uniform(0.5, 2.0), label=f"x{i}") for i in range(3)]
    a = xs[0] * xs[1] + xs[2]
    b = (a * xs[0]).tanh() + a.sigmoid()
    c = autograd.sum([a, b, xs[1] ** 2]) / (1.0 + xs[2].exp())
    return xs, c * b + a.log()


def all_nodes(root: Value) -> list[Value]:
    return autograd.topological_order(root)


# -- the worked example -----------------------------------------------------------

def test_the_worked_example() -> None:
    u, v, w = Value(2.0, label="u"), Value(3.0, label="v"), Value(4.0, label="w")
    s = u + v
    f = s * w
    assert f.data == 20.0
    f.backward()
    assert (u.grad, v.grad, w.grad) == (4.0, 4.0, 5.0)
    assert (s.grad, f.grad) == (4.0, 1.0)
    assert f.op == "mul" and f.children == (s, w)
    assert s.op == "add" and s.children == (u, v)
    assert u.op == "" and u.children == () and u.label == "u"


def test_leaf_attributes() -> None:
    v = Value(3)
    assert v.data == 3.0 and type(v.data) is float
    assert v.grad == 0.0 and type(v.grad) is float
    assert v.label is None and v.op == "" and v.children == ()


# -- depth ----------------------------------------------------------------------------

def test_a_chain_a_million_ops_deep_backpropagates() -> None:
    x = Value(1.5)
    y = x
    for _ in range(1_000_000):
        y = -y
    assert y.data == 1.5
    y.backward()  # recursion would overflow the C stack long before this depth
    assert x.grad == 1.0
    assert y.grad == 1.0
    assert autograd.grad(y, [x]) == (1.0,)


def test_a_deep_chain_of_smooth_ops() -> None:
    x = Value(0.3)
    y = x
    for _ in range(20_000):
        y = (y * 1.0001 + 0.001).tanh()
    y.backward()
    # chain rule by hand, in the same order
    t, d = 0.3, 1.0
    for _ in range(20_000):
        t = math.tanh(t * 1.0001 + 0.001)
        d *= (1.0 - t) * (1.0 + t) * 1.0001
    assert y.data == t
    assert abs(x.grad - d) <= 1e-12 * abs(d)


# -- accumulation ---------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(5))
def test_backward_twice_doubles_every_grad_exactly(seed: int) -> None:
    xs, out = expression(seed)
    out.backward()
    nodes = all_nodes(out)
    first = [n.grad for n in nodes]
    assert all(g != 0.0 for g in first[-3:])
    out.backward()
    assert [n.grad for n in nodes] == [2.0 * g for g in first]


def test_a_plus_a_keeps_both_uses() -> None:
    a = Value(3.0)
    y = a + a
    assert y.children == (a, a)
    y.backward()
    assert a.grad == 2.0


def test_x_times_x() -> None:
    x = Value(-1.5)
    y = x * x
    assert y.children == (x, x) and y.data == 2.25
    y.backward()
    assert x.grad == -3.0


def test_shared_subexpression_gets_every_path() -> None:
    x = Value(2.0)
    a = x * 3.0           # used three times below
    y = a * a + a.exp() - a
    y.backward()
    assert y.data == 36.0 + math.exp(6.0) - 6.0
    assert a.grad == 2 * 6.0 + math.exp(6.0) - 1.0
    assert x.grad == 3.0 * a.grad


def test_zero_grad_on_a_root_clears_its_graph_only() -> None:
    xs, out = expression(1)
    other = Value(5.0)
    (other * 2.0).backward()
    out.backward()
    assert any(n.grad != 0.0 for n in all_nodes(out))
    out.zero_grad()
    assert all(n.grad == 0.0 for n in all_nodes(out))
    assert other.grad == 2.0
    out.backward()  # and backward works again afterwards, from zero
    fresh_xs, fresh = expression(1)
    fresh.backward()
    assert [x.grad for x in xs] == [x.grad for x in fresh_xs]


@pytest.mark.parametrize("gradient", [4.0, -0.5, 2.0 ** -20])
def test_backward_gradient_scales_exactly_by_powers_of_two(gradient: float) -> None:
    xs, out = expression(2)
    out.backward()
    base = [n.grad for n in all_nodes(out)]
    out.zero_grad()
    out.backward(gradient=gradient)
    assert [n.grad for n in all_nodes(out)] == [gradient * g for g in base]


@pytest.mark.parametrize("gradient", [2.5, 3, Fraction(1, 3), np.float32(0.75), True])
def test_backward_gradient_scales(gradient: Any) -> None:
    xs, out = expression(3)
    out.backward()
    base = [x.grad for x in xs]
    out.zero_grad()
    out.backward(gradient=gradient)
    g = float(gradient)
    assert out.grad == g
    for got, b in zip((x.grad for x in xs), base):
        assert abs(got - g * b) <= 1e-15 * abs(g * b)


@pytest.mark.parametrize(("gradient", "kind"), [
    ("1.0", "str"), (None, "NoneType"), ([1.0], "list"), (1j, "complex"),
    (Value(1.0), "Value"), ({}, "dict"),
])
def test_backward_gradient_must_be_a_real_number(gradient: Any, kind: str) -> None:
    x = Value(2.0)
    y = x * 3.0
    with pytest.raises(TypeError, match=kind):
        y.backward(gradient=gradient)
    assert x.grad == 0.0 and y.grad == 0.0  # nothing was added
    y.backward()
    assert x.grad == 3.0  # and nothing was left behind either


def test_backward_on_a_leaf() -> None:
    x = Value(2.0)
    x.backward()
    assert x.grad == 1.0
    x.backward(gradient=2.5)
    assert x.grad == 3.5


def test_nodes_outside_the_graph_are_untouched() -> None:
    x, y = Value(1.0), Value(2.0)
    unused = x * y
    out = x * 3.0
    out.backward()
    assert (x.grad, y.grad, unused.grad) == (3.0, 0.0, 0.0)


# -- what Value accepts ----------------------------------------------------------------

@pytest.mark.parametrize(("data", "kind"), [
    ("1.0", "str"), (1 + 2j, "complex"), (None, "NoneType"), ([1.0], "list"),
    ((1.0,), "tuple"), ({"a": 1}, "dict"), (Value(1.0), "Value"), (b"1", "bytes"),
    (np.array([1.0, 2.0]), "ndarray"), (object(), "object"),
])
def test_value_rejects_non_real_data_naming_the_type(data: Any, kind: str) -> None:
    with pytest.raises(TypeError, match=kind):
        Value(data)


@pytest.mark.parametrize(("data", "want"), [
    (True, 1.0), (False, 0.0), (3, 3.0), (-7, -7.0), (2.5, 2.5),
    (Fraction(1, 3), 1 / 3), (Decimal("0.1"), 0.1), (np.float32(0.5), 0.5),
    (np.float64(-1.25), -1.25), (np.int64(7), 7.0), (np.int8(-3), -3.0),
    (np.uint16(9), 9.0), (np.bool_(True), 1.0), (np.array(2.5), 2.5),
    (math.inf, math.inf), (10 ** 300, 1e300),
])
def test_value_accepts_real_numbers_as_float(data: Any, want: float) -> None:
    v = Value(data)
    assert type(v.data) is float and v.data == want


def test_value_of_nan_is_allowed() -> None:
    assert math.isnan(Value(math.nan).data)


def test_value_too_large_for_a_float_is_a_clear_error() -> None:
    with pytest.raises((ValueError, OverflowError), match="float"):
        Value(10 ** 400)


def test_label_must_be_a_string() -> None:
    assert Value(1.0, label="w1").label == "w1"
    with pytest.raises(TypeError, match="int"):
        Value(1.0, label=3)  # type: ignore[arg-type]


# -- operators ----------------------------------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda: Value(1) + "a", lambda: "a" + Value(1), lambda: Value(1) - None,
    lambda: Value(1) * [1.0], lambda: Value(1) / {}, lambda: Value(2) ** "2",
    lambda: "2" ** Value(2), lambda: Value(1) + 1j, lambda: pow(Value(2), 2, 3),
    lambda: Value(1) < "a", lambda: Value(1) >= None,
])
def test_unsupported_operands_raise_pythons_type_error(call: Any) -> None:
    with pytest.raises(TypeError):
        call()


def test_operators_return_not_implemented_for_foreign_operands() -> None:
    v = Value(1.0)
    for name in ("__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__",
                 "__truediv__", "__rtruediv__", "__pow__", "__rpow__",
                 "__lt__", "__le__", "__gt__", "__ge__"):
        assert getattr(v, name)("a") is NotImplemented, name


def test_the_error_message_is_pythons() -> None:
    with pytest.raises(TypeError, match="unsupported operand type.*Value.*str"):
        Value(1) + "a"


def test_a_foreign_type_can_take_over_through_its_reflected_operator() -> None:
    class Tagged:
        def __radd__(self, other: Any) -> str:
            return "tagged"

    assert Value(1.0) + Tagged() == "tagged"


def test_numbers_on_either_side() -> None:
    x = Value(2.0)
    assert [(x + 1).data, (1 + x).data, (x - 1).data, (1 - x).data] == [3.0, 3.0, 1.0, -1.0]
    assert [(x * 3).data, (3 * x).data, (x / 4).data, (4 / x).data] == [6.0, 6.0, 0.5, 2.0]
    assert [(x ** 3).data, (3 ** x).data, (-x).data, (+x).data, abs(-x).data] == \
        [8.0, 9.0, -2.0, 2.0, 2.0]
    assert (x + True).data == 3.0 and (Fraction(1, 2) * x).data == 1.0


def test_numpy_scalars_defer_to_value() -> None:
    x = Value(2.0)
    for y in (np.float64(3.0) * x, x * np.float64(3.0), np.int64(3) * x, np.float32(3.0) * x):
        assert isinstance(y, Value) and y.data == 6.0
    y = np.float64(1.0) - x
    assert isinstance(y, Value) and y.data == -1.0
    y.backward()
    assert x.grad == -1.0


def test_a_number_operand_becomes_a_constant_child() -> None:
    x = Value(2.0)
    y = 5 - x
    assert y.children[1] is x and y.children[0].data == 5.0
    y.backward()
    assert x.grad == -1.0 and y.children[0].grad == 1.0


def test_value_to_a_value_power_and_number_to_a_value_power_record_pow() -> None:
    x, y = Value(2.0), Value(3.0)
    assert (x ** y).op == "pow" and (x ** y).data == 8.0
    assert (2 ** y).op == "pow" and (2 ** y).data == 8.0
    assert (x ** 3).op == "powc"


# -- comparisons, equality, hashing ---------------------------------------------------------

def test_comparisons_compare_data_and_return_bool() -> None:
    a, b = Value(1.0), Value(2.0)
    results = [a < b, a <= b, a > b, a >= b, a < 2, a > 0.5, 3 > b, 2 <= b, a >= True]
    assert results == [True, True, False, False, True, True, True, True, True]
    assert all(type(r) is bool for r in results)
    assert Value(2.0) <= Value(2.0) and Value(2.0) >= Value(2.0)
    assert not (Value(math.nan) < 1.0) and not (Value(math.nan) >= 1.0)


def test_equality_and_hash_are_identity() -> None:
    a, b = Value(1.0), Value(1.0)
    assert a == a and a != b and not (a == b)
    assert (a == 1.0) is False
    assert len({a, b}) == 2
    d = {a: "a", b: "b"}
    assert d[a] == "a" and d[b] == "b"
    assert hash(a) == hash(a) and a in {a} and b not in {a}


def test_float_and_bool_and_formatting() -> None:
    v = Value(2.25)
    assert float(v) == 2.25 and type(float(v)) is float
    assert math.sqrt(Value(4.0)) == 2.0
    assert bool(Value(0.0)) is False and bool(v) is True
    assert f"{v:.1f}" == "2.2" and "2.25" in repr(v)


def test_topological_order_puts_inputs_first_each_node_once() -> None:
    xs, out = expression(4)
    order = autograd.topological_order(out)
    assert order[-1] is out
    assert len(order) == len(set(order))
    position = {node: i for i, node in enumerate(order)}
    for node in order:
        for child in node.children:
            assert position[child] < position[node]
    assert set(xs) <= set(order)
    assert autograd.topological_order(xs[0]) == [xs[0]]


def test_bad_op_parameters_are_refused_not_silently_used() -> None:
    x = Value(1.0)
    with pytest.raises(ValueError, match="hardshrink: lambd must be >= 0"):
        x.hardshrink(-1.0)
    with pytest.raises(ValueError, match="parameter alpha is nan"):
        x.elu(float("nan"))
    with pytest.raises(ValueError, match="parameter min is nan"):
        x.clamp(min=float("nan"))


def test_binding_many_parameters_does_not_grow_the_op_cache_without_bound() -> None:
    from autograd import ops
    x = Value(1.5)
    for i in range(500):
        x ** (1.0 + i / 1000.0)
    assert len(ops.POWC._bound) <= 64
    assert (x ** 2.0).data == 2.25
