"""Saving and loading models as JSON (never pickle: a file cannot run code).

A file holds::

    {"format": "chainrule.nn", "version": 1, "class": "MLP",
     "config": {"nin": 2, "nouts": [16, 16, 1], ...},
     "state_dict": {"layers.0.neurons.0.w.0": 0.23, ...}}

NaN and ±inf are refused both ways (a model with a NaN weight is broken, and
strict JSON has no NaN): saving raises, loading raises.

Loading treats the file as a stranger's. In this order, before anything is
allocated from it:

1. at most ``max_file_bytes(max_parameters)`` bytes are read
   (64 KiB + 128 bytes per allowed parameter: 128 MiB for the default);
2. the text must be ASCII (chainrule writes ASCII; a pickle or UTF-16 is not),
   and its shape is counted with the strings left out: at most
   :data:`MAX_CONTAINERS` objects/arrays, nested at most :data:`MAX_DEPTH`
   deep, at most ``max_parameters + MAX_CONTAINERS`` entries, numbers of at
   most :data:`MAX_NUMBER_CHARS` characters;
3. the config is checked and the model's parameter count computed from it
   (``Module.parameter_count``): above ``max_parameters``
   (:data:`MAX_PARAMETERS` = 1,000,000 by default) or different from the
   number of stored values, the file is refused before the model is built;
4. every stored value is checked (name, size, real and finite) before any
   parameter is set.

Every failure is one ``ValueError`` naming the file (and the parameter where
there is one); a model passed in to be filled stays unchanged.
"""

from __future__ import annotations

import json
import math
import numbers
import os
import re
import stat
from collections import Counter
from collections.abc import Mapping
from typing import Any

from autograd.files import atomic_write

from .module import Module, class_key

FORMAT = "chainrule.nn"
VERSION = 1

#: Models with more parameters are refused by ``nn.load`` unless its
#: ``max_parameters`` is raised: a million is ten times the 784-128-10 MNIST
#: MLP (101,770), far more than a scalar engine trains in a lecture, and
#: loading one takes about half a minute and 0.6 GB on a 2-core machine.
MAX_PARAMETERS = 1_000_000
#: Bytes of file allowed per parameter (a saved parameter takes ~55-70) ...
BYTES_PER_PARAMETER = 128
#: ... plus this much for the header and config.
BASE_BYTES = 64 * 1024
#: At most this many JSON objects and arrays in a file.
MAX_CONTAINERS = 10_000
#: Objects and arrays nested at most this deep (an Ensemble of Ensembles of
#: MLPs needs 3 levels per Ensemble).
MAX_DEPTH = 64
#: A number in the file has at most this many characters (a float64 needs 24).
MAX_NUMBER_CHARS = 1000

_INDEX = re.compile(r"^(.*)\.(\d+)$")
_ESCAPE = re.compile(r"\\.", re.DOTALL)
_STRING = re.compile(r'"[^"]*"')
_BRACKET = re.compile(r"[\[\]{}]")
_LONG_NUMBER = re.compile(rf"[-+0-9.eE]{{{MAX_NUMBER_CHARS + 1},}}")
_NON_ASCII = re.compile(rb"[\x80-\xff]")
_TOP_KEYS = ("format", "version", "class", "config", "state_dict")


def max_file_bytes(max_parameters: int = MAX_PARAMETERS) -> int:
    """The largest file ``nn.load`` reads for a model of ``max_parameters``."""
    return BASE_BYTES + BYTES_PER_PARAMETER * max_parameters


