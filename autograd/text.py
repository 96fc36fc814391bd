"""Text chainrule shows: labels, titles, captions.

Everything a drawing or a page prints is checked once, where it enters:
a str, with no NUL, no other control character (tab and newlines aside) and
no lone surrogate (a file name decoded with ``errors="surrogateescape"``),
none of which a drawing can show.
"""

from __future__ import annotations

from typing import Any

__all__ = ["check_text"]


def check_text(fn: str, argument: str, value: Any, *, optional: bool = True) -> None:
    """Refuse a text argument that cannot be drawn: not a str (TypeError), or
    holding NUL, another control character (tab and newline aside) or a lone
    surrogate (ValueError), naming ``fn`` and ``argument``."""
    if value is None and optional:
        return
    if not isinstance(value, str):
        raise TypeError(f"{fn}: {argument} must be a str{' or None' if optional else ''}, "
                        f"got {type(value).__name__}")
    if value.isprintable():  # the common case, checked in C
        return
    for k, ch in enumerate(value):
        code = ord(ch)
        if (code < 32 and ch not in "\t\n\r") or code == 127:
            raise ValueError(f"{fn}: {argument} holds the control character {ch!r} at "
                             f"position {k}; drawings show printable text only")
        if 0xD800 <= code <= 0xDFFF:
            raise ValueError(f"{fn}: {argument} holds a lone surrogate {ch!r} at position "
                             f"{k} (not a character; was it decoded with "
                             "errors='surrogateescape'?)")
