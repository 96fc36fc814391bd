"""Learning-rate schedules as ``torch.optim.lr_scheduler``, to the last digit.

Create the schedule after the optimiser and call ``scheduler.step()`` once
per epoch, after the epoch's ``optimizer.step()`` calls. Like torch, each
``step()`` updates ``group["lr"]`` *recursively* from its current value
(the "chainable" form, e.g. lr ← lr·γ), which is what torch prints; the
closed forms (``lr_at(epoch)``: base_lr·γ^⌊epoch/step⌋, ...) agree up to
rounding. Also reachable as ``nn.optim.lr_scheduler``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from .optim.optimizer import Optimizer, real


def positive_int(value: Any, name: str, where: str) -> int:
    """``value`` if it is an int >= 1, else ValueError naming it."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{where}: {name} must be a positive int, got {value!r}")
    return value


class LRScheduler:
    """Base class: ``step()``, ``get_last_lr()``, ``last_epoch``, ``base_lrs``,
    ``state_dict()`` / ``load_state_dict()``. Subclasses give ``_next_lrs()``
    (the chainable rule) and ``lr_at(epoch)`` (the closed form)."""

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__}: expected an nn.optim optimiser, "
                            f"got {type(optimizer).__name__}")
        if not isinstance(last_epoch, int) or last_epoch < -1:
            raise ValueError(f"{type(self).__name__}: last_epoch must be an int >= -1, "
                             f"got {last_epoch!r}")
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(f"{type(self).__name__}: resuming at last_epoch="
                                   f"{last_epoch} needs 'initial_lr' in param group {i}")
        self.base_lrs: list[float] = [g["initial_lr"] for g in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._step_count = 0
        self._initial = True  # the constructor's step: most schedules keep the lrs
        self.step()
        self._initial = False

    def _lrs(self) -> list[float]:
        return [g["lr"] for g in self.optimizer.param_groups]

    def _next_lrs(self) -> list[float]:
        raise NotImplementedError

    def lr_at(self, epoch: int) -> list[float]:
        """The closed-form learning rates at ``epoch`` (from ``base_lrs``)."""
        raise NotImplementedError

    def step(self) -> None:
        """Advance one epoch and write the new lrs into the optimiser's groups."""
        self._step_count += 1
        self.last_epoch += 1
        lrs = self._next_lrs()
        for group, lr in zip(self.optimizer.param_groups, lrs):
            group["lr"] = lr
        self._last_lr = list(lrs)

    def get_last_lr(self) -> list[float]:
        """The learning rates set by the latest ``step()``, one per group."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """Everything but the optimiser (and callables)."""
        return {k: v for k, v in self.__dict__.items()
                if k != "optimizer" and not callable(v) and k != "lr_lambdas"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        self.__dict__.update(state_dict)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(last_epoch={self.last_epoch}, lrs={self._last_lr})"


class LambdaLR(LRScheduler):
    """lr = base_lr · λ(epoch), with one λ or one per group."""

    def __init__(self, optimizer: Optimizer,
                 lr_lambda: Callable[[int], float] | list[Callable[[int], float]],
                 last_epoch: int = -1) -> None:
        n = len(optimizer.param_groups) if isinstance(optimizer, Optimizer) else 0
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != n:
                raise ValueError(f"LambdaLR: {len(lr_lambda)} lr_lambdas for {n} groups")
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * n
        for f in self.lr_lambdas:
            if not callable(f):
                raise TypeError(f"LambdaLR: lr_lambda must be callable, got {type(f).__name__}")
        super().__init__(optimizer, last_epoch)

    def _next_lrs(self) -> list[float]:
        return self.lr_at(self.last_epoch)

    def lr_at(self, epoch: int) -> list[float]:
        return [base * f(epoch) for f, base in zip(self.lr_lambdas, self.base_lrs)]


class StepLR(LRScheduler):
    """lr ← lr·γ every ``step_size`` epochs: base_lr·γ^⌊epoch/step_size⌋."""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        self.step_size = positive_int(step_size, "step_size", "StepLR")
        self.gamma = real(gamma, "gamma", "StepLR")
        super().__init__(optimizer, last_epoch)

    def _next_lrs(self) -> list[float]:
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._lrs()
        return [lr * self.gamma for lr in self._lrs()]

    def lr_at(self, epoch: int) -> list[float]:
        return [base * self.gamma ** (epoch // self.step_size) for base in self.base_lrs]


class MultiStepLR(LRScheduler):
    """lr ← lr·γ at each milestone epoch (γ^k if listed k times)."""

    def __init__(self, optimizer: Optimizer, milestones: Iterable[int], gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        ms = list(milestones)
        for m in ms:
            if not isinstance(m, int) or isinstance(m, bool):
                raise TypeError(f"MultiStepLR: milestones must be ints, got {m!r}")
        self.milestones = Counter(ms)
        self.gamma = real(gamma, "gamma", "MultiStepLR")
        super().__init__(optimizer, last_epoch)

    def _next_lrs(self) -> list[float]:
        if self.last_epoch not in self.milestones:  # (torch decays at a milestone 0 too)
            return self._lrs()
        return [lr * self.gamma ** self.milestones[self.last_epoch] for lr in self._lrs()]

    def lr_at(self, epoch: int) -> list[float]:
        k = sum(c for m, c in self.milestones.items() if m <= epoch)
        return [base * self.gamma ** k for base in self.base_lrs]


class ExponentialLR(LRScheduler):
    """lr ← lr·γ every epoch: base_lr·γ^epoch."""

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = real(gamma, "gamma", "ExponentialLR")
        super().__init__(optimizer, last_epoch)

    def _next_lrs(self) -> list[float]:
        if self._initial:
            return self._lrs()
        return [lr * self.gamma for lr in self._lrs()]

    def lr_at(self, epoch: int) -> list[float]:
        return [base * self.gamma ** epoch for base in self.base_lrs]


class PolynomialLR(LRScheduler):
    """base_lr·(1 − epoch/total_iters)^power until ``total_iters``, then
    constant (0 from there). Chainable: lr ← lr·((1 − e/T)/(1 − (e−1)/T))^power."""

    def __init__(self, optimizer: Optimizer, total_iters: int = 5, power: float = 1.0,
                 last_epoch: int = -1) -> None:
        self.total_iters = positive_int(total_iters, "total_iters", "PolynomialLR")
        self.power = real(power, "power", "PolynomialLR")
        super().__init__(optimizer, last_epoch)

    def _next_lrs(self) -> list[float]:
        e, total = self.last_epoch, self.total_iters
        if self._initial or e > total:
            return self._lrs()
        factor = ((1.0 - e / total) / (1.0 - (e - 1) / total)) ** self.power
        return [lr * factor for lr in self._lrs()]

    def lr_at(self, epoch: int) -> list[float]:
        f = (1.0 - min(self.total_iters, epoch) / self.total_iters) ** self.power
        return [base * f for base in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    """η_min + (base_lr − η_min)·(1 + cos(π·epoch/T_max))/2, applied
    recursively as torch does (and rising again after T_max)."""

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0,  # noqa: N803
                 last_epoch: int = -1) -> None:
        self.T_max = positive_int(T_max, "T_max", "CosineAnnealingLR")
        self.eta_min = real(eta_min, "eta_min", "CosineAnnealingLR")
        super().__init__(optimizer, last_epoch)

    def _next_lrs(self) -> list[float]:
        e, t, lo = self.last_epoch, self.T_max, self.eta_min
        if self._initial:
            return self._lrs()
        if self._step_count == 1 and e > 0:  # resumed at last_epoch > 0: closed form
            return self.lr_at(e)
        if (e - 1 - t) % (2 * t) == 0:
            return [lr + (base - lo) * (1 - math.cos(math.pi / t)) / 2
                    for lr, base in zip(self._lrs(), self.base_lrs)]
        return [(1 + math.cos(math.pi * e / t)) / (1 + math.cos(math.pi * (e - 1) / t))
                * (lr - lo) + lo for lr in self._lrs()]

    def lr_at(self, epoch: int) -> list[float]:
        return [self.eta_min + (base - self.eta_min) * (1 + math.cos(math.pi * epoch / self.T_max))
                / 2 for base in self.base_lrs]
