"""autograd.to_sympy: the formula of a graph, from each op's SymPy form.

sympy.diff of the formula, evaluated at the leaves' values, agrees with
backward() to 1e-12 for every op of the table and for random expressions."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings

sp = pytest.importorskip("sympy", reason="!!! SymPy is NOT INSTALLED: make test installs it "
                                         "(the test extra); to_sympy is NOT tested !!!")

from autograd import OPS, Op, Value, to_sympy  # noqa: E402
from autograd.expr import method_defaults  # noqa: E402
from autograd.symbolic import symbols_of  # noqa: E402
from autograd.testing import expressions  # noqa: E402

POINTS = (0.7, -1.3, 1.9, -0.45, 2.6, 0.2)


def params_for(op: Op) -> list[tuple[float, ...]]:
    if not op.param_names:
        return [()]
    defaults = method_defaults(op)
    sets = list(op.examples)
    if defaults and all(isinstance(d, float) for d in defaults):
        sets.append(tuple(defaults))
    return sets


def inputs_for(op: Op, shift: int) -> list[float]:
    if op.arity is not None:
        n = op.arity
    else:
        n = 5 if op.inputs_ok and op.inputs_ok(5) else 4
    return [POINTS[(shift + k) % len(POINTS)] * (1 + 0.1 * k) for k in range(n)]


def off_kinks(op: Op, xs: list[float]) -> bool:
    if not op.in_domain(xs):
        return False
    piece = op.which_branch(xs)
    for k in range(len(xs)):
        for d in (-1e-3, 1e-3):
            moved = list(xs)
            moved[k] += d
            if op.which_branch(moved) != piece:
                return False
    return True


def check_against_backward(root: Value) -> int:
    """Compare sympy.diff of to_sympy(root) with backward() for every labelled leaf."""
    expr = to_sympy(root)
    leaves = symbols_of(root)
    values = {sp.Symbol(label, real=True): leaf.data for label, leaf in leaves.items()}
    root.backward()
    for label, leaf in leaves.items():
        symbolic = sp.diff(expr, sp.Symbol(label, real=True)).evalf(30, subs=values)
        got = float(symbolic)
        assert math.isclose(got, leaf.grad, rel_tol=1e-12, abs_tol=1e-13), (
            f"d/d{label} of {expr}: sympy {got!r}, backward {leaf.grad!r}")
    assert math.isclose(float(expr.evalf(30, subs=values)), root.data, rel_tol=1e-12,
                        abs_tol=1e-13)
    return len(leaves)


@pytest.mark.parametrize("name", list(OPS))
def test_every_op_of_the_table_exports_and_differentiates_as_backward(name: str) -> None:
    checked = 0
    for params in params_for(OPS[name]):
        op = OPS[name].bind(*params) if params else OPS[name]
        for shift in range(len(POINTS)):
            xs = inputs_for(op, shift)
            if not off_kinks(op, xs):
                continue
            leaves = [Value(x, label=f"x{k}") for k, x in enumerate(xs)]
            checked += check_against_backward(op(*leaves))
    assert checked >= 2, f"{name}: no point inside its domain and off its kinks was tried"


def test_every_op_has_a_rule_in_every_backend() -> None:
    """The tape's backends: drawing (the symbol), replay (the value f), SymPy."""
    for name, op in OPS.items():
        assert op.label() if not op.param_names else op.symbol, name
        assert callable(op.f), name
        assert callable(op.forms.get("sympy")), f"{name} has no SymPy form"


@settings(deadline=None, max_examples=100)
@given(expressions(variables=("x", "y")))
def test_random_expressions_export_and_differentiate_as_backward(expr: object) -> None:
    root = expr(**expr.inputs)  # type: ignore[operator, attr-defined]
    check_against_backward(root)


def test_leaves_and_errors() -> None:
    x = Value(3.0, label="x")
    f = (x * 2.0 + 1e-4) ** 2.0
    assert str(to_sympy(f)) == "(2*x + 0.0001)**2"
    other = Value(1.0, label="x")
    with pytest.raises(ValueError, match="two different leaves are labelled 'x'"):
        to_sympy(x + other)
    cube = Op("cube", "³", lambda v: v ** 3, lambda v, y: 3 * v * v)
    with pytest.raises(TypeError, match=r"op 'cube' has no SymPy form.*forms="):
        to_sympy(cube(x))
    cube2 = Op("cube", "³", lambda v: v ** 3, lambda v, y: 3 * v * v,
               forms={"sympy": lambda s, v: v ** 3})
    assert str(to_sympy(cube2(x) + Value(2.0))) == "x**3 + 2"
    with pytest.raises(TypeError, match="root must be a Value"):
        to_sympy([x])
