"""``Optimizer``: parameter groups, per-parameter state, ``step``/``zero_grad``.

Laid out as ``torch.optim.Optimizer``: ``param_groups`` is a list of dicts,
each with ``"params"`` (a list of Values) and every hyper-parameter; options
missing from a group take the optimiser's defaults. ``state[p]`` holds a
parameter's buffers (momentum, moments, step count) as plain floats.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

from autograd import Value, enable_grad

# Keys a group may carry besides the optimiser's own options.
_EXTRA_KEYS = frozenset({"params", "name", "initial_lr"})


class Optimizer:
    """Base class. Subclasses set ``defaults`` and implement ``_update``."""

    #: The per-parameter buffers a subclass keeps in ``state[p]``, by kind:
    #: ``"step"`` (a whole number >= 0), ``"real"`` (finite), ``"nonneg"``
    #: (finite, >= 0: it goes under a square root).
    buffers: ClassVar[dict[str, str]] = {}
    #: Buffers that a parameter's state must hold whenever it has one.
    required_buffers: ClassVar[tuple[str, ...]] = ()

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
        full = self._checked_group({**self.defaults, **group}, where)
        full["params"] = params
        self.param_groups.append(full)

    def _checked_group(self, group: Mapping[str, Any], where: str) -> dict[str, Any]:
        """Every option of ``group`` validated (a new dict; "params" untouched)."""
        full = dict(group)
        for key in self.defaults:
            full[key] = self._check_option(key, full[key], where)
        if "initial_lr" in full:
            full["initial_lr"] = real(full["initial_lr"], "initial_lr", where)
        if "name" in full and not isinstance(full["name"], str):
            raise TypeError(f"{where}: name must be a str, got {type(full['name']).__name__}")
        self._check_group(full, where)
        return full

    def _check_option(self, key: str, value: Any, where: str) -> Any:
        """Validate one hyper-parameter (subclasses add their own rules)."""
        return value

    def _check_group(self, group: dict[str, Any], where: str) -> None:
        """Validate options together (e.g. SGD's nesterov needs momentum)."""

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

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Restore options and buffers saved by :meth:`state_dict` (also after a
        JSON round trip) into an optimiser over the same parameters (same group
        sizes, same order). Everything is checked first — the shape, every
        option by the constructor's rules, every buffer (known name, finite real
        number, ``step`` a whole number >= 0, squared averages >= 0) — and on
        any error (ValueError/TypeError naming the group, parameter and key)
        nothing changes."""
        where = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state_dict, Mapping) or set(state_dict) != {"state", "param_groups"}:
            keys = sorted(map(repr, state_dict)) if isinstance(state_dict, Mapping) else None
            raise ValueError(f"{where}: expected a dict with 'state' and 'param_groups' "
                             f"(what state_dict() returns), got {type(state_dict).__name__}"
                             + (f" with keys {', '.join(keys)}" if keys is not None else ""))
        saved_groups, saved_state = state_dict["param_groups"], state_dict["state"]
        if not isinstance(saved_groups, (list, tuple)):
            raise ValueError(f"{where}: 'param_groups' must be a list, got "
                             f"{type(saved_groups).__name__}")
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"{where}: {len(saved_groups)} saved groups, "
                             f"this optimiser has {len(self.param_groups)}")
        by_index: dict[int, Value] = {}
        groups = []
        for i, (mine, saved) in enumerate(zip(self.param_groups, saved_groups)):
            at = f"{where}: group {i}"
            if not isinstance(saved, Mapping):
                raise ValueError(f"{at} must be a dict, got {type(saved).__name__}")
            unknown = sorted(map(repr, set(saved) - set(self.defaults) - _EXTRA_KEYS))
            if unknown:
                raise ValueError(f"{at}: unknown option(s) {', '.join(unknown)}; "
                                 f"{type(self).__name__} takes {sorted(self.defaults)}")
            ids = saved.get("params")
            if not isinstance(ids, (list, tuple)):
                raise ValueError(f"{at}: 'params' must be a list of parameter indices, got "
                                 f"{type(ids).__name__}")
            if len(ids) != len(mine["params"]):
                raise ValueError(f"{at} saved with {len(ids)} parameters, has "
                                 f"{len(mine['params'])}")
            for k, p in zip(ids, mine["params"]):
                index = _index(k, f"{at}: 'params'")
                if index in by_index:
                    raise ValueError(f"{at}: parameter index {index} appears twice")
                by_index[index] = p
            options = {k: v for k, v in mine.items() if k != "params"}
            options.update((k, v) for k, v in saved.items() if k != "params")
            groups.append(self._checked_group(options, at))
        if not isinstance(saved_state, Mapping):
            raise ValueError(f"{where}: 'state' must be a dict of parameter index -> "
                             f"buffers, got {type(saved_state).__name__}")
        state: dict[Value, dict[str, Any]] = {}
        for key, buffers in saved_state.items():
            index = _index(key, f"{where}: 'state'")
            if index not in by_index:
                raise ValueError(f"{where}: state for unknown parameter {index} (the groups "
                                 f"hold {len(by_index)} parameters)")
            p = by_index[index]
            if p in state:
                raise ValueError(f"{where}: state for parameter {index} given twice")
            state[p] = self._checked_buffers(buffers, f"{where}: state of parameter {index}")
        for mine, options in zip(self.param_groups, groups):
            params = mine["params"]
            mine.clear()
            mine.update(options)
            mine["params"] = params
        self.state = state

    def _checked_buffers(self, buffers: Any, where: str) -> dict[str, float]:
        if not isinstance(buffers, Mapping):
            raise ValueError(f"{where} must be a dict of buffers, got {type(buffers).__name__}")
        out: dict[str, float] = {}
        for name, value in buffers.items():
            kind = self.buffers.get(name) if isinstance(name, str) else None
            if kind is None:
                raise ValueError(f"{where}: unknown buffer {name!r}; {type(self).__name__} "
                                 f"keeps {', '.join(self.buffers) or 'none'}")
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise TypeError(f"{where}: {name} must be a real number, got "
                                f"{type(value).__name__}: {value!r}")
            try:
                x = float(value)
            except OverflowError:
                raise ValueError(f"{where}: {name} is too large for a float64") from None
            if not math.isfinite(x) or (kind != "real" and x < 0) or \
                    (kind == "step" and x != int(x)):
                need = {"step": "a whole number >= 0", "nonneg": "a finite number >= 0",
                        "real": "a finite number"}[kind]
                raise ValueError(f"{where}: {name} is {value!r}, must be {need}")
            out[name] = x
        if out:
            missing = [b for b in self.required_buffers if b not in out]
            if missing:
                raise ValueError(f"{where}: missing buffer(s) {', '.join(missing)}")
        return out

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


def flag(value: Any, name: str, where: str) -> bool:
    """A switch (amsgrad, nesterov, ...): a bool (or NumPy bool), nothing else."""
    if isinstance(value, bool) or getattr(getattr(value, "dtype", None), "kind", None) == "b":
        return bool(value)
    raise TypeError(f"{where}: {name} must be True or False, got {type(value).__name__}: "
                    f"{value!r}")


_DIGITS = re.compile(r"[0-9]{1,18}")


def _index(key: Any, where: str) -> int:
    """A parameter index: an int >= 0, or its decimal text (JSON object keys)."""
    if isinstance(key, int) and not isinstance(key, bool) and key >= 0:
        return key
    if isinstance(key, str) and _DIGITS.fullmatch(key):
        return int(key)
    raise ValueError(f"{where}: parameter indices are ints >= 0, got "
                     f"{type(key).__name__}: {key!r}")


def real(value: Any, name: str, where: str, *, low: float = 0.0,
         low_open: bool = False, high: float | None = None, high_open: bool = False) -> float:
    """``value`` as a finite float inside [low, high] (ends open if asked), else
    an error (TypeError for a non-number or a bool, ValueError otherwise)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{where}: {name} must be a real number, got "
                        f"{type(value).__name__}: {value!r}")
    try:
        x = float(value)
    except OverflowError:
        x = math.inf
    too_low = x <= low if low_open else x < low
    too_high = high is not None and (x >= high if high_open else x > high)
    if not math.isfinite(x) or too_low or too_high:
        lo = "(" if low_open else "["
        hi = ")" if high_open else "]"
        rng = f"{lo}{low}, {'inf' if high is None else high}{hi}"
        raise ValueError(f"{where}: invalid {name} {value!r}, must be in {rng}")
    return x
