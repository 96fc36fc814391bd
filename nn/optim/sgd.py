"""Stochastic gradient descent with momentum, dampening, Nesterov and weight decay."""

from __future__ import annotations

from typing import Any

from .floatmath import add
from .optimizer import Optimizer, flag, real


class SGD(Optimizer):
    """``torch.optim.SGD``, step for step (float64):

        g ← ∇p + λ·p                                 (weight_decay λ)
        b ← g on the first step, else μ·b + (1 − τ)·g (momentum μ, dampening τ)
        g ← g + μ·b if nesterov else b               (when μ ≠ 0)
        p ← p − lr·g

    ``maximize=True`` ascends instead (g ← −∇p).
    """

    def __init__(self, params: Any, lr: float = 1e-3, momentum: float = 0.0,
                 dampening: float = 0.0, weight_decay: float = 0.0, nesterov: bool = False,
                 *, maximize: bool = False) -> None:
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening,
                                      weight_decay=weight_decay, nesterov=nesterov,
                                      maximize=maximize))

    def _check_option(self, key: str, value: Any, where: str) -> Any:
        if key in ("nesterov", "maximize"):
            return flag(value, key, where)
        return real(value, key, where)

    buffers = {"momentum_buffer": "real"}

    def _check_group(self, g: dict[str, Any], where: str) -> None:
        if g["nesterov"] and (g["momentum"] <= 0 or g["dampening"] != 0):
            raise ValueError(f"{where}: nesterov momentum requires a momentum > 0 and zero "
                             f"dampening (got momentum={g['momentum']}, "
                             f"dampening={g['dampening']})")

    def _update(self, group: dict[str, Any]) -> None:
        lr, mu, tau = group["lr"], group["momentum"], group["dampening"]
        wd, nesterov, maximize = group["weight_decay"], group["nesterov"], group["maximize"]
        for p in group["params"]:
            g = -p.grad if maximize else p.grad
            if wd != 0:
                g = add(g, p.data, wd)
            if mu != 0:
                state = self.state.setdefault(p, {})
                buf = state.get("momentum_buffer")
                buf = g if buf is None else add(buf * mu, g, 1 - tau)
                state["momentum_buffer"] = buf
                g = add(g, buf, mu) if nesterov else buf
            p.data = add(p.data, g, -lr)
