"""``fit``: the training loop, with a tqdm progress bar and a per-epoch history.

One epoch: for each mini-batch (shuffled with ``seed``), predictions
ŷᵢ = model(xᵢ), objective J = loss(ŷ, y) + penalty, ``zero_grad``,
``J.backward()``, ``optimizer.step()``; after the epoch, ``scheduler.step()``.
The history records, per epoch, the mean objective over the epoch's batches
(weighted by batch size, measured before each update, as Keras does), the
metrics on those same predictions, the learning rate, and with ``validation``
the same quantities on the validation set after the epoch (``val_`` prefix).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Any

import autograd
from autograd import Value

from .. import data as _data
from .. import losses as _losses
from ..lr_scheduler import LRScheduler
from ..optim import SGD, LineSearchGD
from ..optim.optimizer import Optimizer
from .history import EarlyStopping, History, _Stopper
from .metrics import Metric, _metrics
from .progress import _bar, _progress_target

Loss = Callable[[list[Any], list[Any]], Value]


def _loss(loss: Any) -> Loss:
    if isinstance(loss, str):
        if loss not in _losses.LOSSES:
            raise ValueError(f"fit: unknown loss {loss!r}: use one of "
                             f"{', '.join(_losses.LOSSES)}, or a callable "
                             f"loss(predictions, targets) -> Value")
        fn: Loss = getattr(_losses, loss)
        return fn
    if callable(loss):
        return loss
    raise TypeError(f"fit: loss must be a name from nn.losses or a callable "
                    f"loss(predictions, targets) -> Value, got {type(loss).__name__}")


def _penalty(penalty: Any, model: Any) -> Callable[[], Value] | None:
    if penalty is None:
        return None
    if callable(penalty):
        return lambda: penalty(model)
    if isinstance(penalty, (int, float)) and not isinstance(penalty, bool):
        lam = float(penalty)
        if lam < 0 or math.isnan(lam):
            raise ValueError(f"fit: penalty must be >= 0, got {penalty!r}")
        return lambda: lam * _losses.l2_penalty(model.parameters())
    raise TypeError(f"fit: penalty must be a number λ (λ·Σp²) or a callable "
                    f"penalty(model) -> Value, got {type(penalty).__name__}")


def _check_int(x: Any, name: str, low: int) -> int:
    if isinstance(x, bool) or not isinstance(x, int) or x < low:
        raise ValueError(f"fit: {name} must be an int >= {low}, got {x!r}")
    return x


def evaluate(model: Any, X: Sequence[Any], y: Sequence[Any], loss: Any = None,
             metrics: Any = "auto", penalty: Any = None) -> dict[str, float]:
    """``{"loss": ..., metric: ...}`` of ``model`` on (X, y), without
    recording a graph (``loss`` omitted: metrics only)."""
    if len(X) != len(y) or not len(X):
        raise ValueError(f"evaluate: X has {len(X)} samples but y has {len(y)}; "
                         f"need the same, > 0")
    loss_fn = None if loss is None else _loss(loss)
    return _evaluate(model, X, y, loss_fn, _metrics(metrics, y, loss_fn),
                     _penalty(penalty, model))


def _evaluate(model: Any, X: Sequence[Any], y: Sequence[Any], loss_fn: Loss | None,
              metric_fns: dict[str, Metric], pen: Callable[[], Value] | None
              ) -> dict[str, float]:
    out: dict[str, float] = {}
    with autograd.no_grad():
        preds = [model(x) for x in X]
        if loss_fn is not None:
            j = loss_fn(preds, list(y))
            out["loss"] = (j + pen()).data if pen is not None else j.data
    snap = [_snapshot(p) for p in preds]
    out.update({name: float(m(snap, list(y))) for name, m in metric_fns.items()})
    return out


def fit(model: Any, X: Sequence[Any], y: Sequence[Any], *, loss: Any,
        optimizer: Optimizer | None = None, epochs: int = 10, batch_size: int | None = None,
        scheduler: LRScheduler | None = None, metrics: Any = "auto",
        validation: tuple[Sequence[Any], Sequence[Any]] | None = None,
        early_stopping: EarlyStopping | int | None = None, progress: Any = True,
        penalty: Any = None, shuffle: bool = True, seed: int | None = None) -> History:
    """Train ``model`` on (X, y) and return its :class:`History`.

    - ``loss``: a name from ``nn.losses`` (``"hinge"``, ``"mse"``,
      ``"cross_entropy"``...) or ``loss(predictions, targets) -> Value`` over a batch.
    - ``optimizer``: default ``SGD(model.parameters(), lr=0.1)``. A
      ``LineSearchGD`` gets the batch's closure (use the full batch) and
      training stops once its gradient norm is below its tolerance.
    - ``batch_size``: None for full batch; batches are reshuffled every epoch
      (``shuffle``, ``seed``).
    - ``scheduler``: stepped once after every epoch.
    - ``metrics``: ``"auto"`` (accuracy when y holds class labels), a list of
      ``"accuracy"`` and/or callables ``metric(predictions, targets)``, or None.
    - ``validation``: ``(X_val, y_val)``, evaluated after every epoch.
    - ``early_stopping``: an :class:`EarlyStopping`, or an int (its patience).
    - ``penalty``: λ adds λ·Σp² to the objective; or ``penalty(model) -> Value``.
    - ``progress``: a tqdm bar with loss and metrics, per epoch: with True on
      stderr when it is a terminal, as a widget in Jupyter, else nowhere;
      False: never; a text stream: written there.
    """
    loss_fn = _loss(loss)
    epochs = _check_int(epochs, "epochs", 0)
    n = len(X)
    if n != len(y) or n == 0:
        raise ValueError(f"fit: X has {n} samples but y has {len(y)}; need the same, > 0")
    if batch_size is not None:
        _check_int(batch_size, "batch_size", 1)
    if optimizer is None:
        optimizer = SGD(model.parameters(), lr=0.1)
    elif not isinstance(optimizer, Optimizer):
        raise TypeError(f"fit: optimizer must be an nn.optim optimiser, "
                        f"got {type(optimizer).__name__}")
    if scheduler is not None and not isinstance(scheduler, LRScheduler):
        raise TypeError(f"fit: scheduler must be an nn.lr_scheduler schedule, "
                        f"got {type(scheduler).__name__}")
    if validation is not None:
        if not (isinstance(validation, (tuple, list)) and len(validation) == 2):
            raise TypeError("fit: validation must be a pair (X_val, y_val)")
        if len(validation[0]) != len(validation[1]) or not len(validation[0]):
            raise ValueError(f"fit: validation X has {len(validation[0])} samples, "
                             f"y has {len(validation[1])}")
    if isinstance(early_stopping, int) and not isinstance(early_stopping, bool):
        early_stopping = EarlyStopping(patience=early_stopping)
    elif early_stopping is not None and not isinstance(early_stopping, EarlyStopping):
        raise TypeError(f"fit: early_stopping must be an EarlyStopping or an int patience, "
                        f"got {type(early_stopping).__name__}")
    metric_fns = _metrics(metrics, y, loss_fn)
    pen = _penalty(penalty, model)
    loader = _data.DataLoader(X, y, batch_size or n, shuffle=shuffle and batch_size is not None,
                              seed=seed)
    params = [p for g in optimizer.param_groups for p in g["params"]]
    history = History()
    stopper = _Stopper(early_stopping, validation is not None, params)
    bar = _bar(epochs, _progress_target(progress))

    def forward(xb: list[Any], yb: list[Any]) -> tuple[list[Any], Value]:
        preds = [model(x) for x in xb]
        objective = loss_fn(preds, yb)
        if pen is not None:
            objective = objective + pen()
        if not isinstance(objective, Value):
            raise TypeError(f"fit: the loss must return a Value, got {type(objective).__name__}")
        return preds, objective

    def closure(xb: list[Any], yb: list[Any]) -> Value:  # for LineSearchGD
        assert optimizer is not None
        optimizer.zero_grad()
        objective = forward(xb, yb)[1]
        objective.backward()
        return objective

    try:
        for epoch in range(epochs):
            lr = optimizer.param_groups[0]["lr"]
            total, preds_all, y_all = 0.0, [], []
            for batch, (xb, yb) in enumerate(loader):
                preds, objective = forward(xb, yb)
                if math.isnan(objective.data):
                    raise FloatingPointError(
                        f"fit: the loss is nan at epoch {epoch}, batch {batch} (after "
                        f"{epoch} epochs); lower the learning rate or check the data")
                optimizer.zero_grad()
                objective.backward()
                if isinstance(optimizer, LineSearchGD):
                    optimizer.step(functools.partial(closure, xb, yb))
                else:
                    optimizer.step()
                total += objective.data * len(xb)
                preds_all += [_snapshot(p) for p in preds]
                y_all += yb
            row = {"loss": total / n, "lr": lr}
            row.update({k: float(m(preds_all, y_all)) for k, m in metric_fns.items()})
            if validation is not None:
                val = _evaluate(model, validation[0], validation[1], loss_fn, metric_fns, pen)
                row.update({f"val_{k}": v for k, v in val.items()})
            for k, v in row.items():
                history.setdefault(k, []).append(v)
            if scheduler is not None:
                scheduler.step()
            if bar is not None:
                bar.set_postfix({k: f"{v:.4g}" for k, v in row.items() if k != "lr"},
                                refresh=False)
                bar.update(1)
            if stopper.update(epoch, row) or getattr(optimizer, "converged", False):
                history.stopped_epoch = epoch
                break
    finally:
        if bar is not None:
            bar.close()
    history.best_epoch = stopper.finish()
    return history


def _snapshot(pred: Any) -> Any:
    """A prediction's numbers (the graph can then be freed)."""
    if isinstance(pred, Value):
        return pred.data
    if isinstance(pred, (list, tuple)):
        return [_snapshot(p) for p in pred]
    return float(pred)
