"""RMSprop: gradients scaled by a running root-mean-square."""

from __future__ import annotations

from typing import Any

from .floatmath import add, addcdiv, addcmul, lerp, sqrt
from .optimizer import Optimizer, flag, real


class RMSprop(Optimizer):
    """``torch.optim.RMSprop``, step for step (float64):

        g ← ∇p + λ·p
        s ← α·s + (1 − α)·g²
        d ← √(s − ḡ²) + ε with centered (ḡ ← ḡ + (1 − α)(g − ḡ)), else √s + ε
        b ← μ·b + g/d, p ← p − lr·b   with momentum μ > 0, else p ← p − lr·g/d
    """

    buffers = {"step": "step", "square_avg": "nonneg", "momentum_buffer": "real",
               "grad_avg": "real"}
    required_buffers = ("step", "square_avg")

    def __init__(self, params: Any, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0.0, momentum: float = 0.0, centered: bool = False,
                 *, maximize: bool = False) -> None:
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                                      momentum=momentum, centered=centered, maximize=maximize))

    def _check_option(self, key: str, value: Any, where: str) -> Any:
        if key in ("centered", "maximize"):
            return flag(value, key, where)
        return real(value, key, where)

    def _update(self, group: dict[str, Any]) -> None:
        lr, alpha, eps, wd = group["lr"], group["alpha"], group["eps"], group["weight_decay"]
        mu, centered, maximize = group["momentum"], group["centered"], group["maximize"]
        for p in group["params"]:
            g = -p.grad if maximize else p.grad
            state = self.state.get(p)
            if state is None:
                state = self.state[p] = {"step": 0.0, "square_avg": 0.0}
                if mu > 0:
                    state["momentum_buffer"] = 0.0
                if centered:
                    state["grad_avg"] = 0.0
            state["step"] += 1.0
            if wd != 0:
                g = add(g, p.data, wd)
            s = state["square_avg"] = addcmul(state["square_avg"] * alpha, g, g, 1 - alpha)
            if centered:
                ga = state["grad_avg"] = lerp(state.get("grad_avg", 0.0), g, 1 - alpha)
                avg = sqrt(addcmul(s, ga, ga, -1.0)) + eps
            else:
                avg = sqrt(s) + eps
            if mu > 0:
                buf = state["momentum_buffer"] = addcdiv(
                    state.get("momentum_buffer", 0.0) * mu, g, avg)
                p.data = add(p.data, buf, -lr)
            else:
                p.data = addcdiv(p.data, g, avg, -lr)
