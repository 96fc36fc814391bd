"""One way for every test to run code in a real Jupyter kernel: the one
``notebooks/build.py`` uses (a kernelspec for this interpreter, Unix-socket
transport so kernels started at the same moment cannot take each other's ports)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _load_builder() -> Any:
    if "notebook_build" in sys.modules:
        return sys.modules["notebook_build"]
    spec = importlib.util.spec_from_file_location("notebook_build", ROOT / "notebooks" / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["notebook_build"] = module
    spec.loader.exec_module(module)
    return module


build = _load_builder()


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
