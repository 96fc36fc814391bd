"""The plain full-batch SGD loop several nn tests train with (no optimiser class)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import nn


def train_mse(model: Callable[[Any], Any], params: Callable[[], Sequence[Any]],
              X: Sequence[Any], y: Sequence[float], steps: int, lr: float) -> Any:
    """``steps`` steps of p ← p − lr·∂mse/∂p; returns the last loss."""
    loss = None
    for _ in range(steps):
        loss = nn.losses.mse([model(x) for x in X], y)
        for p in params():
            p.grad = 0.0
        loss.backward()
        for p in params():
            p.data -= lr * p.grad
    return loss
