"""Hypothesis strategies for gradient-check tests of your own ops and models.

Needs the ``testing`` extra (``pip install chainrule[testing]``, i.e. Hypothesis);
the rest of the package never imports this module.

- :func:`values`: finite floats without subnormals.
- :func:`expressions`: random expression DAGs (shared subexpressions, not only
  trees) together with a point at which every op is inside its domain and away
  from its kinks. An :class:`Expression` builds itself on Values
  (``expr(x=..., y=...)``), carries its point (``expr.inputs``) and prints as
  the Python code that builds it, so a shrunk failure reads like a test case.
- :func:`mlps`: small random multi-layer perceptrons with an input, built from
  ``autograd.dot`` directly (no ``nn``).
- :func:`op_calls`: one op of the table with inputs inside its domain.
- :func:`assert_gradients_match`: ``gradcheck`` (and optionally
  ``gradgradcheck``) as a test assertion.

Domain guards: ``GUARDS`` holds, for every op of ``autograd.OPS`` and keyed by
its name, how many inputs it takes, the parameter sets to try, a predicate on
its input floats (log/sqrt/fractional-power arguments and divisors at least
0.1 from 0, exp arguments below 30) and how it is written in Python. Kinks
need no table: every piecewise op says which piece its inputs fall in
(``Op.which_branch``), and a node is only accepted when the piece is the same
``KINK_MARGIN`` either side of each input; the finished expression is then
checked with ``find_kinks`` at the gradient check's own step.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from . import functions
from .check import find_kinks, gradcheck, gradgradcheck
from .op import Op
from .ops import TABLE as OPS
from .value import Value

__all__ = ["values", "expressions", "Expression", "mlps", "Network", "op_calls",
           "assert_gradients_match", "GUARDS", "Guard", "DOMAIN_MARGIN",
           "KINK_MARGIN", "VALUE_BOUND"]

#: Arguments of log/sqrt/fractional powers and divisors stay this far from 0.
DOMAIN_MARGIN = 0.1
#: Inputs of piecewise ops stay on one piece this far either side.
KINK_MARGIN = 1e-3
#: Every node of a generated expression has |value| at most this.
VALUE_BOUND = 100.0
#: exp arguments stay below this.
EXP_LIMIT = 30.0


# -- the guards: one entry per op of the table ----------------------------------

@dataclass(frozen=True)
class Guard:
    """What the strategies need to know to use an op safely.

    ``arities``: the input counts to draw; ``params``: parameter sets to try
    (``((),)`` for none); ``ok(params, *inputs)``: the inputs are well inside
    the op's domain; ``form``: how the op is written in Python (``"infix"``,
    ``"prefix"``, ``"abs"``, ``"method"``, ``"function"``, ``"list"``, ``"dot"``,
    ``"affine"``); ``token``: the operator for infix/prefix forms.
    """

    arities: tuple[int, ...]
    form: str
    ok: Callable[..., bool] = field(default=lambda p, *xs: True)
    params: tuple[tuple[float, ...], ...] = ((),)
    token: str = ""


def _away(x: float) -> bool:
    return abs(x) >= DOMAIN_MARGIN


def _positive(x: float) -> bool:
    return x >= DOMAIN_MARGIN


def _powc_ok(p: tuple[float, ...], x: float) -> bool:
    c = p[0]
    if c == int(c):
        return c >= 0 or _away(x)
    return _positive(x)


def _unary(ok: Callable[[float], bool] | None = None,
           params: tuple[tuple[float, ...], ...] = ((),)) -> Guard:
    return Guard((1,), "method", (lambda p, x: ok(x)) if ok else (lambda p, x: True), params)


GUARDS: dict[str, Guard] = {
    "add": Guard((2,), "infix", token="+"),
    "sub": Guard((2,), "infix", token="-"),
    "mul": Guard((2,), "infix", token="*"),
    "div": Guard((2,), "infix", lambda p, a, b: _away(b), token="/"),
    "neg": Guard((1,), "prefix", token="-"),
    # ∂/∂a is pinned to 0 where b == 0 exactly (PyTorch's convention), which
    # makes the second derivative there differ from b·a^(b-1)'s: keep b off 0
    "pow": Guard((2,), "infix",
                 lambda p, a, b: _positive(a) and KINK_MARGIN <= abs(b) <= 4.0, token="**"),
    "powc": Guard((1,), "infix", _powc_ok,
                  ((2.0,), (3.0,), (0.5,), (-1.0,), (1.5,), (-0.5,), (0.0,), (-2.0,)),
                  token="**"),
    "abs": Guard((1,), "abs"),
    "exp": _unary(lambda x: x < EXP_LIMIT),
    "log": _unary(_positive),
    "log1p": _unary(lambda x: x >= DOMAIN_MARGIN - 1.0),
    "sqrt": _unary(_positive),
    "sin": _unary(),
    "cos": _unary(),
    "atan": _unary(),
    "erf": _unary(),
    "tanh": _unary(),
    "sigmoid": _unary(),
    "relu": _unary(),
    "softplus": _unary(),
    "leaky_relu": _unary(params=((0.01,), (0.2,))),
    "elu": _unary(params=((1.0,), (0.5,))),
    "selu": _unary(),
    "celu": _unary(params=((1.0,), (2.0,))),
    "gelu": _unary(),
    "silu": _unary(),
    # x/(1+|x|) is smooth, but its second derivative jumps at 0
    "softsign": _unary(lambda x: abs(x) >= KINK_MARGIN),
    "hardtanh": _unary(params=((-1.0, 1.0), (-2.0, 0.5))),
    "relu6": _unary(),
    "hardsigmoid": _unary(),
    "logsigmoid": _unary(),
    "tanhshrink": _unary(),
    "hardshrink": _unary(params=((0.5,), (1.0,))),
    "softshrink": _unary(params=((0.5,), (1.0,))),
    "clamp": _unary(params=((-1.0, 1.0), (0.0, 2.0), (-0.5, 3.0))),
    "maximum": Guard((2,), "function"),
    "minimum": Guard((2,), "function"),
    "prelu": Guard((2,), "function"),
    "sum": Guard((1, 2, 3, 4), "list"),
    "mean": Guard((1, 2, 3, 4), "list"),
    "dot": Guard((2, 4, 6), "dot"),
    "affine": Guard((3, 5, 7), "affine"),
    "logsumexp": Guard((1, 2, 3, 4), "list"),
}

_USER_OP = {1: Guard((1,), "call"), 2: Guard((2,), "call"), None: Guard((1, 2, 3), "call")}


def _guard(op: Op) -> Guard:
    """The guard of a built-in op; a user's op gets no domain restriction."""
    base = OPS.get(op.name)
    if base is not None and op.f is base.f:  # a built-in op, maybe bound
        return GUARDS[op.name]
    return _USER_OP[op.arity]


