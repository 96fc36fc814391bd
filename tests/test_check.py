"""gradcheck / gradgradcheck: they pass on correct code (also where central
differences converge slowly or a step would cross a kink or a domain edge),
catch the classic bugs with a readable table that names the wrong op, warn
only at a kink where the two values really differ, check a model's own
parameters in place, and refuse silent passes."""

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


def _row(msg: str, first: str) -> list[str]:
    return next(line.split() for line in msg.splitlines() if line.split()[:1] == [first])


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


SOFTCLIP = Op("softclip", "softclip", f=lambda x: x / (1.0 + abs(x)),
              df=lambda x, y: 1.0 / ((1.0 + abs(x)) * (1.0 + abs(x))))
HYPOT = Op("hypot", "hypot", f=math.hypot,
           df=lambda a, b, y: (autograd.op.div(a, y), autograd.op.div(b, y)), arity=2,
           domain=lambda a, b: a != 0 or b != 0)


@pytest.mark.parametrize("fn, inputs", [
    # C¹ but not C² at 0: central differences are off by O(h) there (11 vs 10.999879)
    (lambda x, y: SOFTCLIP(x * y), {"x": 0.0, "y": 11.0}),
    (lambda x: (11 * x).softsign(), [0.0]),
    (lambda x: (100 * x).softsign(), [0.0]),
    # the step 1e-6 would cross hypot's undefined point (0, 0): a smaller one is used
    (lambda x: HYPOT(x, x), [3e-7]),
    (lambda x: HYPOT(x, 2 * x), [-1e-9]),
    # a step crossing relu's kink, the point itself off it
    (lambda x: (x - 1.0).relu() * x, [1.0 + 3e-7]),
])
def test_no_false_alarm_where_central_differences_converge_slowly_or_cross_an_edge(
        fn, inputs):
    assert gradcheck(fn, inputs) is True


def test_no_false_alarm_from_rounding_in_large_values():
    # f is about 1e8; its rounding (1.5e-8) divided by the step 2e-6 is 7e-3,
    # far above atol + rtol·|f'| = 1e-5: the bound from the adjoints covers it
    assert gradcheck(lambda x, y: (x * 1e8 + y) * (1 - 1e-8 * x), [0.3, 0.7]) is True


def test_a_user_op_whose_f_raises_beyond_its_edge():
    ln = Op("ln", "ln", f=math.log, df=lambda x, y: 1.0 / x)  # math.log(-1) raises
    assert gradcheck(ln, [3e-7]) is True


# -- the classic bugs ----------------------------------------------------------

def test_catches_a_derivative_off_by_a_factor_and_names_the_op():
    wrong = _cube(lambda x, y: 2 * x * x)  # should be 3x²
    with pytest.raises(GradcheckError) as err:
        gradcheck(lambda x, y: wrong(x) * y, {"x": 2.0, "y": 1.5})
    msg = str(err.value)
    assert re.search(r"^\s*input\s+label\s+analytical\s+numerical\s+abs diff\s+allowed"
                     r"\s+rel diff$", msg, re.M), msg
    row = _row(msg, "0")
    assert row[1] == "x"
    analytical, numerical = float(row[2]), float(row[3])
    assert analytical == 2 * 4.0 * 1.5  # the wrong formula, 2x²·y
    assert numerical == pytest.approx(3 * 4.0 * 1.5, rel=1e-8)  # the truth, 3x²·y
    assert float(row[4]) == pytest.approx(6.0, rel=1e-3)  # abs diff, 3 digits
    assert float(row[5]) == pytest.approx(1e-6 + 1e-5 * 18, rel=1e-2)  # allowed
    assert float(row[6]) == pytest.approx(1 / 3, rel=1e-3)  # rel diff
    assert "1 of 2 derivative(s)" in msg
    assert not any(line.split()[:2] == ["1", "y"] for line in msg.splitlines())  # y is right
    assert "eps=1e-06, atol=1e-06, rtol=1e-05" in msg
    # the op whose own derivative is wrong, not the first op the input feeds
    assert re.search(r"op 'cube' explains it, its own derivative is wrong:\n  op 'cube' at "
                     r"op node 0, inputs \(2\): df gives 8 for input 0, central differences 12",
                     msg), msg


def test_the_wrong_op_is_named_even_deep_in_the_graph():
    wrong = _cube(lambda x, y: 2 * x * x)
    with pytest.raises(GradcheckError, match=r"op 'cube' explains it") as err:
        gradcheck(lambda x, y: (x * y + x).tanh() * wrong(y.exp()) + x, [0.3, 0.2])
    assert "op 'mul'" not in str(err.value) and "op 'tanh'" not in str(err.value)


