"""What an op is: its value, its local derivatives and its display symbol.

An :class:`Op` is a plain record. ``f`` computes the value from input floats;
``df`` returns ∂out/∂input for each input. ``df`` is written once and runs in
two worlds: on floats (plain ``backward``, the fast path) and on ``Value``
objects (``grad(..., create_graph=True)``, where the derivatives are recorded
so they can be differentiated again). To make one formula serve both, it uses
Python operators (``+ - *`` and ``/`` where the divisor cannot be 0), the
comparisons ``< <= > >=`` (on a Value they compare ``.data``), and the helpers
below (``exp``, ``log``, ``div`` ...), which call the IEEE float function on
floats and the recorded op on Values.

Signatures, for an op with parameters ``p...`` (fixed when the op is bound):

- arity 1: ``f(x, *p) -> float`` and ``df(x, y, *p) -> ∂y/∂x``
- arity 2: ``f(a, b, *p)`` and ``df(a, b, y, *p) -> (∂y/∂a, ∂y/∂b)``
- variadic (``arity=None``): ``f(xs)`` and ``df(xs, y) -> [∂y/∂x_i ...]``
  (``xs`` a sequence: a list in ``f``, a tuple in ``df``)

``y`` is the op's output (a float, or the output Value itself), which makes
derivatives such as tanh' = 1 - y² cheap and exact.

Defining your own op::

    from autograd import Op, Value
    cube = Op("cube", "³", f=lambda x: x * x * x, df=lambda x, y: 3 * x * x)
    y = cube(Value(2.0))            # y.data == 8.0; backward, grad, draw work

``branch`` (optional) names which piece of a piecewise op an input falls in;
gradient checks use it to notice kinks (see ``autograd.check``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from . import floats

Symbol = str | Callable[[tuple[float, ...]], str]
_BIND_CACHE = 64  # bound ops kept per op (x**2, leaky_relu(0.2)...: the common ones)


class Op:
    """One scalar operation: value ``f``, local derivatives ``df``, ``symbol``."""

    __slots__ = ("name", "symbol", "f", "df", "arity", "params", "param_names",
                 "branch", "doc", "_bound")

    def __init__(self, name: str, symbol: Symbol, f: Callable[..., Any],
                 df: Callable[..., Any], *, arity: int | None = 1,
                 param_names: Sequence[str] = (), params: Sequence[float] = (),
                 branch: Callable[..., Any] | None = None, doc: str = "") -> None:
        if not isinstance(name, str) or not name:
            raise TypeError(f"Op name must be a non-empty str, got {name!r}")
        if not (isinstance(symbol, str) or callable(symbol)):
            raise TypeError(f"Op {name!r}: symbol must be a str or a callable, "
                            f"got {type(symbol).__name__}")
        if not callable(f) or not callable(df):
            raise TypeError(f"Op {name!r}: f and df must be callable")
        if arity is not None and arity not in (1, 2):
            raise ValueError(f"Op {name!r}: arity must be 1, 2 or None "
                             f"(variadic), got {arity!r}")
        self.name = name
        self.symbol = symbol
        self.f = f
        self.df = df
        self.arity = arity
        self.param_names = tuple(param_names)
        self.params = tuple(params)
        self.branch = branch
        self.doc = doc
        self._bound: dict[tuple[float, ...], Op] = {}

    def bind(self, *params: float) -> Op:
        """This op with its parameters fixed, e.g. ``LEAKY_RELU.bind(0.2)``."""
        if len(params) != len(self.param_names):
            raise TypeError(f"op {self.name!r} takes {len(self.param_names)} "
                            f"parameter(s) {self.param_names}, got {len(params)}")
        key = tuple(params)
        op = self._bound.get(key)
        if op is None:
            op = Op(self.name, self.symbol, self.f, self.df, arity=self.arity,
                    param_names=self.param_names, params=key,
                    branch=self.branch, doc=self.doc)
            if len(self._bound) < _BIND_CACHE:  # bounded: x**c for many c must not leak
                self._bound[key] = op
        return op

    def label(self) -> str:
        """The display symbol, with parameters filled in (``x^3`` for x**3)."""
        return self.symbol(self.params) if callable(self.symbol) else self.symbol

    def value(self, inputs: Sequence[float]) -> float:
        """The op's value at float ``inputs``."""
        if self.arity is None:
            return self.f(list(inputs))
        return self.f(*inputs, *self.params)

    def derivatives(self, inputs: Sequence[Any], out: Any) -> tuple[Any, ...]:
        """∂out/∂input for each input, floats or Values (one per input)."""
        if self.arity is None:
            ds = tuple(self.df(tuple(inputs), out))
        elif self.arity == 1:
            ds = (self.df(inputs[0], out, *self.params),)
        else:
            ds = tuple(self.df(*inputs, out, *self.params))
        if len(ds) != len(inputs):
            raise ValueError(f"derivative of op {self.name!r} gave {len(ds)} "
                             f"value(s) for {len(inputs)} input(s)")
        return ds

    def which_branch(self, inputs: Sequence[float]) -> Any:
        """Which piece of a piecewise op ``inputs`` fall in (None if smooth)."""
        if self.branch is None:
            return None
        if self.arity is None:
            return self.branch(tuple(inputs))
        return self.branch(*inputs, *self.params)

    def __call__(self, *inputs: Any) -> Any:
        """Apply the op to Values or numbers and record it: ``op(a, b)``."""
        from .value import apply  # late import: value.py imports the op table

        if self.arity is None:
            if len(inputs) == 1 and not _is_scalar(inputs[0]):
                inputs = tuple(inputs[0])
        elif len(inputs) != self.arity:
            raise TypeError(f"op {self.name!r} takes {self.arity} input(s), "
                            f"got {len(inputs)}")
        return apply(self, inputs)

    def __repr__(self) -> str:
        params = ", ".join(f"{n}={v!r}" for n, v in zip(self.param_names, self.params))
        return f"Op({self.name!r}{', ' + params if params else ''})"


