"""``graphviz.Source`` and ``graphviz.Digraph`` laid out by chainrule's renderer.

The ``graphviz`` Python package runs a program called ``dot`` found on PATH,
so with pip alone its ``.pipe()``, ``.render()``, ``.view()`` and notebook
display raise ``ExecutableNotFound``. Every one of them goes through three
hooks of the package's backend mixins (``_pipe_lines``, ``_pipe_lines_string``
and ``_render``); the subclasses here override only those, so that they run the
program chainrule finds (``autograd.drawing.render``: a system ``dot``, else
graphviz-pure; ``$CHAINRULE_RENDERER`` chooses) with the same command line
(``-K`` engine, ``-T`` format[:renderer[:formatter]], ``-n``), and make PDF
from SVG when that program has none (``autograd.drawing.pdf``). Everything
else is the package's own, and they are instances of its classes.

What still needs Graphviz itself: ``.unflatten()`` (Graphviz's ``unflatten``
program), ``graphviz.version()``, and output formats, layout engines or
``renderer=``/``formatter=`` options that graphviz-pure does not have (it makes
svg, png, jpeg, json, plain, dot/xdot; PDF comes from its SVG).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import graphviz

from ..files import atomic_write
from .render import TIMEOUT, NoRendererError, RenderError, find_renderer

__all__ = ["Source", "Digraph"]


def _run(program: str | None, engine: str, fmt: str, data: bytes, *,
         renderer: str | None = None, formatter: str | None = None,
         neato_no_op: bool | int | None = None, quiet: bool = False,
         cwd: Path | None = None) -> bytes:
    """``data`` (DOT) laid out by ``engine`` as ``fmt``, by chainrule's renderer.

    Failures are the package's own exceptions: ``graphviz.CalledProcessError``
    (the program's exit status, output and messages)."""
    found = find_renderer(program)
    if found is None:
        raise NoRendererError(f"cannot make {fmt}: no Graphviz renderer found (chainrule "
                              f"renderer 'none'); pip install graphviz-pure")
    convert = fmt == "pdf" and "pdf" not in found.formats
    if convert and (renderer or formatter):
        raise RenderError(f"{found.name} makes no PDF, so chainrule converts its SVG; "
                          f"renderer={renderer!r}/formatter={formatter!r} need Graphviz's dot")
    spec = ":".join(x for x in ("svg" if convert else fmt, renderer, formatter) if x)
    cmd = [found.path, f"-K{engine}", f"-T{spec}"]
    if neato_no_op:
        cmd.append(f"-n{int(neato_no_op):d}")
    try:
        done = subprocess.run(cmd, input=data, capture_output=True, cwd=cwd, timeout=TIMEOUT,
                              check=False)
    except subprocess.TimeoutExpired:
        raise RenderError(f"{found.name} took more than {TIMEOUT:g} s to lay out the graph"
                          ) from None
    if not quiet and done.stderr:
        sys.stderr.write(done.stderr.decode("utf-8", "replace"))
        sys.stderr.flush()
    if done.returncode != 0:
        raise graphviz.CalledProcessError(done.returncode, cmd, output=done.stdout,
                                          stderr=done.stderr)
    if convert:
        from .pdf import svg_to_pdf

        return svg_to_pdf(done.stdout.decode("utf-8"))
    return done.stdout


class _LaidOutByChainrule:
    """The three backend hooks of ``graphviz``'s mixins, pointed at :func:`_run`.

    ``chainrule_renderer`` names the program (``"dot"``, ``"graphviz-pure"``,
    or None: ``$CHAINRULE_RENDERER``, else the best found)."""

    chainrule_renderer: str | None = None

    def copy(self) -> Any:
        new = super().copy()  # type: ignore[misc]
        new.chainrule_renderer = self.chainrule_renderer
        return new

    @property
    def _pipe_lines(self) -> Callable[..., bytes]:
        def pipe_lines(engine: str, fmt: str, input_lines: Iterator[str], *,
                       input_encoding: str, renderer: str | None = None,
                       formatter: str | None = None, neato_no_op: bool | int | None = None,
                       quiet: bool = False) -> bytes:
            data = "".join(input_lines).encode(input_encoding)
            return _run(self.chainrule_renderer, engine, fmt, data, renderer=renderer,
                        formatter=formatter, neato_no_op=neato_no_op, quiet=quiet)
        return pipe_lines

    @property
    def _pipe_lines_string(self) -> Callable[..., str]:
        def pipe_lines_string(engine: str, fmt: str, input_lines: Iterator[str], *,
                              encoding: str, **options: Any) -> str:
            data = "".join(input_lines).encode(encoding)
            return _run(self.chainrule_renderer, engine, fmt, data,
                        **options).decode(encoding)
        return pipe_lines_string

    @property
    def _render(self) -> Callable[..., str]:
        def render(engine: str, fmt: str, filepath: str | os.PathLike[str],
                   renderer: str | None = None, formatter: str | None = None,
                   neato_no_op: bool | int | None = None, quiet: bool = False, *,
                   outfile: str | os.PathLike[str] | None = None,
                   raise_if_result_exists: bool = False,
                   overwrite_filepath: bool = False) -> str:
            source = Path(filepath)
            if outfile is None:  # graphviz's -O: the source path + .format
                suffix = ".".join(x for x in (formatter, renderer, fmt) if x)
                target = source.with_name(f"{source.name}.{suffix}")
            else:
                target = Path(outfile)
                if not overwrite_filepath and target.resolve() == source.resolve():
                    raise ValueError(f"outfile {target.name!r} must be different from input "
                                     f"file {source.name!r} (pass overwrite_filepath=True "
                                     f"to override)")
            if raise_if_result_exists and target.exists():
                raise graphviz.FileExistsError(f"output file exists: {os.fspath(target)!r}")
            out = _run(self.chainrule_renderer, engine, fmt, source.read_bytes(),
                       renderer=renderer, formatter=formatter, neato_no_op=neato_no_op,
                       quiet=quiet, cwd=source.parent if source.parent.parts else None)
            atomic_write(target, out)
            return os.fspath(target)
        return render


class Source(_LaidOutByChainrule, graphviz.Source):
    """A ``graphviz.Source`` whose layout program is chainrule's renderer."""


class Digraph(_LaidOutByChainrule, graphviz.Digraph):
    """A ``graphviz.Digraph`` whose layout program is chainrule's renderer."""