def test_raise_exception_false_returns_false():
    wrong = _cube(lambda x, y: 2 * x * x)
    assert gradcheck(wrong, [2.0], raise_exception=False) is False
    detached = _cube(lambda x, y: 3 * float(x) ** 2)
    assert gradgradcheck(detached, [2.0], raise_exception=False) is False


def test_catches_a_value_detached_through_data():
    # x * x.data: the second factor is a constant to the engine, so d/dx = x, not 2x
    with pytest.raises(GradcheckError) as err:
        gradcheck(lambda x: x * Value(x.data), [3.0])
    msg = str(err.value)
    assert re.search(r"^\s*0\s+x0\s+3\s+6(\.0*\d*)?\s", msg, re.M), msg
    assert "Every op's local derivative agrees" in msg and ".data" in msg


def test_an_input_that_does_not_reach_the_output_is_an_error():
    with pytest.raises(GradcheckError,
                       match=r"input 0 \('x'\) does not reach fn's output.*allow_unused"):
        gradcheck(lambda x, y: Value(x.data ** 2) + y, {"x": 3.0, "y": 1.0})
    # allowed, the detachment still shows: analytical 0, numerical 6
    with pytest.raises(GradcheckError, match=r"0\s+x\s+0\s+6"):
        gradcheck(lambda x, y: Value(x.data ** 2) + y, {"x": 3.0, "y": 1.0},
                  allow_unused=True)


def test_a_function_ignoring_its_inputs_no_longer_passes():
    w = Value(0.5, label="w")  # a model holding its own Values
    with pytest.raises(GradcheckError, match="does not reach"):
        gradcheck(lambda x: w * 2.0, [1.0])
    assert gradcheck(lambda x: w * 2.0, [1.0], allow_unused=True)
    assert gradgradcheck(lambda x: w * 2.0, [1.0], allow_unused=True)
    with pytest.raises(GradcheckError, match="does not reach"):
        gradgradcheck(lambda x: w * 2.0, [1.0])


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
    row = _row(msg, "0")
    assert float(row[2]) == 3.0  # only the last of 2x + 1 = 7's parts survived
    assert float(row[3]) == pytest.approx(7.0, rel=1e-8)
    assert "grad() and backward() disagree" in msg
    assert "Every op's local derivative agrees" in msg  # no op to blame: the engine


def test_catches_two_backward_passes_that_disagree():
    calls = []

    def drifting(x, y):  # a derivative with hidden state: wrong from the 2nd call on
        calls.append(x)
        return 2.0 * x if len(calls) == 1 else 2.0 * x + 1.0

    square = Op("square", "²", f=lambda x: x * x, df=drifting)
    with pytest.raises(GradcheckError,
                       match=r"two backward\(\) passes disagree for input 0 \('x0'\)"):
        gradcheck(square, [1.5])


def test_catches_a_backward_that_ignores_the_upstream_gradient(monkeypatch):
    original = Value.backward
    monkeypatch.setattr(Value, "backward", lambda self, gradient=1.0: original(self, 1.0))
    with pytest.raises(GradcheckError, match=r"a zero upstream gradient gave input 0 "
                                             r"\('x0'\) the gradient 2"):
        gradcheck(lambda x: x * x, [1.0])


def test_gradgradcheck_catches_a_derivative_that_is_not_differentiable():
    # float(x) inside df: right first derivative, but create_graph sees a constant
    detached = _cube(lambda x, y: 3 * float(x) ** 2)
    assert gradcheck(detached, [2.0])
    with pytest.raises(GradcheckError) as err:
        gradgradcheck(detached, [2.0])
    msg = str(err.value)
    assert re.search(r"^\s*0,0\s+d2f/dx0dx0\s+0\s+12(\.0*\d*)?\s", msg, re.M), msg
    assert re.search(r"op 'cube' explains it.*\n.*the derivative of df \(as create_graph "
                     r"records it\) gives 0 for inputs 0,0, central differences 12", msg), msg


def test_gradgradcheck_catches_create_graph_disagreeing_with_plain_grad():
    two_faced = Op("two_faced", "?", f=lambda x: x,
                   df=lambda x, y: 1.0 if type(x) is float else 2.0 + 0 * x)
    with pytest.raises(GradcheckError, match=r"grad\(create_graph=True\) and grad\(\) "
                                             r"disagree for input 0 \('x0'\)"):
        gradgradcheck(two_faced, [0.5])


def test_gradgradcheck_checks_the_symmetry_of_mixed_derivatives():
    # right ∂/∂x, but ∂/∂y wrongly drops the x: f = x·y², the mixed term is 2y
    f = Op("xy2", "xy²", f=lambda x, y: x * y * y,
           df=lambda x, y, out: (y * y, 2.0 * y + 0 * x), arity=2)
    with pytest.raises(GradcheckError, match=r"not symmetric: d2f/dxdy = 0 but d2f/dydx = 4"):
        gradgradcheck(f, [Value(3.0, label="x"), Value(2.0, label="y")])