def _bound(op: Op, params: tuple[float, ...]) -> Op:
    return op.bind(*params) if params else op


def _safe(op: Op, guard: Guard, params: tuple[float, ...], xs: Sequence[float]) -> float | None:
    """The op's value at ``xs`` if the inputs are inside its domain, off its
    kinks and the value is bounded; None otherwise."""
    if not guard.ok(params, *xs):
        return None
    y = op.value(xs)
    if not (math.isfinite(y) and abs(y) <= VALUE_BOUND):
        return None
    if op.branch is not None:
        piece = op.which_branch(xs)
        for k in range(len(xs)):
            for d in (-KINK_MARGIN, KINK_MARGIN):
                moved = list(xs)
                moved[k] += d
                if op.which_branch(moved) != piece:
                    return None
    return y


# -- values ---------------------------------------------------------------------------

def values(min_value: float | None = -10.0, max_value: float | None = 10.0
           ) -> st.SearchStrategy[float]:
    """Finite floats in [min_value, max_value] (None: unbounded), no nan, no
    inf, no subnormals."""
    return st.floats(min_value=min_value, max_value=max_value, allow_nan=False,
                     allow_infinity=False, allow_subnormal=False)


# -- expressions -------------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    """One node: ``op`` (bound) applied to operands, each the index of an
    earlier node (variables first) or a float constant."""

    op: Op
    guard: Guard
    operands: tuple[int | float, ...]


def _literal(x: float) -> str:
    s = repr(x)
    return f"({s})" if x < 0 else s


@dataclass(frozen=True, repr=False)
class Expression:
    """A random expression DAG and a point where it is safe to check.

    ``expr(x=Value(...), y=...)`` or ``expr(v1, v2)`` builds it on Values (numbers
    are wrapped in Values); ``expr.inputs`` is the point ``{name: float}``;
    ``str(expr)`` / ``repr(expr)`` is the Python code that builds it.
    """

    variables: tuple[str, ...]
    point: tuple[float, ...]
    steps: tuple[Step, ...]

    @property
    def inputs(self) -> dict[str, float]:
        """The point at which the expression is inside every op's domain."""
        return dict(zip(self.variables, self.point))

    def __call__(self, *args: Any, **kwargs: Any) -> Value:
        if args and kwargs:
            raise TypeError("Expression: pass the variables by position or by name, not both")
        if kwargs:
            missing = [v for v in self.variables if v not in kwargs]
            extra = [k for k in kwargs if k not in self.variables]
            if missing or extra:
                raise TypeError(f"Expression of {self.variables}: missing {missing}, "
                                f"unexpected {extra}")
            args = tuple(kwargs[v] for v in self.variables)
        if len(args) != len(self.variables):
            raise TypeError(f"Expression takes {len(self.variables)} input(s) "
                            f"{self.variables}, got {len(args)}")
        nodes: list[Any] = [a if isinstance(a, Value) else Value(a, label=name)
                            for a, name in zip(args, self.variables)]
        for step in self.steps:
            ins = [nodes[o] if isinstance(o, int) else o for o in step.operands]
            nodes.append(_apply(step, ins))
        return nodes[-1] if self.steps else nodes[0]

    def evaluate(self, point: Sequence[float] | None = None) -> list[float]:
        """Every node's float value (variables first), from the op table alone."""
        vals = list(self.point if point is None else point)
        for step in self.steps:
            vals.append(step.op.value([vals[o] if isinstance(o, int) else o
                                       for o in step.operands]))
        return vals

    def code(self) -> str:
        """Python that builds the expression (``autograd`` imported)."""
        names = list(self.variables)
        lines = []
        for k, step in enumerate(self.steps):
            ins = [names[o] if isinstance(o, int) else _literal(o) for o in step.operands]
            name = "out" if k == len(self.steps) - 1 else f"t{k + 1}"
            lines.append(f"{name} = {_show(step, ins)}")
            names.append(name)
        return "\n".join(lines) if lines else f"out = {names[0]}"

    def __str__(self) -> str:
        return self.code()

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:  # Hypothesis and IPython
        p.text(repr(self))

    def __repr__(self) -> str:
        point = "".join(f"{n} = Value({x!r}, label={n!r})\n"
                        for n, x in zip(self.variables, self.point))
        return (f"<Expression, runnable after `import autograd; from autograd import "
                f"Value`:\n{point}{self.code()}\n>")