class _Unrepresentable:
    """A number of the file that no finite float64 holds (1e400, 400 digits,
    NaN, Infinity): kept as text so the error can name its parameter."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        t = self.text
        return t if len(t) <= 24 else f"{t[:12]}...{t[-4:]} ({len(t)} characters)"


_Unrepresentable.__name__ = "number out of the float64 range"  # as error messages say it


# -- checking values -------------------------------------------------------------------

def _is_bool(x: Any) -> bool:
    """True for Python and NumPy booleans (``np.True_`` is no ``bool``)."""
    return isinstance(x, bool) or getattr(getattr(x, "dtype", None), "kind", None) == "b"


def _check_value(name: str, value: Any, where: str) -> float:
    if type(value) is float and value - value == 0.0:  # the usual case: finite float
        return value
    if isinstance(value, _Unrepresentable):
        raise ValueError(f"{where}: parameter {name!r} is {value!r}, which no float64 "
                         f"holds; non-finite parameters are refused")
    if _is_bool(value) or not isinstance(value, numbers.Real):
        raise TypeError(f"{where}: parameter {name!r} must be a real number (int, float, "
                        f"NumPy number), got {type(value).__name__}: {_short(value)}")
    try:
        x = float(value)
    except OverflowError:
        raise ValueError(f"{where}: parameter {name!r} = {_short(value)} is too large for "
                         f"a float64") from None
    if not math.isfinite(x):
        raise ValueError(f"{where}: parameter {name!r} is {x!r}; non-finite "
                         f"parameters are refused")
    return x


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, int) or abs(value) < 10**30 else \
        f"an integer of {len(str(abs(value)))} digits"
    return text if len(text) <= 60 else text[:57] + "..."


def _sizes(names: Any) -> Counter[str]:
    """How many entries each indexed sequence (``...w.0``, ``...w.1``) has."""
    return Counter(m.group(1) for n in names if (m := _INDEX.match(n)))


def load_state(model: Module, state: Mapping[str, Any], *, strict: bool = True,
               where: str = "load_state_dict") -> None:
    """Validate ``state`` against ``model`` completely, then assign it (all or
    nothing): names, sizes of indexed sequences, values real and finite, and a
    parameter shared under several names given one value."""
    if not isinstance(state, Mapping):
        raise TypeError(f"{where}: state must be a mapping of name -> number, "
                        f"got {type(state).__name__}")
    params = dict(model.named_parameters())
    for key in state:
        if not isinstance(key, str):
            raise TypeError(f"{where}: parameter names must be str, got "
                            f"{type(key).__name__}: {_short(key)}")
    if strict and state.keys() != params.keys():  # then say exactly what differs
        have, want = _sizes(state), _sizes(params)
        for seq in sorted(set(have) & set(want)):
            if have[seq] != want[seq]:
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
    if len({id(p) for p in params.values()}) != len(params):  # a parameter is shared
        first: dict[int, str] = {}
        for n, x in values.items():
            other = first.setdefault(id(params[n]), n)
            if other != n and values[other] != x:
                raise ValueError(f"{where}: {other!r} and {n!r} are one shared parameter, "
                                 f"but the state gives {values[other]!r} and {x!r}")
    for n, x in values.items():
        params[n].data = x


def _few(names: list[str]) -> str:
    shown = ", ".join(_short(n) for n in names[:5])
    return shown + (f", ... ({len(names) - 5} more)" if len(names) > 5 else "")


# -- saving ------------------------------------------------------------------------------

def to_json(model: Module) -> dict[str, Any]:
    """The file content for ``model`` as a dict (ValueError on a NaN/inf weight)."""
    state = model.state_dict()
    for n, x in state.items():
        if not math.isfinite(x):
            raise ValueError(f"save: parameter {n!r} is {x!r}; a model with non-finite "
                             f"parameters is refused (it cannot be loaded back)")
    return {"format": FORMAT, "version": VERSION, "class": class_key(type(model)),
            "config": model.config(), "state_dict": state}


def to_text(model: Module) -> str:
    """The file's text: the header indented, then one parameter per line."""
    doc = to_json(model)
    state = doc.pop("state_dict")
    head = json.dumps(doc, indent=1, allow_nan=False)
    lines = ",\n".join(f"  {json.dumps(n)}: {x!r}" for n, x in state.items())
    body = "{\n" + lines + "\n }" if lines else "{}"
    return head[:-2] + ',\n "state_dict": ' + body + "\n}\n"


def save(model: Module, path: str | os.PathLike[str]) -> None:
    """Write ``model`` to ``path`` as JSON, whole or not at all (a temporary
    file in the same folder, then a rename); OSError naming ``path``."""
    atomic_write(path, to_text(model))


# -- loading -------------------------------------------------------------------------------

def build(class_name: Any, config: Any, where: str, *,
          max_parameters: int = MAX_PARAMETERS) -> Module:
    """A new module of the registered class ``class_name`` from ``config``
    (only for classes that count their parameters first, and at most
    ``max_parameters`` of them)."""
    cls = _rebuildable(class_name, config, where)
    n = planned_parameters(class_name, config, where)
    if n > max_parameters:
        _check_count(n, n, max_parameters, where, "its config describes")
    try:
        return cls.from_config(config)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{where}: cannot rebuild {class_name} from config "
                         f"{_short(config)}: {e}") from None


