"""Random expression DAGs over the op table and your own ops, printed as code.

:func:`expressions` draws an :class:`Expression`: a few variables with a
point, and a list of steps, each an op applied to earlier nodes (a node may
feed several later ones: a DAG, not only a tree) or to a constant. Every
step is safe where it is drawn (:mod:`autograd.testing.guards`: inside the
op's domain, off its kinks, bounded); nodes nothing uses are summed into the
output, so every step matters. With ``ops=`` naming ops of your own, every
expression contains each of them (``must_use``).

An expression prints as the Python code that builds it, imports included
(``from my_ops import softclip``), with each op written as its syntax says
(``x.elu(alpha=0.5)``, ``autograd.maximum(a, b)``, ``swish.bind(1.5)(x)``),
so a shrunk counterexample runs as printed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from ..floats import real
from ..op import Op
from ..ops import TABLE
from ..syntax import literal
from ..value import Value
from . import guards
from .code import import_line, merged
from .values import bounded, drawn_number, magnitudes

__all__ = ["Step", "Expression", "expressions", "op_calls"]

#: Constants an op may take as a later operand.
CONSTANTS = (2.0, -1.5, 0.5, 3.0)
_NAMES = ("x", "y", "z", "w", "u", "v")


@dataclass(frozen=True)
class Step:
    """One node: ``op`` (bound) applied to ``operands``, each the index of an
    earlier node (variables first) or a float constant."""

    op: Op
    operands: tuple[int | float, ...]

    def inputs(self, nodes: Sequence[Any]) -> list[Any]:
        return [nodes[o] if isinstance(o, int) else o for o in self.operands]


@dataclass(frozen=True, repr=False)
class Expression:
    """A random expression DAG and a point where it is safe to check.

    ``expr(x=..., y=...)`` or ``expr(v1, v2)`` builds it on Values (numbers are
    wrapped in Values). Variables the output does not depend on may be left
    out: ``expr.inputs`` is the point ``{name: float}`` of the variables it
    uses (``expr.used``), and ``expr(**expr.inputs)`` or
    ``expr(*expr.inputs.values())`` builds it. ``expr.code()`` /
    ``repr(expr)`` is the Python code that builds it.
    """

    variables: tuple[str, ...]
    point: tuple[float, ...]
    steps: tuple[Step, ...]

    def _reachable(self) -> list[bool]:
        """Which nodes (variables, then steps) the output depends on."""
        n_vars = len(self.variables)
        live = [False] * (n_vars + len(self.steps))
        live[-1 if self.steps else 0] = True  # no ops: the output is the first variable
        for k in range(len(self.steps) - 1, -1, -1):
            if live[n_vars + k]:
                for o in self.steps[k].operands:
                    if isinstance(o, int):
                        live[o] = True
        return live

    @property
    def used(self) -> tuple[str, ...]:
        """The variables the output depends on."""
        live = self._reachable()
        return tuple(v for v, keep in zip(self.variables, live) if keep)

    @property
    def inputs(self) -> dict[str, float]:
        """The point, for the variables the expression uses."""
        used = set(self.used)
        return {v: x for v, x in zip(self.variables, self.point) if v in used}

    def __call__(self, *args: Any, **kwargs: Any) -> Value:
        if args and kwargs:
            raise TypeError("Expression: pass the variables by position or by name, not both")
        if kwargs:
            needed = self.used
            missing = [v for v in needed if v not in kwargs]
            extra = [k for k in kwargs if k not in self.variables]
            if missing or extra:
                raise TypeError(f"Expression of {self.variables}: missing {missing}, "
                                f"unexpected {extra}")
            args = tuple(kwargs.get(v, x) for v, x in zip(self.variables, self.point))
        elif len(args) != len(self.variables):
            used = self.used
            if len(args) != len(used):
                raise TypeError(f"Expression takes {len(self.variables)} input(s) "
                                f"{self.variables} or the {len(used)} it uses {used}, "
                                f"got {len(args)}")
            given = dict(zip(used, args))
            args = tuple(given.get(v, x) for v, x in zip(self.variables, self.point))
        nodes: list[Any] = [a if isinstance(a, Value) else Value(a, label=name)
                            for a, name in zip(args, self.variables)]
        live = self._reachable()
        n_vars = len(self.variables)
        for k, step in enumerate(self.steps):
            nodes.append(step.op(*step.inputs(nodes)) if live[n_vars + k] else None)
        return nodes[-1] if self.steps else nodes[0]

    def evaluate(self, point: Sequence[float] | None = None) -> list[float]:
        """Every node's float value (variables first), from the ops alone."""
        vals = list(self.point if point is None else point)
        for step in self.steps:
            vals.append(step.op.value(step.inputs(vals)))
        return vals

    def code(self) -> str:
        """Python that builds the expression: imports, the variables, one line per op."""
        n_vars = len(self.variables)
        live = self._reachable()
        names = list(self.variables)
        lines = []
        imports = {"from autograd import Value"}
        last = max((k for k in range(len(self.steps)) if live[n_vars + k]), default=-1)
        count = 0
        for k, step in enumerate(self.steps):
            if not live[n_vars + k]:
                names.append("")
                continue
            count += 1
            name = "out" if k == last else f"t{count}"
            ins = [names[o] if isinstance(o, int) else literal(o) for o in step.operands]
            op = step.op
            lines.append(f"{name} = {op.syntax.python(ins, op.params, op.param_names)}")
            names.append(name)
            if op.syntax.kind in ("function", "list", "pairs"):
                imports.add("import autograd")
            if not guards.is_builtin(op):
                imports.add(import_line(op, op.syntax.token))
        if not lines:
            lines.append(f"out = {self.variables[0]}")
        used = set(self.used)
        header = merged(list(imports))
        point = [f"{v} = Value({x!r}, label={v!r})" for v, x in zip(self.variables, self.point)
                 if v in used]
        return "\n".join(header + point + lines)

    def __str__(self) -> str:
        return self.code()

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:  # Hypothesis and IPython
        p.text(repr(self))

    def __repr__(self) -> str:
        return f"<Expression, runnable as printed:\n{self.code()}\n>"


