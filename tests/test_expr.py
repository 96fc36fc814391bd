"""The safe expression parser behind the command line (autograd/expr.py)."""

from __future__ import annotations

import builtins
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from autograd import Value, maximum, minimum
from autograd import logsumexp as lse
from autograd import mean as vmean
from autograd import sum as vsum
from autograd.expr import (
    FUNCTIONS,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_LENGTH,
    MAX_NODES,
    ExpressionError,
    evaluate,
    parse,
    parse_assignment,
    parse_number,
)
from autograd.ops import TABLE

UVW = {"u": 2.0, "v": 3.0, "w": 4.0}


def grads(root: Value, names: list[str]) -> dict[str, float]:
    """backward(), then the gradient of each named leaf."""
    root.backward()
    found: dict[str, float] = {}
    stack, seen = [root], set()
    while stack:
        n = stack.pop()
        if n in seen:
            continue
        seen.add(n)
        if n.label in names and not n.op:
            found[n.label] = n.grad
        stack.extend(n.children)
    return found


# -- what is accepted, and that it builds the same graph as Python code ----------

def test_lecture_example_value_gradients_and_labels() -> None:
    f = evaluate("(u+v)*w", UVW)
    assert f.data == 20.0
    assert f.op == "mul"
    s, w = f.children
    assert s.op == "add" and w.label == "w" and not w.op
    assert [c.label for c in s.children] == ["u", "v"]
    assert grads(f, ["u", "v", "w"]) == {"u": 4.0, "v": 4.0, "w": 5.0}


def test_variables_in_order_of_first_use() -> None:
    assert parse("w*(u+v) + u").variables == ("w", "u", "v")
    assert parse("2*3").variables == ()


def test_a_variable_used_twice_is_one_leaf_with_two_edges() -> None:
    f = evaluate("x*x", {"x": 3.0})
    a, b = f.children
    assert a is b and a.label == "x"
    assert grads(f, ["x"]) == {"x": 6.0}


CASES: list[tuple[str, Callable[..., Any]]] = [
    ("u + v - w", lambda u, v, w: u + v - w),
    ("u * v / w", lambda u, v, w: u * v / w),
    ("u ** 2 + v ** -1 + w ** 0.5", lambda u, v, w: u ** 2 + v ** -1 + w ** 0.5),
    ("u ** v", lambda u, v, w: u ** v),
    ("2 ** u", lambda u, v, w: 2 ** u),
    ("-u * +v", lambda u, v, w: -u * v),
    ("-u ** 2", lambda u, v, w: -(u ** 2)),
    ("tanh(u - v) * exp(-w) + log(u) + sigmoid(v)",
     lambda u, v, w: (u - v).tanh() * (-w).exp() + u.log() + v.sigmoid()),
    ("relu(u - v) + abs(u - v) + sqrt(w) + ln(w)",
     lambda u, v, w: (u - v).relu() + abs(u - v) + w.sqrt() + w.log()),
    ("leaky_relu(u - v, 0.2) + elu(u - v, 0.5) + hardtanh(w, -2, 2)",
     lambda u, v, w: (u - v).leaky_relu(0.2) + (u - v).elu(0.5) + w.hardtanh(-2, 2)),
    ("clamp(w, -1, 3.5) + clamp(u, 2.5) + softshrink(v, 1)",
     lambda u, v, w: w.clamp(-1, 3.5) + u.clamp(2.5) + v.softshrink(1)),
    ("max(u, v) * min(v, w) + maximum(u, w)",
     lambda u, v, w: maximum(u, v) * minimum(v, w) + maximum(u, w)),
    ("sum(u, v, w) + mean(u, v) + logsumexp(u, v, w) + sum(u)",
     lambda u, v, w: vsum([u, v, w]) + vmean([u, v]) + lse([u, v, w]) + vsum([u])),
    ("u / 0", lambda u, v, w: u / 0),
]


