"""Parameter groups that keep biases out of weight decay."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from autograd import Value


def is_bias(name: str) -> bool:
    """True for names whose last part is ``b`` or ``bias`` (``layers.0.neurons.3.b``)."""
    return name.rsplit(".", 1)[-1] in ("b", "bias")


def decay_groups(named_parameters: Any, weight_decay: float,
                 no_decay: Callable[[str], bool] = is_bias) -> list[dict[str, Any]]:
    """Two parameter groups for any optimiser: the weights with
    ``weight_decay``, and the parameters ``no_decay(name)`` picks (biases by
    default) with none, as in the course's update W ← W − α·∂L/∂W − λW.

    ``named_parameters`` is a Module or an iterable of (name, Value) pairs.

    >>> opt = SGD(decay_groups(model, 5e-4), lr=0.1, momentum=0.9)   # doctest: +SKIP
    """
    if hasattr(named_parameters, "named_parameters"):
        named_parameters = named_parameters.named_parameters()
    if not isinstance(named_parameters, Iterable):
        raise TypeError(f"decay_groups: expected a Module or (name, Value) pairs, "
                        f"got {type(named_parameters).__name__}")
    decay: list[Value] = []
    keep: list[Value] = []
    seen: set[int] = set()
    for item in named_parameters:
        if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], Value)):
            raise TypeError(f"decay_groups: expected (name, Value) pairs, got {item!r}")
        name, p = item
        if id(p) in seen:
            continue
        seen.add(id(p))
        (keep if no_decay(str(name)) else decay).append(p)
    groups = [{"params": decay, "weight_decay": weight_decay},
              {"params": keep, "weight_decay": 0.0}]
    return [g for g in groups if g["params"]]
