"""Adagrad: per-parameter steps shrinking with the sum of squared gradients."""

from __future__ import annotations

from typing import Any

from .floatmath import add, addcdiv, addcmul, sqrt
from .optimizer import Optimizer, flag, real


class Adagrad(Optimizer):
    """``torch.optim.Adagrad``, step for step (float64). At step t:

        g ← ∇p + λ·p
        clr ← lr / (1 + (t − 1)·lr_decay)
        S ← S + g²                       (S starts at initial_accumulator_value)
        p ← p − clr · g / (√S + ε)
    """

    buffers = {"step": "step", "sum": "nonneg"}
    required_buffers = ("step", "sum")

    def __init__(self, params: Any, lr: float = 1e-2, lr_decay: float = 0.0,
                 weight_decay: float = 0.0, initial_accumulator_value: float = 0.0,
                 eps: float = 1e-10, *, maximize: bool = False) -> None:
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value,
                                      eps=eps, maximize=maximize))

    def _check_option(self, key: str, value: Any, where: str) -> Any:
        if key == "maximize":
            return flag(value, key, where)
        return real(value, key, where)

    def _update(self, group: dict[str, Any]) -> None:
        lr, lr_decay, eps, wd = group["lr"], group["lr_decay"], group["eps"], group["weight_decay"]
        maximize = group["maximize"]
        for p in group["params"]:
            g = -p.grad if maximize else p.grad
            state = self.state.get(p)
            if state is None:
                state = self.state[p] = {"step": 0.0, "sum": group["initial_accumulator_value"]}
            step = state["step"] = state["step"] + 1.0
            if wd != 0:
                g = add(g, p.data, wd)
            clr = lr / (1 + (step - 1) * lr_decay)
            s = state["sum"] = addcmul(state["sum"], g, g, 1.0)
            p.data = addcdiv(p.data, g, sqrt(s) + eps, -clr)
