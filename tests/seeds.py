"""The course's graphs (the gallery's seeds), for the drawing tests.

They are defined once, in ``docs/gallery/build.py`` (the gallery renders them);
this loads that file as a module.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _load() -> Any:
    name = "chainrule_gallery"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "docs" / "gallery" / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


gallery = _load()
SEEDS: dict[str, Any] = gallery.SEEDS
TITLES: dict[str, str] = gallery.TITLES
