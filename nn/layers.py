"""Neurons, layers and multi-layer perceptrons.

A neuron computes act(w·x + b): one n-ary ``affine`` node (``autograd.dot``
with a bias) plus one activation node (none for a linear neuron). A layer is
``nout`` neurons reading the same inputs, optionally followed by a layer-wide
output activation (softmax). ``MLP(2, [16, 16, 1])`` is micrograd's network:
ReLU hidden layers, a linear output, weights uniform in (-1, 1), zero biases,
drawn in micrograd's order, so ``random.seed(s)`` before building either
gives the same weights.

Labels (what drawings show; every index counts from 1, as in the course's
formulas z_j = Σ_i W⁽ˡ⁾_ji x_i + b⁽ˡ⁾_j):

- in an MLP, weight i of neuron j of layer l is ``w[l,j,i]``, its bias
  ``b[l,j]``, a PReLU slope ``a[l,j]``; layer 1 reads the inputs, so
  ``w[1,j,i]`` multiplies ``x{i}``. The Python path is 0-based:
  ``model.layers[l-1].neurons[j-1].w[i-1]``, named ``layers.{l-1}.neurons.{j-1}.w.{i-1}``;
- in a Layer on its own: ``w[j,i]``, ``b[j]``, ``a[j]``;
- a Neuron on its own: ``w1``, ``w2``, ..., ``b``, ``a`` (x1·w1 + x2·w2 + b);
- inputs given as numbers become leaves labelled ``x1``, ``x2``, ...
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any, Protocol

from autograd import Op, Value, activation_op, dot, neurons

from .activations import LAYER_WIDE, Activation, PReLU, RReLU, name_of
from .activations import activation as resolve_activation
from .activations import check as check_activation
from .module import Module

ActivationSpec = str | Activation | None


class Rng(Protocol):
    """What an initialiser draws from: ``random.Random`` or the ``random`` module."""

    def uniform(self, a: float, b: float) -> float: ...
    def gauss(self, mu: float, sigma: float) -> float: ...
    def getrandbits(self, k: int) -> int: ...


InitFn = Callable[[Rng, int, int], float]


def _uniform(rng: Rng, nin: int, nout: int) -> float:
    return rng.uniform(-1.0, 1.0)


def _xavier_uniform(rng: Rng, nin: int, nout: int) -> float:
    a = math.sqrt(6.0 / (nin + nout))
    return rng.uniform(-a, a)


def _xavier_normal(rng: Rng, nin: int, nout: int) -> float:
    return rng.gauss(0.0, math.sqrt(2.0 / (nin + nout)))


def _he_normal(rng: Rng, nin: int, nout: int) -> float:
    return rng.gauss(0.0, math.sqrt(2.0 / nin))


def _he_uniform(rng: Rng, nin: int, nout: int) -> float:
    a = math.sqrt(6.0 / nin)
    return rng.uniform(-a, a)


#: Weight initialisers by name: ``init(rng, fan_in, fan_out) -> weight``.
INITS: dict[str, InitFn] = {
    "uniform": _uniform,                 # micrograd: U(-1, 1)
    "xavier": _xavier_uniform,           # Glorot: U(±√(6/(n_in+n_out)))
    "glorot": _xavier_uniform,
    "xavier_normal": _xavier_normal,     # N(0, 2/(n_in+n_out))
    "he": _he_normal,                    # Kaiming: N(0, 2/n_in)
    "kaiming": _he_normal,
    "he_uniform": _he_uniform,           # U(±√(6/n_in))
}


def _init_fn(init: str | InitFn) -> InitFn:
    if callable(init):
        return init
    if isinstance(init, str) and init in INITS:
        return INITS[init]
    raise ValueError(f"unknown init {init!r}: use one of {', '.join(INITS)} "
                     f"or a callable init(rng, fan_in, fan_out) -> float")


def _rng(seed: int | None) -> Rng:
    """``random.Random(seed)``; the global ``random`` module when seed is None
    (as micrograd, so ``random.seed`` reproduces its models)."""
    if seed is None:
        return random
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int or None, got {type(seed).__name__}: {seed!r}")
    return random.Random(seed)


def _positive_int(n: Any, what: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"{what} must be a positive int, got {type(n).__name__}: {n!r}")
    return n


def _number(x: Any, what: str, label: str | None = None) -> Value:
    """A fresh parameter holding the real number ``x`` (or a Value's data)."""
    if isinstance(x, Value):
        return Value(x.data, label=label)
    try:
        return Value(x, label=label)
    except TypeError:
        raise TypeError(f"{what} must be a real number, got {type(x).__name__}: "
                        f"{x!r}") from None


_X_LABELS: list[str] = []


def _input_label(i: int) -> str:
    """``x{i+1}``: the label of input i (0-based) lifted from a number."""
    while len(_X_LABELS) <= i:
        _X_LABELS.append(f"x{len(_X_LABELS) + 1}")
    return _X_LABELS[i]


_weights_of = attrgetter("w")
_bias_of = attrgetter("b")


def lift_inputs(x: Sequence[Any]) -> list[Value]:
    """Inputs as Values: numbers become leaves labelled ``x1``, ``x2``, ...
    (by position), Values are kept as they are."""
    return [v if isinstance(v, Value) else Value(v, label=_input_label(i))
            for i, v in enumerate(x)]


def _where(position: tuple[int, ...]) -> str:
    return "[" + ",".join(map(str, position)) + "]" if position else ""


def _is_prelu(spec: Any) -> bool:
    return isinstance(spec, str) and spec.lower() == "prelu"


def _config(config: Any, who: str, required: tuple[str, ...],
            optional: tuple[str, ...] = ()) -> dict[str, Any]:
    """``config`` as a dict with exactly the ``required`` keys (and maybe the
    ``optional`` ones): ValueError naming what is wrong."""
    if not isinstance(config, dict):
        raise ValueError(f"{who} config must be a JSON object, got {type(config).__name__}")
    unknown = [k for k in config if k not in required + optional]
    missing = [k for k in required if k not in config]
    if unknown or missing:
        raise ValueError(f"{who} config has keys {sorted(map(str, config))}; it takes "
                         f"{list(required + optional)}"
                         + (f" (missing {missing})" if missing else ""))
    return config


def _config_activation(spec: Any, who: str, *, layer_wide: bool) -> None:
    if spec is not None and not isinstance(spec, str):
        raise ValueError(f"{who}: activation in a config must be a name or null, got "
                         f"{type(spec).__name__}")
    check_activation(spec, who, layer_wide=layer_wide)


def _layer_count(nin: int, nout: int, spec: Any) -> int:
    if isinstance(spec, str) and spec.lower() in LAYER_WIDE:
        return nout * (nin + 1)
    return nout * (nin + 1 + _is_prelu(spec))


class Neuron(Module):
    """act(w·x + b) with ``nin`` weights ``w`` and a bias ``b``.

    ``weights``/``bias`` set explicit values; otherwise weights come from
    ``init`` (a name of :data:`INITS` or a callable) and the bias is 0.
    ``position`` says where the neuron sits, for its labels only: ``()`` on
    its own (``w1``, ``w2``, ..., ``b``), ``(j,)`` as neuron j of a layer
    (``w[j,i]``, ``b[j]``), ``(l, j)`` in layer l of an MLP (``w[l,j,i]``,
    ``b[l,j]``), all counted from 1.
    """

    def __init__(self, nin: int, activation: ActivationSpec = "relu", *,
                 init: str | InitFn = "uniform", nout: int = 1, rng: Rng | None = None,
                 weights: Sequence[Any] | None = None, bias: Any = 0.0,
                 position: tuple[int, ...] = ()) -> None:
        nin = _positive_int(nin, "Neuron: nin")
        check_activation(activation, "Neuron")
        if weights is None:
            draw, r = _init_fn(init), rng or random
            weights = [draw(r, nin, nout) for _ in range(nin)]
        elif len(weights) != nin:
            raise ValueError(f"Neuron: {len(weights)} weights given for nin={nin}")
        at = _where(position)
        w_label = (lambda i: f"w{at[:-1]},{i}]") if at else (lambda i: f"w{i}")
        self.w = [_number(wi, f"Neuron: weights[{i}]", w_label(i + 1))
                  for i, wi in enumerate(weights)]
        self.b = _number(bias, "Neuron: bias", f"b{at}")
        self._spec = activation
        if activation == "rrelu":  # seeded from the model's generator
            act: Activation | None = RReLU(seed=(rng or random).getrandbits(32))
        elif _is_prelu(activation):
            act = PReLU(label=f"a{at}")
        else:
            act = resolve_activation(activation)
        if isinstance(act, Module):
            self.act = act  # its parameters (PReLU's slope) belong to the neuron
        self._act = act
        self._fusable, self._act_op = _fusable(activation)

    def __call__(self, x: Sequence[Any]) -> Value:
        """act(Σ w_i x_i + b) for inputs ``x`` (numbers or Values)."""
        if len(x) != len(self.w):
            raise ValueError(f"Neuron expects {len(self.w)} inputs, got {len(x)}")
        return self._forward(lift_inputs(x))

    def _forward(self, x: list[Value]) -> Value:
        if self._fusable:  # one node: w·x+b and the activation
            return neurons([self.w], x, [self.b], self._act_op)[0]
        z = dot(self.w, x, bias=self.b)
        act = self._act
        return z if act is None else act(z)

    def config(self) -> dict[str, Any] | None:
        if not (self._spec is None or isinstance(self._spec, str)):
            return None
        return {"nin": len(self.w), "activation": self._spec}

    @classmethod
    def parameter_count(cls, config: Any) -> int:
        """nin weights, a bias, and a slope for ``"prelu"``."""
        c = _config(config, "Neuron", ("nin", "activation"))
        nin = _positive_int(c["nin"], "Neuron: nin")
        _config_activation(c["activation"], "Neuron", layer_wide=False)
        return nin + 1 + _is_prelu(c["activation"])

    @classmethod
    def from_config(cls, config: Any) -> Neuron:
        return cls(**config, rng=random.Random(0))  # weights are overwritten by the file

    def __repr__(self) -> str:
        return f"Neuron({len(self.w)}, activation={name_of(self._spec)!r})"


class Layer(Module):
    """``nout`` neurons reading the same ``nin`` inputs. A layer-wide
    ``activation`` (``"softmax"``, ``"log_softmax"``) makes the neurons linear
    and is applied to all of their outputs together. ``position`` is ``()``
    on its own (labels ``w[j,i]``, ``b[j]``) or ``(l,)`` as layer l of an MLP
    (``w[l,j,i]``, ``b[l,j]``), counted from 1."""

    def __init__(self, nin: int, nout: int, activation: ActivationSpec = "relu", *,
                 init: str | InitFn = "uniform", rng: Rng | None = None,
                 weights: Sequence[Sequence[Any]] | None = None,
                 biases: Sequence[Any] | None = None, position: tuple[int, ...] = ()) -> None:
        nin, nout = _positive_int(nin, "Layer: nin"), _positive_int(nout, "Layer: nout")
        check_activation(activation, "Layer", layer_wide=True)
        rng = rng or random
        self._spec = activation
        self._whole: Callable[[list[Value]], list[Value]] | None = None
        self._fused_for: tuple[Any, ...] | None = None  # (neurons, fusable, op)
        per_neuron = activation
        if isinstance(activation, str) and activation.lower() in LAYER_WIDE:
            self._whole = LAYER_WIDE[activation.lower()]
            per_neuron = None
        if weights is not None and len(weights) != nout:
            raise ValueError(f"Layer: weights for {len(weights)} neurons given, nout={nout}")
        if biases is not None and len(biases) != nout:
            raise ValueError(f"Layer: {len(biases)} biases given, nout={nout}")
        self.neurons = [
            Neuron(nin, per_neuron, init=init, nout=nout, rng=rng,
                   weights=None if weights is None else weights[j],
                   bias=0.0 if biases is None else biases[j], position=(*position, j + 1))
            for j in range(nout)
        ]

    def __call__(self, x: Sequence[Any]) -> list[Value]:
        """The neurons' outputs on inputs ``x`` (numbers or Values)."""
        if len(x) != self.nin:
            raise ValueError(f"Layer expects {self.nin} inputs, got {len(x)}")
        return self._forward(lift_inputs(x))

    def _forward(self, x: list[Value]) -> list[Value]:
        """Every neuron: in one call (``autograd.neurons``) when the neurons'
        activation is one op of the table (or linear), else neuron by neuron."""
        ns = tuple(self.neurons)
        fused = self._fused_for
        if fused is None or fused[0] != ns:  # the neurons changed (or first call)
            first = ns[0]
            same = first._fusable and all(n._fusable and n._act_op is first._act_op for n in ns)
            fused = self._fused_for = (ns, same, first._act_op)
        if fused[1]:
            out = neurons(list(map(_weights_of, ns)), x, list(map(_bias_of, ns)), fused[2])
        else:
            out = [n._forward(x) for n in ns]
        return out if self._whole is None else self._whole(out)

    def config(self) -> dict[str, Any] | None:
        if not (self._spec is None or isinstance(self._spec, str)):
            return None
        return {"nin": self.nin, "nout": self.nout, "activation": self._spec}

    @classmethod
    def parameter_count(cls, config: Any) -> int:
        """nout·(nin + 1), plus a slope per neuron for ``"prelu"``."""
        c = _config(config, "Layer", ("nin", "nout", "activation"))
        nin = _positive_int(c["nin"], "Layer: nin")
        nout = _positive_int(c["nout"], "Layer: nout")
        _config_activation(c["activation"], "Layer", layer_wide=True)
        return _layer_count(nin, nout, c["activation"])

    @classmethod
    def from_config(cls, config: Any) -> Layer:
        return cls(**config, rng=random.Random(0))  # weights are overwritten by the file

    @property
    def nin(self) -> int:
        return len(self.neurons[0].w)

    @property
    def nout(self) -> int:
        return len(self.neurons)

    def __repr__(self) -> str:
        return (f"Layer({self.nin}, {self.nout}, "
                f"activation={name_of(self._spec)!r})")


class MLP(Module):
    """A multi-layer perceptron: layers of sizes ``nouts`` on ``nin`` inputs,
    ``activation`` on every hidden layer, ``output_activation`` on the last
    (None: linear; or ``"sigmoid"``, ``"tanh"``, ``"softmax"``...).

    ``MLP(2, [16, 16, 1])`` is micrograd's. Calling the model returns a Value
    when the last layer has one neuron, else a list of Values.
    """

    def __init__(self, nin: int, nouts: Sequence[int], activation: ActivationSpec = "relu",
                 output_activation: ActivationSpec = None, init: str | InitFn = "uniform",
                 seed: int | None = None) -> None:
        nin = _positive_int(nin, "MLP: nin")
        if isinstance(nouts, (int, str)) or not isinstance(nouts, Sequence) or not nouts:
            raise ValueError(f"MLP: nouts must be a non-empty list of layer sizes, "
                             f"got {nouts!r}")
        for i, n in enumerate(nouts):
            _positive_int(n, f"MLP: nouts[{i}]")
        check_activation(activation, "MLP", layer_wide=True)
        check_activation(output_activation, "MLP: output_activation", layer_wide=True)
        _init_fn(init)
        rng = _rng(seed)
        sizes = [nin, *nouts]
        self.layers = [
            Layer(sizes[i], sizes[i + 1],
                  activation if i < len(nouts) - 1 else output_activation,
                  init=init, rng=rng, position=(i + 1,))
            for i in range(len(nouts))
        ]
        self._config: dict[str, Any] | None = None
        if all(s is None or isinstance(s, str) for s in (activation, output_activation)):
            self._config = {"nin": nin, "nouts": list(sizes[1:]), "activation": activation,
                            "output_activation": output_activation,
                            "init": init if isinstance(init, str) else "uniform"}

    def __call__(self, x: Sequence[Any]) -> Any:
        """The network's output on inputs ``x`` (numbers or Values)."""
        if not hasattr(x, "__len__") or isinstance(x, (str, Value)):
            raise TypeError(f"MLP expects a sequence of {self.nin} inputs, got "
                            f"{type(x).__name__}: {x!r}")
        if len(x) != self.nin:
            raise ValueError(f"MLP expects {self.nin} inputs, got {len(x)}")
        # numbers become leaves x1, x2, ... once here, not once per first-layer neuron
        out = lift_inputs(x)
        for layer in self.layers:
            out = layer._forward(out)
        return out[0] if len(out) == 1 else out

    @classmethod
    def from_weights(cls, weights: Sequence[Sequence[Sequence[Any]]],
                     biases: Sequence[Sequence[Any]] | None = None,
                     activation: ActivationSpec = "relu",
                     output_activation: ActivationSpec = None) -> MLP:
        """An MLP with explicit weights: ``weights[l][j]`` lists the input weights
        of neuron ``j`` of layer ``l``; ``biases[l][j]`` its bias (0 if omitted).

        >>> m = MLP.from_weights([[[1.0], [-1.0]], [[1.0, 1.0]]])  # |x|
        >>> m([-3.0]).data
        3.0
        """
        if not weights or any(not layer for layer in weights):
            raise ValueError("MLP.from_weights: every layer needs at least one neuron")
        if biases is not None and len(biases) != len(weights):
            raise ValueError(f"MLP.from_weights: biases for {len(biases)} layers, "
                             f"weights for {len(weights)}")
        nin = len(weights[0][0])
        nouts = [len(layer) for layer in weights]
        fan_in = nin
        for li, layer in enumerate(weights):
            for j, row in enumerate(layer):
                if len(row) != fan_in:
                    raise ValueError(f"MLP.from_weights: neuron {j} of layer {li} has "
                                     f"{len(row)} weights, the layer has {fan_in} inputs")
            if biases is not None and len(biases[li]) != len(layer):
                raise ValueError(f"MLP.from_weights: layer {li} has {len(layer)} neurons "
                                 f"but {len(biases[li])} biases")
            fan_in = len(layer)
        model = cls(nin, nouts, activation, output_activation, init=_zero)
        for li, layer in enumerate(weights):
            for j, row in enumerate(layer):
                neuron = model.layers[li].neurons[j]
                for k, (w, v) in enumerate(zip(neuron.w, row)):
                    w.data = _number(v, f"MLP.from_weights: weights[{li}][{j}][{k}]").data
                if biases is not None:
                    b = _number(biases[li][j], f"MLP.from_weights: biases[{li}][{j}]")
                    neuron.b.data = b.data
        if model._config is not None:
            model._config["init"] = "uniform"
        return model

    def weights(self) -> tuple[list[list[list[float]]], list[list[float]]]:
        """The weights and biases as nested lists, as ``from_weights`` takes them."""
        ws = [[[w.data for w in n.w] for n in layer.neurons] for layer in self.layers]
        bs = [[n.b.data for n in layer.neurons] for layer in self.layers]
        return ws, bs

    def config(self) -> dict[str, Any] | None:
        """The constructor arguments (None when an activation is a callable)."""
        return None if self._config is None else dict(self._config)

    @classmethod
    def parameter_count(cls, config: Any) -> int:
        """Σ over layers of nout·(nin + 1), plus a slope per PReLU neuron."""
        c = _config(config, "MLP", ("nin", "nouts"), ("activation", "output_activation",
                                                      "init"))
        nin = _positive_int(c["nin"], "MLP: nin")
        nouts = c["nouts"]
        if not isinstance(nouts, list) or not nouts:
            raise ValueError(f"MLP: nouts must be a non-empty list of layer sizes, got "
                             f"{type(nouts).__name__}")
        sizes = [nin] + [_positive_int(n, f"MLP: nouts[{i}]") for i, n in enumerate(nouts)]
        hidden, output = c.get("activation", "relu"), c.get("output_activation")
        _config_activation(hidden, "MLP", layer_wide=True)
        _config_activation(output, "MLP: output_activation", layer_wide=True)
        init = c.get("init", "uniform")
        if not isinstance(init, str) or init not in INITS:
            raise ValueError(f"MLP: init must be one of {', '.join(INITS)}, got {init!r}")
        return sum(_layer_count(sizes[i], sizes[i + 1],
                                hidden if i < len(nouts) - 1 else output)
                   for i in range(len(nouts)))

    @classmethod
    def from_config(cls, config: Any) -> MLP:
        return cls(**config, seed=0)  # weights are overwritten by the file

    @classmethod
    def from_torch(cls, module: Any) -> MLP:
        """The MLP of a ``torch.nn.Sequential`` of ``Linear`` layers and supported
        activations, weights copied exactly (see :mod:`nn.torch_bridge`)."""
        from .torch_bridge import mlp_from_torch

        return mlp_from_torch(module)

    @property
    def nin(self) -> int:
        return self.layers[0].nin

    def __repr__(self) -> str:
        inner = ",\n".join(f"  ({i}) {layer!r}" for i, layer in enumerate(self.layers))
        return f"MLP(\n{inner}\n)  # {len(self.parameters())} parameters"


def _zero(rng: Rng, nin: int, nout: int) -> float:
    return 0.0


def _fusable(spec: ActivationSpec) -> tuple[bool, Op | None]:
    """Whether ``autograd.neurons`` can make a neuron with this activation one
    node, and the op it fuses (None: linear); a callable or a module cannot."""
    if spec is None or (isinstance(spec, str) and spec.lower() in ("identity", "linear", "none")):
        return True, None
    if isinstance(spec, str):
        try:
            return True, activation_op(spec.lower())
        except ValueError:
            return False, None
    return False, None


__all__ = ["Neuron", "Layer", "MLP", "INITS", "Rng"]
