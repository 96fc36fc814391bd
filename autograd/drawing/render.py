"""Turning DOT text into SVG, PNG or PDF with whatever renderer is installed.

Renderers, in order of preference:

1. ``dot`` from a system Graphviz, when it is on ``PATH``;
2. ``graphviz-pure`` (a pip dependency of chainrule: Graphviz's ``dot``
   ported to Rust, shipped as a wheel for Linux, macOS and Windows), found on
   ``PATH`` or next to the running Python (a venv that is not activated);
3. none: drawings still give their DOT text, and rendering raises
   :class:`NoRendererError` saying what to install.

Each renderer is asked once which formats it makes (``-T?``), so a format it
cannot make fails with a message that says so. PDF is the exception: when the
renderer has none (graphviz-pure), :func:`render` lays the graph out as SVG and
converts it (``autograd.drawing.pdf``, the ``pdf`` extra); a ``dot`` that makes
PDF still makes its own.
Set ``CHAINRULE_RENDERER`` to ``dot``, ``graphviz-pure`` or ``none`` to choose.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

INSTALL_HINT = ("pip install graphviz-pure (or install Graphviz so that `dot` is on PATH, "
                "e.g. apt-get install graphviz)")
ENV_VAR = "CHAINRULE_RENDERER"
TIMEOUT = 120.0


class RenderError(RuntimeError):
    """A renderer failed, or cannot make the requested format."""


class NoRendererError(RenderError):
    """No Graphviz renderer is installed."""


@dataclass(frozen=True)
class Renderer:
    """A program with ``dot``'s command line: its name, path and output formats."""

    name: str
    path: str
    formats: frozenset[str]

    def render(self, source: str, fmt: str, *, dpi: float | None = None) -> bytes:
        """``source`` rendered as ``fmt`` (bytes of the file)."""
        if fmt not in self.formats:
            raise RenderError(f"{self.name} ({self.path}) cannot make {fmt!r} files; it makes "
                              f"{', '.join(sorted(self.formats & KNOWN))}. "
                              + ("autograd.drawing.render.render makes PDF from its SVG."
                                 if fmt == "pdf" else ""))
        argv = [self.path, f"-T{fmt}"]
        if dpi is not None and fmt not in ("svg", "dot"):
            argv.append(f"-Gdpi={dpi:g}")
        try:
            done = subprocess.run(argv, input=source.encode("utf-8"), capture_output=True,
                                  timeout=TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise RenderError(f"{self.name} took more than {TIMEOUT:g} s to lay out the graph; "
                              f"draw it with a smaller max_nodes or collapse=True") from None
        except OSError as e:
            raise RenderError(f"could not run {self.name} ({self.path}): {e}") from None
        if done.returncode != 0 or not done.stdout:
            err = done.stderr.decode("utf-8", "replace").strip()
            raise RenderError(f"{self.name} failed (exit {done.returncode}) making {fmt}: "
                              f"{err[-2000:] or 'no output'}")
        return done.stdout


#: The formats drawings care about.
KNOWN = frozenset({"svg", "png", "pdf", "jpeg", "jpg", "dot", "gv", "json", "plain"})

_formats_cache: dict[str, frozenset[str]] = {}


def _formats(path: str) -> frozenset[str]:
    """The ``-T`` formats of a dot-like program, parsed from its ``-T?`` answer."""
    if path not in _formats_cache:
        try:
            done = subprocess.run([path, "-T?"], capture_output=True, timeout=30, check=False)
            text = (done.stderr + done.stdout).decode("utf-8", "replace")
        except (OSError, subprocess.TimeoutExpired):
            text = ""
        m = re.search(r"Use one of:(.*)", text)
        names = {f.split(":")[0] for f in m.group(1).split()} if m else set()
        _formats_cache[path] = frozenset(names)
    return _formats_cache[path]


def _graphviz_pure() -> str | None:
    found = shutil.which("graphviz-pure")
    if found:
        return found
    exe = "graphviz-pure.exe" if os.name == "nt" else "graphviz-pure"
    for folder in (Path(sys.executable).parent, Path(sysconfig.get_path("scripts"))):
        candidate = folder / exe
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def available_renderers() -> list[Renderer]:
    """Every renderer found, best first (system ``dot``, then ``graphviz-pure``)."""
    found = []
    dot = shutil.which("dot")
    if dot:
        found.append(Renderer("dot", dot, _formats(dot)))
    pure = _graphviz_pure()
    if pure:
        found.append(Renderer("graphviz-pure", pure, _formats(pure)))
    return [r for r in found if r.formats]


def find_renderer(name: str | None = None) -> Renderer | None:
    """The renderer to use: ``name``, else ``$CHAINRULE_RENDERER``, else the best found."""
    wanted = name or os.environ.get(ENV_VAR) or None
    if wanted is not None and wanted not in ("dot", "graphviz-pure", "none"):
        raise ValueError(f"unknown renderer {wanted!r} (from "
                         f"{'the argument' if name else ENV_VAR}): use 'dot', "
                         f"'graphviz-pure' or 'none'")
    if wanted == "none":
        return None
    renderers = available_renderers()
    if wanted is not None:
        matching = [r for r in renderers if r.name == wanted]
        if not matching:
            raise NoRendererError(f"renderer {wanted!r} is not installed; {INSTALL_HINT}")
        return matching[0]
    return renderers[0] if renderers else None


def render(source: str, fmt: str, renderer: str | None = None, dpi: float | None = None) -> bytes:
    """DOT ``source`` as ``fmt`` bytes, with the chosen or best renderer.

    PDF from a renderer that makes none is its SVG converted to a vector PDF
    (``autograd.drawing.pdf``)."""
    r = find_renderer(renderer)
    if r is None:
        raise NoRendererError(f"cannot make {fmt}: no Graphviz renderer found; {INSTALL_HINT}")
    if fmt == "pdf" and "pdf" not in r.formats:
        from .pdf import svg_to_pdf  # imports this module
        return svg_to_pdf(r.render(source, "svg").decode("utf-8"))
    return r.render(source, fmt, dpi=dpi)