def test_a_non_finite_output_fails_clearly():
    with pytest.raises(GradcheckError, match="fn's value at the point is nan"):
        gradcheck(lambda x: x.log(), [-1.0])


# -- kinks ------------------------------------------------------------------------

@pytest.mark.parametrize("fn, inputs, op, numbers", [
    (lambda x: x.relu(), [0.0], "relu", r"analytical 0, numerical 0\.5"),
    (lambda x: x.clamp(-1.0, 1.0), [1.0], "clamp", r"analytical 1, numerical 0\.(5|49999)"),
    (lambda x: x.hardtanh(), [-1.0], "hardtanh", r"analytical 0, numerical 0\.(5|49999)"),
    (lambda s, y: (1 - y * s).relu(), [0.5, 2.0], "relu", r"analytical 0, numerical -1"),
])
def test_kinks_warn_instead_of_failing(fn, inputs, op, numbers):
    with pytest.warns(KinkWarning) as caught:
        assert gradcheck(fn, inputs) is True
    text = str(caught[0].message)
    assert "sits on a kink" in text and f"op {op!r}" in text, text
    assert re.search(numbers, text), text
    assert caught[0].filename == __file__  # points at the caller, not at check.py


@pytest.mark.parametrize("fn, inputs", [
    (lambda x: abs(x), [0.0]),  # both 0
    (lambda a, b: autograd.maximum(a, b), [1.0, 1.0]),  # ½ each, as the average slope
    (lambda a, b: autograd.minimum(a, b) * 2, [-0.5, -0.5]),
])
def test_a_kink_where_both_values_agree_passes_silently(fn, inputs):
    assert gradcheck(fn, inputs) is True


def test_a_python_branch_on_the_input_is_reported():
    with pytest.warns(KinkWarning, match="sits on a branch of fn: .*branches on its inputs"):
        gradcheck(lambda x: x if x > 0 else -x, [0.0])


def test_gradgradcheck_warns_on_a_second_order_kink():
    with pytest.warns(KinkWarning, match="relu"):
        gradgradcheck(lambda x: x.relu() ** 2, [0.0])


def test_a_point_outside_a_declared_domain_warns():
    with pytest.warns(KinkWarning, match=r"sits on the edge of a declared domain: op 'hypot' "
                                         r".*outside its declared domain"):
        gradcheck(lambda x: HYPOT(x, x), [0.0])


def test_find_kinks():
    assert find_kinks(lambda x, y: autograd.maximum(x, y), [1.0, 1.001]) == {}
    found = find_kinks(lambda x, y: autograd.maximum(x, y), {"x": 1.0, "y": 1.0})
    assert set(found) == {"x", "y"} and "maximum" in found["x"]
    assert "softsign" in find_kinks(lambda x: x.softsign(), [0.0])["x0"]  # any smoothness
    assert "domain" in find_kinks(lambda x: HYPOT(x, x), [1e-7])["x0"]


# -- a model's own parameters ---------------------------------------------------------

def _model():
    ws = [Value(0.3, label="w0"), Value(-1.2, label="w1")]
    b = Value(0.25, label="b")
    return ws, b, (lambda x: (ws[0] * x + ws[1] * x * x + b).tanh())


def test_params_are_checked_in_place_and_restored_exactly():
    ws, b, fn = _model()
    for p, g in zip([*ws, b], (0.125, -3.0, 7.5)):
        p.grad = g  # mid-training: gradients waiting for the optimiser step
    before = [(p.data, p.grad) for p in [*ws, b]]
    assert gradcheck(fn, [0.7], params=[*ws, b]) is True
    assert gradgradcheck(fn, [0.7], params=iter([*ws, b])) is True
    assert gradcheck(lambda: fn(Value(0.7)), params=[*ws, b]) is True  # no inputs at all
    assert [(p.data, p.grad) for p in [*ws, b]] == before


def test_params_catch_a_wrong_derivative_inside_a_model():
    wrong_tanh = Op("mytanh", "tanh", f=math.tanh, df=lambda x, y: 1.0 - y)
    w, b = Value(0.5, label="w"), Value(-0.2, label="b")
    with pytest.raises(GradcheckError) as err:
        gradcheck(lambda: wrong_tanh(w * 1.5 + b), params=[w, b])
    msg = str(err.value)
    assert re.search(r"^\s*params\[0\]\s+w\s", msg, re.M), msg
    assert "op 'mytanh' explains it" in msg
    assert (w.data, b.data, w.grad, b.grad) == (0.5, -0.2, 0.0, 0.0)