# -- argument checks ---------------------------------------------------------------------

def _variables(variables: Any) -> tuple[tuple[str, ...], list[st.SearchStrategy[float]]]:
    default = magnitudes()
    if isinstance(variables, bool) or not isinstance(variables, (int, Sequence, Mapping)):
        raise TypeError(f"expressions: variables must be a count, a sequence of names or "
                        f"a mapping name -> value/strategy, got {type(variables).__name__}")
    if isinstance(variables, int):
        if not 1 <= variables <= 26:
            raise ValueError(f"expressions: variables must be from 1 to 26, got {variables}")
        counted = tuple(_NAMES[i] if i < len(_NAMES) else f"x{i}" for i in range(variables))
        return counted, [default] * len(counted)
    if isinstance(variables, (str, bytes)):
        raise TypeError("expressions: variables must be a sequence of names, not a str "
                        f"({variables!r}); write ({variables!r},)")
    names: list[Any]
    strats: list[st.SearchStrategy[float]] = []
    if isinstance(variables, Mapping):
        names = list(variables)
        for name, spec in variables.items():
            if isinstance(spec, st.SearchStrategy):
                strats.append(spec)
                continue
            if isinstance(spec, bool) or not isinstance(spec, (int, float)):
                raise TypeError(f"expressions: variable {name!r} must be a number or a "
                                f"strategy, got {type(spec).__name__}")
            x = real(spec, f"expressions: variable {name!r}")
            if not math.isfinite(x):
                raise ValueError(f"expressions: variable {name!r} = {x!r} is not finite")
            strats.append(st.just(x))
    else:
        names = list(variables)
        strats = [default] * len(names)
    if not names:
        raise ValueError("expressions: give at least one variable")
    for name in names:
        if not (isinstance(name, str) and name.isidentifier()):
            raise ValueError(f"expressions: variable names must be identifiers, got {name!r}")
    if len(set(names)) != len(names):
        raise ValueError(f"expressions: duplicate variable names in {names}")
    return tuple(names), strats


