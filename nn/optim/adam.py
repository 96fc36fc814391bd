"""Adam and AdamW (decoupled weight decay), with bias correction and AMSGrad."""

from __future__ import annotations

from typing import Any

from .floatmath import add, addcdiv, addcmul, lerp, maximum, sqrt
from .optimizer import Optimizer, flag, real


class Adam(Optimizer):
    """``torch.optim.Adam``, step for step (float64). At step t:

        g ← ∇p + λ·p            (or, decoupled as AdamW: p ← p·(1 − lr·λ))
        m ← m + (1 − β₁)(g − m)   v ← β₂·v + (1 − β₂)·g²
        v̂ ← max(v̂, v) with amsgrad, else v
        p ← p − lr/(1 − β₁ᵗ) · m / (√v̂ / √(1 − β₂ᵗ) + ε)

    Note where ε sits: added to √v̂/√(1 − β₂ᵗ), after the bias correction.
    """

    _decoupled = False

    buffers = {"step": "step", "exp_avg": "real", "exp_avg_sq": "nonneg",
               "max_exp_avg_sq": "nonneg"}
    required_buffers = ("step", "exp_avg", "exp_avg_sq")

    def __init__(self, params: Any, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, amsgrad: bool = False,
                 *, maximize: bool = False) -> None:
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      amsgrad=amsgrad, maximize=maximize))

    def _check_option(self, key: str, value: Any, where: str) -> Any:
        if key in ("amsgrad", "maximize"):
            return flag(value, key, where)
        if key == "betas":
            if not isinstance(value, (tuple, list)) or len(value) != 2:
                raise TypeError(f"{where}: betas must be a pair (beta1, beta2), got {value!r}")
            return (real(value[0], "beta1", where, high=1.0, high_open=True),
                    real(value[1], "beta2", where, high=1.0, high_open=True))
        return real(value, key, where)

    def _update(self, group: dict[str, Any]) -> None:
        lr, eps, wd = group["lr"], group["eps"], group["weight_decay"]
        beta1, beta2 = group["betas"]
        amsgrad, maximize = group["amsgrad"], group["maximize"]
        for p in group["params"]:
            g = -p.grad if maximize else p.grad
            state = self.state.get(p)
            if state is None:
                state = self.state[p] = {"step": 0.0, "exp_avg": 0.0, "exp_avg_sq": 0.0}
                if amsgrad:
                    state["max_exp_avg_sq"] = 0.0
            step = state["step"] = state["step"] + 1.0
            if wd != 0:
                if self._decoupled:
                    p.data = p.data * (1 - lr * wd)
                else:
                    g = add(g, p.data, wd)
            m = state["exp_avg"] = lerp(state["exp_avg"], g, 1 - beta1)
            v = state["exp_avg_sq"] = addcmul(state["exp_avg_sq"] * beta2, g, g, 1 - beta2)
            step_size = lr / (1 - beta1 ** step)
            bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
            if amsgrad:
                v = state["max_exp_avg_sq"] = maximum(state.get("max_exp_avg_sq", 0.0), v)
            denom = sqrt(v) / bias_correction2_sqrt + eps
            p.data = addcdiv(p.data, m, denom, -step_size)


class AdamW(Adam):
    """``torch.optim.AdamW``: Adam with decoupled weight decay p ← p·(1 − lr·λ)
    applied before the moment update; default λ = 0.01."""

    _decoupled = True

    def __init__(self, params: Any, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False,
                 *, maximize: bool = False) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize)