def _apply(step: Step, ins: list[Any]) -> Value:
    """Build one node the way the code prints it: operators, methods, functions."""
    op, form = step.op, step.guard.form
    if form == "infix":
        return _INFIX[step.guard.token](ins[0], op.params[0] if op.params else ins[1])
    if form == "prefix":
        return -ins[0]
    if form == "abs":
        return abs(ins[0])
    if form == "method":
        return getattr(ins[0], op.name)(**dict(zip(op.param_names, op.params)))
    if form == "function":
        return getattr(functions, op.name)(*ins)
    if form == "list":
        return getattr(functions, op.name)(ins)
    if form in ("dot", "affine"):
        n = len(ins) // 2
        return functions.dot(ins[:n], ins[n:2 * n], *ins[2 * n:])
    return op(*ins)


_INFIX: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
    "**": operator.pow}


def _show(step: Step, ins: list[str]) -> str:
    op, g = step.op, step.guard
    if g.form == "infix":
        return f"{ins[0]} {g.token} {_literal(op.params[0]) if op.params else ins[1]}"
    if g.form == "prefix":
        return f"-{ins[0]}"
    if g.form == "abs":
        return f"abs({ins[0]})"
    if g.form == "method":
        args = ", ".join(f"{n}={p!r}" for n, p in zip(op.param_names, op.params))
        return f"{ins[0]}.{op.name}({args})"
    if g.form == "function":
        return f"autograd.{op.name}({', '.join(ins)})"
    if g.form == "list":
        return f"autograd.{op.name}([{', '.join(ins)}])"
    if g.form in ("dot", "affine"):
        n = len(ins) // 2
        bias = f", bias={ins[-1]}" if g.form == "affine" else ""
        return f"autograd.dot([{', '.join(ins[:n])}], [{', '.join(ins[n:2 * n])}]{bias})"
    return f"{op.name}({', '.join(ins)})"


