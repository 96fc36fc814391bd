"""What a training run records and when it stops: ``History``, ``EarlyStopping``."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from autograd import Value


class History(dict[str, list[float]]):
    """``history["loss"][e]``: the value at epoch e (0-based), for ``"loss"``,
    ``"lr"``, each metric, and ``"val_..."`` with validation. ``stopped_epoch``
    is the epoch early stopping ended on (None if it did not), ``best_epoch``
    the one whose parameters were kept."""

    stopped_epoch: int | None = None
    best_epoch: int | None = None

    @property
    def epochs(self) -> int:
        """How many epochs ran."""
        return len(self.get("loss", []))

    def plot(self, keys: Sequence[str] | None = None, ax: Any = None) -> Any:
        """The curves of ``keys`` (default: the losses); see :func:`nn.plot.loss_curves`."""
        from ..plot import loss_curves
        return loss_curves(self, keys=keys, ax=ax)

    def __repr__(self) -> str:
        last = ", ".join(f"{k}={v[-1]:.4g}" for k, v in self.items() if v)
        return f"History({self.epochs} epochs: {last})"


@dataclass
class EarlyStopping:
    """Stop when ``monitor`` (default ``val_loss`` with validation, else
    ``loss``) has not improved by more than ``min_delta`` for ``patience``
    epochs; losses improve downwards, other metrics upwards. With
    ``restore_best`` the parameters of the best epoch are put back."""

    patience: int = 5
    monitor: str | None = None
    min_delta: float = 0.0
    restore_best: bool = True

    def __post_init__(self) -> None:
        if isinstance(self.patience, bool) or not isinstance(self.patience, int) \
                or self.patience < 0:
            raise ValueError(f"EarlyStopping: patience must be an int >= 0, "
                             f"got {self.patience!r}")
        if not isinstance(self.min_delta, (int, float)) or self.min_delta < 0:
            raise ValueError(f"EarlyStopping: min_delta must be a number >= 0, "
                             f"got {self.min_delta!r}")


class _Stopper:
    """Early-stopping bookkeeping: best value, epochs without improvement, and
    the parameters of the best epoch."""

    def __init__(self, rule: EarlyStopping | None, has_validation: bool,
                 params: list[Value]) -> None:
        self.rule, self.params = rule, params
        self.best = math.inf
        self.best_epoch: int | None = None
        self.best_params: list[float] | None = None
        self.waited = 0
        if rule is not None:
            self.monitor = rule.monitor or ("val_loss" if has_validation else "loss")
            self.sign = 1.0 if self.monitor.endswith("loss") else -1.0

    def update(self, epoch: int, row: dict[str, float]) -> bool:
        if self.rule is None:
            return False
        if self.monitor not in row:
            raise ValueError(f"fit: early stopping monitors {self.monitor!r}, which the "
                             f"history does not have (it has {sorted(row)})")
        value = self.sign * row[self.monitor]
        if value < self.best - self.rule.min_delta:
            self.best, self.best_epoch, self.waited = value, epoch, 0
            if self.rule.restore_best:
                self.best_params = [p.data for p in self.params]
            return False
        self.waited += 1
        return self.waited >= self.rule.patience  # as Keras: patience epochs without gain

    def finish(self) -> int | None:
        if self.best_params is not None:
            for p, v in zip(self.params, self.best_params):
                p.data = v
        return self.best_epoch
