"""What may be assigned to ``.data``, ``.grad`` and ``.label`` (issue: trust).

Any real number assigned to ``.data`` behaves exactly as the same float, in
every op, forward and backward; anything else is a TypeError where it is
assigned. ``.grad = None`` (PyTorch's habit) clears the gradient to 0.0.
Labels are text a drawing can show: no NUL, no lone surrogate."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_syntax import bound

import autograd
from autograd import OPS, Value

KINDS = {
    "float": float, "numpy float64": np.float64, "numpy float32": np.float32,
    "Fraction": Fraction, "Decimal": lambda x: Decimal(repr(x)),
    "numpy int64": lambda x: np.int64(round(x)), "int": lambda x: int(round(x)),
}
UNARY = [name for name, op in OPS.items() if op.arity == 1]


def same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


@given(name=st.sampled_from(UNARY), kind=st.sampled_from(sorted(KINDS)),
       x=st.floats(-4, 4, allow_subnormal=False))
def test_any_real_in_data_backpropagates_as_the_same_float(name: str, kind: str,
                                                           x: float) -> None:
    number = KINDS[kind](x)
    op = bound(OPS[name])
    plain, assigned = Value(float(number)), Value(123.0)
    assigned.data = number
    assigned.data -= np.float64(0.0)  # the natural update with a NumPy schedule
    assert type(assigned.data) is float and same(assigned.data, plain.data)
    ys = [op(v) for v in (plain, assigned)]
    for y in ys:
        y.backward()
    assert same(ys[0].data, ys[1].data) and same(plain.grad, assigned.grad), (name, kind, x)
    assert type(assigned.grad) is float


@given(a=st.integers(-5, 5), kind=st.sampled_from(sorted(KINDS)))
def test_ties_of_maximum_stay_ties_whatever_number_type_is_assigned(a: int, kind: str) -> None:
    x, y = Value(0.5), Value(0.5)
    x.data, y.data = KINDS[kind](float(a)), float(a)
    for f in (autograd.maximum, autograd.minimum):
        x.grad = y.grad = 0.0
        f(x, y).backward()
        assert (x.grad, y.grad) == (0.5, 0.5)


@pytest.mark.parametrize("bad", ["3", None, [1.0], 1 + 2j, Value(1.0), object()])
def test_anything_else_is_refused_where_it_is_assigned(bad: Any) -> None:
    v = Value(2.0)
    with pytest.raises(TypeError, match="Value.data must be a real number"):
        v.data = bad
    assert v.data == 2.0
    if bad is not None:
        with pytest.raises(TypeError, match="Value.grad must be a real number"):
            v.grad = bad
    assert v.grad == 0.0


def test_grad_none_clears_it_and_backward_stays_exact() -> None:
    a = Value(3.0)
    f = a * a + a
    f.backward()
    assert a.grad == 7.0
    a.grad = None
    assert a.grad == 0.0
    f.backward()
    assert a.grad == 7.0
    a.grad = np.float64(1.5)
    assert type(a.grad) is float and a.grad == 1.5


@pytest.mark.parametrize("bad, error", [(3, TypeError), (b"x", TypeError), ("a\x00b", ValueError),
                                        ("\ud800", ValueError), ("x\udfffy", ValueError),
                                        ("bell\x07", ValueError), ("del\x7f", ValueError)])
def test_labels_are_text_a_drawing_can_show(bad: Any, error: type) -> None:
    with pytest.raises(error, match="Value: label"):
        Value(1.0, label=bad)
    v = Value(1.0, label="ok")
    with pytest.raises(error, match="Value: label"):
        v.label = bad
    assert v.label == "ok"
    v.label = "∂f/∂u </script> & ü"
    assert v.label == "∂f/∂u </script> & ü"


# -- .data changed between forward and backward -------------------------------------

def test_a_computed_nodes_data_cannot_be_set() -> None:
    x = Value(2.0)
    y = x.tanh()
    with pytest.raises(AttributeError, match="cannot set .data of a computed node.*'tanh'"):
        y.data = 0.5
    assert y.data == math.tanh(2.0)


@given(op=st.sampled_from(UNARY), x=st.floats(-2, 2, allow_subnormal=False),
       new=st.floats(-2, 2, allow_subnormal=False))
def test_a_graph_made_before_a_leaf_changed_is_refused_not_mixed(op: str, x: float,
                                                                  new: float) -> None:
    """PyTorch refuses a tensor changed in place after it was used (version
    counter); here a leaf's .data written after a node was made from it makes
    the graph stale: backward, grad and the drawing's gradients refuse it."""
    leaf = Value(x, label="w")
    out = bound(OPS[op])(leaf) * 3.0
    leaf.data = new
    for call in (out.backward, lambda: autograd.grad(out, [leaf]),
                 lambda: autograd.grad(out, [leaf], create_graph=True)):
        with pytest.raises(autograd.StaleGraphError, match="had its .data changed after"):
            call()
    assert leaf.grad == 0.0 and leaf._g is None
    fresh = bound(OPS[op])(leaf) * 3.0  # computed again: fine
    fresh.backward()
    assert same(fresh.data, bound(OPS[op]).value([float(new)]) * 3.0)


def test_the_usual_training_loop_writes_after_backward_and_is_never_stale() -> None:
    w = [Value(0.5), Value(-0.25)]
    for _ in range(5):
        loss = (w[0] * 2.0 + w[1] * 3.0 - 1.0) ** 2
        for p in w:
            p.grad = 0.0
        loss.backward()
        for p in w:
            p.data -= 0.01 * p.grad
    assert all(p.grad != 0.0 for p in w)
