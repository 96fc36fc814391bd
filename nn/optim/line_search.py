"""Full-batch gradient descent with a backtracking step size."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from autograd import Value, enable_grad

from .optimizer import Optimizer, real

Closure = Callable[[], Any]


@dataclass
class LineSearchResult:
    """How :meth:`LineSearchGD.minimize` ended."""

    steps: int          # accepted descent steps
    loss: float         # loss at the final parameters
    grad_norm: float    # ‖∇loss‖₂ at the final parameters
    reason: str         # "tolerance", "budget" or "no decrease"

    @property
    def converged(self) -> bool:
        return self.reason == "tolerance"


class LineSearchGD(Optimizer):
    """Gradient descent p ← p − t·∇L(p) where each step tries t = lr (1 by
    default), then t·shrink, t·shrink², ... (halving by default) until the
    loss strictly decreases, at most ``max_halvings`` times.

    Full batch: ``step(closure)`` needs a closure that zeroes the grads,
    computes the loss on all the data, calls ``backward()`` and returns the
    loss. A step does nothing when ‖∇L‖₂ ≤ ``tol`` (``converged`` becomes True)
    or when no tried t decreases the loss (``stalled`` becomes True).
    :meth:`minimize` repeats steps until one of those or ``max_iter`` steps.
    """

    def __init__(self, params: Any, lr: float = 1.0, shrink: float = 0.5, tol: float = 1e-6,
                 max_halvings: int = 40) -> None:
        super().__init__(params, dict(lr=lr))
        self.shrink = real(shrink, "shrink", "LineSearchGD", low=0.0, low_open=True,
                           high=1.0, high_open=True)
        self.tol = real(tol, "tol", "LineSearchGD")
        if not isinstance(max_halvings, int) or max_halvings < 0:
            raise ValueError(f"LineSearchGD: max_halvings must be an int >= 0, "
                             f"got {max_halvings!r}")
        self.max_halvings = max_halvings
        self.converged = False
        self.stalled = False
        self.last_step_size = 0.0
        self.grad_norm = math.inf

    def _check_option(self, key: str, value: Any, where: str) -> Any:
        return real(value, key, where, low=0.0, low_open=True)

    def _params(self) -> list[Value]:
        return [p for g in self.param_groups for p in g["params"]]

    def step(self, closure: Closure | None = None) -> Any:
        """One backtracking step; returns the loss at the new parameters
        (at the old ones if the step was not taken)."""
        if closure is None:
            raise TypeError("LineSearchGD.step needs a closure that zeroes the grads, "
                            "computes the full-batch loss, calls backward() and returns it")
        with enable_grad():
            loss = closure()
        f0 = _loss_value(loss)
        params = self._params()
        start = [p.data for p in params]
        grads = [p.grad for p in params]
        self.grad_norm = math.sqrt(math.fsum(g * g for g in grads))
        self.converged = self.grad_norm <= self.tol
        self.stalled = False
        if self.converged:
            self.last_step_size = 0.0
            return loss
        lrs = [group["lr"] for group in self.param_groups for _ in group["params"]]
        t = 1.0
        for _ in range(self.max_halvings + 1):
            for p, x, g, lr in zip(params, start, grads, lrs):
                p.data = x - (t * lr) * g
            with enable_grad():
                trial = closure()
            if _loss_value(trial) < f0:
                self.last_step_size = t * lrs[0]
                return trial
            t *= self.shrink
        for p, x, g in zip(params, start, grads):  # no decrease: stay where we were
            p.data, p.grad = x, g
        self.stalled = True
        self.last_step_size = 0.0
        return loss

    def minimize(self, closure: Closure, max_iter: int = 100) -> LineSearchResult:
        """Step until ‖∇L‖₂ ≤ tol, no step decreases L, or ``max_iter`` steps."""
        if not isinstance(max_iter, int) or max_iter < 0:
            raise ValueError(f"LineSearchGD.minimize: max_iter must be an int >= 0, "
                             f"got {max_iter!r}")
        steps = 0
        loss: Any = None
        while True:
            loss = self.step(closure)
            if self.converged or self.stalled:
                break
            steps += 1
            if steps >= max_iter:
                with enable_grad():
                    loss = closure()  # refresh the gradient at the final point
                params = self._params()
                self.grad_norm = math.sqrt(math.fsum(p.grad * p.grad for p in params))
                break
        reason = "tolerance" if self.converged else "no decrease" if self.stalled else "budget"
        return LineSearchResult(steps, _loss_value(loss), self.grad_norm, reason)


def _loss_value(loss: Any) -> float:
    if isinstance(loss, Value):
        return loss.data
    try:
        return float(loss)
    except (TypeError, ValueError):
        raise TypeError(f"LineSearchGD: the closure must return the loss (a Value or a "
                        f"number), got {type(loss).__name__}: {loss!r}") from None
