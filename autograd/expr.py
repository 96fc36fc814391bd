"""Safe arithmetic expressions: ``"(u+v)*w"`` with ``u=2 v=3 w=4`` → a Value graph.

The command line turns text typed by a user into a computation graph. The text
is parsed with :mod:`ast` and every node is checked against a whitelist
*before* anything runs; it is never given to ``eval`` or ``exec``, and the only
thing the checked tree can do is call the engine (``Value`` operators and the
op table's functions). Allowed:

- numbers (``2``, ``0.5``, ``1e-3``) and variable names (``u``, ``x1``, ``α``);
- ``+ - * / **`` and unary ``-`` ``+`` (``^`` is refused with a hint: it is
  XOR in Python, write ``**``);
- calls of the ops by the names their syntax gives them (``Op.syntax.names``,
  see :mod:`autograd.syntax`): ``tanh(x)``, ``exp(x)``, ``relu(x)``,
  ``log(x)`` or ``ln(x)``, ``abs(x)``..., with parameters as trailing number
  arguments (``leaky_relu(x, 0.2)``, ``clamp(x, -1, 1)``); ``max(a, b)`` /
  ``min(a, b)``; ``sum(...)``, ``mean(...)``, ``logsumexp(...)`` of one or
  more inputs; and your own ops, passed to :func:`parse` as ``ops=[...]``.
- an optional ``name =`` in front (``"f = (u+v)*w"``) names the result.

Everything else (attribute access, subscripts, strings, lambdas,
comprehensions, keyword or starred arguments, comparisons, unknown names...)
raises :class:`ExpressionError` with the column; so do inputs larger than
:data:`MAX_LENGTH` characters, :data:`MAX_NODES` syntax nodes or
:data:`MAX_DEPTH` levels of nesting, number literals beyond float64 and
constant exponents beyond ±:data:`MAX_EXPONENT`.

>>> e = parse("(u+v)*w")
>>> e.variables
('u', 'v', 'w')
>>> f = e.evaluate({"u": 2, "v": 3, "w": 4})
>>> f.data
20.0
"""

from __future__ import annotations

import ast
import inspect
import keyword
import math
import operator
import re
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, TypeAlias

from .op import Op
from .ops import TABLE
from .value import Value, apply

MAX_LENGTH = 2000
"""Longest expression accepted, in characters."""
MAX_NODES = 500
"""Most syntax nodes (numbers, names, operations, calls) in one expression."""
MAX_DEPTH = 200
"""Deepest nesting of operators and calls (``a+b+c`` is 2 deep)."""
MAX_EXPONENT = 1024.0
"""Largest constant exponent magnitude in ``x ** c``."""

__all__ = ["ExpressionError", "ParsedExpression", "Function", "FUNCTIONS", "functions_of",
           "parse", "evaluate", "parse_assignment", "parse_number", "method_defaults",
           "check_variable_name",
           "MAX_LENGTH", "MAX_NODES", "MAX_DEPTH", "MAX_EXPONENT"]


class ExpressionError(ValueError):
    """An expression (or a ``name=value`` assignment) that is refused.

    ``column`` is the 1-based character column of the offending part, or
    None when the problem is not at one place."""

    def __init__(self, message: str, column: int | None = None) -> None:
        self.reason = message
        self.column = column
        super().__init__(f"column {column}: {message}" if column else message)


# -- the functions an expression may call ---------------------------------------

@dataclass(frozen=True)
class Function:
    """A callable name: ``inputs`` graph inputs (None: one or more), then up to
    ``len(params)`` number parameters (``required_params`` of them required)."""

    name: str
    op: Op
    inputs: int | None
    params: tuple[str, ...]
    required_params: int
    call: Callable[..., Value]

    def signature(self) -> str:
        """How to call it: ``tanh(x)``, ``leaky_relu(x[, negative_slope])``."""
        if self.inputs is None:
            args = ["x1", "x2", "..."]
        else:
            args = ["x"] if self.inputs == 1 else ["a", "b"][: self.inputs]
        args += list(self.params[: self.required_params])
        optional = self.params[self.required_params:]
        tail = "".join(f"[, {p}" for p in optional) + "]" * len(optional)
        return f"{self.name}({', '.join(args)}{tail})"


