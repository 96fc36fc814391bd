"""``to_sympy(root)``: the formula of a graph, as a SymPy expression.

A backend of the tape (``autograd.tape``): each node becomes its op's SymPy
form (``Op.forms["sympy"]``, written beside the op's value and derivative in
the op table), applied to the expressions of its inputs. Leaves with a label
become symbols of that name (real), unlabelled leaves become numbers (2.0 is
written 2, so ``x**2`` stays ``x**2``). ``sympy.diff`` of the result,
evaluated at the leaves' values, is the gradient ``backward()`` computes.

SymPy is an optional dependency (``pip install "chainrule[sympy]"``); it is
imported only when ``to_sympy`` is called.
"""

from __future__ import annotations

import math
from typing import Any

from .tape import Tape

__all__ = ["to_sympy", "symbols_of"]


def _sympy() -> Any:
    try:
        import sympy  # type: ignore[import-untyped]
    except ImportError:
        raise ImportError('to_sympy needs SymPy: pip install sympy (or pip install '
                          '"chainrule[sympy]")') from None
    return sympy


def _number(sp: Any, x: float) -> Any:
    if math.isnan(x):
        return sp.nan
    if math.isinf(x):
        return sp.oo if x > 0 else -sp.oo
    return sp.Integer(int(x)) if x == int(x) else sp.Float(x)


def symbols_of(root: Any) -> dict[str, Any]:
    """``{label: Value}`` for the labelled leaves of the graph under ``root``
    (the symbols of ``to_sympy(root)``; substitute their ``.data`` to evaluate)."""
    tape = Tape.of(root, "symbols_of")
    return _leaf_names(tape)


def _leaf_names(tape: Tape) -> dict[str, Any]:
    names: dict[str, Any] = {}
    for node, op in zip(tape.nodes, tape.ops):
        if op is None and node.label:
            other = names.get(node.label)
            if other is not None and other is not node:
                raise ValueError(f"to_sympy: two different leaves are labelled {node.label!r} "
                                 f"({other!r} and {node!r}); a symbol must name one leaf: "
                                 f"give them distinct labels")
            names[node.label] = node
    return names


def to_sympy(root: Any) -> Any:
    """The SymPy expression of the graph under ``root``: labelled leaves as real
    symbols named by their labels, unlabelled leaves as numbers.

    >>> from autograd import Value, to_sympy
    >>> u, v, w = Value(2.0, label="u"), Value(3.0, label="v"), Value(4.0, label="w")
    >>> to_sympy((u + v) * w)
    w*(u + v)

    An op without a SymPy form (a user's op) raises TypeError saying how to
    give it one: ``Op(..., forms={"sympy": lambda sp, x: ...})``."""
    sp = _sympy()
    tape = Tape.of(root, "to_sympy")
    symbols = {label: sp.Symbol(label, real=True) for label in _leaf_names(tape)}
    exprs: list[Any] = []
    for node, op, args in zip(tape.nodes, tape.ops, tape.args):
        if op is None:
            exprs.append(symbols[node.label] if node.label else _number(sp, node.data))
            continue
        form = op.forms.get("sympy")
        if form is None:
            raise TypeError(f"to_sympy: op {op.name!r} has no SymPy form; give it one when "
                            f"you make it: Op({op.name!r}, ..., forms={{'sympy': "
                            f"lambda sp, x: ...}}) (sp is the sympy module)")
        ins = [exprs[j] for j in args]
        exprs.append(form(sp, ins) if op.arity is None else form(sp, *ins, *op.params))
    return exprs[-1]
