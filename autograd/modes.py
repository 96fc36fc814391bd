"""Recording modes: ``no_grad()`` and ``detect_anomaly()``.

The mode lives in a ``ContextVar``, so it is private to each thread and each
asyncio task: ``with no_grad():`` in one task never stops another from
recording.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from typing import NamedTuple


class AnomalyError(RuntimeError):
    """Raised under ``detect_anomaly()`` by the first op whose value or gradient is nan."""


class Mode(NamedTuple):
    grad_enabled: bool = True
    anomaly: bool = False


NORMAL = Mode()
current: ContextVar[Mode] = ContextVar("chainrule_mode", default=NORMAL)


@contextmanager
def _changed(**fields: bool) -> Iterator[None]:
    token = current.set(current.get()._replace(**fields))
    try:
        yield
    finally:
        current.reset(token)


def no_grad() -> AbstractContextManager[None]:
    """Ops inside build no graph: results are plain leaves (as ``torch.no_grad``)."""
    return _changed(grad_enabled=False)


def enable_grad() -> AbstractContextManager[None]:
    """Record again inside a ``no_grad()`` block."""
    return _changed(grad_enabled=True)


def detect_anomaly() -> AbstractContextManager[None]:
    """The first op whose value (forward) or gradient (backward) is nan raises
    :class:`AnomalyError` naming the op and its inputs."""
    return _changed(anomaly=True)


def is_grad_enabled() -> bool:
    """True unless inside ``no_grad()``."""
    return current.get().grad_enabled