def method_defaults(op: Op) -> tuple[Any, ...] | None:
    """The parameter defaults of the ``Value`` method that writes ``op``
    (``(0.01,)`` for leaky_relu; ``(None, None)`` for clamp), None if the op is
    not written as a method. The method signature is the one place they live."""
    if op.syntax.kind != "method":
        return None
    method = getattr(Value, op.syntax.token, None)
    if not callable(method):
        return None
    params = list(inspect.signature(method).parameters.values())[1:]
    return tuple(p.default for p in params)


def _function(name: str, op: Op) -> Function:
    """How ``name(...)`` calls ``op`` in an expression."""
    n_in = None if op.arity is None else op.arity
    if not op.param_names:
        return Function(name, op, n_in, (), 0, lambda *xs: apply(op, xs))
    defaults = method_defaults(op)
    if defaults is not None and len(defaults) == len(op.param_names):
        # the Value method checks its parameters and knows their defaults
        required = sum(1 for d in defaults if d is inspect.Parameter.empty)
        if defaults and all(d is None for d in defaults):
            required = 1  # clamp(x, min=None, max=None) needs at least one bound
        return Function(name, op, n_in, op.param_names, required,
                        getattr(Value, op.syntax.token))
    arity = n_in or 1

    def bound_call(*args: Any) -> Value:
        return apply(op.bind(*args[arity:]), args[:arity])

    return Function(name, op, n_in, op.param_names, len(op.param_names), bound_call)


def functions_of(ops: Iterable[Op]) -> dict[str, Function]:
    """Every name the ``ops`` may be called by in an expression (``Op.syntax.names``)."""
    functions: dict[str, Function] = {}
    for op in ops:
        if not isinstance(op, Op):
            raise TypeError(f"expected Op objects, got {type(op).__name__}: {op!r}")
        for name in op.syntax.names:
            functions[name] = _function(name, op)
    return dict(sorted(functions.items()))


FUNCTIONS: dict[str, Function] = functions_of(TABLE.values())
"""Every name an expression may call (aliases included), from the op table."""


# -- the checked tree ------------------------------------------------------------

@dataclass(frozen=True)
class _Num:
    value: float


@dataclass(frozen=True)
class _Var:
    name: str


@dataclass(frozen=True)
class _Neg:
    operand: _Node


@dataclass(frozen=True)
class _Bin:
    op: str  # one of + - * / **
    left: _Node
    right: _Node


@dataclass(frozen=True)
class _Call:
    function: Function
    args: tuple[_Node, ...]
    params: tuple[float, ...]


_Node: TypeAlias = "_Num | _Var | _Neg | _Bin | _Call"

#: Python's binary operators an expression may use: those the op table writes as infix.
_INFIX = {op.syntax.token for op in TABLE.values() if op.syntax.kind == "infix"}
_PYTHON_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_BINARY = {node: token for node, token in _PYTHON_BINARY.items() if token in _INFIX}
_APPLY_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
    "**": operator.pow}
_REFUSED_BINARY = {ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@",
                   ast.LShift: "<<", ast.RShift: ">>", ast.BitOr: "|",
                   ast.BitAnd: "&", ast.BitXor: "^"}
_WHAT = {
    ast.Attribute: "attribute access", ast.Subscript: "subscripts",
    ast.Lambda: "lambdas", ast.ListComp: "comprehensions",
    ast.SetComp: "comprehensions", ast.DictComp: "comprehensions",
    ast.GeneratorExp: "generator expressions", ast.Compare: "comparisons",
    ast.BoolOp: "'and'/'or'", ast.IfExp: "conditional expressions",
    ast.NamedExpr: "assignments (:=)", ast.Starred: "starred arguments",
    ast.JoinedStr: "strings", ast.FormattedValue: "strings",
    ast.List: "lists", ast.Tuple: "tuples", ast.Set: "sets", ast.Dict: "dicts",
    ast.Await: "'await'", ast.Yield: "'yield'", ast.YieldFrom: "'yield'",
    ast.Slice: "slices",
}
_HINT = "(use numbers, variables, + - * / **, and functions such as tanh(x); " \
        "list: python -m autograd ops)"
_NAME_PREFIX = re.compile(r"\s*([^\W\d]\w*)\s*=(?!=)")


