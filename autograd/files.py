"""Writing output files whole or not at all.

Every file chainrule writes (drawings, frames, players, models) goes through
:func:`atomic_write`: the bytes go to a temporary file in the same folder,
which is flushed to disk and then renamed over the target. A full disk, a
crash or Ctrl-C half-way leaves the old file (or no file), never a truncated
one, and the temporary file is removed.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

__all__ = ["atomic_write"]


def atomic_write(path: str | os.PathLike[str], data: bytes | str, *,
                 encoding: str = "utf-8") -> Path:
    """Write ``data`` to ``path`` atomically (temporary file + rename).

    Raises OSError naming ``path`` on failure (the temporary file is removed,
    an existing ``path`` is left as it was)."""
    target = Path(path)
    payload = data.encode(encoding) if isinstance(data, str) else bytes(data)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    try:  # 0o666 and the umask, as a plain open() would create it
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                     0o666)
    except OSError as e:
        raise OSError(e.errno, f"cannot write {str(target)!r}: {e.strerror or e}") from e
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):
            raise OSError(e.errno, f"cannot write {str(target)!r}: {e.strerror or e}") from e
        raise
    return target
