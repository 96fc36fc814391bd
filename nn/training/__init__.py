"""Training: ``fit`` (the loop, ``loop.py``), ``evaluate``, the metrics
(``metrics.py``), the progress bar (``progress.py``), the history and early
stopping (``history.py``)."""

from .history import EarlyStopping, History
from .loop import evaluate, fit
from .metrics import accuracy

__all__ = ["fit", "evaluate", "History", "EarlyStopping", "accuracy"]
