"""``Module``: anything with parameters (Values), found by walking attributes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from autograd import Value


class Module:
    """Base class: parameters are the Values held in attributes, lists of
    Values, sub-modules and lists of sub-modules, in attribute order."""

    training: bool = True

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Value]]:
        """(name, parameter) pairs with stable dotted names, e.g.
        ``layers.0.neurons.3.w.1``."""
        for name, attr in vars(self).items():
            if name.startswith("_"):
                continue
            yield from _named(attr, f"{prefix}{name}")

    def parameters(self) -> list[Value]:
        """Every parameter, each once, in a stable order."""
        seen: set[int] = set()
        out = []
        for _, p in self.named_parameters():
            if id(p) not in seen:
                seen.add(id(p))
                out.append(p)
        return out

    def modules(self) -> Iterator[Module]:
        """This module and every sub-module, depth first."""
        yield self
        for attr in vars(self).values():
            for m in attr if isinstance(attr, (list, tuple)) else [attr]:
                if isinstance(m, Module):
                    yield from m.modules()

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0."""
        for p in self.parameters():
            p.grad = 0.0

    def train(self, mode: bool = True) -> Module:
        """Training mode (matters for layers such as RReLU); returns self."""
        for m in self.modules():
            m.training = mode
        return self

    def eval(self) -> Module:
        """Evaluation mode; returns self."""
        return self.train(False)


def _named(attr: Any, name: str) -> Iterator[tuple[str, Value]]:
    if isinstance(attr, Value):
        yield name, attr
    elif isinstance(attr, Module):
        yield from attr.named_parameters(prefix=name + ".")
    elif isinstance(attr, (list, tuple)):
        for i, item in enumerate(attr):
            yield from _named(item, f"{name}.{i}")