def _ops(ops: Any, where: str) -> list[Op]:
    if ops is None:
        return list(TABLE.values())
    if isinstance(ops, (str, Op)):
        ops = [ops]
    if not isinstance(ops, Sequence) and not hasattr(ops, "__iter__"):
        raise TypeError(f"{where}: ops must be a sequence of op names or Ops, got "
                        f"{type(ops).__name__}")
    out: list[Op] = []
    for o in ops:
        if isinstance(o, Op):
            out.append(o)
        elif isinstance(o, str) and o in TABLE:
            out.append(TABLE[o])
        elif isinstance(o, str):
            raise ValueError(f"{where}: unknown op {o!r}; use names from "
                             f"autograd.OPS ({', '.join(TABLE)}) or Op objects")
        else:
            raise TypeError(f"{where}: each op must be a name (str) or an autograd.Op, "
                            f"got {type(o).__name__}: {o!r}")
    if not out:
        raise ValueError(f"{where}: ops is empty")
    return out


def _count(value: Any, name: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expressions: {name} must be an int, got {type(value).__name__}")
    if not lo <= value <= hi:
        raise ValueError(f"expressions: {name} must be from {lo} to {hi}, got {value}")
    return value


_AUTO: Any = object()


def _takes_constants(op: Op) -> bool:
    # x ** 2.0 would print as (and build) the power by a constant, not pow
    return not (op.syntax.kind == "infix" and not op.params and op.syntax.token == "**")


# -- the strategy --------------------------------------------------------------------------

def expressions(variables: int | Sequence[str] | Mapping[str, Any] = ("x", "y"),
                ops: Sequence[str | Op] | None = None, max_depth: int = 4,
                shared: bool = True, max_ops: int = 8, constants: bool = True,
                must_use: Sequence[str | Op] | None = _AUTO) -> st.SearchStrategy[Expression]:
    """Random expression DAGs over ``variables``, with a safe point.

    ``variables``: a count, names, or ``{name: value or strategy}`` (default
    values: :func:`~autograd.testing.magnitudes`, 0 and ±1e-3 to ±1e3).
    ``ops``: op names of ``autograd.OPS`` or ``Op`` objects, yours included
    (default: every op of the table); an op with parameters is drawn with
    each parameter set of its ``examples`` unless it is bound. ``max_depth``:
    longest chain of ops. ``shared=True`` lets a node feed several later
    nodes (a DAG); ``False`` gives trees. ``max_ops``: ops drawn (1 to 64);
    ``constants``: some operands after the first may be constants.
    ``must_use``: ops every expression contains (default: the ops of
    ``ops`` that are not in the table, i.e. yours; ``()`` for none).
    """
    names, strats = _variables(variables)
    op_list = _ops(ops, "expressions")
    max_depth = _count(max_depth, "max_depth", 1, 64)
    max_ops = _count(max_ops, "max_ops", 1, 64)
    for flag, value in (("shared", shared), ("constants", constants)):
        if not isinstance(value, bool):
            raise TypeError(f"expressions: {flag} must be True or False, got {value!r}")
    if must_use is _AUTO:  # the ops under test: the user's own
        required = [o for o in op_list if not guards.is_builtin(o)]
    elif must_use is None or (isinstance(must_use, Sequence) and len(must_use) == 0):
        required = []
    else:
        required = _ops(must_use, "expressions (must_use)")
    if len(required) > max_ops:
        raise ValueError(f"expressions: must_use names {len(required)} ops but max_ops "
                         f"is {max_ops}")
    # strategies made once: building one per draw costs more than the draw
    choice = {id(o): (_choose(guards.versions(o, "expressions")),
                      _choose(guards.input_counts(o))) for o in [*op_list, *required]}
    pick_op = st.sampled_from(op_list)
    tanh = TABLE["tanh"]

    @st.composite
    def build(draw: st.DrawFn) -> Expression:
        point = tuple(drawn_number(draw(s), f"expressions: the strategy of variable {n!r}")
                      for n, s in zip(names, strats))
        n_vars = len(point)
        vals = list(point)
        depth = [0] * n_vars
        used = [False] * n_vars
        steps: list[Step] = []
        todo = list(required)
        n_steps = draw(st.integers(max(1, len(todo)), max_ops))
        for k in range(n_steps):
            forced = bool(todo) and (len(todo) >= n_steps - k or draw(st.booleans()))
            base = todo.pop(0) if forced else draw(pick_op)
            versions, counts = choice[id(base)]
            op = versions if isinstance(versions, Op) else draw(versions)
            n_in = counts if isinstance(counts, int) else draw(counts)
            y = None
            for _ in range(6 if forced else 1):  # the op under test gets a few tries
                operands = _operands(draw, op, n_in, vals, depth, used, n_vars,
                                     max_depth, shared, constants)
                y = guards.safe_value(op, Step(op, operands).inputs(vals))
                if y is not None:
                    break
            if y is None:
                if forced:
                    assume(False)  # no safe place for the op under test here
                first = next(o for o in operands if isinstance(o, int))
                op, operands = tanh, (first,)  # outside its domain: tanh is always safe
                y = tanh.value([vals[first]])
            for o in operands:
                if isinstance(o, int):
                    used[o] = True
            steps.append(Step(op, operands))
            vals.append(y)
            depth.append(1 + max(depth[o] for o in operands if isinstance(o, int)))
            used.append(False)
        sinks = [k for k in range(n_vars, len(vals)) if not used[k]]
        while len(sinks) > 1:  # every op matters: sum what nothing else uses
            a, b = sinks[0], sinks[1]
            steps.append(Step(TABLE["add"], (a, b)))
            vals.append(vals[a] + vals[b])
            sinks = sinks[2:] + [len(vals) - 1]
        return Expression(names, point, tuple(steps))

    return build()


def _choose(options: Sequence[Any]) -> Any:
    """A strategy for one of ``options``, or the only option itself (no draw)."""
    return options[0] if len(options) == 1 else st.sampled_from(tuple(options))


_CONSTANT = st.sampled_from(CONSTANTS)


def _operands(draw: st.DrawFn, op: Op, n_in: int, vals: list[float], depth: list[int],
              used: list[bool], n_vars: int, max_depth: int, shared: bool,
              constants: bool) -> tuple[int | float, ...]:
    open_nodes = [k for k in range(len(vals)) if depth[k] < max_depth
                  and (shared or k < n_vars or not used[k])]
    operands: list[int | float] = []
    for slot in range(n_in):
        # one draw per operand, shrinking to the first variable: 0 the first open
        # node, 1-2 the two most recent (deeper graphs), 3 a constant (not for
        # the first operand), 4... the others in order
        n = len(open_nodes)
        c = draw(st.integers(0, 2 + n))
        if c == 3:
            if constants and slot > 0 and _takes_constants(op):
                operands.append(draw(_CONSTANT))
                continue
            c = 1
        k = open_nodes[0 if c == 0 else -min(c, n) if c < 3 else min(c - 3, n - 1)]
        operands.append(k)
        if not shared and k >= n_vars and len(open_nodes) > 1:  # a tree: each node feeds one
            open_nodes.remove(k)
    return tuple(operands)


# -- single ops -------------------------------------------------------------------------

def op_calls(op: str | Op, min_value: float | None = None, max_value: float | None = None
             ) -> st.SearchStrategy[tuple[Op, tuple[float, ...]]]:
    """(bound op, inputs): the inputs safe for the op (inside its domain, off its
    kinks). Inputs are drawn from :func:`~autograd.testing.magnitudes`, or
    uniformly from [min_value, max_value] when both are given."""
    (base,) = _ops([op], "op_calls")
    choices = guards.versions(base, "op_calls")
    n_inputs = guards.input_counts(base)
    if (min_value is None) != (max_value is None):
        raise ValueError("op_calls: give both min_value and max_value, or neither")
    numbers = magnitudes() if min_value is None else bounded(min_value, max_value, "op_calls")

    @st.composite
    def build(draw: st.DrawFn) -> tuple[Op, tuple[float, ...]]:
        bound = draw(st.sampled_from(choices))
        n = draw(st.sampled_from(n_inputs))
        for _ in range(8):  # a few tries before giving up on this example
            xs = tuple(draw(numbers) for _ in range(n))
            if guards.safe_value(bound, xs) is not None:
                return bound, xs
        assume(False)
        raise AssertionError("unreachable")

    return build()
