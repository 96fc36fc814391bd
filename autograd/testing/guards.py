"""Where an op may be used in a property test: read from the op's declarations.

Every :class:`~autograd.op.Op` says where it is defined and smooth
(``domain``), which piece of a piecewise op its inputs fall in (``branch``),
which parameter sets to exercise (``examples``) and how many inputs a
variadic op takes (``inputs_ok``). The strategies draw from that alone, for
the built-in ops and for yours alike; there is no separate table.

A node is *safe* when its op has a finite value of at most ``VALUE_BOUND``
in size there, its inputs are inside the declared domain and stay inside it
``MARGIN``·max(1, |x|) either side (also when an input, or all the inputs
near 0 at once, move to 0: hypot(x, x) is undefined only at (0, 0)), and no
input is that close to a change of piece. A user's op that declares no
domain must at least have a finite value that far either side. A gradient check steps 1e-6·max(1,
|x|), a thousand times less, so it never crosses a kink the strategies saw.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ..backprop import topological_order
from ..op import Op
from ..ops import TABLE
from ..value import Value

__all__ = ["MARGIN", "KINK_MARGIN", "DOMAIN_MARGIN", "VALUE_BOUND", "MAX_OPERANDS",
           "is_builtin", "versions", "input_counts", "safe_value", "unsafe_node"]

#: Inputs stay this far (times max(1, |x|)) from kinks and domain edges.
MARGIN = 1e-3
KINK_MARGIN = MARGIN
DOMAIN_MARGIN = MARGIN
#: Every node of a generated expression or network has |value| at most this.
VALUE_BOUND = 1e4
#: A variadic op gets 1 to this many operands.
MAX_OPERANDS = 8


def is_builtin(op: Op) -> bool:
    """True for an op of ``autograd.OPS`` (bound or not), False for a user's op."""
    base = TABLE.get(op.name)
    return base is not None and base.f is op.f


def versions(op: Op, where: str) -> tuple[Op, ...]:
    """The bound ops to draw for ``op``: itself when bound (or without
    parameters), else one per parameter set of ``op.examples``."""
    if not isinstance(op, Op):
        raise TypeError(f"{where}: expected an autograd.Op, got {type(op).__name__}")
    if not op.unbound:
        return (op,)
    if not op.examples:
        names = ", ".join(op.param_names)
        ones = ", ".join("1.0" for _ in op.param_names)
        raise ValueError(f"{where}: op {op.name!r} has parameter(s) ({names}) and no "
                         f"examples to draw them from: pass it bound "
                         f"({op.name}.bind({ones})) or declare examples=(({ones},), ...) "
                         f"on the Op")
    return tuple(op.bind(*ps) for ps in op.examples)


def input_counts(op: Op) -> tuple[int, ...]:
    """How many inputs to give ``op``: its arity, or 1 to ``MAX_OPERANDS`` for a
    variadic op (those its ``inputs_ok`` accepts)."""
    if op.arity is not None:
        return (op.arity,)
    counts = tuple(n for n in range(1, MAX_OPERANDS + 1)
                   if op.inputs_ok is None or op.inputs_ok(n))
    if not counts:
        raise ValueError(f"op {op.name!r} accepts no input count from 1 to {MAX_OPERANDS}")
    return counts


def _margin(x: float) -> float:
    return MARGIN * max(1.0, abs(x))


def _inside(op: Op, xs: Sequence[float]) -> bool:
    """The declared domain holds at xs and MARGIN around it (see the module)."""
    if op.domain is None:
        return True
    if not op.in_domain(xs):
        return False
    near_zero = []
    for k, x in enumerate(xs):
        m = _margin(x)
        for moved in (x - m, x + m) + ((0.0,) if abs(x) <= m else ()):
            ys = list(xs)
            ys[k] = moved
            if not op.in_domain(ys):
                return False
        if abs(x) <= m:
            near_zero.append(k)
    if len(near_zero) > 1:
        ys = list(xs)
        for k in near_zero:
            ys[k] = 0.0
        if not op.in_domain(ys):
            return False
    return True


def _one_piece(op: Op, xs: Sequence[float]) -> bool:
    """No input is within MARGIN of a change of piece."""
    if op.branch is None:
        return True
    piece = op.which_branch(xs)
    for k, x in enumerate(xs):
        m = _margin(x)
        for moved in (x - m, x + m):
            ys = list(xs)
            ys[k] = moved
            if op.which_branch(ys) != piece:
                return False
    return True


def safe_value(op: Op, xs: Sequence[float]) -> float | None:
    """``op``'s value at ``xs`` if the node is safe there (module docstring), else
    None. An op whose ``f`` raises ArithmeticError or ValueError there (a
    ``math.log`` of a negative number) is not safe there either."""
    try:
        y = float(op.value(xs))
    except (ArithmeticError, ValueError):
        return None
    if not (math.isfinite(y) and abs(y) <= VALUE_BOUND):
        return None
    if not (_inside(op, xs) and _one_piece(op, xs)):
        return None
    if op.domain is None and not is_builtin(op) and not _defined_around(op, xs):
        return None
    return y


def _defined_around(op: Op, xs: Sequence[float]) -> bool:
    """For a user's op that declares no domain: f is finite MARGIN either side
    of each input (so a ``math.log`` is not drawn at 1e-4)."""
    for k, x in enumerate(xs):
        m = _margin(x)
        for moved in (x - m, x + m):
            ys = list(xs)
            ys[k] = moved
            try:
                if not math.isfinite(float(op.value(ys))):
                    return False
            except (ArithmeticError, ValueError):
                return False
    return True


def unsafe_node(root: Any) -> str | None:
    """The first node of ``root``'s graph that is not safe, described; None if
    every node is (for graphs the strategies did not build: networks, models)."""
    if not isinstance(root, Value):
        raise TypeError(f"expected a Value, got {type(root).__name__}")
    k = -1
    for node in topological_order(root):
        op = node.fn
        if op is None:
            if not (math.isfinite(node.data) and abs(node.data) <= VALUE_BOUND):
                return f"a leaf is {node.data!r}"
            continue
        k += 1
        xs = [c.data for c in node.children]
        if safe_value(op, xs) is None:
            return f"op {op.name!r} (op node {k}) at inputs {xs}"
    return None
