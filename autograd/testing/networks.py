"""Networks to check: small random MLPs, and inputs for a model of your own.

- :func:`mlps` draws a :class:`Network`: an MLP written with
  ``autograd.dot`` (one node per neuron) whose weights, biases and input are
  all checked quantities, with any activation: a name of the op table, an
  :class:`~autograd.op.Op` (yours too) or any function of a Value.
- :func:`model_inputs` draws inputs for a model you built (an ``nn`` module
  or your own class: anything called on a list of Values that returns a
  Value, with ``parameters()``), as a :class:`ModelInput` that
  ``assert_gradients_match(case, case.inputs, params=case.params)`` checks
  with respect to the inputs and to the model's own parameters.

Both keep only points where every node of the graph is safe
(:func:`autograd.testing.guards.unsafe_node`: off kinks, inside domains).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from ..functions import dot
from ..op import Op
from ..ops import TABLE
from ..value import Value
from . import guards
from .code import import_line, merged
from .values import drawn_number, magnitudes, values

__all__ = ["Network", "mlps", "ModelInput", "model_inputs"]

Activation = str | Op | Callable[[Value], Value]


def _activate(activation: Activation, z: Value) -> Value:
    if isinstance(activation, str):
        out = TABLE[activation](z)
    else:
        out = activation(z)
    if not isinstance(out, Value):
        raise TypeError(f"the activation {_activation_name(activation)} must return a "
                        f"Value, got {type(out).__name__}")
    return out


def _activation_name(activation: Activation) -> str:
    if isinstance(activation, str):
        return repr(activation)
    if isinstance(activation, Op):
        return repr(activation)
    return str(getattr(activation, "__qualname__", None) or getattr(activation, "__name__", "f"))


def _activation_code(activation: Activation) -> tuple[str, list[str]]:
    """How the activation is written in a printed Network, and its imports."""
    if isinstance(activation, str):
        return repr(activation), []
    if isinstance(activation, Op):
        bound = (f".bind({', '.join(map(repr, activation.params))})"
                 if activation.params else "")
        if guards.is_builtin(activation):
            return f"autograd.OPS[{activation.name!r}]{bound}", ["import autograd"]
        token = activation.syntax.token
        return token + bound, [import_line(activation, token)]
    name = getattr(activation, "__name__", "activation")
    if not name.isidentifier():  # a lambda
        name = "activation"
    return name, [import_line(activation, name)]


@dataclass(frozen=True, repr=False)
class Network:
    """A small MLP: act(W·x + b) per hidden layer, a linear output neuron.

    ``weights[l][j]`` are neuron j's incoming weights in layer l, ``biases[l][j]``
    its bias. ``net.inputs`` is ``{label: float}`` for every weight, bias and
    input (labels ``w0.1.2``, ``b0.1``, ``x0``...), so
    ``assert_gradients_match(net, net.inputs)`` checks them all;
    ``net(**values)`` or ``net(*values)`` builds it.
    """

    weights: tuple[tuple[tuple[float, ...], ...], ...]
    biases: tuple[tuple[float, ...], ...]
    x: tuple[float, ...]
    activation: Activation

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
        if args and kwargs:
            raise TypeError("Network: pass the values by position or by name, not both")
        if args:
            if len(args) != len(labels):
                raise TypeError(f"Network takes {len(labels)} values, got {len(args)}")
            kwargs = dict(zip(labels, args))
        missing = [k for k in labels if k not in kwargs]
        extra = [k for k in kwargs if k not in self.inputs]
        if missing or extra:
            raise TypeError(f"Network: missing {missing[:5]}, unexpected {extra[:5]}")
        vs = {k: (v if isinstance(v, Value) else Value(v, label=k)) for k, v in kwargs.items()}
        h: list[Value] = [vs[f"x{k}"] for k in range(len(self.x))]
        last = len(self.weights) - 1
        for li, layer in enumerate(self.weights):
            out = []
            for j in range(len(layer)):
                ws = [vs[f"w{li}.{j}.{k}"] for k in range(len(layer[j]))]
                z = dot(ws, h, vs[f"b{li}.{j}"])
                out.append(z if li == last else _activate(self.activation, z))
            h = out
        return h[0]

    def code(self) -> str:
        act, imports = _activation_code(self.activation)
        header = merged(["from autograd.testing import Network", *imports])
        return "\n".join([*header, f"net = Network(weights={self.weights!r}, "
                                   f"biases={self.biases!r}, x={self.x!r}, activation={act})"])

    def __repr__(self) -> str:
        return f"<Network, runnable as printed:\n{self.code()}\n>"

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(repr(self))


def _sizes(s: Any, name: str) -> st.SearchStrategy[int]:
    if isinstance(s, st.SearchStrategy):
        return s
    if isinstance(s, bool) or not isinstance(s, int):
        raise TypeError(f"mlps: {name} must be an int or a strategy of ints, got "
                        f"{type(s).__name__}")
    if not 1 <= s <= 64:
        raise ValueError(f"mlps: {name} must be from 1 to 64, got {s}")
    return st.just(s)


def _activations(activation: Any) -> list[Activation]:
    given = [activation] if isinstance(activation, (str, Op)) or callable(activation) \
        else activation
    if not isinstance(given, Sequence) or not given:
        raise TypeError(f"mlps: activation must be an op name, an Op, a function of a "
                        f"Value, or a non-empty sequence of them, got {activation!r}")
    out: list[Activation] = []
    for a in given:
        if isinstance(a, str):
            op = TABLE.get(a)
            if op is None or op.arity != 1:
                raise ValueError(f"mlps: activation {a!r} is no unary op of autograd.OPS")
            out.extend([a] if not op.param_names else list(guards.versions(op, "mlps")))
        elif isinstance(a, Op):
            if a.arity != 1:
                raise ValueError(f"mlps: activation op {a.name!r} must take one input")
            out.extend(guards.versions(a, "mlps"))
        elif callable(a):
            out.append(a)
        else:
            raise TypeError(f"mlps: activation must be an op name, an Op or a function of "
                            f"a Value, got {type(a).__name__}: {a!r}")
    return out


_NIN, _HIDDEN, _LAYERS = st.integers(1, 3), st.integers(1, 4), st.integers(1, 2)


def mlps(nin: st.SearchStrategy[int] | int = _NIN,
         hidden: st.SearchStrategy[int] | int = _HIDDEN,
         layers: st.SearchStrategy[int] | int = _LAYERS,
         activation: Activation | Sequence[Activation] = ("tanh", "relu", "sigmoid"),
         weight: st.SearchStrategy[float] | None = None,
         x: st.SearchStrategy[float] | None = None) -> st.SearchStrategy[Network]:
    """Small MLPs (``layers`` hidden layers of ``hidden`` neurons, one linear
    output) with an input point, every node safe (off kinks, inside domains).
    ``activation``: a name of the op table, an ``Op`` (an op with parameters
    is drawn with its ``examples``), any function ``Value -> Value``, or a
    sequence of these to draw from. Weights from ``weight`` (default [-1, 1]),
    inputs from ``x`` (default [-2, 2])."""
    nin_s, hidden_s, layers_s = (_sizes(nin, "nin"), _sizes(hidden, "hidden"),
                                 _sizes(layers, "layers"))
    acts = _activations(activation)
    for name, s in (("weight", weight), ("x", x)):
        if s is not None and not isinstance(s, st.SearchStrategy):
            raise TypeError(f"mlps: {name} must be a strategy of floats or None, got "
                            f"{type(s).__name__}")
    w_st = weight if weight is not None else values(-1.0, 1.0)
    x_st = x if x is not None else values(-2.0, 2.0)

    @st.composite
    def build(draw: st.DrawFn) -> Network:
        n_in = draw(nin_s)
        n_layers = draw(layers_s)
        if isinstance(n_layers, bool) or not isinstance(n_layers, int) or not 1 <= n_layers <= 64:
            raise ValueError(f"mlps: the layers strategy drew {n_layers!r}: need an int "
                             f"from 1 to 64")
        sizes = [n_in] + [draw(hidden_s) for _ in range(n_layers)] + [1]
        def w() -> float:
            return drawn_number(draw(w_st), "mlps: weight")

        for n, what in ((n_in, "nin"), *((h, "hidden") for h in sizes[1:-1])):
            if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 64:
                raise ValueError(f"mlps: the {what} strategy drew {n!r}: need an int "
                                 f"from 1 to 64")
        weights = tuple(tuple(tuple(w() for _ in range(sizes[li]))
                              for _ in range(sizes[li + 1]))
                        for li in range(len(sizes) - 1))
        biases = tuple(tuple(w() for _ in range(sizes[li + 1]))
                       for li in range(len(sizes) - 1))
        net = Network(weights, biases,
                      tuple(drawn_number(draw(x_st), "mlps: x") for _ in range(n_in)),
                      draw(st.sampled_from(acts)))
        assume(guards.unsafe_node(net(**net.inputs)) is None)
        return net

    return build()


# -- a model of your own ------------------------------------------------------------------

@dataclass(frozen=True, repr=False)
class ModelInput:
    """An input point for ``model``: ``case.inputs`` is ``{"x0": ..., ...}``,
    ``case.params`` the model's parameters (``model.parameters()``, empty if it
    has none), and ``case(x0=..., ...)`` runs the model on those inputs and
    returns its output Value (several outputs are combined as Σ (i+1)·out_i,
    so that each one counts differently)."""

    model: Any
    x: tuple[float, ...]

    @property
    def inputs(self) -> dict[str, float]:
        return {f"x{k}": v for k, v in enumerate(self.x)}

    @property
    def params(self) -> list[Value]:
        get = getattr(self.model, "parameters", None)
        return list(get()) if callable(get) else []

    def __call__(self, *args: Any, **kwargs: Any) -> Value:
        if kwargs:
            args = tuple(kwargs[f"x{k}"] for k in range(len(self.x)))
        out = self.model(list(args))
        if isinstance(out, Value):
            return out
        if isinstance(out, (list, tuple)) and out and all(isinstance(o, Value) for o in out):
            if len(out) == 1:
                return out[0]
            return dot([float(i + 1) for i in range(len(out))], list(out))
        raise TypeError(f"model_inputs: the model must return a Value or a list of Values, "
                        f"got {type(out).__name__}")

    def __repr__(self) -> str:
        return f"ModelInput(model=<{type(self.model).__name__}>, x={self.x!r})"

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(repr(self))


def model_inputs(model: Any, nin: int, x: st.SearchStrategy[float] | None = None
                 ) -> st.SearchStrategy[ModelInput]:
    """Input points for ``model`` (called on a list of ``nin`` Values), each from
    ``x`` (default :func:`~autograd.testing.magnitudes` from 1e-2 to 1e2),
    kept only where every node of the model's graph is safe."""
    if not callable(model):
        raise TypeError(f"model_inputs: model must be callable on a list of Values, got "
                        f"{type(model).__name__}")
    if isinstance(nin, bool) or not isinstance(nin, int):
        raise TypeError(f"model_inputs: nin must be an int, got {type(nin).__name__}")
    if not 1 <= nin <= 4096:
        raise ValueError(f"model_inputs: nin must be from 1 to 4096, got {nin}")
    if x is not None and not isinstance(x, st.SearchStrategy):
        raise TypeError(f"model_inputs: x must be a strategy of floats or None, got "
                        f"{type(x).__name__}")
    x_st = x if x is not None else magnitudes(1e-2, 1e2)

    @st.composite
    def build(draw: st.DrawFn) -> ModelInput:
        case = ModelInput(model, tuple(drawn_number(draw(x_st), "model_inputs: x")
                                       for _ in range(nin)))
        assume(guards.unsafe_node(case(*case.x)) is None)
        return case

    return build()