@dataclass(frozen=True)
class ParsedExpression:
    """A checked expression: ``source`` as typed, the result's ``name`` (from a
    leading ``name =``, else None) and its ``variables`` in order of first use."""

    source: str
    name: str | None
    variables: tuple[str, ...]
    _tree: _Node

    def evaluate(self, values: Mapping[str, Any]) -> Value:
        """Build the graph: one leaf Value per variable, labelled with its name
        (a variable used twice is the same leaf, drawn with two edges).

        ``values`` maps each variable name to a real number; missing names
        raise ExpressionError, names the expression does not use are ignored
        (see :meth:`unused`). The result is labelled ``name`` if one was given."""
        values = {_normalise(k): v for k, v in values.items()}
        missing = [v for v in self.variables if v not in values]
        if missing:
            raise ExpressionError(
                f"no value for variable{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)}: give "
                f"{' '.join(m + '=NUMBER' for m in missing)}")
        leaves: dict[str, Value] = {}
        for var in self.variables:
            x = values[var]
            if isinstance(x, Value):
                raise ExpressionError(f"variable {var}: give a number, not a Value")
            try:
                leaves[var] = Value(x, label=var)
            except (TypeError, ValueError) as e:
                raise ExpressionError(f"variable {var}: {e}") from None
        try:
            out = _build(self._tree, leaves)
        except (TypeError, ValueError) as e:  # e.g. celu(x, 0), clamp(x)
            raise ExpressionError(str(e)) from None
        if not isinstance(out, Value):  # a bare number: still a graph of one node
            out = Value(out)
        if self.name is not None and out.label is None:
            out.label = self.name
        return out

    def unused(self, names: Iterable[str]) -> list[str]:
        """The given ``names`` that the expression does not use."""
        return [n for n in names if _normalise(n) not in self.variables]


def parse(source: str, ops: Iterable[Op] = ()) -> ParsedExpression:
    """Check ``source`` against the whitelist; nothing is evaluated.

    ``ops``: your own ops, callable by their syntax names (``cube(x)``) besides
    the table's. Raises ExpressionError (one line, with the column) for
    anything refused."""
    functions = {**FUNCTIONS, **functions_of(ops)} if ops else FUNCTIONS
    if not isinstance(source, str):
        raise TypeError(f"parse: expression must be a str, got {type(source).__name__}")
    if len(source) > MAX_LENGTH:
        raise ExpressionError(f"expression is {len(source)} characters long; "
                              f"the limit is {MAX_LENGTH}")
    for i, ch in enumerate(source):
        if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") and ch != "\t":
            raise ExpressionError(f"control character {ch!r} is not allowed "
                                  "(the expression is one line)", i + 1)
    name, offset, body = None, 0, source
    m = _NAME_PREFIX.match(source)
    if m:
        name = check_variable_name(m.group(1), "result name", functions)
        offset, body = m.end(), source[m.end():]
    if not body.strip():
        raise ExpressionError("empty expression")
    if "^" in body:
        raise ExpressionError("'^' is not a power here (in Python it is XOR): "
                              "write x**2", offset + body.index("^") + 1)
    lead = offset + len(body) - len(body.lstrip())
    text = body.strip()
    try:
        with warnings.catch_warnings():  # "1if x" warns in Python: refuse it instead
            warnings.simplefilter("error", SyntaxWarning)
            tree = ast.parse(text, mode="eval")
    except SyntaxError as e:
        at = e.offset if e.offset and e.lineno == 1 else len(text) + 1  # 0: at the end
        at = min(at, len(text) + 1)
        why = "" if e.msg == "invalid syntax" else f" ({e.msg})"
        if at > len(text):
            why += ": the expression ends too early"
        raise ExpressionError(f"invalid syntax{why}", lead + at) from None
    except (ValueError, RecursionError, MemoryError, SyntaxWarning) as e:
        raise ExpressionError(f"cannot parse: {type(e).__name__}") from None
    n = sum(1 for node in ast.walk(tree) if isinstance(node, ast.expr))
    if n > MAX_NODES:
        raise ExpressionError(f"expression has {n} syntax nodes; the limit is {MAX_NODES}")
    checker = _Checker(text, lead, functions)
    checked = checker.node(tree.body, 1)
    if name is not None and name in checker.variables:
        raise ExpressionError(f"the result name {name!r} is also a variable of the expression")
    return ParsedExpression(source, name, tuple(checker.variables), checked)


def evaluate(source: str, values: Mapping[str, Any], ops: Iterable[Op] = ()) -> Value:
    """``parse(source, ops).evaluate(values)``."""
    return parse(source, ops).evaluate(values)


