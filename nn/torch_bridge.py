"""The PyTorch bridge: Neuron, Layer and MLP to a float64 ``torch.nn.Sequential``
and back. torch is imported only inside these functions (``pip install
'chainrule[torch]'``); ``import nn`` never imports it.

``module.to_torch()`` gives ``Sequential(Linear, act, Linear, act, ..., Linear[, act])``
with float64 weights copied exactly: ``Linear.weight[j, i]`` is weight i of
neuron j (``layers[l].neurons[j].w[i]``), ``Linear.bias[j]`` its bias. It takes
a batch ``x`` of shape (N, nin) and returns (N, nout): (N, 1) for one output
neuron, where chainrule returns a Value. Training/eval mode is copied.

``MLP.from_torch(module)`` reads a ``Sequential`` (or a single ``Linear``) of
``Linear`` layers, each followed by at most one activation of
:data:`TORCH_ACTIVATIONS` with chainrule's parameters; hidden layers share one
activation (an MLP has one), the last may have another. Weights of any float
dtype are converted to float64 exactly. Round trips are exact both ways.

Differences that remain: torch's ``Hardsigmoid`` backward uses the float32
constant 0.1666666716 for 1/6 (values agree, gradients through it differ by
3e-8 relative); ``RReLU`` draws its slopes from different generators while
training (equal in eval mode); ``atan`` has no ``torch.nn`` module and a
callable activation has no torch equivalent: both are refused.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from .activations import LAYER_WIDE, PReLU, RReLU
from .layers import MLP, Layer, Neuron
from .module import Module

#: chainrule's activation name -> the torch.nn class (built with its default
#: arguments, which are chainrule's).
TORCH_ACTIVATIONS: dict[str, str] = {
    "relu": "ReLU", "elu": "ELU", "leaky_relu": "LeakyReLU", "sigmoid": "Sigmoid",
    "hardsigmoid": "Hardsigmoid", "hardtanh": "Hardtanh", "relu6": "ReLU6", "celu": "CELU",
    "selu": "SELU", "gelu": "GELU", "hardshrink": "Hardshrink", "softshrink": "Softshrink",
    "logsigmoid": "LogSigmoid", "softsign": "Softsign", "tanh": "Tanh",
    "tanhshrink": "Tanhshrink", "softplus": "Softplus", "silu": "SiLU", "prelu": "PReLU",
    "rrelu": "RReLU", "softmax": "Softmax", "log_softmax": "LogSoftmax",
}
#: The keyword arguments a torch activation must have for chainrule's name.
_DEFAULTS: dict[str, dict[str, Any]] = {
    "ELU": {"alpha": 1.0}, "CELU": {"alpha": 1.0}, "LeakyReLU": {"negative_slope": 0.01},
    "Hardtanh": {"min_val": -1.0, "max_val": 1.0}, "ReLU6": {"min_val": 0.0, "max_val": 6.0},
    "GELU": {"approximate": "none"}, "Hardshrink": {"lambd": 0.5},
    "Softshrink": {"lambd": 0.5}, "Softplus": {"beta": 1.0, "threshold": 20.0},
    "RReLU": {"lower": 1.0 / 8.0, "upper": 1.0 / 3.0},
}


def _torch() -> Any:
    try:
        return importlib.import_module("torch")  # not `import torch`: nn never needs it
    except ImportError as e:
        raise ImportError("the PyTorch bridge needs torch: pip install 'chainrule[torch]' "
                          "(or pip install 'torch>=2.13')") from e


def supported() -> str:
    """What ``from_torch`` reads (for error messages)."""
    names = sorted(set(TORCH_ACTIVATIONS.values()))
    return "torch.nn.Linear, each followed by at most one of " + ", ".join(names) + \
        " (with chainrule's default arguments) or Identity"


# -- chainrule -> torch ------------------------------------------------------------------------

def _layers(module: Module) -> list[tuple[list[Neuron], Any]]:
    """(neurons, activation spec) per layer of a Neuron, Layer or MLP."""
    if isinstance(module, MLP):
        return [(layer.neurons, layer._spec) for layer in module.layers]
    if isinstance(module, Layer):
        return [(module.neurons, module._spec)]
    if isinstance(module, Neuron):
        return [([module], module._spec)]
    raise TypeError(f"to_torch: only Neuron, Layer and MLP have a torch equivalent, not "
                    f"{type(module).__name__}")


def _activation_module(torch: Any, spec: Any, neurons: list[Neuron], where: str) -> Any:
    """The torch module for one layer's activation (None: linear)."""
    nn = torch.nn
    if isinstance(spec, PReLU):  # one module shared by the neurons
        spec = "prelu"
    if spec is not None and not isinstance(spec, str):
        raise ValueError(f"to_torch: {where} has a callable activation "
                         f"{getattr(spec, '__name__', spec)!r}, which has no torch "
                         f"equivalent; use a named one ({', '.join(TORCH_ACTIVATIONS)})")
    name = None if spec is None else spec.lower()
    if name in (None, "identity", "linear", "none"):
        return None
    if name in LAYER_WIDE:
        return getattr(nn, TORCH_ACTIVATIONS[name])(dim=-1)
    if name not in TORCH_ACTIVATIONS:
        raise ValueError(f"to_torch: {where} uses {spec!r}, which has no torch.nn module; "
                         f"supported: {', '.join(TORCH_ACTIVATIONS)}")
    if name == "prelu":
        slopes = [n._act.weight.data for n in neurons if isinstance(n._act, PReLU)]
        module = nn.PReLU(num_parameters=len(slopes), dtype=torch.float64)
        with torch.no_grad():
            module.weight.copy_(torch.tensor(slopes, dtype=torch.float64))
        return module
    if name == "rrelu":
        act = neurons[0]._act
        assert isinstance(act, RReLU)
        return nn.RReLU(lower=act.lower, upper=act.upper)
    return getattr(nn, TORCH_ACTIVATIONS[name])()


