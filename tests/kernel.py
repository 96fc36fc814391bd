"""One way for every test to run code in a real Jupyter kernel: the one
``notebooks/build.py`` uses (a kernelspec for this interpreter, Unix-socket
transport so kernels started at the same moment cannot take each other's ports)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from seeds import load

build = load("notebook_build", "notebooks/build.py")


def run_cells(sources: list[str], cwd: Path) -> list[Any]:
    """Run ``sources`` as the code cells of one notebook in a new kernel (working
    directory ``cwd``); return the executed cells. A cell that raises raises
    ``nbclient.exceptions.CellExecutionError``."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in sources]
    with build.venv_kernel() as name:
        build.client(nb, name, cwd).execute()
    return list(nb.cells)
