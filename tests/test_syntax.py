"""The one syntax table: every op says how it is written, and every reader
(the expression parser, the op list, printed code, nn's activations) follows it."""

from __future__ import annotations

import math

import pytest

import autograd
import nn
from autograd import OPS, Op, Value
from autograd.expr import FUNCTIONS, ExpressionError, method_defaults, parse
from autograd.syntax import KINDS, Syntax

#: A parameter set each parametrised op accepts (the method defaults where there are).
PARAMS = {"powc": (3.0,), "clamp": (-1.0, 1.0)}


def bound(op: Op) -> Op:
    if not op.param_names:
        return op
    params = PARAMS.get(op.name) or method_defaults(op)
    assert params is not None, op.name
    return op.bind(*params)


def arguments(op: Op) -> list[str]:
    if op.arity is not None:
        return ["x", "y"][: op.arity]
    return ["x", "y", "x", "y", "x"] if op.inputs_ok and op.inputs_ok(5) else ["x", "y", "x", "y"]


@pytest.mark.parametrize("name", list(OPS))
def test_printed_python_builds_exactly_this_op(name: str) -> None:
    op = bound(OPS[name])
    x, y = Value(0.75, label="x"), Value(1.5, label="y")
    code = op.syntax.python(arguments(op), op.params, op.param_names)
    out = eval(code, {"autograd": autograd, "x": x, "y": y, op.name: op})  # test-only eval
    assert isinstance(out, Value), code
    assert out.fn is op or (out.fn is not None and out.fn.name == op.name
                            and out.fn.params == op.params), code
    args = [v.data for v in out.children]
    assert out.data == op.value(args)


@pytest.mark.parametrize("name", list(OPS))
def test_every_op_is_written_one_known_way(name: str) -> None:
    s = OPS[name].syntax
    assert s.kind in KINDS
    if s.kind == "method":
        assert callable(getattr(Value, s.token))
    if s.kind in ("function", "list", "pairs"):
        assert callable(getattr(autograd, s.token))
    for alias in s.names:
        assert FUNCTIONS[alias].op is OPS[name]
    if s.activation:
        assert s.kind == "method" and s.token in nn.activations.NAMES


def test_the_parser_takes_exactly_the_names_and_operators_of_the_table() -> None:
    names = {n for op in OPS.values() for n in op.syntax.names}
    assert set(FUNCTIONS) == names
    assert {"ln", "max", "min"} <= names and not {"dot", "affine", "add", "powc"} & names
    f = parse("ln(x) + max(x, y) * x ** 2 - sum(x, y, 1)").evaluate({"x": 2.0, "y": 3.0})
    assert f.data == math.log(2.0) + 3.0 * 4.0 - 6.0


def test_a_user_op_declared_once_is_parsed_printed_and_listed() -> None:
    cube = Op("cube", "³", lambda x: x * x * x, lambda x, y: 3 * x * x)
    swish = Op("swish", "swish", lambda x, b: x / (1 + math.exp(-b * x)),
               lambda x, y, b: 1.0, param_names=("beta",))
    assert cube.syntax == Syntax("call", "cube", ("cube",))
    with pytest.raises(ExpressionError, match="unknown function 'cube'"):
        parse("cube(x)")
    f = parse("cube(x) + swish(x, 2)", ops=[cube, swish]).evaluate({"x": 2.0})
    assert f.data == 8.0 + 2.0 / (1 + math.exp(-4.0))
    assert swish.bind(1.5).syntax.python(["x"], (1.5,)) == "swish.bind(1.5)(x)"
    assert eval("swish.bind(1.5)(x)", {"swish": swish, "x": Value(1.0)}).fn.params == (1.5,)


def test_calling_a_raw_op_checks_its_inputs_and_parameters() -> None:
    a, b, c = Value(1.0), Value(2.0), Value(3.0)
    with pytest.raises(TypeError, match="op 'dot' cannot take 3 input"):
        OPS["dot"](a, b, c)
    with pytest.raises(TypeError, match="op 'mean' cannot take 0 input"):
        OPS["mean"]()
    with pytest.raises(TypeError, match="op 'affine' cannot take 2 input"):
        OPS["affine"](a, b)
    with pytest.raises(TypeError, match="takes 1 input"):
        OPS["tanh"](a, b)
    with pytest.raises(TypeError, match=r"not bound: call leaky_relu.bind\(...\) first"):
        OPS["leaky_relu"](a)
    with pytest.raises(ValueError, match="celu: alpha must not be 0"):
        OPS["celu"].bind(0.0)
    with pytest.raises(ValueError, match="must not exceed max_val"):
        OPS["hardtanh"].bind(1.0, -1.0)
    with pytest.raises(ValueError, match="lambd must be >= 0"):
        OPS["softshrink"].bind(-0.5)
    with pytest.raises(ValueError, match="parameter exponent is nan"):
        OPS["powc"].bind(float("nan"))
    with pytest.raises(TypeError, match="parameter alpha must be a real number"):
        OPS["elu"].bind("1")
    with pytest.raises(TypeError, match="parameter alpha must be a real number"):
        OPS["elu"].bind([1.0])
    assert OPS["dot"](a, b, c, a).data == 1.0 * 3.0 + 2.0 * 1.0
    assert OPS["dot"]([a, b, c, a]).data == 5.0
    assert OPS["elu"].bind(True) is OPS["elu"].bind(1.0)


def test_op_declarations_are_checked_when_the_op_is_made() -> None:
    with pytest.raises(TypeError, match="identifier"):
        Op("my op", "m", abs, abs)
    with pytest.raises(ValueError, match="smoothness"):
        Op("m", "m", abs, abs, smoothness=-1)
    with pytest.raises(TypeError, match="domain must be callable"):
        Op("m", "m", abs, abs, domain=True)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Syntax kind"):
        Syntax("postfix", "!")