def _rebuildable(class_name: Any, config: Any, where: str) -> type[Module]:
    cls = Module.registry.get(class_name) if isinstance(class_name, str) else None
    if cls is None:
        raise ValueError(f"{where}: unknown model class {_short(class_name)}; pass an "
                         f"instance to fill: nn.load(path, model=...)")
    if not isinstance(config, dict):
        raise ValueError(f"{where}: the file has no config to rebuild a {class_name} "
                         f"(it had a custom activation?); pass an instance to fill: "
                         f"nn.load(path, model=...)")
    return cls


def planned_parameters(class_name: Any, config: Any, where: str) -> int:
    """The parameter count of the model a (class, config) pair describes,
    from the config alone: ValueError if the class cannot tell or refuses it."""
    cls = _rebuildable(class_name, config, where)
    try:
        n = cls.parameter_count(config)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{where}: cannot rebuild {class_name} from config "
                         f"{_short(config)}: {e}") from None
    if n is None:
        raise ValueError(f"{where}: {class_name} does not say how many parameters its "
                         f"config makes (no parameter_count), so it is not rebuilt from a "
                         f"file; pass an instance to fill: nn.load(path, model=...)")
    return n


def from_json(doc: Any, model: Module | None = None, where: str = "load", *,
              max_parameters: int = MAX_PARAMETERS) -> Module:
    """The model described by a parsed file (``model``, filled in, if given).
    Sizes are checked before the model is built; see the module docstring."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ValueError(f"{where}: not a chainrule model file (expected a JSON object "
                         f"with \"format\": \"{FORMAT}\")")
    version = doc.get("version")
    if type(version) is not int or version != VERSION:
        raise ValueError(f"{where}: file version {_short(version)}; this chainrule reads "
                         f"version {VERSION}")
    unknown = [k for k in doc if k not in _TOP_KEYS]
    if unknown:
        raise ValueError(f"{where}: unexpected key(s) in the file: {_few(unknown)}")
    state = doc.get("state_dict")
    if not isinstance(state, dict):
        raise ValueError(f"{where}: the file has no \"state_dict\" object (got "
                         f"{type(state).__name__})")
    if model is None:
        n = planned_parameters(doc.get("class"), doc.get("config"), where)
        _check_count(n, len(state), max_parameters, where, "its config describes")
        model = build(doc.get("class"), doc.get("config"), where,
                      max_parameters=max_parameters)
    else:
        if doc.get("class") != class_key(type(model)):
            raise ValueError(f"{where}: the file holds a {_short(doc.get('class'))}, "
                             f"not a {class_key(type(model))!r}")
        n = sum(1 for _ in model.named_parameters())
        if n > max_parameters:  # the names are checked one by one below
            _check_count(n, n, max_parameters, where, "the model has")
        mine, theirs = model.config(), doc.get("config")
        if mine is not None and theirs is not None and _shape(mine) != _shape(theirs):
            raise ValueError(f"{where}: the file's config {_short(theirs)} does not match "
                             f"the model's {_short(mine)} (another activation or size?)")
    load_state(model, state, where=where)
    return model


def _shape(config: Any) -> Any:
    """A config without its ``init`` entries (the weights come from the file)."""
    if isinstance(config, dict):
        return {k: _shape(v) for k, v in config.items() if k != "init"}
    if isinstance(config, (list, tuple)):
        return [_shape(v) for v in config]
    return config


def _check_count(n: int, stored: int, limit: int, where: str, what: str) -> None:
    if n > limit:
        raise ValueError(f"{where}: {what} {n:,} parameters, more than the limit of "
                         f"{limit:,} (nn.load(..., max_parameters=...) raises it)")
    if stored != n:
        raise ValueError(f"{where}: {what} {n:,} parameters but the file stores "
                         f"{stored:,} values")


def load(path: str | os.PathLike[str], model: Module | None = None, *,
         max_parameters: int = MAX_PARAMETERS) -> Module:
    """The model saved at ``path``; with ``model``, its parameters are set from
    the file (and left unchanged if the file is refused) and it is returned.

    Models of more than ``max_parameters`` parameters (a million by default)
    are refused, and at most ``max_file_bytes(max_parameters)`` bytes are
    read. Any problem with the file (missing, a folder, too large, not ASCII
    JSON, too deep, a config or value that does not fit) is a ValueError
    ``nn.load('path'): ...`` naming the parameter where there is one.
    """
    if model is not None and not isinstance(model, Module):
        raise TypeError(f"nn.load: model must be an nn.Module to fill, got "
                        f"{type(model).__name__}")
    if isinstance(max_parameters, bool) or not isinstance(max_parameters, int) \
            or max_parameters < 1:
        raise ValueError(f"nn.load: max_parameters must be a positive int, got "
                         f"{max_parameters!r}")
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"nn.load: path must be a str or a path, got {type(path).__name__}")
    where = f"nn.load({os.fspath(path)!r})"
    try:
        text = _read(path, max_file_bytes(max_parameters), where)
        _check_shape(text, max_parameters, where)
        try:
            doc = json.loads(text, parse_float=_float, parse_int=_int,
                             parse_constant=_Unrepresentable)
        except RecursionError:
            raise ValueError(f"{where}: nested too deeply") from None
        except ValueError as e:  # JSONDecodeError
            raise ValueError(f"{where}: not a valid model file (not JSON: {e})") from None
        del text
        return from_json(doc, model, where, max_parameters=max_parameters)
    except (TypeError, ValueError, RecursionError) as e:
        message = str(e)
        if isinstance(e, RecursionError) or not message.startswith(where):
            message = f"{where}: {message}"
        raise ValueError(message) from None


def _read(path: str | os.PathLike[str], limit: int, where: str) -> str:
    """At most ``limit`` bytes of a regular file, as ASCII text."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise ValueError(f"{where}: cannot read a model from it: {kind}")
        if info.st_size > limit:
            raise ValueError(_too_large(where, limit))
        chunks, size, want = [], 0, info.st_size + 1
        with open(path, "rb") as f:  # read(n) reserves n bytes at once: ask for the size,
            while size <= limit and (chunk := f.read(min(limit + 1 - size, want))):
                chunks.append(chunk)  # then 64 KiB pieces if the file grew (or is /proc's)
                size += len(chunk)
                want = 1 << 16
        data = b"".join(chunks)
        del chunks
    except OSError as e:
        raise ValueError(f"{where}: cannot read the file: {e.strerror or e}") from None
    if len(data) > limit:
        raise ValueError(_too_large(where, limit))
    if not data.isascii():
        bad = _NON_ASCII.search(data).start()  # type: ignore[union-attr]
        hint = ""
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            hint = " (UTF-16 text: save it as UTF-8 JSON)"
        elif data[:1] == b"\x80":
            hint = " (a pickle? nn.load reads only JSON)"
        raise ValueError(f"{where}: not a chainrule model file: byte {data[bad]:#04x} at "
                         f"offset {bad} is not ASCII{hint}")
    if b"\x00" in data:
        raise ValueError(f"{where}: not a chainrule model file: it holds NUL bytes "
                         f"(UTF-16 or binary?)")
    return data.decode("ascii")