_NAMES = ("x", "y", "z", "w", "u", "v")


def _variables(variables: int | Sequence[str] | Mapping[str, Any]
               ) -> tuple[tuple[str, ...], list[st.SearchStrategy[float]]]:
    default = values(-3.0, 3.0)
    if isinstance(variables, bool) or not isinstance(variables, (int, Sequence, Mapping)):
        raise TypeError(f"expressions: variables must be a count, a sequence of names or "
                        f"a mapping name -> value/strategy, got {type(variables).__name__}")
    if isinstance(variables, int):
        if variables < 1:
            raise ValueError(f"expressions: variables must be at least 1, got {variables}")
        counted = tuple(_NAMES[i] if i < len(_NAMES) else f"x{i}" for i in range(variables))
        return counted, [default] * len(counted)
    if isinstance(variables, str):
        raise TypeError("expressions: variables must be a sequence of names, not a str "
                        f"({variables!r}); write ({variables!r},)")
    if isinstance(variables, Mapping):
        names: list[str] = []
        strats: list[st.SearchStrategy[float]] = []
        for name, spec in variables.items():
            names.append(name)
            if isinstance(spec, st.SearchStrategy):
                strats.append(spec)
            else:
                x = float(spec)
                if not math.isfinite(x):
                    raise ValueError(f"expressions: variable {name!r} = {x!r} is not finite")
                strats.append(st.just(x))
    else:
        names, strats = list(variables), [default] * len(variables)
    if not names:
        raise ValueError("expressions: give at least one variable")
    for name in names:
        if not (isinstance(name, str) and name.isidentifier()):
            raise ValueError(f"expressions: variable names must be identifiers, got {name!r}")
    if len(set(names)) != len(names):
        raise ValueError(f"expressions: duplicate variable names in {names}")
    return tuple(names), strats


def _ops(ops: Sequence[str | Op] | None) -> list[Op]:
    if ops is None:
        return list(OPS.values())
    if isinstance(ops, (str, Op)):
        ops = [ops]
    out = []
    for o in ops:
        if isinstance(o, Op):
            out.append(o)
        elif isinstance(o, str) and o in OPS:
            out.append(OPS[o])
        else:
            raise ValueError(f"expressions: unknown op {o!r}; use names from "
                             f"autograd.OPS ({', '.join(OPS)}) or Op objects")
    if not out:
        raise ValueError("expressions: ops is empty")
    return out


