"""Activations by name or callable, and the two with state: PReLU and RReLU.

A name is one of :data:`NAMES` (each a ``Value`` method, so one recorded op
per neuron) or ``"identity"``/``"linear"``/``None`` (no node at all).
``"prelu"`` and ``"rrelu"`` make :class:`PReLU` / :class:`RReLU` modules:

- PReLU(x) = x for x > 0, else a·x, with a learnable slope ``a`` (a
  parameter, 0.25 at start as in PyTorch); ∂/∂x = 1 or a, ∂/∂a = 0 or x.
- RReLU(x) = x for x > 0, else a·x, with a ~ U(lower, upper) drawn afresh
  for every call in training mode and a = (lower + upper)/2 in eval mode.

Layer-wide output activations (``"softmax"``, ``"log_softmax"``) act on all
of a layer's outputs at once; see :data:`LAYER_WIDE`.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from autograd import OPS, Value, log_softmax, prelu, softmax

from .module import Module

Activation = Callable[[Value], Value]

#: Every activation available by name, each a Value method of one op: the ops
#: whose syntax says so (``autograd.OPS[name].syntax.activation``).
NAMES: tuple[str, ...] = tuple(op.syntax.token for op in OPS.values() if op.syntax.activation)
IDENTITY_NAMES = ("identity", "linear", "none")
#: Output activations that act on a whole layer (a list in, a list out).
LAYER_WIDE: dict[str, Callable[[list[Value]], list[Value]]] = {
    "softmax": softmax,
    "log_softmax": log_softmax,
}
STATEFUL = ("prelu", "rrelu")


class PReLU(Module):
    """x for x > 0, else ``weight``·x, with ``weight`` a learnable Value."""

    def __init__(self, init: float = 0.25, *, label: str | None = "a") -> None:
        self.weight = Value(init, label=label)

    def __call__(self, x: Value) -> Value:
        return prelu(x, self.weight)

    def __repr__(self) -> str:
        return f"PReLU(weight={self.weight.data!r})"


class RReLU(Module):
    """Randomised leaky ReLU (Xu et al. 2015, as ``torch.nn.RReLU``): slope
    a ~ U(lower, upper) per call while training, (lower + upper)/2 in eval."""

    def __init__(self, lower: float = 1.0 / 8.0, upper: float = 1.0 / 3.0,
                 seed: int | None = None) -> None:
        if not (isinstance(lower, (int, float)) and isinstance(upper, (int, float))
                and 0 <= lower <= upper):
            raise ValueError(f"RReLU: need 0 <= lower <= upper, got lower={lower!r}, "
                             f"upper={upper!r}")
        self.lower, self.upper = float(lower), float(upper)
        self._rng = random.Random(seed)

    def slope(self) -> float:
        """The slope the next call uses (random while training)."""
        if self.training:
            return self._rng.uniform(self.lower, self.upper)
        return (self.lower + self.upper) / 2.0

    def __call__(self, x: Value) -> Value:
        if not isinstance(x, Value):
            x = Value(x)
        return x.leaky_relu(self.slope())

    def __repr__(self) -> str:
        return f"RReLU(lower={self.lower!r}, upper={self.upper!r})"


def accepted(layer_wide: bool = False) -> str:
    """The activation names accepted (for error messages)."""
    names = NAMES + STATEFUL + ("identity", "linear")
    if layer_wide:
        names += tuple(LAYER_WIDE)
    return ", ".join(names) + ", None or a callable"


def check(spec: object, where: str, *, layer_wide: bool = False) -> None:
    """Refuse an activation ``spec`` that :func:`activation` would not take:
    ValueError for an unknown name (listing the known ones), TypeError for
    something that is neither a name, a callable nor None. ``layer_wide``
    allows ``"softmax"``/``"log_softmax"`` (a layer's output)."""
    if spec is None or callable(spec) and not isinstance(spec, str):
        return
    if not isinstance(spec, str):
        raise TypeError(f"{where}: activation must be a name, a callable or None, "
                        f"got {type(spec).__name__}: {spec!r}")
    name = spec.lower()
    if name in NAMES or name in IDENTITY_NAMES or name in STATEFUL:
        return
    if name in LAYER_WIDE:
        if layer_wide:
            return
        raise ValueError(f"{where}: activation {spec!r} acts on a whole layer: use it as a "
                         f"Layer's or MLP's output activation, not per neuron")
    raise ValueError(f"{where}: unknown activation {spec!r}; accepted: "
                     f"{accepted(layer_wide)}")


def activation(spec: str | Activation | None) -> Activation | None:
    """The activation for ``spec``: a name of :data:`NAMES`, ``"prelu"`` or
    ``"rrelu"`` (a new module each call), a callable (used as is), or
    None/``"identity"``/``"linear"`` (returns None: no node is added)."""
    if spec is None:
        return None
    check(spec, "activation")
    if isinstance(spec, str):
        name = spec.lower()
        if name in IDENTITY_NAMES:
            return None
        if name == "prelu":
            return PReLU()
        if name == "rrelu":
            return RReLU()
        method: Activation = getattr(Value, name)
        return method
    return spec


def name_of(spec: str | Activation | None) -> str | None:
    """A readable name for ``spec`` (used by repr and saving)."""
    if spec is None or isinstance(spec, str):
        return spec
    if isinstance(spec, PReLU):
        return "prelu"
    if isinstance(spec, RReLU):
        return "rrelu"
    return getattr(spec, "__name__", type(spec).__name__)


__all__ = ["Activation", "NAMES", "LAYER_WIDE", "PReLU", "RReLU", "activation",
           "name_of", "check", "accepted"]