@pytest.mark.parametrize(("source", "python"), CASES, ids=[c[0] for c in CASES])
def test_same_value_and_gradients_as_the_python_api(
        source: str, python: Callable[..., Any]) -> None:
    f = evaluate(source, UVW)
    u, v, w = (Value(UVW[k], label=k) for k in "uvw")
    g = python(u, v, w)
    assert f.op == g.op
    assert (f.data == g.data) or (math.isnan(f.data) and math.isnan(g.data))
    got, want = grads(f, ["u", "v", "w"]), grads(g, ["u", "v", "w"])
    assert got.keys() == want.keys()
    for k in got:
        assert got[k] == want[k] or (math.isnan(got[k]) and math.isnan(want[k])), k


def test_constants_and_negative_literals() -> None:
    f = evaluate("-2 * x", {"x": 5})
    c, x = f.children
    assert f.op == "mul" and not c.op and c.data == -2.0 and c.label is None
    assert x.label == "x"
    assert evaluate("x ** -1", {"x": 4}).op == "powc"
    assert evaluate("-x", {"x": 4}).op == "neg"
    assert evaluate("+x", {"x": 4}).label == "x"  # unary + is the identity


def test_arithmetic_on_constants_is_recorded_not_computed_by_python() -> None:
    f = evaluate("2 * 3", {})
    assert f.op == "mul" and f.data == 6.0
    assert [c.data for c in f.children] == [2.0, 3.0]
    # IEEE results, never a Python OverflowError / ZeroDivisionError:
    assert evaluate("2.0 ** 1000 * 2.0 ** 1000", {}).data == math.inf
    assert evaluate("1 / 0", {}).data == math.inf
    assert evaluate("7", {}).data == 7.0


@pytest.mark.parametrize("name", sorted(n for n, f in FUNCTIONS.items()
                                        if f.inputs == 1 and not f.required_params))
def test_every_unary_function_of_the_op_table(name: str) -> None:
    fn = FUNCTIONS[name]
    f = evaluate(f"{name}(x)", {"x": 0.75})
    assert f.op == fn.op.name
    assert f.children[0].label == "x"
    op = fn.op.bind(*_defaults(name)) if fn.params else fn.op
    assert f.data == op.value([0.75])


def _defaults(name: str) -> tuple[float, ...]:
    import inspect

    sig = inspect.signature(getattr(Value, name))
    return tuple(p.default for p in list(sig.parameters.values())[1:])


def test_the_function_list_comes_from_the_op_table() -> None:
    unary = {n for n, op in TABLE.items() if op.arity == 1} - {"neg", "powc"}
    assert unary <= FUNCTIONS.keys()
    assert {"maximum", "minimum", "max", "min", "sum", "mean", "logsumexp"} <= FUNCTIONS.keys()
    assert not {"add", "mul", "pow", "powc", "dot", "affine"} & FUNCTIONS.keys()
    assert FUNCTIONS["max"].op is TABLE["maximum"] and FUNCTIONS["max"].name == "max"
    assert FUNCTIONS["leaky_relu"].signature() == "leaky_relu(x[, negative_slope])"
    assert FUNCTIONS["sum"].signature() == "sum(x1, x2, ...)"


def test_a_leading_name_labels_the_result() -> None:
    e = parse("f = (u+v)*w")
    assert e.name == "f" and e.variables == ("u", "v", "w")
    assert e.evaluate(UVW).label == "f"
    assert parse("(u+v)*w").evaluate(UVW).label is None
    with pytest.raises(ExpressionError, match="result name 'x' is also a variable"):
        parse("x = x + 1")


def test_unicode_names_are_normalised_as_python_does() -> None:
    e = parse("α*ｘ")  # fullwidth x is NFKC-normalised to x by the parser
    assert e.variables == ("α", "x")
    assert e.evaluate({"α": 2, "ｘ": 5}).data == 10.0
    assert parse_assignment("ｘ=1") == ("x", 1.0)


def test_missing_and_unused_variables() -> None:
    e = parse("(u+v)*w")
    with pytest.raises(ExpressionError,
                       match=r"no value for variables v, w: give v=NUMBER w=NUMBER"):
        e.evaluate({"u": 1})
    assert e.unused(["u", "v", "w", "x", "W"]) == ["x", "W"]


def test_parameter_errors_from_the_engine_become_expression_errors() -> None:
    with pytest.raises(ExpressionError, match="celu: alpha must not be 0"):
        evaluate("celu(x, 0)", {"x": 1})
    with pytest.raises(ExpressionError, match="hardtanh: min_val .2.0. must not exceed"):
        evaluate("hardtanh(x, 2)", {"x": 1})
    with pytest.raises(ExpressionError, match="variable x: Value data must be a real number"):
        evaluate("x + 1", {"x": "2"})


