"""The two engines behind one small interface, each used in its own idiom.

chainrule uses its fast public API: n-ary ``autograd.sum`` / ``autograd.mean``,
``autograd.dot(ps, ps)`` for Σp², ``nn.MLP`` (one ``affine`` node per neuron)
and numbers fed straight into the model. micrograd 0.1.0 is used as its demo
notebook does: Python's ``sum`` (a chain of binary ``+`` nodes),
``sum(p*p for p in params)``, ``sum(losses) * (1.0 / len(losses))`` and inputs
wrapped in ``Value``.

micrograd 0.1.0 has no ``tanh`` (W1 needs it), so :func:`micrograd_tanh` adds
one in micrograd's own style (a node with a ``_backward`` closure), as in the
lecture that introduced micrograd; its value is ``math.tanh`` like chainrule's.

Both engines build their MLP from the same initial weights: micrograd's model
gets a copy of the weights of ``nn.MLP(nin, nouts, seed=seed)``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

ENGINES = ("chainrule", "micrograd")


class Engine:
    """What a workload needs from an engine; see the two subclasses."""

    name = ""

    def value(self, x: float) -> Any:
        """A leaf holding ``x``."""
        raise NotImplementedError

    def tanh(self, v: Any) -> Any:
        raise NotImplementedError

    def total(self, xs: list[Any]) -> Any:
        """Σ xs."""
        raise NotImplementedError

    def mean(self, xs: list[Any]) -> Any:
        """(1/n) Σ xs."""
        raise NotImplementedError

    def sum_of_squares(self, ps: list[Any]) -> Any:
        """Σ p²."""
        raise NotImplementedError

    def mlp(self, nin: int, nouts: Sequence[int], seed: int) -> Any:
        """An MLP with ReLU hidden layers and a linear output, initial weights
        those of ``nn.MLP(nin, nouts, seed=seed)``."""
        raise NotImplementedError

    def model_input(self, row: Sequence[float]) -> list[Any]:
        """One sample as the engine's idiom feeds it to a model."""
        raise NotImplementedError

    def children(self, v: Any) -> Iterable[Any]:
        """The inputs of node ``v`` (to count the nodes of a graph)."""
        raise NotImplementedError


class Chainrule(Engine):
    name = "chainrule"

    def __init__(self) -> None:
        import autograd
        import nn

        self._ag = autograd
        self._nn = nn
        self.Value = autograd.Value

    def value(self, x: float) -> Any:
        return self.Value(x)

    def tanh(self, v: Any) -> Any:
        return v.tanh()

    def total(self, xs: list[Any]) -> Any:
        return self._ag.sum(xs)

    def mean(self, xs: list[Any]) -> Any:
        return self._ag.mean(xs)

    def sum_of_squares(self, ps: list[Any]) -> Any:
        return self._ag.dot(ps, ps)

    def mlp(self, nin: int, nouts: Sequence[int], seed: int) -> Any:
        return self._nn.MLP(nin, list(nouts), seed=seed)

    def model_input(self, row: Sequence[float]) -> list[Any]:
        return list(row)

    def children(self, v: Any) -> Iterable[Any]:
        return v.children


def micrograd_tanh(self: Any) -> Any:
    """tanh as a micrograd node: value tanh x, local derivative 1 − tanh² x."""
    from micrograd.engine import Value  # type: ignore[import-untyped]

    t = math.tanh(self.data)
    out = Value(t, (self,), "tanh")

    def _backward() -> None:
        self.grad += (1 - t * t) * out.grad

    out._backward = _backward
    return out


class Micrograd(Engine):
    name = "micrograd"

    def __init__(self) -> None:
        try:
            import micrograd.engine  # type: ignore[import-untyped]
            import micrograd.nn  # type: ignore[import-untyped]
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError("the benchmark compares against micrograd==0.1.0: "
                              "pip install -e '.[bench]' (make bench does it)") from e
        self._nn = micrograd.nn
        self.Value = micrograd.engine.Value

    def value(self, x: float) -> Any:
        return self.Value(x)

    def tanh(self, v: Any) -> Any:
        return micrograd_tanh(v)

    def total(self, xs: list[Any]) -> Any:
        return sum(xs)

    def mean(self, xs: list[Any]) -> Any:
        return sum(xs) * (1.0 / len(xs))

    def sum_of_squares(self, ps: list[Any]) -> Any:
        return sum(p * p for p in ps)

    def mlp(self, nin: int, nouts: Sequence[int], seed: int) -> Any:
        model = self._nn.MLP(nin, list(nouts))
        copy_weights(Chainrule().mlp(nin, nouts, seed), model)
        return model

    def model_input(self, row: Sequence[float]) -> list[Any]:
        return [self.Value(x) for x in row]

    def children(self, v: Any) -> Iterable[Any]:
        return v._prev


def copy_weights(source: Any, target: Any) -> None:
    """Give micrograd MLP ``target`` the weights and biases of chainrule MLP ``source``."""
    if len(source.layers) != len(target.layers):
        raise ValueError(f"copy_weights: {len(source.layers)} layers vs {len(target.layers)}")
    for i, (ls, lt) in enumerate(zip(source.layers, target.layers)):
        if len(ls.neurons) != len(lt.neurons):
            raise ValueError(f"copy_weights: layer {i} has {len(ls.neurons)} vs "
                             f"{len(lt.neurons)} neurons")
        for j, (ns, nt) in enumerate(zip(ls.neurons, lt.neurons)):
            if len(ns.w) != len(nt.w):
                raise ValueError(f"copy_weights: neuron {i}.{j} has {len(ns.w)} vs "
                                 f"{len(nt.w)} weights")
            for ws, wt in zip(ns.w, nt.w):
                wt.data = ws.data
            nt.b.data = ns.b.data


def make_engine(name: str) -> Engine:
    """The engine called ``name`` (one of :data:`ENGINES`)."""
    if name == "chainrule":
        return Chainrule()
    if name == "micrograd":
        return Micrograd()
    raise ValueError(f"unknown engine {name!r}: use one of {', '.join(ENGINES)}")