def to_torch(module: Module) -> Any:
    """``module`` (Neuron, Layer or MLP) as a float64 ``torch.nn.Sequential``."""
    layers = _layers(module)
    torch = _torch()
    parts: list[Any] = []
    for li, (neurons, spec) in enumerate(layers):
        nin, nout = len(neurons[0].w), len(neurons)
        linear = torch.nn.Linear(nin, nout, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor([[w.data for w in n.w] for n in neurons],
                                             dtype=torch.float64))
            linear.bias.copy_(torch.tensor([n.b.data for n in neurons], dtype=torch.float64))
        parts.append(linear)
        act = _activation_module(torch, spec, neurons, f"layer {li}")
        if act is not None:
            parts.append(act)
    return torch.nn.Sequential(*parts).train(module.training)


# -- torch -> chainrule ------------------------------------------------------------------------

def _activation_name(torch: Any, m: Any, where: str) -> str | None:
    """chainrule's name for a torch activation module (None for Identity)."""
    nn = torch.nn
    if isinstance(m, nn.Identity):
        return None
    kind = type(m).__name__
    names = {v: k for k, v in TORCH_ACTIVATIONS.items()}
    if type(m).__module__.startswith("torch.nn") and kind in names:
        for arg, want in _DEFAULTS.get(kind, {}).items():
            got = getattr(m, arg)
            if got != want:
                raise ValueError(f"MLP.from_torch: {where} is {m!r}: chainrule's "
                                 f"{names[kind]!r} has {arg}={want!r}, not {got!r}")
        if kind in ("Softmax", "LogSoftmax") and m.dim not in (-1, 1):
            raise ValueError(f"MLP.from_torch: {where} is {m!r}: only dim=-1 (or 1) "
                             f"acts on a layer's outputs")
        return names[kind]
    raise ValueError(f"MLP.from_torch: {where} is {kind}, which chainrule does not "
                     f"support; supported: {supported()}")


def _floats(tensor: Any) -> list[Any]:
    """A tensor's values as Python floats (float64, exact for float32/16 too)."""
    torch = _torch()
    out: list[Any] = tensor.detach().to(device="cpu", dtype=torch.float64).tolist()
    return out


def mlp_from_torch(module: Any) -> MLP:
    """The :class:`MLP` of a ``torch.nn.Sequential`` of Linear layers and
    supported activations (or of one ``Linear``), weights copied exactly."""
    torch = _torch()
    nn = torch.nn
    if isinstance(module, nn.Linear):
        items = [module]
    elif isinstance(module, nn.Sequential):
        items = list(module)
    else:
        raise TypeError(f"MLP.from_torch: expected a torch.nn.Sequential (or a Linear), got "
                        f"{type(module).__name__}; supported: {supported()}")
    linears: list[Any] = []
    acts: list[tuple[str | None, Any]] = []
    for k, m in enumerate(items):
        where = f"module {k}"
        if isinstance(m, nn.Linear):
            linears.append(m)
            acts.append((None, None))
            continue
        name = _activation_name(torch, m, where)
        if not linears:
            raise ValueError(f"MLP.from_torch: {where} ({type(m).__name__}) comes before any "
                             f"Linear; supported: {supported()}")
        if name is None:
            continue
        if acts[-1][0] is not None:
            raise ValueError(f"MLP.from_torch: {where} ({type(m).__name__}) follows another "
                             f"activation; an MLP has one per layer")
        acts[-1] = (name, m)
    if not linears:
        raise ValueError(f"MLP.from_torch: no Linear layer in {type(module).__name__}; "
                         f"supported: {supported()}")
    for k in range(1, len(linears)):
        if linears[k].in_features != linears[k - 1].out_features:
            raise ValueError(f"MLP.from_torch: Linear {k} takes {linears[k].in_features} "
                             f"inputs but Linear {k - 1} gives {linears[k - 1].out_features}")
    hidden = {name for name, _ in acts[:-1]}
    if len(hidden) > 1:
        raise ValueError(f"MLP.from_torch: the hidden layers use different activations "
                         f"{sorted(map(str, hidden))}; an MLP has one hidden activation")
    hidden_name = hidden.pop() if hidden else "relu"
    output_name = acts[-1][0]
    weights = [_floats(lin.weight) for lin in linears]
    biases = [_floats(lin.bias) if lin.bias is not None else [0.0] * lin.out_features
              for lin in linears]
    model = MLP.from_weights(weights, biases, activation=hidden_name,
                             output_activation=output_name)
    for layer, lin, (name, m) in zip(model.layers, linears, acts):
        if name == "prelu":
            _set_slopes(layer.neurons, _floats(m.weight), lin.out_features)
    model.train(bool(getattr(module, "training", True)))
    return model


def _set_slopes(neurons: Sequence[Neuron], slopes: list[float], nout: int) -> None:
    if len(slopes) not in (1, nout):
        raise ValueError(f"MLP.from_torch: a PReLU with {len(slopes)} slopes after a Linear of "
                         f"{nout} outputs (use 1 or {nout})")
    for j, n in enumerate(neurons):
        assert isinstance(n._act, PReLU)
        n._act.weight.data = slopes[j if len(slopes) == nout else 0]

__all__ = ["to_torch", "mlp_from_torch", "TORCH_ACTIVATIONS", "supported"]
