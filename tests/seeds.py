"""The course's graphs (the gallery's seeds), for the drawing tests.

They are defined once, in ``docs/gallery/build.py`` (the gallery renders them);
this loads that file as a module (:func:`load`, also used for other scripts).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def load(name: str, path: str) -> Any:
    """The project file ``path`` (from the project root) as module ``name``,
    loaded once: files that are scripts, not packages, used by the tests."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


gallery = load("chainrule_gallery", "docs/gallery/build.py")
SEEDS: dict[str, Any] = gallery.SEEDS
TITLES: dict[str, str] = gallery.TITLES