class _Checker:
    """Turns a Python AST into the checked tree, refusing anything else."""

    def __init__(self, text: str, offset: int, functions: Mapping[str, Function]) -> None:
        self.text = text
        self.offset = offset  # characters before ``text`` in the user's source
        self.functions = functions
        self.variables: dict[str, None] = {}  # ordered set

    def column(self, node: ast.AST) -> int:
        """1-based character column (ast gives UTF-8 byte offsets)."""
        raw = self.text.encode("utf-8")[: getattr(node, "col_offset", 0)]
        return self.offset + len(raw.decode("utf-8", "replace")) + 1

    def refuse(self, node: ast.AST, message: str) -> ExpressionError:
        return ExpressionError(message, self.column(node))

    def snippet(self, node: ast.AST) -> str:
        seg = ast.get_source_segment(self.text, node) or type(node).__name__
        return seg if len(seg) <= 40 else seg[:37] + "..."

    def node(self, node: ast.expr, depth: int) -> _Node:
        if depth > MAX_DEPTH:
            raise self.refuse(node, f"expression is nested more than {MAX_DEPTH} deep")
        if isinstance(node, ast.Constant):
            return _Num(self.number(node))
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.UAdd):
                return self.node(node.operand, depth + 1)
            if isinstance(node.op, ast.USub):
                inner = self.node(node.operand, depth + 1)
                return _Num(-inner.value) if isinstance(inner, _Num) else _Neg(inner)
            what = "'not'" if isinstance(node.op, ast.Not) else "'~'"
            raise self.refuse(node, f"not allowed: {what} {_HINT}")
        if isinstance(node, ast.BinOp):
            return self.binary(node, depth)
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        what = _WHAT.get(type(node), type(node).__name__)
        raise self.refuse(node, f"not allowed: {what} ({self.snippet(node)}) {_HINT}")

    def number(self, node: ast.Constant) -> float:
        v = node.value
        if not isinstance(v, (int, float)) or isinstance(v, bool):
            kind = {str: "strings", bytes: "bytes", bool: "True/False",
                    complex: "complex numbers"}.get(type(v), "constants")
            raise self.refuse(node, f"not allowed: {kind} ({self.snippet(node)}) {_HINT}")
        try:
            x = float(v)
        except OverflowError:
            x = math.inf
        if math.isinf(x):
            raise self.refuse(node, f"number {self.snippet(node)} is too large for a float64")
        return x

    def name(self, node: ast.Name) -> _Var:
        ident = node.id
        if ident in self.functions:
            raise self.refuse(node, f"{ident} is a function: call it, as in {ident}(x)")
        if ident.startswith("_"):
            raise self.refuse(node, f"name {ident!r} is not allowed "
                                    "(variable names do not start with '_')")
        self.variables.setdefault(ident, None)
        return _Var(ident)

    def binary(self, node: ast.BinOp, depth: int) -> _Node:
        sym = _BINARY.get(type(node.op))
        if sym is None:
            bad = _REFUSED_BINARY.get(type(node.op), type(node.op).__name__)
            raise self.refuse(node, f"not allowed: operator {bad!r} {_HINT}")
        left = self.node(node.left, depth + 1)
        right = self.node(node.right, depth + 1)
        if sym == "**" and isinstance(right, _Num) and abs(right.value) > MAX_EXPONENT:
            raise self.refuse(node.right, f"exponent {right.value:g} is too large "
                                          f"(limit ±{MAX_EXPONENT:g})")
        if sym == "**" and _is_constant_power(right):
            raise self.refuse(node.right, f"a power of constants as an exponent "
                                          f"({self.snippet(node)}) is not allowed: "
                                          "write the exponent as one number")
        return _Bin(sym, left, right)

    def call(self, node: ast.Call, depth: int) -> _Call:
        if not isinstance(node.func, ast.Name):
            raise self.refuse(node.func, f"only functions called by name are allowed, "
                                         f"not {self.snippet(node.func)} {_HINT}")
        fname = node.func.id
        fn = self.functions.get(fname)
        if fn is None:
            raise self.refuse(node.func, f"unknown function {fname!r} "
                                         "(see 'python -m autograd ops' for the list)")
        if node.keywords:
            raise self.refuse(node, f"keyword arguments are not allowed in {fname}(...); "
                                    f"pass numbers by position: {fn.signature()}")
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self.refuse(arg, f"starred arguments are not allowed in {fname}(...)")
        n_in = len(node.args) if fn.inputs is None else fn.inputs
        n_params = len(node.args) - n_in
        if n_in < 1 or not fn.required_params <= n_params <= len(fn.params):
            raise self.refuse(node, f"{fname} takes {_count(fn)}, got "
                                    f"{len(node.args)}: {fn.signature()}")
        args = tuple(self.node(a, depth + 1) for a in node.args[:n_in])
        params = []
        for pname, a in zip(fn.params, node.args[n_in:]):
            p = self.node(a, depth + 1)
            if not isinstance(p, _Num):
                raise self.refuse(a, f"{fname}: parameter {pname} must be a number, "
                                     f"not {self.snippet(a)}")
            params.append(p.value)
        return _Call(fn, args, tuple(params))