# -- what is refused, with a one-line message and the column ---------------------

REFUSED = [
    ("u.real", "not allowed: attribute access (u.real)", 1),
    ("(u+v).__class__", "attribute access", 1),
    ("__import__('os').system('echo hi')", "only functions called by name", 1),
    ("__import__('os')", "unknown function '__import__'", 1),
    ("open('x', 'w')", "unknown function 'open'", 1),
    ("eval('1')", "unknown function 'eval'", 1),
    ("exec('1')", "unknown function 'exec'", 1),
    ("u + __builtins__", "name '__builtins__' is not allowed", 5),
    ("u[0]", "not allowed: subscripts (u[0])", 1),
    ("lambda: 1", "lambdas", 1),
    ("(lambda: u)()", "only functions called by name", 2),
    ("[u for u in (1,)]", "comprehensions", 1),
    ("(u for u in (1,))", "generator expressions", 1),
    ("'abc'", "not allowed: strings ('abc')", 1),
    ("b'abc'", "bytes", 1),
    ("f'{u}'", "strings", 1),
    ("True + u", "True/False", 1),
    ("None", "constants (None)", 1),
    ("1j * u", "complex numbers", 1),
    ("exp(x=u)", "keyword arguments are not allowed in exp(...)", 1),
    ("exp(*u)", "starred arguments", 5),
    ("u if v else w", "conditional expressions", 1),
    ("u < v", "comparisons", 1),
    ("u and v", "'and'/'or'", 1),
    ("not u", "not allowed: 'not'", 1),
    ("~u", "not allowed: '~'", 1),
    ("(u := 2)", "assignments (:=)", 2),
    ("u // v", "not allowed: operator '//'", 1),
    ("u % v", "operator '%'", 1),
    ("u @ v", "operator '@'", 1),
    ("u ^ 2", "'^' is not a power here", 3),
    ("[u, v]", "lists", 1),
    ("(u, v)", "not allowed: tuples ((u, v))", 1),
    ("{u: v}", "dicts", 1),
    ("exp", "exp is a function: call it", 1),
    ("tanh(u, v)", "tanh takes 1 input, got 2", 1),
    ("max(u)", "max takes 2 inputs, got 1: max(a, b)", 1),
    ("sum()", "sum takes one or more inputs, got 0", 1),
    ("clamp(u)", "clamp takes 1 input and 1 to 2 number parameters, got 1: "
                 "clamp(x, min[, max])", 1),
    ("leaky_relu(u, v)", "parameter negative_slope must be a number, not v", 15),
    ("hardtanh(u, 1, 2, 3)", "hardtanh takes 1 input and 0 to 2 number parameters", 1),
    ("tanh.__call__(u)", "only functions called by name", 1),
    ("exp(u)(v)", "only functions called by name", 1),
    ("u +", "invalid syntax", 4),
    ("2u", "invalid syntax", 1),
    ("u; v", "invalid syntax", 2),
    ("import os", "invalid syntax", 1),
    ("", "empty expression", None),
    ("f = ", "empty expression", None),
    ("1e999 * u", "number 1e999 is too large for a float64", 1),
    ("u ** 2000", "exponent 2000 is too large", 6),
    ("u ** -1e5", "exponent -100000 is too large", 6),
    ("2 ** 10 ** 10", "a power of constants as an exponent", 6),
    ("9**9**9**9", "a power of constants as an exponent (9**9**9)", 7),
    ("u\n+ v", "control character '\\n'", 2),
    ("u\x00", "control character '\\x00'", 2),
]


@pytest.mark.parametrize(("source", "message", "column"), REFUSED,
                         ids=[repr(r[0]) for r in REFUSED])
def test_refused_with_message_and_column(source: str, message: str, column: int | None) -> None:
    with pytest.raises(ExpressionError) as info:
        parse(source)
    e = info.value
    assert message in str(e)
    assert e.column == column
    assert "\n" not in str(e)


