"""What an op is: its value, its local derivatives, how it is written and shown.

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

What else an op may declare (all optional; the built-in table declares them):

- ``domain(inputs..., *p) -> bool``: True where the op and its derivative are
  defined and smooth (log: x > 0). Property tests draw inside it, gradient
  checks do not compare across its edge.
- ``branch(inputs..., *p)``: which piece of a piecewise op the inputs fall in
  (relu: x > 0), and ``smoothness``: how many derivatives stay continuous
  where the piece changes (0 for relu's kink, 1 for softsign, whose second
  derivative jumps at 0). Gradient checks use both to tell a kink from a bug.
- ``syntax``: how the op is written (:mod:`autograd.syntax`); a user's op
  is called ``name(x)`` by default.
- ``check(*p)``: raises ValueError for parameters the op refuses
  (``celu`` with alpha = 0), called by :meth:`Op.bind`.
- ``inputs_ok(n) -> bool``: which input counts a variadic op takes (dot: an
  even number).
- ``examples``: parameter sets that tests should exercise (powc: 2, 0.5,
  -1, ...), for an op with parameters.
- ``forms``: the op written for other backends, by backend name:
  ``forms={"sympy": lambda sp, x: sp.tanh(x)}`` (the backend's module comes
  first, then the inputs and parameters as in ``f``), read by exporters such
  as ``autograd.to_sympy``.
- ``vjp(inputs, y, g, *p)``: the contributions ``g × ∂y/∂input`` directly (a
  sequence, or None when all are exact zeros), for an op that can make them
  more cheaply or in a better order than ``df`` times ``g``: a fused op
  (``autograd.fuse``) passes ``g`` through its parts as separate nodes would.
  ``parts``: the ops a fused op is made of, which drawings show separately.
- ``zero_safe``: the local derivatives are finite wherever the output is
  finite (tanh, mul, relu, dot... but not sqrt at 0 or log at a subnormal x).
  Backward then skips such a node when its gradient is exactly 0 and its
  value finite: its contributions would all be exact zeros, while
  0 × inf = nan must still come out where a derivative is infinite.

Calling an op records it: ``op(a, b)`` is sugar for the recording function
that :mod:`autograd.value` installs here when it is imported (this module
knows nothing of ``Value``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from . import floats
from .syntax import Syntax

Symbol = str | Callable[[tuple[float, ...]], str]
_BIND_CACHE = 64  # bound ops kept per op (x**2, leaky_relu(0.2)...: the common ones)


def _not_ready(op: Op, inputs: tuple[Any, ...]) -> Any:
    raise RuntimeError("autograd.value is not imported: import autograd before calling an Op")


#: The recording function ``op(inputs) -> Value``; ``autograd.value`` installs
#: its ``apply`` here (what autodidax calls ``bind``).
recorder: Callable[[Op, tuple[Any, ...]], Any] = _not_ready


class Op:
    """One scalar operation: value ``f``, local derivatives ``df``, ``symbol``,
    and the declarations listed in the module docstring."""

    __slots__ = ("name", "symbol", "f", "df", "arity", "params", "param_names",
                 "branch", "smoothness", "domain", "syntax", "check", "inputs_ok",
                 "examples", "forms", "zero_safe", "vjp", "parts", "doc", "_bound")

    def __init__(self, name: str, symbol: Symbol, f: Callable[..., Any],
                 df: Callable[..., Any], *, arity: int | None = 1,
                 param_names: Sequence[str] = (), params: Sequence[float] = (),
                 branch: Callable[..., Any] | None = None, smoothness: int = 0,
                 domain: Callable[..., bool] | None = None, syntax: Syntax | None = None,
                 check: Callable[..., None] | None = None,
                 inputs_ok: Callable[[int], bool] | None = None,
                 examples: Sequence[Sequence[float]] = (),
                 forms: Mapping[str, Callable[..., Any]] | None = None, zero_safe: bool = False,
                 vjp: Callable[..., Any] | None = None, parts: Sequence[Op] = (),
                 doc: str = "") -> None:
        if not isinstance(name, str) or not name.isidentifier():
            raise TypeError(f"Op name must be a Python identifier (a str such as 'cube'), "
                            f"got {name!r}")
        if not (isinstance(symbol, str) or callable(symbol)):
            raise TypeError(f"Op {name!r}: symbol must be a str or a callable, "
                            f"got {type(symbol).__name__}")
        if not callable(f) or not callable(df):
            raise TypeError(f"Op {name!r}: f and df must be callable")
        if arity is not None and (type(arity) is not int or arity not in (1, 2)):
            raise ValueError(f"Op {name!r}: arity must be 1, 2 or None "
                             f"(variadic), got {arity!r}")
        for what, fn in (("branch", branch), ("domain", domain), ("check", check),
                         ("inputs_ok", inputs_ok), ("vjp", vjp)):
            if fn is not None and not callable(fn):
                raise TypeError(f"Op {name!r}: {what} must be callable or None, "
                                f"got {type(fn).__name__}")
        if type(smoothness) is not int or smoothness < 0:
            raise ValueError(f"Op {name!r}: smoothness must be an int >= 0, got {smoothness!r}")
        if syntax is not None and not isinstance(syntax, Syntax):
            raise TypeError(f"Op {name!r}: syntax must be an autograd.syntax.Syntax, "
                            f"got {type(syntax).__name__}")
        self.name = name
        self.symbol = symbol
        self.f = f
        self.df = df
        self.arity = arity
        self.param_names = tuple(param_names)
        self.params = tuple(params)
        self.branch = branch
        self.smoothness = smoothness
        self.domain = domain
        self.syntax = syntax if syntax is not None else Syntax("call", name, (name,))
        self.check = check
        self.inputs_ok = inputs_ok
        self.examples = tuple(tuple(float(p) for p in ps) for ps in examples)
        for ps in self.examples:
            if len(ps) != len(self.param_names):
                raise ValueError(f"Op {name!r}: example parameters {ps} do not match "
                                 f"param_names {self.param_names}")
        self.forms: Mapping[str, Callable[..., Any]] = dict(forms or {})
        for backend, form in self.forms.items():
            if not callable(form):
                raise TypeError(f"Op {name!r}: forms[{backend!r}] must be callable, "
                                f"got {type(form).__name__}")
        self.zero_safe = bool(zero_safe)
        self.vjp = vjp
        self.parts = tuple(parts)
        self.doc = doc
        self._bound: dict[tuple[float, ...], Op] = {}

    def bind(self, *params: Any) -> Op:
        """This op with its parameters fixed, e.g. ``LEAKY_RELU.bind(0.2)``.

        Each parameter must be a real number, not nan, and pass the op's
        ``check``; anything else raises TypeError/ValueError here."""
        if len(params) != len(self.param_names):
            raise TypeError(f"op {self.name!r} takes {len(self.param_names)} "
                            f"parameter(s) {self.param_names}, got {len(params)}")
        try:  # the common case: already bound (numbers equal to the key find it)
            op = self._bound.get(params)
        except TypeError:  # unhashable: refused below
            op = None
        if op is None:
            key = tuple(floats.real(p, f"op {self.name!r}: parameter {n}")
                        for n, p in zip(self.param_names, params))
            for n, p in zip(self.param_names, key):
                if math.isnan(p):
                    raise ValueError(f"op {self.name!r}: parameter {n} is nan")
            if self.check is not None:
                self.check(*key)
            op = self._bound.get(key)
            if op is None:
                op = Op(self.name, self.symbol, self.f, self.df, arity=self.arity,
                        param_names=self.param_names, params=key, branch=self.branch,
                        smoothness=self.smoothness, domain=self.domain, syntax=self.syntax,
                        check=self.check, inputs_ok=self.inputs_ok,
                        examples=self.examples, forms=self.forms, zero_safe=self.zero_safe,
                        vjp=self.vjp, parts=self.parts, doc=self.doc)
                if len(self._bound) < _BIND_CACHE:  # bounded: x**c for many c must not leak
                    self._bound[key] = op
        return op

    @property
    def unbound(self) -> bool:
        """True for an op with parameters that are not fixed yet (call ``bind``)."""
        return len(self.params) != len(self.param_names)

    def label(self) -> str:
        """The display symbol, with parameters filled in (``x^3`` for x**3)."""
        return self.symbol(self.params) if callable(self.symbol) else self.symbol

    def check_inputs(self, n: int) -> None:
        """TypeError unless the op takes ``n`` inputs (and its parameters are bound)."""
        if self.unbound:
            raise TypeError(f"op {self.name!r} has parameter(s) {self.param_names} that are "
                            f"not bound: call {self.name}.bind(...) first, e.g. "
                            f"{self.name}.bind({', '.join('1.0' for _ in self.param_names)})(x)")
        if self.arity is not None:
            if n != self.arity:
                raise TypeError(f"op {self.name!r} takes {self.arity} input(s), got {n}")
        elif n < 1 or (self.inputs_ok is not None and not self.inputs_ok(n)):
            raise TypeError(f"op {self.name!r} cannot take {n} input(s)"
                            + (f" ({self.doc})" if self.doc else ""))

    def value(self, inputs: Sequence[float]) -> float:
        """The op's value at float ``inputs``."""
        self.check_inputs(len(inputs))
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

    def in_domain(self, inputs: Sequence[float]) -> bool:
        """``domain`` at float ``inputs`` (True when the op declares none)."""
        if self.domain is None:
            return True
        if self.arity is None:
            return bool(self.domain(tuple(inputs)))
        return bool(self.domain(*inputs, *self.params))

    def __call__(self, *inputs: Any) -> Any:
        """Apply the op to Values or numbers and record it: ``op(a, b)``; a
        variadic op also takes one sequence: ``op([a, b, c])``."""
        if self.arity is None and len(inputs) == 1 and _is_sequence(inputs[0]):
            inputs = tuple(inputs[0])
        self.check_inputs(len(inputs))
        return recorder(self, inputs)

    def __repr__(self) -> str:
        params = ", ".join(f"{n}={v!r}" for n, v in zip(self.param_names, self.params))
        return f"Op({self.name!r}{', ' + params if params else ''})"


def _is_sequence(x: Any) -> bool:
    return isinstance(x, (list, tuple)) or (hasattr(x, "__iter__") and hasattr(x, "__len__")
                                            and not isinstance(x, (str, bytes)))


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
