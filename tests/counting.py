"""Work counted, not timed: how tests check that a walk is linear."""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType


def work(fn: Callable[[], object]) -> int:
    """The lines of Python ``fn`` executes (every frame, ``sys.settrace``): a
    count of the work that does not depend on the machine or its load."""
    lines = 0

    def local(frame: FrameType, event: str, arg: object) -> Callable[..., object]:
        nonlocal lines
        if event == "line":
            lines += 1
        return local

    previous = sys.gettrace()
    sys.settrace(lambda frame, event, arg: local)
    try:
        fn()
    finally:
        sys.settrace(previous)
    return lines
