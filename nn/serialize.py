"""Saving and loading models as JSON (never pickle: a file cannot run code).

A file holds::

    {"format": "chainrule.nn", "version": 1, "class": "MLP",
     "config": {"nin": 2, "nouts": [16, 16, 1], ...},
     "state_dict": {"layers.0.neurons.0.w.0": 0.23, ...}}

Loading checks everything before touching the model: names missing or
unexpected, sequences of the wrong size, values that are not real numbers,
and non-finite values. NaN and ±inf are refused both ways (a model with a NaN
weight is broken, and strict JSON has no NaN): saving raises, loading raises.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .module import Module, class_key

FORMAT = "chainrule.nn"
VERSION = 1

_INDEX = re.compile(r"^(.*)\.(\d+)$")


def _check_value(name: str, value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{where}: parameter {name!r} must be a real number, "
                        f"got {type(value).__name__}: {value!r}")
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"{where}: parameter {name!r} is {x!r}; non-finite "
                         f"parameters are refused")
    return x


def _sizes(names: Any) -> Counter[str]:
    """How many entries each indexed sequence (``...w.0``, ``...w.1``) has."""
    return Counter(m.group(1) for n in names if (m := _INDEX.match(n)))


def load_state(model: Module, state: Mapping[str, Any], *, strict: bool = True,
               where: str = "load_state_dict") -> None:
    """Validate ``state`` against ``model`` completely, then assign it."""
    if not isinstance(state, Mapping):
        raise TypeError(f"{where}: state must be a mapping of name -> number, "
                        f"got {type(state).__name__}")
    params = dict(model.named_parameters())
    for key in state:
        if not isinstance(key, str):
            raise TypeError(f"{where}: parameter names must be str, got "
                            f"{type(key).__name__}: {key!r}")
    if strict:
        have, want = _sizes(state), _sizes(params)
        for seq in sorted(set(have) | set(want)):
            if seq in have and seq in want and have[seq] != want[seq]:
                raise ValueError(f"{where}: size mismatch for {seq!r}: the state has "
                                 f"{have[seq]} entries, {type(model).__name__} has "
                                 f"{want[seq]}")
        missing = [n for n in params if n not in state]
        unexpected = [n for n in state if n not in params]
        if missing or unexpected:
            parts = []
            if missing:
                parts.append(f"missing {len(missing)} key(s): {_few(missing)}")
            if unexpected:
                parts.append(f"unexpected {len(unexpected)} key(s): {_few(unexpected)}")
            raise ValueError(f"{where}: state does not fit {type(model).__name__}: "
                             + "; ".join(parts))
    values = {n: _check_value(n, v, where) for n, v in state.items() if n in params}
    for n, x in values.items():
        params[n].data = x


def _few(names: list[str]) -> str:
    shown = ", ".join(repr(n) for n in names[:5])
    return shown + (f", ... ({len(names) - 5} more)" if len(names) > 5 else "")


def to_json(model: Module) -> dict[str, Any]:
    """The file content for ``model`` as a dict (ValueError on a NaN/inf weight)."""
    state = model.state_dict()
    for n, x in state.items():
        if not math.isfinite(x):
            raise ValueError(f"save: parameter {n!r} is {x!r}; a model with non-finite "
                             f"parameters is refused (it cannot be loaded back)")
    return {"format": FORMAT, "version": VERSION, "class": class_key(type(model)),
            "config": model.config(), "state_dict": state}


def save(model: Module, path: str | Path) -> None:
    """Write ``model`` to ``path`` as JSON (atomically: a temp file, then rename)."""
    text = json.dumps(to_json(model), indent=1, allow_nan=False)
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text + "\n", encoding="utf-8")
    os.replace(tmp, path)


def build(class_name: Any, config: Any, where: str) -> Module:
    """A new module of the registered class ``class_name`` from ``config``."""
    cls = Module.registry.get(class_name) if isinstance(class_name, str) else None
    if cls is None:
        raise ValueError(f"{where}: unknown model class {class_name!r}; pass an "
                         f"instance to fill: nn.load(path, model=...)")
    if not isinstance(config, dict):
        raise ValueError(f"{where}: the file has no config to rebuild a {class_name} "
                         f"(it had a custom activation?); pass an instance to fill: "
                         f"nn.load(path, model=...)")
    try:
        return cls.from_config(config)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{where}: cannot rebuild {class_name} from config "
                         f"{config!r}: {e}") from None


def from_json(doc: Any, model: Module | None = None, where: str = "load") -> Module:
    """The model described by a parsed file (``model``, filled in, if given)."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ValueError(f"{where}: not a chainrule model file (expected a JSON object "
                         f"with \"format\": \"{FORMAT}\")")
    version = doc.get("version")
    if version != VERSION:
        raise ValueError(f"{where}: file version {version!r}; this chainrule reads "
                         f"version {VERSION}")
    if "state_dict" not in doc:
        raise ValueError(f"{where}: the file has no \"state_dict\"")
    if model is None:
        model = build(doc.get("class"), doc.get("config"), where)
    elif doc.get("class") != class_key(type(model)):
        raise ValueError(f"{where}: the file holds a {doc.get('class')!r}, "
                         f"not a {class_key(type(model))!r}")
    load_state(model, doc["state_dict"], where=where)
    return model


def load(path: str | Path, model: Module | None = None) -> Module:
    """The model saved at ``path``; with ``model``, its parameters are set from
    the file (and left unchanged if the file is refused) and it is returned."""
    where = f"nn.load({str(path)!r})"
    text = Path(path).read_text(encoding="utf-8")
    try:
        doc = json.loads(text, parse_constant=_no_constant)
    except ValueError as e:  # JSONDecodeError, or a NaN/Infinity constant
        raise ValueError(f"{where}: not a valid model file: {e}") from None
    return from_json(doc, model, where)


def _no_constant(name: str) -> Any:
    raise ValueError(f"non-finite number {name} in the file; non-finite parameters "
                     f"are refused")


__all__ = ["save", "load", "load_state", "to_json", "from_json", "build", "FORMAT",
           "VERSION"]
