"""``Value``: a scalar that records every operation into a DAG.

A Value holds ``data`` (a float), ``grad`` (∂root/∂self after ``backward``),
an optional ``label``, the op that made it and its inputs. Operators and
methods look their op up in the op table (``ops.py``) and record one node
(:func:`record`, :func:`apply`: the one place where nodes are made; calling an
``Op`` goes there too); how the graph is walked backwards lives in
``backprop.py``.

``data``, ``grad`` and ``label`` check what is assigned to them: any real
number becomes the same float (``w.data -= np.float64(0.1) * w.grad`` keeps
a float), anything else is a TypeError where it is assigned. Only a leaf's
``data`` may be set (a computed node's follows from its inputs), and a node
made from a leaf before the leaf's ``data`` changed is stale: ``backward()``
through it raises instead of mixing old and new values. Nodes hold no
closures and no reference back to their users, so a graph is freed by
reference counting alone (no garbage-collector cycles).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Any

from . import backprop, floats, ops
from . import op as op_module
from .modes import NORMAL, AnomalyError, current
from .op import Op
from .text import check_text

Number = int | float


def to_float(x: Any, what: str = "Value data") -> float:
    """``x`` as a float if it is a real number, else TypeError naming its type."""
    if type(x) is float:
        return x
    if isinstance(x, Value):
        raise TypeError(f"{what} must be a real number, got a Value "
                        f"({x!r}); use its .data, or the Value itself in an op")
    return floats.real(x, what)


def check_label(label: Any) -> str | None:
    """``label`` if it is None or text a drawing can show (see ``autograd.text``)."""
    check_text("Value", "label", label)
    return label


class Value:
    """A scalar node of the computation graph.

    >>> u, v, w = Value(2.0, label="u"), Value(3.0, label="v"), Value(4.0, label="w")
    >>> f = (u + v) * w
    >>> f.backward()
    >>> f.data, u.grad, v.grad, w.grad
    (20.0, 4.0, 4.0, 5.0)
    """

    __slots__ = ("_data", "_grad", "_label", "_op", "_prev", "_g", "_id")
    __array_ufunc__ = None  # numpy scalars defer to our reflected operators

    _data: float
    _grad: float
    _label: str | None
    _op: Op | None
    _prev: tuple[Value, ...]
    _g: Any  # None, or the scratch gradient during a backward pass (backprop.py)
    _id: int  # creation number: inputs are always made before the nodes that use them

    def __init__(self, data: Any, label: str | None = None) -> None:
        self._data = data if type(data) is float else to_float(data)
        # the common cases inline (a constant, a printable str); else the full check
        self._label = (label if label is None or (type(label) is str and label.isprintable())
                       else check_label(label))
        self._grad = 0.0
        self._op = None
        self._prev = ()
        self._g = None
        self._id = next(_ids)

    # -- data, grad, label: assignments are checked -----------------------------
    @property
    def data(self) -> float:
        """The value (a float; any real number assigned becomes the same float)."""
        return self._data

    @data.setter
    def data(self, x: Any) -> None:
        value = x if type(x) is float else to_float(x, "Value.data")
        if self._op is not None:
            raise AttributeError(
                f"cannot set .data of a computed node ({self!r}): its value follows from "
                f"its inputs by op {self._op.name!r}; set an input's .data and compute "
                f"again, or start a new leaf: Value(node.data)")
        self._data = value
        # a leaf written now counts as made now: a node made from it earlier has
        # a stale value, and backward refuses it (backprop.check_fresh)
        self._id = next(_ids)
        backprop.wrote(self._id)

    @property
    def grad(self) -> float:
        """∂root/∂self accumulated by ``backward()`` (0.0 until then).
        Assigning None (PyTorch's way to clear it) sets 0.0."""
        return self._grad

    @grad.setter
    def grad(self, x: Any) -> None:
        self._grad = x if type(x) is float else (0.0 if x is None
                                                 else to_float(x, "Value.grad"))

    @property
    def label(self) -> str | None:
        """The display name (None: unnamed)."""
        return self._label

    @label.setter
    def label(self, label: Any) -> None:
        self._label = check_label(label)

    # -- what the node is -------------------------------------------------
    @property
    def op(self) -> str:
        """The op's short name (``"mul"``, ``"tanh"``...), ``""`` for a leaf."""
        return self._op.name if self._op is not None else ""

    @property
    def fn(self) -> Op | None:
        """The :class:`Op` (value, derivatives, symbol) that made this node; None for a leaf."""
        return self._op

    @property
    def children(self) -> tuple[Value, ...]:
        """The inputs, in argument order; an input used twice appears twice."""
        return self._prev

    def is_leaf(self) -> bool:
        return self._op is None

    def item(self) -> float:
        return self._data

    def __float__(self) -> float:
        return self._data

    def __bool__(self) -> bool:
        return bool(self._data)

    def __format__(self, spec: str) -> str:
        return format(self._data, spec) if spec else repr(self)

    def __repr__(self) -> str:
        extra = f", label={self._label!r}" if self._label is not None else ""
        if self._op is not None:
            extra += f", op={self._op.name!r}"
        return f"Value(data={self._data!r}, grad={self._grad!r}{extra})"

    # -- arithmetic -----------------------------------------------------------
    def __add__(self, other: Any) -> Value:
        return _binary(ops.ADD, self, other)

    def __radd__(self, other: Any) -> Value:
        return _binary(ops.ADD, other, self)

    def __sub__(self, other: Any) -> Value:
        return _binary(ops.SUB, self, other)

    def __rsub__(self, other: Any) -> Value:
        return _binary(ops.SUB, other, self)

    def __mul__(self, other: Any) -> Value:
        return _binary(ops.MUL, self, other)

    def __rmul__(self, other: Any) -> Value:
        return _binary(ops.MUL, other, self)

    def __truediv__(self, other: Any) -> Value:
        return _binary(ops.DIV, self, other)

    def __rtruediv__(self, other: Any) -> Value:
        return _binary(ops.DIV, other, self)

    def __pow__(self, other: Any, modulo: None = None) -> Value:
        if modulo is not None:
            return NotImplemented
        if isinstance(other, Value):
            return _binary(ops.POW, self, other)
        c = _constant(other)
        if c is None:
            return NotImplemented
        return _unary(ops.POWC.bind(c), self)

    def __rpow__(self, other: Any) -> Value:
        return _binary(ops.POW, other, self)

    def __neg__(self) -> Value:
        return _unary(ops.NEG, self)

    def __pos__(self) -> Value:
        return self

    def __abs__(self) -> Value:
        return _unary(ops.ABS, self)

    # -- comparisons look at .data; == and hash stay identity ----------------
    def __lt__(self, other: Any) -> bool:
        o = _data(other)
        return NotImplemented if o is None else self._data < o

    def __le__(self, other: Any) -> bool:
        o = _data(other)
        return NotImplemented if o is None else self._data <= o

    def __gt__(self, other: Any) -> bool:
        o = _data(other)
        return NotImplemented if o is None else self._data > o

    def __ge__(self, other: Any) -> bool:
        o = _data(other)
        return NotImplemented if o is None else self._data >= o

    # -- functions (see ops.py for each value and derivative) -----------------
    def exp(self) -> Value:
        return _unary(ops.EXP, self)

    def log(self) -> Value:
        return _unary(ops.LOG, self)

    def log1p(self) -> Value:
        return _unary(ops.LOG1P, self)

    def sqrt(self) -> Value:
        return _unary(ops.SQRT, self)

    def sin(self) -> Value:
        return _unary(ops.SIN, self)

    def cos(self) -> Value:
        return _unary(ops.COS, self)

    def atan(self) -> Value:
        return _unary(ops.ATAN, self)

    def erf(self) -> Value:
        return _unary(ops.ERF, self)

    def tanh(self) -> Value:
        return _unary(ops.TANH, self)

    def sigmoid(self) -> Value:
        return _unary(ops.SIGMOID, self)

    def relu(self) -> Value:
        return _unary(ops.RELU, self)

    def softplus(self) -> Value:
        return _unary(ops.SOFTPLUS, self)

    def leaky_relu(self, negative_slope: float = 0.01) -> Value:
        return _unary(ops.LEAKY_RELU.bind(negative_slope), self)

    def elu(self, alpha: float = 1.0) -> Value:
        return _unary(ops.ELU.bind(alpha), self)

    def selu(self) -> Value:
        return _unary(ops.SELU, self)

    def celu(self, alpha: float = 1.0) -> Value:
        return _unary(ops.CELU.bind(alpha), self)

    def gelu(self) -> Value:
        return _unary(ops.GELU, self)

    def silu(self) -> Value:
        return _unary(ops.SILU, self)

    def softsign(self) -> Value:
        return _unary(ops.SOFTSIGN, self)

    def hardtanh(self, min_val: float = -1.0, max_val: float = 1.0) -> Value:
        return _unary(ops.HARDTANH.bind(min_val, max_val), self)

    def relu6(self) -> Value:
        return _unary(ops.RELU6, self)

    def hardsigmoid(self) -> Value:
        return _unary(ops.HARDSIGMOID, self)

    def logsigmoid(self) -> Value:
        return _unary(ops.LOGSIGMOID, self)

    def tanhshrink(self) -> Value:
        return _unary(ops.TANHSHRINK, self)

    def hardshrink(self, lambd: float = 0.5) -> Value:
        return _unary(ops.HARDSHRINK.bind(lambd), self)

    def softshrink(self, lambd: float = 0.5) -> Value:
        return _unary(ops.SOFTSHRINK.bind(lambd), self)

    def clamp(self, min: float | None = None, max: float | None = None) -> Value:  # noqa: A002
        if min is None and max is None:
            raise ValueError("clamp: give at least one of min and max")
        return _unary(ops.CLAMP.bind(-floats.inf if min is None else min,
                                     floats.inf if max is None else max), self)

    # -- gradients --------------------------------------------------------------
    def backward(self, gradient: Any = 1.0) -> None:
        """Add ∂self/∂node × ``gradient`` into ``.grad`` of every node below self
        (self included). Iterative: any depth works. Twice doubles every grad."""
        backprop.backward(self, to_float(gradient, "backward gradient"))

    def zero_grad(self) -> None:
        """Set ``.grad = 0.0`` on every node of the graph below self."""
        for node in backprop.topological_order(self):
            node._grad = 0.0


# -- recording ---------------------------------------------------------------------

_new = object.__new__
_ids = itertools.count()  # creation numbers (C-level, atomic under the GIL)


def record(op: Op, data: float, inputs: tuple[Value, ...]) -> Value:
    """Create the node ``op(inputs) = data`` (a plain leaf under ``no_grad``)."""
    v: Value = _new(Value)
    v._data = data
    v._grad = 0.0
    v._label = None
    v._g = None
    v._id = next(_ids)
    mode = current.get()
    if mode is NORMAL:
        v._op = op
        v._prev = inputs
        return v
    if mode.anomaly and data != data:
        shown = ", ".join(_describe(x) for x in inputs)
        raise AnomalyError(f"op {op.name!r} produced nan in the forward pass "
                           f"from input(s) {shown}")
    if mode.grad_enabled:
        v._op, v._prev = op, inputs
    else:
        v._op, v._prev = None, ()
    return v


_LAYERS_KEPT = 64  # layers whose parameters' values are kept (see _layer_values)
_layers: dict[int, tuple[Any, ...]] = {}


def _layer_values(weights: Sequence[Sequence[Value]], biases: Sequence[Value],
                  n: int) -> tuple[Any, ...]:
    """``(rows, weight values, biases, bias values)`` of a layer: each row as a
    tuple, its weights' floats, each bias as a 1-tuple, the biases' floats.

    A layer reads its parameters' values once per data version, not once per
    sample: they are kept (for the last ``_LAYERS_KEPT`` layers) with the
    creation number of the last ``.data`` write to any leaf and a copy of the
    rows, and reused while no leaf was written since and the rows hold the same
    Values (compared by identity: a Value replaced in a row is seen). A row of
    the wrong length raises ValueError, a weight or bias that is not a Value
    AttributeError, before anything is kept."""
    version = backprop.last_write()
    key = id(weights[0]) if len(weights) else 0
    kept = _layers.get(key)
    if kept is not None and kept[0] == version and kept[1] == weights and kept[2] == biases:
        return kept[3]
    for w in weights:
        if len(w) != n:
            raise ValueError(f"neurons: a neuron has {len(w)} weights for {n} inputs")
    values = ([tuple(w) for w in weights], [[u._data for u in w] for w in weights],
              [(b,) for b in biases], [b._data for b in biases])
    if len(_layers) >= _LAYERS_KEPT:
        _layers.clear()
    _layers[key] = (version, [list(w) for w in weights], list(biases), values)
    return values


def record_layer(op: Op, act: Op | None, weights: Sequence[Sequence[Value]],
                 biases: Sequence[Value], xt: tuple[Value, ...]) -> list[Value]:
    """The nodes ``op(w_j, x, b_j)`` of a layer of neurons, in one loop (the
    :func:`record` of a whole layer): each value is ``act(Σ w·x + b)``, its
    affine part computed by the affine op's one definition
    (``ops.affine_value``), the inputs' values read once and the
    parameters' once per data version (:func:`_layer_values`). ``op`` is the
    affine op fused with ``act`` (or the affine op itself when ``act`` is
    None). A weight or bias that is not a Value raises AttributeError, a row of
    the wrong length ValueError, before any node is made."""
    xdata = [x._data for x in xt]
    rows, wdata, bs, bdata = _layer_values(weights, biases, len(xdata))
    f, params = (None, ()) if act is None else (act.f, act.params)
    affine = ops.affine_value
    if current.get() is not NORMAL:  # no_grad or anomaly: node by node
        out = []
        for w, wd, b, bd in zip(rows, wdata, bs, bdata):
            z = affine(wd, xdata, bd)
            out.append(record(op, z if f is None else f(z, *params), w + xt + b))
        return out
    out = []
    append, new, ids = out.append, _new, _ids
    for w, wd, b, bd in zip(rows, wdata, bs, bdata):
        z = affine(wd, xdata, bd)
        v: Value = new(Value)
        v._data = z if f is None else (f(z, *params) if params else f(z))
        v._grad = 0.0
        v._label = None
        v._g = None
        v._id = next(ids)
        v._op = op
        v._prev = w + xt + b
        append(v)
    return out


def apply(op: Op, inputs: Iterable[Any]) -> Value:
    """Record ``op`` on ``inputs`` (Values or real numbers): the generic path,
    used by ``Op.__call__`` and the functions on several Values."""
    xs = tuple(inputs)
    datas = [x._data for x in xs if type(x) is Value]
    if len(datas) != len(xs):  # numbers to lift (or Value subclasses)
        xs = tuple([_lift(x, op) for x in xs])
        datas = [x._data for x in xs]
    data = op.f(datas) if op.arity is None else op.f(*datas, *op.params)
    if type(data) is not float:
        data = to_float(data, f"the value of op {op.name!r}")
    return record(op, data, xs)


def _unary(op: Op, x: Value) -> Value:
    if op.params:
        return record(op, op.f(x._data, *op.params), (x,))
    return record(op, op.f(x._data), (x,))


def _binary(op: Op, a: Any, b: Any) -> Value:
    if not isinstance(a, Value):
        c = _constant(a)
        if c is None:
            return NotImplemented
        a = Value(c)
    if not isinstance(b, Value):
        c = _constant(b)
        if c is None:
            return NotImplemented
        b = Value(c)
    return record(op, op.f(a._data, b._data), (a, b))


def _constant(x: Any) -> float | None:
    """A number operand as a float, None if it is no real number."""
    if type(x) is float:
        return x
    try:
        return to_float(x)
    except TypeError:
        return None


def _lift(x: Any, op: Op) -> Value:
    if isinstance(x, Value):
        return x
    return Value(to_float(x, f"input of op {op.name!r}"))


def _data(x: Any) -> float | None:
    return x._data if isinstance(x, Value) else _constant(x)


def _describe(v: Value) -> str:
    return f"{v._label}={v._data!r}" if v._label else repr(v._data)


op_module.recorder = apply  # calling an Op records it here
