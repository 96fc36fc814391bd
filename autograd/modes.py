"""Recording modes: ``no_grad()``, ``enable_grad()`` and ``detect_anomaly()``.

The mode lives in a ``ContextVar``, so it is private to each thread and each
asyncio task: ``with no_grad():`` in one task never stops another from
recording. Each switch is a context manager, reusable and re-entrant (the
same object may be entered again, also nested), and a decorator, with or
without parentheses, for plain and ``async`` functions, as in PyTorch::

    with no_grad(): ...
    off = no_grad()
    with off: ...
    with off: ...           # the same object again

    @no_grad
    def evaluate(model, x): ...

    @no_grad()
    async def serve(model, x): ...
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, NamedTuple, TypeVar


class AnomalyError(RuntimeError):
    """Raised under ``detect_anomaly()`` by the first op whose value or gradient is nan."""


class Mode(NamedTuple):
    grad_enabled: bool = True
    anomaly: bool = False


NORMAL = Mode()
current: ContextVar[Mode] = ContextVar("chainrule_mode", default=NORMAL)
#: The modes the switches entered in this context replaced, innermost last.
_saved: ContextVar[tuple[Mode, ...]] = ContextVar("chainrule_saved_modes", default=())

F = TypeVar("F", bound=Callable[..., Any])


class _Switch:
    """Sets some fields of the mode while entered; ``changes`` names them."""

    changes: dict[str, bool] = {}

    def __new__(cls, fn: Callable[..., Any] | None = None) -> Any:
        self = super().__new__(cls)
        if fn is None:
            return self
        if not callable(fn):
            raise TypeError(f"{cls.__name__}() takes no arguments, or decorates a function; "
                            f"got {type(fn).__name__}")
        return self(fn)  # @no_grad without parentheses

    def __enter__(self) -> None:
        before = current.get()
        current.set(before._replace(**self.changes))
        _saved.set((*_saved.get(), before))

    def __exit__(self, *exc: object) -> None:
        stack = _saved.get()
        current.set(stack[-1])
        _saved.set(stack[:-1])

    def __call__(self, fn: F) -> F:
        """Decorate ``fn`` (a function or an ``async`` function) to run in this mode."""
        if not callable(fn):
            raise TypeError(f"{type(self).__name__}: can only decorate a function, "
                            f"got {type(fn).__name__}")
        switch = type(self)
        if inspect.iscoroutinefunction(fn):
            @functools.wraps(fn)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                with switch():
                    return await fn(*args, **kwargs)
            return run_async  # type: ignore[return-value]

        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            with switch():
                return fn(*args, **kwargs)
        return run  # type: ignore[return-value]

    def __repr__(self) -> str:
        return f"autograd.{type(self).__name__}()"


class no_grad(_Switch):  # noqa: N801 - the public name, as torch.no_grad
    """Ops inside build no graph: results are plain leaves (as ``torch.no_grad``)."""

    changes = {"grad_enabled": False}


class enable_grad(_Switch):  # noqa: N801
    """Record again inside a ``no_grad()`` block."""

    changes = {"grad_enabled": True}


class detect_anomaly(_Switch):  # noqa: N801
    """The first op whose value (forward) or gradient (backward) is nan raises
    :class:`AnomalyError` naming the op and its inputs."""

    changes = {"anomaly": True}


def is_grad_enabled() -> bool:
    """True unless inside ``no_grad()``."""
    return current.get().grad_enabled