def _is_scalar(x: Any) -> bool:
    return not hasattr(x, "__iter__")


# -- helpers that make one derivative formula work on floats and Values -----
# Plain floats go to the IEEE function; anything else is a Value and gets the
# recorded op (a method of the same name), so the derivative is differentiable.

def _generic(float_fn: Callable[[float], float], method: str) -> Callable[[Any], Any]:
    def fn(x: Any) -> Any:
        if type(x) is float:
            return float_fn(x)
        return getattr(x, method)()
    fn.__name__ = method
    fn.__doc__ = f"{method}(x) on a float or a Value."
    return fn


exp = _generic(floats.exp, "exp")
log = _generic(floats.log, "log")
sqrt = _generic(floats.sqrt, "sqrt")
tanh = _generic(floats.tanh, "tanh")
sigmoid = _generic(floats.sigmoid, "sigmoid")
erf = _generic(floats.erf, "erf")
sin = _generic(floats.sin, "sin")
cos = _generic(floats.cos, "cos")


def div(a: Any, b: Any) -> Any:
    """a / b: IEEE on floats (1/0 = inf), a recorded division otherwise."""
    if type(a) is float and type(b) is float:
        return floats.div(a, b)
    return a / b


def power(x: Any, c: Any) -> Any:
    """x ** c: C's pow on two floats, a recorded power otherwise."""
    if type(x) is float and type(c) is float:
        return floats.pow(x, c)
    return x ** c


def sign(x: Any) -> float:
    """-1, 0 or 1 (0 for ±0 and nan): the derivative of |x|."""
    return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0)


def data(x: Any) -> float:
    """The float in x (x itself for a float, ``.data`` for a Value)."""
    return x if type(x) is float else x.data


__all__ = ["Op", "exp", "log", "sqrt", "tanh", "sigmoid", "erf", "sin", "cos",
           "div", "power", "sign", "data"]