def expressions(variables: int | Sequence[str] | Mapping[str, Any] = ("x", "y"),
                ops: Sequence[str | Op] | None = None, max_depth: int = 4,
                shared: bool = True, max_ops: int = 8, constants: bool = True,
                eps: float = 1e-6) -> st.SearchStrategy[Expression]:
    """Random expression DAGs over ``variables``, with a safe point.

    ``variables``: a count, names, or ``{name: value or strategy}`` (default
    values in [-3, 3]). ``ops``: op names of ``autograd.OPS`` or your own
    ``Op`` objects (default: every op). ``max_depth``: longest chain of ops.
    ``shared=True`` lets a node feed several later nodes (a DAG); ``False``
    gives trees (variables may still repeat). Every node's inputs are inside
    its op's domain and at least ``KINK_MARGIN`` off its kinks, every value is
    within ±``VALUE_BOUND``, and no node changes piece at the step ``eps`` of a
    gradient check. Nodes nothing else uses are summed into the output.
    """
    names, strats = _variables(variables)
    op_list = _ops(ops)
    if not isinstance(max_depth, int) or max_depth < 1:
        raise ValueError(f"expressions: max_depth must be an int >= 1, got {max_depth!r}")
    if not isinstance(max_ops, int) or max_ops < 1:
        raise ValueError(f"expressions: max_ops must be an int >= 1, got {max_ops!r}")

    @st.composite
    def build(draw: st.DrawFn) -> Expression:
        point = tuple(draw(s) for s in strats)
        vals = list(point)
        depth = [0] * len(point)
        used = [False] * len(point)
        steps: list[Step] = []
        for _ in range(draw(st.integers(1, max_ops))):
            op = draw(st.sampled_from(op_list))
            guard = _guard(op)
            params = draw(st.sampled_from(guard.params))
            bound = _bound(op, params)
            arity = draw(st.sampled_from(guard.arities))
            open_nodes = [k for k in range(len(vals)) if depth[k] < max_depth
                          and (shared or k < len(point) or not used[k])]
            operands: list[int | float] = []
            for slot in range(arity):
                if (constants and slot > 0 and op.name != "pow"
                        and draw(st.integers(0, 5)) == 0):
                    operands.append(draw(st.sampled_from((2.0, -1.5, 0.5, 3.0))))
                else:
                    recent = draw(st.booleans())  # prefer recent nodes: deeper graphs
                    k = draw(st.sampled_from(open_nodes[-2:] if recent else open_nodes))
                    operands.append(k)
                    if not shared and k >= len(point):  # a tree: each node feeds one
                        open_nodes.remove(k)
            xs = [vals[o] if isinstance(o, int) else o for o in operands]
            y = _safe(bound, guard, params, xs)
            if y is None:  # outside the domain, on a kink or too large: tanh is always safe
                bound, guard = OPS["tanh"], GUARDS["tanh"]
                first = next(o for o in operands if isinstance(o, int))
                operands = [first]
                y = bound.value([vals[first]])
            for o in operands:
                if isinstance(o, int):
                    used[o] = True
            steps.append(Step(bound, guard, tuple(operands)))
            vals.append(y)
            depth.append(1 + max(depth[o] for o in operands if isinstance(o, int)))
            used.append(False)
        sinks = [k for k in range(len(point), len(vals)) if not used[k]]
        while len(sinks) > 1:  # every op matters: sum what nothing else uses
            a, b = sinks[0], sinks[1]
            y = vals[a] + vals[b]
            steps.append(Step(OPS["add"], GUARDS["add"], (a, b)))
            vals.append(y)
            sinks = sinks[2:] + [len(vals) - 1]
        expr = Expression(names, point, tuple(steps))
        assume(not find_kinks(expr, expr.inputs, eps=eps))
        return expr

    return build()


# -- single ops -------------------------------------------------------------------------

def op_calls(op: str | Op, min_value: float = -3.0, max_value: float = 3.0
             ) -> st.SearchStrategy[tuple[Op, tuple[float, ...]]]:
    """(bound op, inputs) with the inputs inside the op's domain and off its kinks."""
    (base,) = _ops([op])
    guard = _guard(base)

    @st.composite
    def build(draw: st.DrawFn) -> tuple[Op, tuple[float, ...]]:
        params = draw(st.sampled_from(guard.params))
        bound = _bound(base, params)
        n = draw(st.sampled_from(guard.arities))
        for _ in range(8):  # a few tries before giving up on this example
            xs = tuple(draw(values(min_value, max_value)) for _ in range(n))
            if _safe(bound, guard, params, xs) is not None:
                return bound, xs
        assume(False)
        raise AssertionError("unreachable")

    return build()


# -- networks --------------------------------------------------------------------------

