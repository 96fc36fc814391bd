"""atomic_write: whole files or none, also on a full disk or an interrupt."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from autograd import files
from autograd.files import atomic_write


def test_writes_text_and_bytes_with_the_usual_permissions(tmp_path: Path) -> None:
    p = atomic_write(tmp_path / "a.txt", "héllo")
    assert p.read_text(encoding="utf-8") == "héllo"
    atomic_write(tmp_path / "b.bin", b"\x00\x01")
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\x01"
    umask = os.umask(0)
    os.umask(umask)
    assert (p.stat().st_mode & 0o777) == (0o666 & ~umask)
    assert sorted(x.name for x in tmp_path.iterdir()) == ["a.txt", "b.bin"]


@pytest.mark.parametrize("fail_at", ["write", "fsync", "replace", "interrupt"])
def test_a_failure_leaves_the_old_file_and_no_temporary(tmp_path: Path, fail_at: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "model.json"
    target.write_text("old", encoding="utf-8")

    def boom(*args: object, **kwargs: object) -> None:
        if fail_at == "interrupt":
            raise KeyboardInterrupt
        raise OSError(errno.ENOSPC, "No space left on device")

    if fail_at == "write":
        real_fdopen = os.fdopen

        class Full:
            def __init__(self, fd: int, mode: str) -> None:
                self.f = real_fdopen(fd, mode)

            def __enter__(self) -> Full:
                return self

            def __exit__(self, *exc: object) -> None:
                self.f.close()

            def write(self, data: bytes) -> None:
                self.f.write(data[: len(data) // 2])
                boom()

        monkeypatch.setattr(files.os, "fdopen", Full)
    elif fail_at == "fsync":
        monkeypatch.setattr(files.os, "fsync", boom)
    else:
        monkeypatch.setattr(files.os, "replace", boom)
    expected = KeyboardInterrupt if fail_at == "interrupt" else OSError
    with pytest.raises(expected) as info:
        atomic_write(target, "new content " * 1000)
    if expected is OSError:
        assert "model.json" in str(info.value) and info.value.errno == errno.ENOSPC
    assert target.read_text(encoding="utf-8") == "old"
    assert [x.name for x in tmp_path.iterdir()] == ["model.json"]


def test_a_missing_folder_is_an_oserror_naming_the_path(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="nowhere"):
        atomic_write(tmp_path / "nowhere" / "f.svg", "x")
