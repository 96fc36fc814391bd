"""Printing a drawn case as code that runs: where the user's own objects live.

A counterexample that names your op (``softclip(x)``) or your activation
function only runs if the printed code imports it. :func:`import_line` finds
the module-level name the object is bound to in the module that defined it,
and writes ``from that_module import name`` (``... import NAME as name`` when
the code calls it by another name). An object defined inside a function
cannot be imported: the line then says so.
"""

from __future__ import annotations

import sys
from typing import Any

from ..op import Op

__all__ = ["import_line", "merged"]


def _same(candidate: Any, obj: Any) -> bool:
    if candidate is obj:
        return True
    # a bound op is found through the unbound op it was made from
    return (isinstance(obj, Op) and isinstance(candidate, Op) and candidate.name == obj.name
            and candidate.f is obj.f and candidate.df is obj.df and candidate.unbound
            and not obj.unbound)


def import_line(obj: Any, called: str) -> str:
    """A line that makes ``obj`` available under the name ``called``."""
    # where it was written: an Op's functions (f may be a library's, math.hypot)
    sources = [obj.df, obj.f, obj.domain, obj.branch] if isinstance(obj, Op) else [obj]
    tried = []
    for source in sources:
        module_name = getattr(source, "__module__", None)
        if not isinstance(module_name, str) or module_name in tried:
            continue
        tried.append(module_name)
        module = sys.modules.get(module_name)
        if module is None:
            continue
        names = [name for name, value in vars(module).items()
                 if not name.startswith("__") and _same(value, obj)]
        names.sort(key=lambda n: (n != called, n))
        if names:
            name = names[0]
            alias = "" if name == called else f" as {called}"
            return f"from {module_name} import {name}{alias}"
    return (f"# {called}: define it here (it is not bound to a name at module level of "
            f"{' or '.join(tried) or 'any module'}, so it cannot be imported)")


def merged(lines: list[str]) -> list[str]:
    """Import lines sorted, ``from m import a`` and ``from m import b`` as one;
    comments (objects that cannot be imported) last."""
    plain = sorted({line for line in lines if line.startswith("import ")})
    names: dict[str, list[str]] = {}
    for line in lines:
        if line.startswith("from "):
            module, name = line[5:].split(" import ", 1)
            if name not in names.setdefault(module, []):
                names[module].append(name)
    order = sorted(names, key=lambda m: (not m.startswith("autograd"), m))
    froms = [f"from {m} import {', '.join(sorted(names[m]))}" for m in order]
    comments = sorted({line for line in lines if line.startswith("#")})
    return plain + froms + comments
