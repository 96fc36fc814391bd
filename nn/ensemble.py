"""``Ensemble``: several models answering together.

``ensemble(x)`` is the average of the members' outputs (a mean node, so the
ensemble trains end to end); ``ensemble.vote(x)`` is the majority class of
the members' own decisions, ties broken by the averaged output's decision.
A member's decision is sign(s − threshold) as −1/+1 for one output score s
(``labels="index"``: 0/1) and the argmax index for several outputs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import autograd
from autograd import Value

from .module import Module, class_key


class Ensemble(Module):
    """Average (``__call__``) or majority vote (``vote``) of ``models``."""

    def __init__(self, models: Sequence[Module]) -> None:
        models = list(models)
        if not models:
            raise ValueError("Ensemble: give at least one model")
        for i, m in enumerate(models):
            if not callable(m):
                raise TypeError(f"Ensemble: models[{i}] is not callable: "
                                f"{type(m).__name__}")
        self.models = models

    def outputs(self, x: Sequence[Any]) -> list[Any]:
        """Each member's output on ``x``."""
        return [m(x) for m in self.models]  # type: ignore[operator]

    def __call__(self, x: Sequence[Any]) -> Any:
        """The mean of the members' outputs (a Value, or a list of Values)."""
        return _average(self.outputs(x))

    def vote(self, x: Sequence[Any], threshold: float = 0.0, labels: str = "sign") -> int:
        """The majority decision of the members (see the module docstring)."""
        if labels not in ("sign", "index"):
            raise ValueError(f"Ensemble.vote: labels must be 'sign' or 'index', got {labels!r}")
        outs = self.outputs(x)
        counts = Counter(_decide(o, threshold, labels) for o in outs)
        ranked = counts.most_common()
        best = [c for c, k in ranked if k == ranked[0][1]]
        if len(best) == 1:
            return best[0]
        return _decide(_average(outs), threshold, labels)

    def config(self) -> dict[str, Any] | None:
        members = []
        for m in self.models:
            cfg = m.config()
            if cfg is None:
                return None
            members.append({"class": class_key(type(m)), "config": cfg})
        return {"models": members}

    @classmethod
    def parameter_count(cls, config: Mapping[str, Any]) -> int:
        """The sum of the members' counts (each from its own config)."""
        from .serialize import planned_parameters

        return sum(planned_parameters(c, m, f"Ensemble member {i}")
                   for i, (c, m) in enumerate(_members(config)))

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Ensemble:
        from .serialize import build

        return cls([build(c, m, f"Ensemble member {i}")
                    for i, (c, m) in enumerate(_members(config))])

    def __repr__(self) -> str:
        inner = ",\n".join(f"  ({i}) " + repr(m).replace("\n", "\n  ")
                           for i, m in enumerate(self.models))
        return f"Ensemble(\n{inner}\n)"


def _members(config: Any) -> list[tuple[Any, Any]]:
    """(class, config) of each member of an Ensemble config."""
    if not isinstance(config, Mapping) or set(config) != {"models"}:
        raise ValueError("an Ensemble config is {\"models\": [{\"class\": ..., "
                         "\"config\": ...}, ...]}")
    members = config["models"]
    if not isinstance(members, list) or not members:
        raise ValueError(f"Ensemble config needs a non-empty list of models, got "
                         f"{type(members).__name__}")
    out = []
    for i, m in enumerate(members):
        if not isinstance(m, Mapping) or set(m) != {"class", "config"}:
            raise ValueError(f"Ensemble member {i} must be {{\"class\": ..., "
                             f"\"config\": ...}}")
        out.append((m["class"], m["config"]))
    return out


def _average(outs: list[Any]) -> Any:
    if all(isinstance(o, (list, tuple)) for o in outs):
        n = len(outs[0])
        if any(len(o) != n for o in outs):
            raise ValueError(f"Ensemble: members give outputs of different sizes "
                             f"{[len(o) for o in outs]}")
        return [autograd.mean([o[j] for o in outs]) for j in range(n)]
    if any(isinstance(o, (list, tuple)) for o in outs):
        raise ValueError("Ensemble: some members give one score, others a list")
    return autograd.mean(outs)


def _score(v: Any) -> float:
    return v.data if isinstance(v, Value) else float(v)


def _decide(out: Any, threshold: float, labels: str) -> int:
    if isinstance(out, (list, tuple)):
        scores = [_score(v) for v in out]
        return max(range(len(scores)), key=scores.__getitem__)
    positive = _score(out) > threshold
    if labels == "sign":
        return 1 if positive else -1
    return 1 if positive else 0


__all__ = ["Ensemble"]