def _too_large(where: str, limit: int) -> str:
    return (f"{where}: the file is larger than {limit:,} bytes, the limit for "
            f"max_parameters models (nn.load(..., max_parameters=...) raises it)")


def _check_shape(text: str, max_parameters: int, where: str) -> None:
    """Count what parsing would allocate, with strings and escapes left out."""
    skeleton = _STRING.sub("", _ESCAPE.sub("", text) if "\\" in text else text)
    containers = skeleton.count("[") + skeleton.count("{")
    if containers > MAX_CONTAINERS:
        raise ValueError(f"{where}: not a chainrule model file: {containers:,} JSON objects "
                         f"and arrays, more than {MAX_CONTAINERS:,}")
    entries = skeleton.count(",")
    if entries > max_parameters + MAX_CONTAINERS:
        raise ValueError(f"{where}: {entries:,} values in the file, more than the limit "
                         f"of {max_parameters:,} parameters allows")
    depth = deepest = 0
    for b in _BRACKET.findall(skeleton):
        depth += 1 if b in "[{" else -1
        deepest = max(deepest, depth)
    if deepest > MAX_DEPTH:
        raise ValueError(f"{where}: not a chainrule model file: objects and arrays nested "
                         f"{deepest:,} deep, more than {MAX_DEPTH}")
    if _LONG_NUMBER.search(skeleton):
        raise ValueError(f"{where}: not a chainrule model file: a number of more than "
                         f"{MAX_NUMBER_CHARS} characters")


def _float(text: str) -> float | _Unrepresentable:
    x = float(text)
    return x if math.isfinite(x) else _Unrepresentable(text)


def _int(text: str) -> int | float | _Unrepresentable:
    if len(text) <= 18:
        return int(text)
    return _float(text)  # beyond 10^18: no config needs it, a parameter is a float


__all__ = ["save", "load", "load_state", "to_json", "to_text", "from_json", "build",
           "planned_parameters", "max_file_bytes", "FORMAT", "VERSION", "MAX_PARAMETERS",
           "MAX_CONTAINERS", "MAX_DEPTH", "MAX_NUMBER_CHARS"]
