"""Functions of several Values: max/min, sum, mean, dot, logsumexp, softmax,
and ``neurons`` (a layer of neurons in one call).

Each is one n-ary node of the op table (a neuron's ``dot`` is one node, not
2n), except ``softmax`` and ``log_softmax``, which are built from
``logsumexp`` so that they never overflow.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Sequence
from typing import Any

from . import ops
from .fused import fuse
from .op import Op
from .value import Value, apply, record_layer


def maximum(a: Any, b: Any) -> Value:
    """max(a, b); gradient ½ to each on a tie, nan if either is nan."""
    return apply(ops.MAXIMUM, (a, b))


def minimum(a: Any, b: Any) -> Value:
    """min(a, b); gradient ½ to each on a tie, nan if either is nan."""
    return apply(ops.MINIMUM, (a, b))


def prelu(x: Any, weight: Any) -> Value:
    """x for x > 0, else weight·x: a leaky ReLU whose slope ``weight`` is a Value
    that learns (gradient x where x ≤ 0)."""
    return apply(ops.PRELU, (x, weight))


def _values(values: Iterable[Any], fn: str) -> list[Any]:
    if type(values) is list:
        return values
    if isinstance(values, (Value, str, bytes)) or not hasattr(values, "__iter__"):
        raise TypeError(f"{fn}: expected an iterable of Values or numbers, "
                        f"got {type(values).__name__}")
    return list(values)


def sum(values: Iterable[Any]) -> Value:  # noqa: A001 - the public name
    """Σ values as one node (0 for no values)."""
    xs = _values(values, "sum")
    return apply(ops.SUM, xs) if xs else Value(0.0)


def mean(values: Iterable[Any]) -> Value:
    """(1/n) Σ values as one node."""
    xs = _values(values, "mean")
    if not xs:
        raise ValueError("mean: no values (the mean of nothing is undefined)")
    return apply(ops.MEAN, xs)


def dot(ws: Iterable[Any], xs: Iterable[Any], bias: Any = None) -> Value:
    """Σ w_i x_i (+ bias) as one node: inputs are w_1..w_n, x_1..x_n (, b)."""
    w = ws if type(ws) is list else _values(ws, "dot")
    x = xs if type(xs) is list else _values(xs, "dot")
    if len(w) != len(x):
        raise ValueError(f"dot: {len(w)} weights but {len(x)} inputs")
    if bias is None:
        return apply(ops.DOT, (*w, *x)) if w else Value(0.0)
    return apply(ops.AFFINE, (*w, *x, bias))


def activation_op(activation: str | Op | None) -> Op | None:
    """The unary op for an activation: an Op (bound), the name of an op whose
    syntax marks it an activation (``"relu"``, ``"leaky_relu"`` with the
    Value method's default parameters...), or None for a linear neuron."""
    if activation is None or isinstance(activation, Op):
        if isinstance(activation, Op) and (activation.arity != 1 or activation.unbound):
            raise ValueError(f"activation op {activation.name!r} must take one input, "
                             f"its parameters bound")
        return activation
    if isinstance(activation, str):
        op = ops.TABLE.get(activation)
        if op is not None and op.syntax.activation:
            if not op.param_names:
                return op
            method = getattr(Value, op.syntax.token)
            params = list(inspect.signature(method).parameters.values())[1:]
            return op.bind(*[p.default for p in params])
    names = ", ".join(n for n, o in ops.TABLE.items() if o.syntax.activation)
    raise ValueError(f"unknown activation {activation!r}: use an Op, None, or one of {names}")


_layer_ops: dict[Any, tuple[Op | None, Op]] = {}  # activation → (its op, the neuron's op)


def neurons(weights: Sequence[Sequence[Value]], inputs: Sequence[Any],
            biases: Sequence[Value], activation: str | Op | None = None) -> list[Value]:
    """A layer in one call: ``act(Σ_k W[j][k]·x_k + b[j])`` for each neuron j.

    Each neuron is one node, the affine step and the activation fused
    (``autograd.fuse``; drawings still show the two steps), and the inputs'
    values are read once for the whole layer. The numbers, forward and
    backward, are those of ``dot(W[j], x, bias=b[j])`` followed by the
    activation, bit for bit. ``activation``: see :func:`activation_op`."""
    kept = _layer_ops.get(activation) if isinstance(activation, (str, Op)) else None
    if kept is None:
        act = activation_op(activation)
        op = ops.AFFINE if act is None else fuse(ops.AFFINE, act)
        if len(_layer_ops) < 256:
            _layer_ops[activation] = (act, op)
    else:
        act, op = kept
    xt = tuple(inputs) if not isinstance(inputs, (Value, str, bytes)) else ()
    if not xt or len(weights) != len(biases):
        raise ValueError(f"neurons: {len(weights)} weight rows, {len(biases)} biases and "
                         f"{len(xt)} inputs (need at least one input, a bias per row)")
    try:
        return record_layer(op, act, weights, biases, xt)
    except AttributeError:
        pass
    if not all(isinstance(x, Value) for x in xt):  # numbers among the inputs: lift them
        xt = tuple([x if isinstance(x, Value) else Value(x) for x in xt])
        try:
            return record_layer(op, act, weights, biases, xt)
        except AttributeError:
            pass
    raise TypeError("neurons: every weight and bias must be a Value (a parameter)")


def logsumexp(values: Iterable[Any]) -> Value:
    """ln Σ e^x_i, computed stably (shifted by the max)."""
    xs = _values(values, "logsumexp")
    if not xs:
        raise ValueError("logsumexp: no values")
    return apply(ops.LOGSUMEXP, xs)


def log_softmax(values: Iterable[Any]) -> list[Value]:
    """(x_i − m) − logsumexp(x − m) with m = max x (a constant): finite for logits
    of ±1000, and exact where x − logsumexp(x) would round (x = [1e4, 1e4, 0]
    gives ln ½ to the last digit, as PyTorch)."""
    xs = [x if isinstance(x, Value) else Value(x) for x in _values(values, "log_softmax")]
    if not xs:
        raise ValueError("log_softmax: no values")
    m = max(x.data for x in xs)
    zs = xs if m == 0 else [x - m for x in xs]
    lse = logsumexp(zs)
    return [z - lse for z in zs]


def softmax(values: Iterable[Any]) -> list[Value]:
    """e^(x_i − logsumexp(x)): sums to 1, never overflows."""
    return [z.exp() for z in log_softmax(values)]

