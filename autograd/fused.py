"""``fuse(first, then)``: one op that computes ``then(first(inputs))``.

A neuron is an affine step and an activation: ``fuse(AFFINE, RELU)`` makes it
one node instead of two, which halves the nodes a network records (the
``neurons`` function and ``nn`` use it). Nothing of the math changes:

- value: ``z = first(inputs)``, then ``y = then(z)``, the same floats as two nodes;
- backward (``vjp``): ``g_z = then'(z) × g``, then each input gets
  ``first'_i × g_z`` — the products and their order of the two-node graph, so
  the gradients are the same bit for bit. When ``g_z`` is exactly 0 (a ReLU
  that is off) and ``first`` is ``zero_safe``, no input gets anything, as the
  unfused walk would skip the affine node;
- ``df`` (for ``grad(create_graph=True)``'s local derivatives and for checks):
  ``then'(z) × first'_i``;
- ``parts = (first, then)``: drawings, step-through and the tape's expanded
  view show the two steps with the intermediate value ``z``.

Users can fuse their own ops the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import repeat
from operator import mul
from typing import Any

from .op import Op
from .syntax import Syntax

__all__ = ["fuse", "inner_value", "inner_gradient"]

_cache: dict[tuple[int, int], Op] = {}


def fuse(first: Op, then: Op) -> Op:
    """The op ``then(first(inputs))``: ``first`` takes the inputs (any arity),
    ``then`` is unary; both with their parameters bound."""
    fused = _cache.get((id(first), id(then)))
    if fused is not None and fused.parts[0] is first and fused.parts[1] is then:
        return fused
    for what, op in (("first", first), ("then", then)):
        if not isinstance(op, Op):
            raise TypeError(f"fuse: {what} must be an Op, got {type(op).__name__}")
        if op.unbound:
            raise TypeError(f"fuse: bind the parameters of {op.name!r} first")
    if then.arity != 1:
        raise ValueError(f"fuse: then must take one input (the value of first), "
                         f"op {then.name!r} takes {then.arity or 'several'}")
    fused = _make(first, then)
    if len(_cache) < 256:
        _cache[(id(first), id(then))] = fused
    return fused


def inner_value(op: Op, inputs: Sequence[Any], on_floats: bool = True) -> Any:
    """``first(inputs)`` of a fused op: a float for floats, a recorded Value for
    Values (``on_floats=False``)."""
    first = op.parts[0]
    return first.value(inputs) if on_floats else first(*inputs)


def inner_gradient(op: Op, z: Any, y: Any, g: Any) -> Any:
    """``then'(z) × g``: the gradient a fused op passes to its first part."""
    then = op.parts[1]
    return then.df(z, y, *then.params) * g


def _make(first: Op, then: Op) -> Op:
    tp, fp = then.params, first.params
    then_f = then.f

    if first.arity is None:
        def f(xs: Sequence[float]) -> float:
            return then_f(first.f(xs), *tp)
    else:
        def f(*xs: float) -> float:  # type: ignore[misc]
            return then_f(first.f(*xs, *fp), *tp)

    def derivatives(xs: Sequence[Any], y: Any) -> list[Any]:
        z = inner_value(op, xs, type(y) is float)
        a = then.df(z, y, *tp)
        return [a * d for d in first.derivatives(xs, z)]

    if first.arity is None:
        def df(xs: Sequence[Any], y: Any) -> list[Any]:
            return derivatives(xs, y)
    elif first.arity == 1:
        def df(x: Any, y: Any) -> Any:  # type: ignore[misc]
            return derivatives((x,), y)[0]
    else:
        def df(a: Any, b: Any, y: Any) -> Any:  # type: ignore[misc]
            return tuple(derivatives((a, b), y))

    zero_safe_first = first.zero_safe
    first_f, first_df, then_df = first.f, first.df, then.df

    def vjp(xs: Sequence[Any], y: Any, g: Any) -> list[Any] | None:
        if type(y) is not float:  # on Values (create_graph): the general path
            z = first(*xs)
            gz = then_df(z, y, *tp) * g
            return [d * gz for d in first.derivatives(xs, z)]
        # on floats (backward's hot path): first's f and df called directly
        variadic = first.arity is None
        z = first_f(list(xs)) if variadic else first_f(*xs, *fp)
        gz = then_df(z, y, *tp) * g
        if gz == 0.0 and zero_safe_first and z - z == 0.0:
            return None  # an off ReLU: every contribution is an exact zero
        ds = first_df(xs, z) if variadic else first.derivatives(xs, z)
        return list(map(mul, ds, repeat(gz)))

    def branch(*args: Any) -> Any:
        xs = args[0] if first.arity is None else args
        z = first.value(list(xs))
        return (first.which_branch(list(xs)), then.which_branch([z]))

    def domain(*args: Any) -> bool:
        xs = list(args[0] if first.arity is None else args)
        return first.in_domain(xs) and then.in_domain([first.value(xs)])

    forms: dict[str, Any] = {}
    for backend in set(first.forms) & set(then.forms):
        ff, tf = first.forms[backend], then.forms[backend]
        if first.arity is None:
            forms[backend] = (lambda ff, tf: lambda m, xs: tf(m, ff(m, xs, *fp), *tp))(ff, tf)
        else:
            forms[backend] = (lambda ff, tf: lambda m, *xs: tf(m, ff(m, *xs, *fp), *tp))(ff, tf)
    smooth = [o.smoothness for o in (first, then) if o.branch is not None]
    name = f"{first.name}_{then.name}"
    op = Op(name, f"{first.label()} → {then.label()}", f, df, arity=first.arity,
            branch=branch if (first.branch or then.branch) else None,
            smoothness=min(smooth) if smooth else 0,
            domain=domain if (first.domain or then.domain) else None,
            syntax=Syntax("call", name), inputs_ok=first.inputs_ok, forms=forms,
            zero_safe=then.zero_safe, vjp=vjp, parts=(first, then),
            doc=f"{then.name}({first.name}(...)) as one node")
    return op