def _is_constant_power(node: _Node) -> bool:
    """True for 10**10 or -(2**3)**2: a power tower made only of numbers."""
    while isinstance(node, _Neg):
        node = node.operand
    return isinstance(node, _Bin) and node.op == "**" and _constant_only(node)


def _constant_only(node: _Node) -> bool:
    if isinstance(node, _Num):
        return True
    if isinstance(node, _Neg):
        return _constant_only(node.operand)
    if isinstance(node, _Bin):
        return _constant_only(node.left) and _constant_only(node.right)
    return False


def _count(fn: Function) -> str:
    if fn.inputs is None:
        return "one or more inputs"
    ins = f"{fn.inputs} input{'s' if fn.inputs > 1 else ''}"
    if not fn.params:
        return ins
    lo, hi = fn.required_params, len(fn.params)
    ps = f"{lo}" if lo == hi else f"{lo} to {hi}"
    return f"{ins} and {ps} number parameter{'s' if hi > 1 else ''}"


def _build(node: _Node, leaves: Mapping[str, Value]) -> Value | float:
    """The graph for a checked tree (depth ≤ MAX_DEPTH, so recursion is safe)."""
    if isinstance(node, _Num):
        return node.value
    if isinstance(node, _Var):
        return leaves[node.name]
    if isinstance(node, _Neg):
        return -_as_value(_build(node.operand, leaves))
    if isinstance(node, _Bin):
        a, b = _build(node.left, leaves), _build(node.right, leaves)
        if not isinstance(a, Value) and not isinstance(b, Value):
            a = Value(a)  # 2*3: record it too, and never compute a Python 2.0**1e10
        return _APPLY_BINARY[node.op](a, b)
    args = [_as_value(_build(a, leaves)) for a in node.args]
    return node.function.call(*args, *node.params)


def _as_value(x: Value | float) -> Value:
    return x if isinstance(x, Value) else Value(x)


# -- NAME=NUMBER on the command line --------------------------------------------

def _normalise(name: str) -> str:
    # Python's parser applies NFKC to identifiers; do the same to given names.
    return unicodedata.normalize("NFKC", name)


def check_variable_name(name: str, what: str = "variable name",
                         functions: Mapping[str, Function] = FUNCTIONS) -> str:
    norm = _normalise(name)
    if not norm.isidentifier() or keyword.iskeyword(norm):
        raise ExpressionError(f"{what} {name!r} is not a valid name "
                              "(letters, digits and _, not starting with a digit)")
    if norm.startswith("_"):
        raise ExpressionError(f"{what} {name!r} must not start with '_'")
    if norm in functions:
        raise ExpressionError(f"{what} {name!r} is a function name; pick another name")
    return norm


def parse_number(text: str, where: str = "number") -> float:
    """A real number from text: ``2``, ``-0.5``, ``1e-3``, ``1/3``, ``inf``, ``nan``."""
    s = text.strip()
    try:
        x = float(s)
    except ValueError:
        pass
    else:
        if math.isinf(x) and s.lstrip("+-").lower() not in ("inf", "infinity"):
            raise ExpressionError(f"{where}: {text!r} is too large for a float64")
        return x
    try:
        return float(Fraction(s))
    except (ValueError, ZeroDivisionError, OverflowError):
        raise ExpressionError(f"{where}: {text!r} is not a number "
                              "(examples: 2, -0.5, 1e-3, 1/3)") from None


def parse_assignment(text: str) -> tuple[str, float]:
    """``"u=2"`` → ``("u", 2.0)``; refuses bad names and bad numbers."""
    name, eq, value = text.partition("=")
    if not eq:
        raise ExpressionError(f"expected NAME=NUMBER, got {text!r}")
    var = check_variable_name(name.strip())
    return var, parse_number(value, f"value of {var}")