def test_columns_count_characters_and_the_name_prefix() -> None:
    with pytest.raises(ExpressionError) as info:
        parse("f = αβ + x.y")
    assert info.value.column == 10  # "f = αβ + " is 9 characters; UTF-8 would say 11


def test_size_limits() -> None:
    with pytest.raises(ExpressionError, match=f"the limit is {MAX_LENGTH}"):
        parse("x+" * (MAX_LENGTH // 2) + "x")
    many = "+".join(f"x{i}" for i in range(MAX_NODES // 2 + 1))
    assert len(many) < MAX_LENGTH
    with pytest.raises(ExpressionError, match=f"syntax nodes; the limit is {MAX_NODES}"):
        parse(many)
    deep = "-" * (MAX_DEPTH + 1) + "x"
    with pytest.raises(ExpressionError, match=f"nested more than {MAX_DEPTH} deep"):
        parse(deep)
    with pytest.raises(ExpressionError, match="too many nested parentheses"):
        parse("(" * 300 + "x" + ")" * 300)
    with pytest.raises(ExpressionError, match="too large for a float64"):
        parse("9" * 400 + " * x")
    # Just inside the limits works, and fast (no recursion trouble).
    ok = "-" * (MAX_DEPTH - 1) + "x"
    assert evaluate(ok, {"x": 2}).data == (-2.0 if (MAX_DEPTH - 1) % 2 else 2.0)
    assert evaluate(f"x ** {MAX_EXPONENT:g}", {"x": 1}).data == 1.0
    assert evaluate("+".join(["x"] * 150), {"x": 1}).data == 150.0


def test_nothing_is_evaluated_for_a_refused_expression(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    for payload in (f"__import__('os').system('touch {marker}')",
                    f"open('{marker}', 'w')",
                    f"(lambda: open('{marker}', 'w'))()",
                    f"[open('{marker}', 'w') for _ in (1,)]"):
        with pytest.raises(ExpressionError):
            parse(payload)
    assert not marker.exists()


def test_no_eval_or_exec_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("eval/exec called")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    f = evaluate("f = tanh(u*v) + max(u, w) ** 2 / sum(u, v, w)", UVW)
    assert f.label == "f" and math.isfinite(f.data)


def test_parse_rejects_a_non_string() -> None:
    with pytest.raises(TypeError, match="expression must be a str, got int"):
        parse(3)  # type: ignore[arg-type]


# -- NAME=NUMBER -------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("u=2", ("u", 2.0)), ("u = -0.5", ("u", -0.5)), ("x1=1e-3", ("x1", 1e-3)),
    ("w=1/3", ("w", 1 / 3)), ("a=-2/4", ("a", -0.5)), ("big=1_000", ("big", 1000.0)),
    ("α=0.5", ("α", 0.5)),
])
def test_assignments(text: str, expected: tuple[str, float]) -> None:
    assert parse_assignment(text) == expected


def test_inf_and_nan_are_numbers() -> None:
    assert parse_assignment("a=inf") == ("a", math.inf)
    assert parse_assignment("a=-inf") == ("a", -math.inf)
    assert math.isnan(parse_assignment("a=nan")[1])


@pytest.mark.parametrize(("text", "message"), [
    ("u", "expected NAME=NUMBER, got 'u'"),
    ("2", "expected NAME=NUMBER"),
    ("1u=2", "variable name '1u' is not a valid name"),
    ("u-v=2", "is not a valid name"),
    ("lambda=1", "'lambda' is not a valid name"),
    ("_u=1", "must not start with '_'"),
    ("__import__=1", "must not start with '_'"),
    ("exp=1", "'exp' is a function name"),
    ("u=abc", "value of u: 'abc' is not a number"),
    ("u=", "value of u: '' is not a number"),
    ("u=1/0", "is not a number"),
    ("u=2j", "is not a number"),
    ("u=0x10", "is not a number"),
    ("u=1e999999", "value of u: '1e999999' is too large for a float64"),
])
def test_bad_assignments(text: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=_escape(message)):
        parse_assignment(text)


def _escape(s: str) -> str:
    import re

    return re.escape(s)


def test_parse_number_names_where() -> None:
    assert parse_number(" 2.5 ") == 2.5
    with pytest.raises(ExpressionError, match="lr: 'fast' is not a number"):
        parse_number("fast", "lr")
