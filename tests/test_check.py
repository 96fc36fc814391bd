"""gradcheck / gradgradcheck: they pass on correct code, catch the classic bugs
with a readable table, and warn (not fail) on kinks."""

from __future__ import annotations

import math
import re
import subprocess
import sys
import warnings

import pytest

import autograd
from autograd import GradcheckError, KinkWarning, Op, Value, gradcheck, gradgradcheck
from autograd.check import find_kinks


@pytest.fixture(autouse=True)
def _kinks_are_errors():
    """Outside the kink tests, any KinkWarning is a failure."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", KinkWarning)
        yield


def _cube(df):
    return Op("cube", "³", f=lambda x: x * x * x, df=df)


# -- passes ------------------------------------------------------------------

@pytest.mark.parametrize("fn, inputs", [
    (lambda x, y: (x * y).tanh() + x.exp(), [0.3, -1.2]),
    (lambda x: x ** 3 - 2 * x, [1.7]),
    (lambda a, b, c: autograd.logsumexp([a, b, c]) / (1 + b * b), [0.1, 2.0, -3.0]),
    (lambda x, y: x.log() * y.sqrt() + (x / y).sin(), [2.5, 0.7]),
    (lambda w, x, b: autograd.dot([w, w], [x, x.cos()], bias=b).sigmoid(), [0.4, -0.9, 0.2]),
    (lambda x: x, [5.0]),
])
def test_gradcheck_passes_on_correct_functions(fn, inputs):
    assert gradcheck(fn, inputs) is True
    assert gradgradcheck(fn, inputs) is True


def test_inputs_by_name_single_number_and_values():
    assert gradcheck(lambda x, y: x * y.exp(), {"x": 2.0, "y": -0.5})
    assert gradcheck(lambda x: x.tanh(), 0.25)
    u = Value(1.5, label="u")
    assert gradcheck(lambda u, v: u * v, [u, 2])
    assert u.grad == 0.0  # the user's own Values are not touched


def test_a_user_op_with_a_correct_derivative_passes():
    assert gradcheck(lambda x, y: _cube(lambda x, y: 3 * x * x)(x) * y, [1.3, -0.4])
    assert gradgradcheck(lambda x: _cube(lambda x, y: 3 * x * x)(x), [1.3])


# -- the classic bugs ----------------------------------------------------------

def test_catches_a_derivative_off_by_a_factor():
    wrong = _cube(lambda x, y: 2 * x * x)  # should be 3x²
    with pytest.raises(GradcheckError) as err:
        gradcheck(lambda x, y: wrong(x) * y, {"x": 2.0, "y": 1.5})
    msg = str(err.value)
    header = re.search(r"^\s*input\s+label\s+analytical\s+numerical\s+abs diff\s+rel diff"
                       r"\s+feeds op$", msg, re.M)
    assert header, msg
    row = next(line.split() for line in msg.splitlines() if line.split()[:2] == ["0", "x"])
    analytical, numerical = float(row[2]), float(row[3])
    assert analytical == 2 * 4.0 * 1.5  # the wrong formula, 2x²·y
    assert numerical == pytest.approx(3 * 4.0 * 1.5, rel=1e-8)  # the truth, 3x²·y
    assert float(row[4]) == pytest.approx(6.0, rel=1e-3)  # abs diff, 3 digits
    assert float(row[5]) == pytest.approx(1 / 3, rel=1e-3)  # rel diff
    assert "cube (op node 0)" in msg
    assert "1 of 2 derivative(s)" in msg
    assert not any(line.split()[:2] == ["1", "y"] for line in msg.splitlines())  # y is right
    assert "eps=1e-06, atol=1e-06, rtol=1e-05" in msg


def test_raise_exception_false_returns_false():
    wrong = _cube(lambda x, y: 2 * x * x)
    assert gradcheck(wrong, [2.0], raise_exception=False) is False
    detached = _cube(lambda x, y: 3 * float(x) ** 2)
    assert gradgradcheck(detached, [2.0], raise_exception=False) is False


def test_catches_a_value_detached_through_data():
    # x * x.data: the second factor is a constant to the engine, so d/dx = x, not 2x
    with pytest.raises(GradcheckError) as err:
        gradcheck(lambda x: x * Value(x.data), [3.0])
    assert re.search(r"^\s*0\s+x0\s+3\s+6(\.0*\d*)?\s", str(err.value), re.M), str(err.value)
    assert "mul (op node 0)" in str(err.value)


def test_a_fully_detached_input_is_named_as_not_in_the_graph():
    with pytest.raises(GradcheckError, match=r"not in the graph \(did fn use \.data\?\)"):
        gradcheck(lambda x, y: Value(x.data ** 2) + y, {"x": 3.0, "y": 1.0})


def _micrograd_style_backward(self, gradient=1.0):
    """A deliberately broken backward: ``=`` where ``+=`` belongs, so a node
    used twice keeps only the last contribution (the classic accumulation bug)."""
    self.grad = float(gradient)
    for node in reversed(autograd.topological_order(self)):
        if node.fn is None:
            continue
        ds = node.fn.derivatives([c.data for c in node.children], node.data)
        for child, d in zip(node.children, ds):
            child.grad = d * node.grad


def test_catches_a_missing_accumulation_for_a_reused_node(monkeypatch):
    # the correct engine passes on x·x + x, where x is used three times
    assert gradcheck(lambda x: x * x + x, [3.0])
    monkeypatch.setattr(Value, "backward", _micrograd_style_backward)
    with pytest.raises(GradcheckError) as err:
        gradcheck(lambda x: x * x + x, [3.0])
    msg = str(err.value)
    row = next(line.split() for line in msg.splitlines() if line.split()[:2] == ["0", "x0"])
    assert float(row[2]) == 3.0  # only the last of 2x + 1 = 7's parts survived
    assert float(row[3]) == pytest.approx(7.0, rel=1e-8)
    assert "add (op node 1), mul (op node 0)" in msg or "mul (op node 0), add" in msg
    assert "grad() and backward() disagree" in msg


def test_catches_two_backward_passes_that_disagree():
    calls = []

    def drifting(x, y):  # a derivative with hidden state: wrong from the 2nd call on
        calls.append(x)
        return 2.0 * x if len(calls) == 1 else 2.0 * x + 1.0

    square = Op("square", "²", f=lambda x: x * x, df=drifting)
    with pytest.raises(GradcheckError, match=r"two backward\(\) passes disagree for input 0"):
        gradcheck(square, [1.5])


def test_catches_a_backward_that_ignores_the_upstream_gradient(monkeypatch):
    original = Value.backward
    monkeypatch.setattr(Value, "backward", lambda self, gradient=1.0: original(self, 1.0))
    with pytest.raises(GradcheckError,
                       match=r"a zero upstream gradient gave input 0 \(x0\) the gradient 2"):
        gradcheck(lambda x: x * x, [1.0])


def test_gradgradcheck_catches_a_derivative_that_is_not_differentiable():
    # float(x) inside df: right first derivative, but create_graph sees a constant
    detached = _cube(lambda x, y: 3 * float(x) ** 2)
    assert gradcheck(detached, [2.0])
    with pytest.raises(GradcheckError) as err:
        gradgradcheck(detached, [2.0])
    msg = str(err.value)
    assert re.search(r"^\s*0,0\s+d2f/dx0dx0\s+0\s+12(\.0*\d*)?\s", msg, re.M), msg
    assert "cube" in msg


def test_gradgradcheck_catches_create_graph_disagreeing_with_plain_grad():
    two_faced = Op("two_faced", "?", f=lambda x: x,
                   df=lambda x, y: 1.0 if type(x) is float else 2.0 + 0 * x)
    with pytest.raises(GradcheckError,
                       match=r"grad\(create_graph=True\) and grad\(\) disagree for input 0"):
        gradgradcheck(two_faced, [0.5])


def test_gradgradcheck_checks_the_symmetry_of_mixed_derivatives():
    # right ∂/∂x, but ∂/∂y wrongly drops the x: f = x·y², the mixed term is 2y
    f = Op("xy2", "xy²", f=lambda x, y: x * y * y,
           df=lambda x, y, out: (y * y, 2.0 * y + 0 * x), arity=2)
    with pytest.raises(GradcheckError, match=r"not symmetric: d2f/dxdy = 0 but d2f/dydx = 4"):
        gradgradcheck(f, [Value(3.0, label="x"), Value(2.0, label="y")])


def test_a_non_finite_output_fails_clearly():
    with pytest.raises(GradcheckError, match="fn's value at the inputs is nan"):
        gradcheck(lambda x: x.log(), [-1.0])


# -- kinks ------------------------------------------------------------------------

@pytest.mark.parametrize("fn, inputs, op", [
    (lambda x: x.relu(), [0.0], "relu"),
    (lambda x: abs(x), [0.0], "abs"),
    (lambda a, b: autograd.maximum(a, b), [1.0, 1.0], "maximum"),
    (lambda a, b: autograd.minimum(a, b) * 2, [-0.5, -0.5], "minimum"),
    (lambda x: x.clamp(-1.0, 1.0), [1.0], "clamp"),
    (lambda x: x.hardtanh(), [-1.0], "hardtanh"),
    (lambda s, y: (1 - y * s).relu(), [0.5, 2.0], "relu"),  # the hinge at y·s = 1
])
def test_kinks_warn_instead_of_failing(fn, inputs, op):
    with pytest.warns(KinkWarning, match=rf"sits on a kink: op '{op}'"):
        assert gradcheck(fn, inputs) is True


def test_the_kink_warning_reports_both_numbers():
    with pytest.warns(KinkWarning, match=r"analytical 0, numerical 0\.5"):
        gradcheck(lambda x: x.relu(), [0.0])


def test_a_python_branch_on_the_input_is_reported():
    with pytest.warns(KinkWarning, match="fn branches on its inputs"):
        gradcheck(lambda x: x if x > 0 else -x, [0.0])


def test_gradgradcheck_warns_on_a_second_order_kink():
    with pytest.warns(KinkWarning, match="relu"):
        gradgradcheck(lambda x: x.relu() ** 2, [0.0])


def test_no_warning_next_to_a_kink():
    assert gradcheck(lambda x: x.relu() + abs(x), [1e-3])
    assert find_kinks(lambda x, y: autograd.maximum(x, y), [1.0, 1.001]) == {}
    found = find_kinks(lambda x, y: autograd.maximum(x, y), {"x": 1.0, "y": 1.0})
    assert set(found) == {"x", "y"} and "maximum" in found["x"]


# -- bad input ---------------------------------------------------------------------

@pytest.mark.parametrize("call, error, pattern", [
    (lambda: gradcheck(lambda x, y: x * y, [1.0, "a"]), TypeError, r"inputs\[1\].*str"),
    (lambda: gradcheck(lambda x: x, [math.nan]), ValueError, r"inputs\[0\] is nan"),
    (lambda: gradcheck(lambda x: x, {"x": math.inf}), ValueError, r"inputs\['x'\] is inf"),
    (lambda: gradcheck(lambda x: x.data * 2, [1.0]), TypeError,
     r"fn must return a Value, got float.*\.data"),
    (lambda: gradcheck(lambda x: x, [1.0], eps=0), ValueError, r"eps must be .*> 0"),
    (lambda: gradcheck(lambda x: x, [1.0], atol=-1), ValueError, r"atol"),
    (lambda: gradcheck(3.0, [1.0]), TypeError, r"fn must be callable"),
    (lambda: gradcheck(lambda: Value(1.0), []), ValueError, r"no inputs"),
    (lambda: gradgradcheck(lambda x: x, [None]), TypeError, r"gradgradcheck.*NoneType"),
])
def test_bad_input_is_named(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


def test_gradcheck_error_is_an_assertion_error():
    assert issubclass(GradcheckError, AssertionError)


def test_importing_autograd_does_not_import_hypothesis():
    code = ("import sys, autograd, nn; assert 'hypothesis' not in sys.modules; "
            "import autograd.testing; assert 'hypothesis' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_gradcheck_leaves_the_grads_of_values_fn_closes_over_unchanged():
    w, b = Value(0.5, label="w"), Value(-1.0, label="b")
    w.grad, b.grad = 0.25, -3.0  # mid-training: gradients waiting for the optimiser step
    assert gradcheck(lambda x: (w * x + b).tanh(), [2.0])
    assert gradgradcheck(lambda x: (w * x + b).tanh(), [2.0])
    assert (w.grad, b.grad) == (0.25, -3.0)
