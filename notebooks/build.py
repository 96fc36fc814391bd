"""Build the course notebooks from their sources and execute them in place.

Each notebook is written as a plain Python file in ``notebooks/src/`` (the
"percent" format: a line ``# %%`` starts a code cell, ``# %% [markdown]`` a
Markdown cell whose lines are comments ``# ...``). This script turns each
source into ``notebooks/NN_name.ipynb``, runs it top to bottom with a real
Jupyter kernel (nbclient + ipykernel, the kernel of *this* Python, so the
notebook sees the same packages), and writes it back with its outputs, so a
Git host shows the pictures and numbers without running anything.

    python notebooks/build.py            # every notebook
    python notebooks/build.py 01 05      # the ones whose name starts so

``tests/test_notebooks.py`` uses the same functions to re-execute every
notebook and compare its outputs with the committed ones.
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import functools
import json
import os
import re
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
from jupyter_client import AsyncKernelManager
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "src"
KERNEL_NAME = "chainrule-build"
TIMEOUT = 120  # seconds per cell: a runaway cell fails instead of hanging CI
#: The kernelspec as JupyterLab writes it for ipykernel's default kernel.
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}

_CELL = re.compile(r"^# %%(?P<kind> \[markdown\])?[ \t]*$")


def sources() -> list[Path]:
    """The notebook sources, in course order (``NN_name.py``)."""
    return sorted(p for p in SOURCES.glob("[0-9][0-9]_*.py"))


def target(source: Path) -> Path:
    """Where the notebook built from ``source`` lives."""
    return HERE / (source.stem + ".ipynb")


def parse(text: str, where: str = "<source>") -> list[tuple[str, str]]:
    """``[(kind, text), ...]`` with kind ``"code"`` or ``"markdown"``.

    Lines before the first ``# %%`` (the module docstring, if any) are not a
    cell. Markdown lines must be comments (``#`` or ``# text``)."""
    cells: list[tuple[str, list[str]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        m = _CELL.match(line)
        if m:
            cells.append(("markdown" if m.group("kind") else "code", []))
            continue
        if not cells:
            continue
        kind, lines = cells[-1]
        if kind == "markdown":
            if line.strip() and not (line == "#" or line.startswith("# ")):
                raise ValueError(f"{where}:{number}: a Markdown cell line must start with "
                                 f"'# ', got {line!r}")
            lines.append(line[2:] if line.startswith("# ") else "")
        else:
            lines.append(line)
    out = []
    for kind, lines in cells:
        body = "\n".join(lines).strip("\n")
        if not body.strip():
            raise ValueError(f"{where}: empty {kind} cell")
        out.append((kind, body))
    if not out:
        raise ValueError(f"{where}: no cells (a cell starts with a line '# %%')")
    return out


def notebook(source: Path) -> Any:
    """An unexecuted notebook built from ``source``, with stable cell ids."""
    nb = nbformat.v4.new_notebook()
    for k, (kind, body) in enumerate(parse(source.read_text(encoding="utf-8"), str(source))):
        make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        nb.cells.append(make(body, id=f"{source.stem[:2]}-{k:02d}"))
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    return nb


@contextlib.contextmanager
def venv_kernel() -> Iterator[str]:
    """A kernelspec that starts ipykernel with *this* interpreter (the venv's),
    whatever kernels the machine has installed; yields its name. It lives in a
    temporary JUPYTER_PATH entry, so nothing outside is touched."""
    with tempfile.TemporaryDirectory(prefix="chainrule-kernel-") as tmp:
        spec = Path(tmp) / "kernels" / KERNEL_NAME
        spec.mkdir(parents=True)
        (spec / "kernel.json").write_text(json.dumps({
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "chainrule (this venv)",
            "language": "python",
            "env": {"PYTHONHASHSEED": "0"},
        }), encoding="utf-8")
        old = os.environ.get("JUPYTER_PATH")
        os.environ["JUPYTER_PATH"] = tmp + (os.pathsep + old if old else "")
        try:
            yield KERNEL_NAME
        finally:
            if old is None:
                del os.environ["JUPYTER_PATH"]
            else:
                os.environ["JUPYTER_PATH"] = old


@functools.cache
def _socket_dir() -> str:
    """This process's directory for kernel sockets: made once, removed at exit."""
    path = tempfile.mkdtemp(prefix="chainrule-kernels-")
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


class SocketFileKernelManager(AsyncKernelManager):
    """A kernel that talks to its client over Unix socket files with a name of
    its own in a private directory, not over TCP ports: a free port found for
    one kernel can be taken by another kernel starting at the same moment, and
    the first one dies ("Address already in use"; seen in CI with notebooks
    running side by side). The files go when the kernel shuts down."""

    def _transport_default(self) -> str:
        return "ipc"

    def _ip_default(self) -> str:
        return os.path.join(_socket_dir(), uuid.uuid4().hex[:12])


def client(nb: Any, kernel: str, cwd: Path = HERE) -> NotebookClient:
    """The client that runs ``nb`` in a new ``kernel`` whose working directory is ``cwd``."""
    return NotebookClient(nb, kernel_name=kernel, timeout=TIMEOUT, record_timing=False,
                          coalesce_streams=True, resources={"metadata": {"path": str(cwd)}},
                          kernel_manager_class=SocketFileKernelManager)


def _tidy(nb: Any) -> None:
    """The metadata JupyterLab writes when it opens the notebook (so opening it
    does not mark it modified): the default kernel's spec and the language_info
    its kernel reports (the Python version included: the venv's); widget state
    dropped (a saved widget needs a live kernel anyway)."""
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata.pop("widgets", None)


def execute(nb: Any, kernel: str) -> float:
    """Run ``nb`` in place (cwd: notebooks/) and return the wall time in
    seconds, kernel start included. A cell that raises raises
    ``nbclient.exceptions.CellExecutionError`` naming the cell."""
    return execute_together([nb], kernel)[0]


def execute_together(nbs: list[Any], kernel: str) -> list[float]:
    """Run several notebooks at the same time, each in its own kernel (one
    core each), in place; return each one's wall time in seconds."""
    async def one(nb: Any) -> float:
        start = time.perf_counter()
        await client(nb, kernel).async_execute()
        return time.perf_counter() - start

    async def run_all() -> list[float]:
        return list(await asyncio.gather(*(one(nb) for nb in nbs)))

    seconds = asyncio.run(run_all())
    for nb in nbs:
        _tidy(nb)
    return seconds


# -- what must be the same from one run to the next -------------------------------------

_VOLATILE = [
    # tqdm's "[elapsed<remaining, rate": "[00:03<00:00,  9.51epoch/s"
    (re.compile(r"\[\d+:\d\d(?::\d\d)?<[^,\]]*(?:,[^,\]]*)?"), "[TIME"),
    # widget model ids
    (re.compile(r'"model_id": "[0-9a-f]+"'), '"model_id": "ID"'),
    # spaces at a line's end: tqdm pads its last refresh to the length of the one
    # before, whose timing text varies ("…accuracy=0.99] " or "…accuracy=0.99]")
    (re.compile(r" +$", re.M), ""),
]

#: Output types drawn by ``autograd.draw``/``step_through`` (Graphviz SVG, the
#: HTML player): their exact bytes follow the drawing style, which is the
#: drawing code's business, so the tests compare them run against run rather
#: than against the committed notebook.
DRAWINGS = frozenset({"image/svg+xml", "text/html"})


def normalise(text: str) -> str:
    """Text with run-dependent parts (tqdm timings, rates and padding, widget ids) masked."""
    for pattern, mask in _VOLATILE:
        text = pattern.sub(mask, text)
    return text


def outputs(nb: Any, drawings: bool = True) -> list[list[dict[str, str]]]:
    """Per code cell, its outputs as ``{mime type or stream name: text}``, masked
    by :func:`normalise`; execution counts and metadata are left out. With
    ``drawings=False`` the DRAWINGS types keep only their presence."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        shown = []
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                shown.append({out.name: normalise(out.text)})
            elif out.output_type in ("display_data", "execute_result"):
                shown.append({mime: "(drawing)" if mime in DRAWINGS and not drawings else
                              normalise(data if isinstance(data, str) else
                                        json.dumps(data, sort_keys=True))
                              for mime, data in out.data.items()})
            elif out.output_type == "error":
                shown.append({"error": f"{out.ename}: {out.evalue}"})
        cells.append(shown)
    return cells


def has_drawings(nb: Any) -> bool:
    """Whether some output of ``nb`` is of a DRAWINGS type."""
    return any(mime in DRAWINGS for cell in nb.cells for out in cell.get("outputs", [])
               for mime in out.get("data", {}))


def build(source: Path) -> float:
    """Build, execute and write one notebook; return its run time (s)."""
    nb = notebook(source)
    with venv_kernel() as kernel:
        seconds = execute(nb, kernel)
    nbformat.validate(nb)
    target(source).write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("only", nargs="*", help="build only notebooks whose name starts so")
    args = parser.parse_args(argv)
    chosen = [s for s in sources() if not args.only or any(s.stem.startswith(o)
                                                           for o in args.only)]
    if not chosen:
        parser.error(f"no notebook source matches {args.only} in {SOURCES}")
    total = 0.0
    for source in chosen:
        seconds = build(source)
        total += seconds
        print(f"{target(source).relative_to(HERE.parent)}: {seconds:.1f} s")
    print(f"total: {total:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
