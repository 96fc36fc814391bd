"""Metrics computed on a model's predictions: ``accuracy``, and the ``metrics=``
argument of ``fit``/``evaluate``."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from autograd import Value

from .. import losses as _losses

Metric = Callable[[list[Any], list[Any]], float]


def accuracy(predictions: Sequence[Any], targets: Sequence[Any],
             threshold: float | None = None) -> float:
    """Fraction of correct predictions. A list of class scores is right when
    its argmax is the target index; a single score s is class s > threshold,
    with threshold 0 for −1/+1 labels (margins, logits) and ½ for 0/1 labels
    (probabilities) unless given."""
    if len(predictions) != len(targets) or not targets:
        raise ValueError(f"accuracy: {len(predictions)} predictions for {len(targets)} targets")
    if threshold is None:
        threshold = 0.0 if any(_num(t) < 0 for t in targets
                               if not isinstance(t, (list, tuple))) else 0.5
    right = 0
    for p, t in zip(predictions, targets):
        if isinstance(p, (list, tuple)):
            scores = [_num(s) for s in p]
            right += max(range(len(scores)), key=scores.__getitem__) == int(_num(t))
        else:
            right += (_num(p) > threshold) == (_num(t) > threshold)
    return right / len(targets)


def _num(x: Any) -> float:
    return x.data if isinstance(x, Value) else float(x)


def _is_label(t: Any) -> bool:
    return (isinstance(t, int) and not isinstance(t, bool)) or (
        isinstance(t, float) and t.is_integer())


def _metrics(spec: Any, y: Sequence[Any], loss_fn: Any) -> dict[str, Metric]:
    if spec == "auto":
        spec = ["accuracy"] if all(_is_label(t) for t in y) else []
    elif spec is None:
        spec = []
    elif isinstance(spec, str) or callable(spec):
        spec = [spec]
    out: dict[str, Metric] = {}
    for m in spec:
        if m == "accuracy":
            threshold = 0.0 if loss_fn is _losses.bce_with_logits else None
            out["accuracy"] = functools.partial(accuracy, threshold=threshold)
        elif callable(m):
            out[getattr(m, "__name__", type(m).__name__)] = m
        else:
            raise ValueError(f"fit: unknown metric {m!r}: use 'accuracy' or a callable "
                             f"metric(predictions, targets) -> float")
    return out