@dataclass(frozen=True)
class Network:
    """A small MLP: act(W·x + b) per hidden layer, a linear output neuron.

    ``weights[l][j]`` are neuron j's incoming weights in layer l, ``biases[l][j]``
    its bias. ``net.inputs`` is ``{label: float}`` for every weight, bias and
    input (labels ``w0.1.2``, ``b0.1``, ``x0``...), so
    ``gradcheck(net, net.inputs)`` checks them all; ``net(**values)`` builds it.
    """

    weights: tuple[tuple[tuple[float, ...], ...], ...]
    biases: tuple[tuple[float, ...], ...]
    x: tuple[float, ...]
    activation: str

    @property
    def inputs(self) -> dict[str, float]:
        d: dict[str, float] = {}
        for li, (layer, bs) in enumerate(zip(self.weights, self.biases)):
            for j, (ws, b) in enumerate(zip(layer, bs)):
                for k, w in enumerate(ws):
                    d[f"w{li}.{j}.{k}"] = w
                d[f"b{li}.{j}"] = b
        for k, xk in enumerate(self.x):
            d[f"x{k}"] = xk
        return d

    def __call__(self, *args: Any, **kwargs: Any) -> Value:
        labels = list(self.inputs)
        if args:
            kwargs = dict(zip(labels, args, strict=True))
        vs = {k: (v if isinstance(v, Value) else Value(v, label=k)) for k, v in kwargs.items()}
        h: list[Value] = [vs[f"x{k}"] for k in range(len(self.x))]
        last = len(self.weights) - 1
        for li, layer in enumerate(self.weights):
            out = []
            for j in range(len(layer)):
                ws = [vs[f"w{li}.{j}.{k}"] for k in range(len(layer[j]))]
                z = functions.dot(ws, h, vs[f"b{li}.{j}"])
                out.append(z if li == last else getattr(z, self.activation)())
            h = out
        return h[0]

    def preactivations(self) -> list[list[float]]:
        """Each hidden neuron's w·x + b at the network's own point."""
        h = list(self.x)
        pre = []
        for layer, bs in zip(self.weights[:-1], self.biases[:-1]):
            zs = [sum(w * v for w, v in zip(ws, h)) + b for ws, b in zip(layer, bs)]
            pre.append(zs)
            h = [OPS[self.activation].value([z]) for z in zs]
        return pre


_NIN, _HIDDEN, _LAYERS = st.integers(1, 3), st.integers(1, 4), st.integers(1, 2)


def mlps(nin: st.SearchStrategy[int] | int = _NIN,
         hidden: st.SearchStrategy[int] | int = _HIDDEN,
         layers: st.SearchStrategy[int] | int = _LAYERS,
         activation: str | Sequence[str] = ("tanh", "relu", "sigmoid"),
         weight: st.SearchStrategy[float] | None = None,
         x: st.SearchStrategy[float] | None = None, eps: float = 1e-6
         ) -> st.SearchStrategy[Network]:
    """Small MLPs (``layers`` hidden layers of ``hidden`` neurons, one linear
    output) with an input point; no hidden pre-activation sits near a kink."""
    acts = (activation,) if isinstance(activation, str) else tuple(activation)
    for a in acts:
        if a not in OPS or OPS[a].arity != 1 or OPS[a].param_names:
            raise ValueError(f"mlps: activation must name a unary op without parameters "
                             f"in autograd.OPS, got {a!r}")
    w_st = weight if weight is not None else values(-1.0, 1.0)
    x_st = x if x is not None else values(-2.0, 2.0)

    def _int(s: st.SearchStrategy[int] | int) -> st.SearchStrategy[int]:
        return st.just(s) if isinstance(s, int) else s

    @st.composite
    def build(draw: st.DrawFn) -> Network:
        n_in = draw(_int(nin))
        sizes = [n_in] + [draw(_int(hidden)) for _ in range(draw(_int(layers)))] + [1]
        weights = tuple(tuple(tuple(draw(w_st) for _ in range(sizes[li]))
                              for _ in range(sizes[li + 1]))
                        for li in range(len(sizes) - 1))
        biases = tuple(tuple(draw(w_st) for _ in range(sizes[li + 1]))
                       for li in range(len(sizes) - 1))
        net = Network(weights, biases, tuple(draw(x_st) for _ in range(n_in)),
                      draw(st.sampled_from(acts)))
        op = OPS[net.activation]
        for zs in net.preactivations():
            for z in zs:
                assume(_safe(op, GUARDS[net.activation], (), [z]) is not None)
        assume(not find_kinks(net, net.inputs, eps=eps))
        return net

    return build()


# -- the assertion ---------------------------------------------------------------------------

def assert_gradients_match(fn: Callable[..., Any], inputs: Any, *, eps: float = 1e-6,
                           atol: float = 1e-6, rtol: float = 1e-5,
                           second_order: bool = False) -> None:
    """Assert that ``fn``'s gradients at ``inputs`` match central differences
    (and its second derivatives too with ``second_order=True``); raises
    ``GradcheckError`` (an ``AssertionError``) with a table of mismatches."""
    __tracebackhide__ = True  # pytest: point at the test, not at this helper
    gradcheck(fn, inputs, eps=eps, atol=atol, rtol=rtol)
    if second_order:
        gradgradcheck(fn, inputs, eps=eps, atol=atol, rtol=rtol)
