"""``Optimizer``: parameter groups, per-parameter state, ``step``/``zero_grad``.

Laid out as ``torch.optim.Optimizer``: ``param_groups`` is a list of dicts,
each with ``"params"`` (a list of Values) and every hyper-parameter; options
missing from a group take the optimiser's defaults. ``state[p]`` holds a
parameter's buffers (momentum, moments, step count) as plain floats.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable
from typing import Any

from autograd import Value, enable_grad

# Keys a group may carry besides the optimiser's own options.
_EXTRA_KEYS = frozenset({"params", "name", "initial_lr"})


class Optimizer:
    """Base class. Subclasses set ``defaults`` and implement ``_update``."""

    def __init__(self, params: Any, defaults: dict[str, Any]) -> None:
        self.defaults = dict(defaults)
        self.state: dict[Value, dict[str, Any]] = {}
        self.param_groups: list[dict[str, Any]] = []
        groups = _as_groups(params, type(self).__name__)
        for group in groups:
            self.add_param_group(group)

    # -- groups -----------------------------------------------------------------
    def add_param_group(self, group: dict[str, Any]) -> None:
        """Add a group ``{"params": [...], option: value, ...}``; missing
        options take the defaults. A parameter may belong to one group only."""
        where = f"{type(self).__name__} parameter group {len(self.param_groups)}"
        if not isinstance(group, dict):
            raise TypeError(f"{where} must be a dict, got {type(group).__name__}")
        if "params" not in group:
            raise ValueError(f"{where} has no 'params' entry")
        unknown = set(group) - set(self.defaults) - _EXTRA_KEYS
        if unknown:
            raise ValueError(f"{where}: unknown option(s) {sorted(unknown)}; "
                             f"{type(self).__name__} takes {sorted(self.defaults)}")
        params = _param_list(group["params"], where)
        taken = {id(p) for g in self.param_groups for p in g["params"]}
        for i, p in enumerate(params):
            if id(p) in taken:
                raise ValueError(f"{where}: parameter {i} ({p!r}) is already in another group")
        if len({id(p) for p in params}) != len(params):
            raise ValueError(f"{where}: a parameter appears twice in the list")
        full = {**self.defaults, **group, "params": params}
        for key in self.defaults:
            full[key] = self._check_option(key, full[key], where)
        self.param_groups.append(full)

    def _check_option(self, key: str, value: Any, where: str) -> Any:
        """Validate one hyper-parameter (subclasses add their own rules)."""
        return value

    # -- the loop -----------------------------------------------------------------
    def zero_grad(self) -> None:
        """Set ``.grad = 0.0`` on every parameter."""
        for group in self.param_groups:
            for p in group["params"]:
                p.grad = 0.0

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One update of every parameter from its ``.grad``. If ``closure`` is
        given it is called first (it should zero the grads, compute the loss,
        call ``backward`` and return the loss), and its loss is returned."""
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            self._update(group)
        return loss

    def _update(self, group: dict[str, Any]) -> None:
        raise NotImplementedError

    # -- checkpoints ------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """``{"state": {index: buffers}, "param_groups": [options + "params": indices]}``,
        parameters numbered in group order as torch does (plain floats: JSON-able)."""
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            ids = []
            for p in group["params"]:
                index.setdefault(id(p), len(index))
                ids.append(index[id(p)])
            groups.append({**{k: v for k, v in group.items() if k != "params"}, "params": ids})
        state = {index[id(p)]: dict(s) for p, s in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore options and buffers saved by :meth:`state_dict` into an
        optimiser over the same parameters (same group sizes, same order)."""
        name = type(self).__name__
        try:
            saved_groups = state_dict["param_groups"]
            saved_state = state_dict["state"]
        except (KeyError, TypeError):
            raise ValueError(f"{name}.load_state_dict: expected a dict with 'state' and "
                             f"'param_groups', got {type(state_dict).__name__}") from None
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"{name}.load_state_dict: {len(saved_groups)} saved groups, "
                             f"this optimiser has {len(self.param_groups)}")
        by_index: dict[int, Value] = {}
        for i, (mine, saved) in enumerate(zip(self.param_groups, saved_groups)):
            if len(saved["params"]) != len(mine["params"]):
                raise ValueError(f"{name}.load_state_dict: group {i} saved with "
                                 f"{len(saved['params'])} parameters, has {len(mine['params'])}")
            by_index.update(zip((int(k) for k in saved["params"]), mine["params"]))
        state = {}
        for key, buffers in saved_state.items():
            if int(key) not in by_index:
                raise ValueError(f"{name}.load_state_dict: state for unknown parameter {key}")
            state[by_index[int(key)]] = dict(buffers)
        for mine, saved in zip(self.param_groups, saved_groups):
            mine.update({k: v for k, v in saved.items() if k != "params"})
        self.state = state

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            opts = ", ".join(f"{k}={v!r}" for k, v in group.items() if k != "params")
            lines.append(f"  group {i}: {len(group['params'])} parameters, {opts}")
        return "\n".join(lines) + "\n)"


# -- argument checking ---------------------------------------------------------------

def _as_groups(params: Any, who: str) -> list[dict[str, Any]]:
    if hasattr(params, "parameters") and callable(params.parameters):
        params = params.parameters()  # a Module: take its parameters
    if isinstance(params, (Value, dict, str, bytes)) or not isinstance(params, Iterable):
        raise TypeError(f"{who} params must be an iterable of Values or of dicts "
                        f"(parameter groups), got {type(params).__name__}")
    items = list(params)
    if not items:
        raise ValueError(f"{who} got an empty parameter list")
    if all(isinstance(x, dict) for x in items):
        return items
    if any(isinstance(x, dict) for x in items):
        raise TypeError(f"{who} params mixes Values and dicts: give either a list of "
                        f"Values or a list of parameter groups")
    return [{"params": items}]


def _param_list(params: Any, where: str) -> list[Value]:
    if isinstance(params, Value):
        return [params]
    if isinstance(params, (str, bytes)) or not isinstance(params, Iterable):
        raise TypeError(f"{where}: 'params' must be Values, got {type(params).__name__}")
    out = list(params)
    for i, p in enumerate(out):
        if not isinstance(p, Value):
            raise TypeError(f"{where}: parameter {i} must be a Value, got "
                            f"{type(p).__name__}: {p!r}")
    return out


def real(value: Any, name: str, where: str, *, low: float = 0.0,
         low_open: bool = False, high: float | None = None, high_open: bool = False) -> float:
    """``value`` as a float inside [low, high] (ends open if asked), else an error."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{where}: {name} must be a real number, got "
                        f"{type(value).__name__}: {value!r}")
    x = float(value)
    too_low = x <= low if low_open else x < low
    too_high = high is not None and (x >= high if high_open else x > high)
    if math.isnan(x) or too_low or too_high:
        lo = "(" if low_open else "["
        hi = ")" if high_open else "]"
        rng = f"{lo}{low}, {'inf' if high is None else high}{hi}"
        raise ValueError(f"{where}: invalid {name} {value!r}, must be in {rng}")
    return x
