"""Neurons, layers and multi-layer perceptrons.

A neuron computes act(w·x + b): one n-ary ``affine`` node (``autograd.dot``
with a bias) plus one activation node, geometrically a hyperplane w·x + b = 0
with the activation applied to the signed distance-like score.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from typing import Any

from autograd import Value, dot

from .module import Module

Activation = Callable[[Value], Value]


def activation(spec: str | Activation | None) -> Activation | None:
    """An activation from its name (any Value method, e.g. ``"relu"``,
    ``"tanh"``, ``"leaky_relu"``), a callable, or None/``"identity"``/``"linear"``."""
    if spec is None or spec in ("identity", "linear"):
        return None
    if callable(spec):
        return spec
    if isinstance(spec, str) and callable(getattr(Value, spec, None)) and not spec.startswith("_"):
        method = getattr(Value, spec)
        return lambda v: method(v)
    raise ValueError(f"unknown activation {spec!r}: use a Value method name such as "
                     f"'relu', 'tanh', 'sigmoid', a callable, or None")


def _init_weight(init: str, nin: int, nout: int, rng: random.Random) -> float:
    if init == "uniform":  # micrograd's
        return rng.uniform(-1.0, 1.0)
    if init in ("xavier", "glorot"):
        a = math.sqrt(6.0 / (nin + nout))
        return rng.uniform(-a, a)
    if init in ("he", "kaiming"):
        return rng.gauss(0.0, math.sqrt(2.0 / nin))
    raise ValueError(f"unknown init {init!r}: use 'uniform', 'xavier' or 'he'")


class Neuron(Module):
    """act(w·x + b) with ``nin`` weights ``w`` and a bias ``b``."""

    def __init__(self, nin: int, activation: str | Activation | None = "relu", *,
                 init: str = "uniform", nout: int = 1, rng: random.Random | None = None,
                 weights: Sequence[float] | None = None, bias: float = 0.0) -> None:
        if not isinstance(nin, int) or nin < 1:
            raise ValueError(f"Neuron: nin must be a positive int, got {nin!r}")
        rng = rng or random.Random()
        if weights is None:
            weights = [_init_weight(init, nin, nout, rng) for _ in range(nin)]
        elif len(weights) != nin:
            raise ValueError(f"Neuron: {len(weights)} weights given for nin={nin}")
        self.w = [Value(wi) for wi in weights]
        self.b = Value(bias)
        self._spec = activation
        self._act = _resolve(activation)

    def __call__(self, x: Sequence[Any]) -> Value:
        if len(x) != len(self.w):
            raise ValueError(f"Neuron expects {len(self.w)} inputs, got {len(x)}")
        z = dot(self.w, x, bias=self.b)
        return z if self._act is None else self._act(z)

    def __repr__(self) -> str:
        name = self._spec if isinstance(self._spec, str) or self._spec is None else "custom"
        return f"Neuron({len(self.w)}, activation={name!r})"


def _resolve(spec: str | Activation | None) -> Activation | None:
    return activation(spec)


class Layer(Module):
    """``nout`` neurons reading the same ``nin`` inputs."""

    def __init__(self, nin: int, nout: int, activation: str | Activation | None = "relu", *,
                 init: str = "uniform", rng: random.Random | None = None) -> None:
        rng = rng or random.Random()
        self.neurons = [Neuron(nin, activation, init=init, nout=nout, rng=rng)
                        for _ in range(nout)]

    def __call__(self, x: Sequence[Any]) -> list[Value]:
        return [n(x) for n in self.neurons]

    def __repr__(self) -> str:
        return f"Layer([{', '.join(repr(n) for n in self.neurons)}])"


class MLP(Module):
    """A multi-layer perceptron: ``MLP(2, [16, 16, 1])`` has ReLU hidden layers
    and a linear output, as micrograd's."""

    def __init__(self, nin: int, nouts: Sequence[int], activation: str | Activation | None = "relu",
                 output_activation: str | Activation | None = None, init: str = "uniform",
                 seed: int | None = None) -> None:
        if not nouts:
            raise ValueError("MLP: nouts must list at least one layer size")
        rng = random.Random(seed)
        sizes = [nin, *nouts]
        self.layers = [
            Layer(sizes[i], sizes[i + 1],
                  activation if i < len(nouts) - 1 else output_activation,
                  init=init, rng=rng)
            for i in range(len(nouts))
        ]

    def __call__(self, x: Sequence[Any]) -> Any:
        out: list[Value] = list(x)
        for layer in self.layers:
            out = layer(out)
        return out[0] if len(out) == 1 else out

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(repr(layer) for layer in self.layers)}]"