def test_a_parameter_the_output_does_not_use_is_an_error():
    w, unused = Value(0.5, label="w"), Value(2.0, label="spare")
    with pytest.raises(GradcheckError, match=r"params\[1\] \('spare'\) does not reach"):
        gradcheck(lambda: w * w, params=[w, unused])
    assert gradcheck(lambda: w * w, params=[w, unused], allow_unused=True)


def test_gradcheck_leaves_the_grads_of_values_fn_closes_over_unchanged():
    w, b = Value(0.5, label="w"), Value(-1.0, label="b")
    w.grad, b.grad = 0.25, -3.0
    assert gradcheck(lambda x: (w * x + b).tanh(), [2.0])
    assert gradgradcheck(lambda x: (w * x + b).tanh(), [2.0])
    assert (w.grad, b.grad) == (0.25, -3.0)


def test_checks_record_inside_no_grad():
    with autograd.no_grad():
        assert gradcheck(lambda x, y: x * y.tanh(), [0.5, -1.0]) is True
        assert gradgradcheck(lambda x, y: x * y.tanh(), [0.5, -1.0]) is True
        assert not autograd.is_grad_enabled()


# -- bad input ---------------------------------------------------------------------

@pytest.mark.parametrize("call, error, pattern", [
    (lambda: gradcheck(lambda x, y: x * y, [1.0, "a"]), TypeError, r"inputs\[1\].*str"),
    (lambda: gradcheck(lambda x: x, [math.nan]), ValueError, r"inputs\[0\] is nan"),
    (lambda: gradcheck(lambda x: x, {"x": math.inf}), ValueError, r"inputs\['x'\] is inf"),
    (lambda: gradcheck(lambda x: x.data * 2, [1.0]), TypeError,
     r"fn must return a Value, got float.*\.data"),
    (lambda: gradcheck(lambda x: x, [1.0], eps=0), ValueError, r"eps must be between"),
    (lambda: gradcheck(lambda x: x, [1.0], eps=1e-300), ValueError, r"eps must be between"),
    (lambda: gradcheck(lambda x: x, [1.0], eps=math.nan), ValueError, r"eps"),
    (lambda: gradcheck(lambda x: x, [1.0], eps=True), TypeError, r"eps must be a real"),
    (lambda: gradcheck(lambda x: x, [1.0], eps="1e-6"), TypeError, r"eps must be a real"),
    (lambda: gradcheck(lambda x: x, [1.0], atol=-1), ValueError, r"atol"),
    (lambda: gradcheck(lambda x: x, [1.0], rtol=math.inf), ValueError, r"rtol"),
    (lambda: gradgradcheck(lambda x: x, [1.0], rtol=None), TypeError, r"rtol"),
    (lambda: gradcheck(lambda x: x, [1.0], raise_exception="no"), TypeError,
     r"raise_exception must be True or False"),
    (lambda: gradcheck(lambda x: x, [1.0], allow_unused=1), TypeError, r"allow_unused"),
    (lambda: gradcheck(3.0, [1.0]), TypeError, r"fn must be callable"),
    (lambda: gradcheck(lambda: Value(1.0), []), ValueError, r"nothing to check"),
    (lambda: gradcheck(lambda: Value(1.0)), ValueError, r"nothing to check"),
    (lambda: gradcheck(lambda x: x, "12"), TypeError, r"inputs must be numbers"),
    (lambda: gradcheck(lambda x: x, {1: 2.0}), TypeError, r"input names must be str"),
    (lambda: gradcheck(lambda: Value(1.0), params=[1.0]), TypeError,
     r"params\[0\] must be a Value"),
    (lambda: gradcheck(lambda: Value(1.0), params=Value(1.0)), TypeError,
     r"params must be an iterable of Values"),
    (lambda: gradgradcheck(lambda x: x, [None]), TypeError, r"gradgradcheck.*NoneType"),
])
def test_bad_input_is_named(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


def test_a_value_checked_twice_is_refused():
    w = Value(1.0)
    with pytest.raises(ValueError, match=r"params\[1\] is the same Value as params\[0\]"):
        gradcheck(lambda: w * w, params=[w, w])
    with pytest.raises(ValueError, match=r"params\[0\] is the same Value as inputs\[0\]"):
        gradcheck(lambda x: x * w, [w], params=[w])


def test_gradcheck_error_is_an_assertion_error():
    assert issubclass(GradcheckError, AssertionError)


def test_importing_autograd_does_not_import_hypothesis():
    code = ("import sys, autograd, nn; assert 'hypothesis' not in sys.modules; "
            "import autograd.testing; assert 'hypothesis' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)
