"""``Module``: anything with parameters (Values), found by walking attributes.

Parameters are the Values held in public attributes, in lists/tuples of
them and in sub-modules, named by their path: ``layers.0.neurons.3.w.1`` is
weight 1 of neuron 3 of layer 0. Attributes starting with ``_`` are private
(not parameters, not sub-modules).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

from autograd import Value


class Module:
    """Base class of every network part: parameters, modes, state, saving."""

    training: bool = True
    #: Every Module subclass by class name (what ``nn.load`` can rebuild).
    registry: ClassVar[dict[str, type[Module]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        Module.registry[class_key(cls)] = cls

    # -- parameters -------------------------------------------------------------
    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Value]]:
        """(name, parameter) pairs with stable dotted names, e.g.
        ``layers.0.neurons.3.w.1``, in attribute order. A module that holds
        itself (directly or through sub-modules or lists) is a ValueError
        naming the attribute that closes the cycle."""
        yield from _named(self, prefix[:-1] if prefix.endswith(".") else prefix, set())

    def parameters(self) -> list[Value]:
        """Every parameter, each once (shared ones too), in a stable order (that
        of :meth:`named_parameters`, walked without making the names)."""
        out: list[Value] = []
        try:
            _collect(self, out, set(), set())
        except _Cycle:
            list(self.named_parameters())  # raises the ValueError naming the attribute
            raise AssertionError("unreachable: named_parameters found no cycle") from None
        return out

    def modules(self) -> Iterator[Module]:
        """This module and every sub-module, depth first (a shared sub-module
        once per place it is held; a cycle is a ValueError)."""
        yield from _modules(self, type(self).__name__, set())

    @classmethod
    def parameter_count(cls, config: Mapping[str, Any]) -> int | None:
        """How many parameters ``from_config(config)`` would create, computed
        from ``config`` alone (nothing is built); ValueError for a config the
        class would refuse. ``None`` (the default) means the class cannot
        tell: ``nn.load`` then refuses to rebuild it from a file, since it
        could not check the size first (load into an instance instead)."""
        return None

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0."""
        for p in self.parameters():
            p.grad = 0.0

    # -- modes --------------------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Training mode (matters for layers such as RReLU); returns self."""
        if not isinstance(mode, bool):
            raise TypeError(f"train(mode): mode must be a bool, got {type(mode).__name__}")
        for m in self.modules():
            m.training = mode
        return self

    def eval(self) -> Module:
        """Evaluation mode; returns self."""
        return self.train(False)

    # -- state ------------------------------------------------------------------------
    def state_dict(self) -> dict[str, float]:
        """Every parameter's value by name (a copy: floats, not Values)."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, Any], strict: bool = True) -> None:
        """Set parameters from ``state`` (as ``state_dict`` returns). Missing or
        unexpected names (with ``strict``), a sequence of the wrong size, a
        value that is not a finite real number: ValueError/TypeError naming it,
        and no parameter changes."""
        from .serialize import load_state

        load_state(self, state, strict=strict)

    def config(self) -> dict[str, Any] | None:
        """The constructor arguments that rebuild this module (JSON values), or
        None if it cannot be rebuilt from a file (then load into an instance)."""
        return None

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Module:
        """A new module built from :meth:`config`'s output."""
        return cls(**config)

    def save(self, path: str | Path) -> None:
        """Write the model (class, config, parameters) to ``path`` as JSON."""
        from .serialize import save

        save(self, path)

    def to_torch(self) -> Any:
        """A float64 ``torch.nn.Module`` computing the same function with the same
        weights (Neuron, Layer and MLP; needs ``pip install 'chainrule[torch]'``).
        See :mod:`nn.torch_bridge`."""
        from .torch_bridge import to_torch

        return to_torch(self)

    def __repr__(self) -> str:
        n = len(self.parameters())
        return f"{type(self).__name__}()  # {n} parameters"


def class_key(cls: type) -> str:
    """How a file names a module class: ``MLP`` for chainrule's own classes,
    ``package.module.Class`` for anyone else's."""
    if cls.__module__ == "nn" or cls.__module__.startswith("nn."):
        return cls.__qualname__
    return f"{cls.__module__}.{cls.__qualname__}"


def _named(attr: Any, name: str, active: set[int]) -> Iterator[tuple[str, Value]]:
    """Walk ``attr`` depth first; ``active`` holds the ids of the modules and
    lists on the current path (a cycle back to one of them is an error)."""
    if isinstance(attr, Value):
        yield name, attr
        return
    if isinstance(attr, Module):
        children: Iterator[tuple[str, Any]] = (
            (k, v) for k, v in vars(attr).items() if not k.startswith("_"))
    elif isinstance(attr, (list, tuple)):
        children = ((str(i), v) for i, v in enumerate(attr))
    else:
        return
    key = id(attr)
    if key in active:
        raise ValueError(f"{name or type(attr).__name__!r} holds a module or list that "
                         f"contains it (a cycle): its parameters cannot be listed")
    active.add(key)
    try:
        for k, v in children:
            yield from _named(v, f"{name}.{k}" if name else k, active)
    finally:
        active.discard(key)


class _Cycle(Exception):
    """A module or list holds itself (named by ``named_parameters``)."""


def _collect(attr: Any, out: list[Value], seen: set[int], active: set[int]) -> None:
    """The parameters under ``attr`` in ``_named``'s order, each once, into ``out``."""
    if isinstance(attr, Value):
        if id(attr) not in seen:
            seen.add(id(attr))
            out.append(attr)
        return
    if isinstance(attr, Module):
        children: Any = [v for k, v in vars(attr).items() if not k.startswith("_")]
    elif isinstance(attr, (list, tuple)):
        children = attr
    else:
        return
    key = id(attr)
    if key in active:
        raise _Cycle
    active.add(key)
    for v in children:
        _collect(v, out, seen, active)
    active.discard(key)


def _modules(m: Module, name: str, active: set[int]) -> Iterator[Module]:
    key = id(m)
    if key in active:
        raise ValueError(f"{name!r} holds a module that contains it (a cycle)")
    active.add(key)
    try:
        yield m
        for k, attr in vars(m).items():
            if k.startswith("_"):
                continue
            items = enumerate(attr) if isinstance(attr, (list, tuple)) else [(None, attr)]
            for i, sub in items:
                if isinstance(sub, Module):
                    yield from _modules(sub, f"{name}.{k}" if i is None else f"{name}.{k}.{i}",
                                        active)
    finally:
        active.discard(key)
