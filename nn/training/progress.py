"""The progress bar of ``fit``: tqdm on a terminal, a widget in Jupyter, nothing
in pipes and CI (or with ``progress=False``)."""

from __future__ import annotations

import sys
from typing import IO, Any


def _progress_target(progress: Any) -> IO[str] | str | None:
    """Where the bar goes: ``"notebook"`` (a Jupyter widget) or stderr when it
    is a terminal (progress=True), the given stream, or nowhere (None)."""
    if progress is True:
        if _in_notebook():
            return "notebook"
        return sys.stderr if _isatty(sys.stderr) else None
    if progress is False or progress is None:
        return None
    if hasattr(progress, "write"):
        return progress
    raise TypeError(f"fit: progress must be True, False or a text stream, "
                    f"got {type(progress).__name__}")


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _in_notebook() -> bool:
    """True inside a Jupyter kernel (whose stderr is no terminal but shows widgets)."""
    if "IPython" not in sys.modules:
        return False
    shell = sys.modules["IPython"].get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def _bar(epochs: int, target: IO[str] | str | None) -> Any:
    if target is None:
        return None
    options = dict(total=epochs, unit="epoch", desc="fit", leave=True)
    if target == "notebook":
        from tqdm.auto import tqdm as auto_bar  # type: ignore[import-untyped]
        return auto_bar(**options)
    from tqdm.std import tqdm as text_bar  # type: ignore[import-untyped]
    return text_bar(file=target, dynamic_ncols=True, **options)
