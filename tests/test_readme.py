"""The README's Python examples run, and print what the README shows.

Every ```python block is run in order, in one namespace (a later example may
use what an earlier one made), in a temporary folder. When an output block
follows it, what the code printed must be that output: an exception that ends
the block shows as ``Name: message`` and a warning as ``Name: message`` (the
module path of the class, as a runner prints it, may precede the name). Two
HTML comments steer a block: ``<!-- readme: output not compared -->`` before an
output block whose numbers vary (timings), ``<!-- readme: not run -->`` before
a code block that needs a terminal. A block whose first line is ``# name.py``
is that file: it is saved, not run; an output block starting ``$ pytest ...``
after it is that command, run in the folder and compared. ``...`` in a shown
line stands for any text (long messages, timings)."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import subprocess
import sys
import traceback
import warnings
from pathlib import Path
from typing import Any

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
FENCE = re.compile(r"(<!-- readme: [^>]* -->\n)?```(\w*)\n(.*?)```\n", re.S)


def examples() -> list[tuple[int, str, str | None, bool]]:
    """(line, code, expected output or None, compare) for each Python block."""
    text = README.read_text(encoding="utf-8")
    found = list(FENCE.finditer(text))
    out = []
    for k, m in enumerate(found):
        note, lang, body = m.group(1) or "", m.group(2), m.group(3)
        if lang != "python" or "not run" in note:
            continue
        expected, compare = None, True
        if k + 1 < len(found):
            nxt = found[k + 1]
            between = text[m.end():nxt.start()]
            if nxt.group(2) in ("", "text") and not between.strip():
                expected = nxt.group(3)
                compare = "output not compared" not in (nxt.group(1) or "")
        out.append((text.count("\n", 0, m.start()) + 1, body, expected, compare))
    return out


def matches(got: str, shown: str) -> bool:
    """Line by line; ``...`` in a shown line matches any text."""
    a, b = normalise(got).splitlines(), normalise(shown).splitlines()
    if len(a) != len(b):
        return False
    for line, pattern in zip(a, b):
        if "..." in pattern:
            regex = ".*".join(re.escape(part) for part in pattern.split("..."))
            if not re.fullmatch(regex, line):
                return False
        elif line != pattern:
            return False
    return True


def run_shown_command(expected: str) -> str:
    """Run the ``$ pytest ...`` line of an output block; its output, timing masked."""
    command = shlex.split(expected.splitlines()[0][2:])
    assert command[0] == "pytest", command
    Path("conftest.py").write_text(  # fewer examples than a user's run: the same verdict
        "from hypothesis import settings\n"
        "settings.register_profile('readme', max_examples=15, deadline=None)\n"
        "settings.load_profile('readme')\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
                           *command[1:]], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "HYPOTHESIS_PROFILE": "readme"})
    out = expected.splitlines()[0] + "\n" + done.stdout
    return re.sub(r" in [0-9.]+s", " in ...s", out)


def normalise(text: str) -> str:
    """Lines without trailing blanks; ``pkg.mod.NameError:`` and a warning's
    ``file.py:2: NameWarning:`` prefix shown as ``NameError:``."""
    lines = []
    for line in text.strip().splitlines():
        line = re.sub(r"^\S+\.py:\d+: (\w+Warning:)", r"\1", line.rstrip())
        lines.append(re.sub(r"^(\w+\.)+(\w+(Error|Warning|Exception)):", r"\2:", line))
    return "\n".join(lines)


def test_every_readme_example_runs_and_prints_what_it_shows(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CHAINRULE_README_TEST", "1")
    namespace: dict[str, Any] = {"__name__": "__readme__"}
    failures = []
    cases = examples()
    assert len(cases) >= 10, "the README lost its examples?"
    for line, code, expected, compare in cases:
        first = code.splitlines()[0] if code.strip() else ""
        if re.fullmatch(r"# [\w/]+\.py", first):  # a file of the example: save it
            Path(first[2:]).write_text(code, encoding="utf-8")
            if expected is not None and expected.startswith("$ pytest"):
                got = run_shown_command(expected)
                shown = re.sub(r" in [0-9.]+s", " in ...s", expected)
                if not matches(got, shown):
                    failures.append(f"README.md:{line}: {expected.splitlines()[0]} printed:\n"
                                    f"{got}\nbut the README shows:\n{expected}")
            continue
        buffer = io.StringIO()
        with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(buffer):
            warnings.simplefilter("always")
            try:
                exec(compile(code, f"README.md:{line}", "exec"), namespace)  # the README's own code
            except Exception as e:  # an example may end with the error it shows
                buffer.write(f"{type(e).__name__}: {e}\n")
                if expected is None or type(e).__name__ not in expected:
                    failures.append(f"README.md:{line} raised:\n{traceback.format_exc()}")
                    continue
        for w in caught:
            if w.category.__name__ in (expected or ""):
                buffer.write(f"{w.category.__name__}: {w.message}\n")
        if expected is not None and compare and not matches(buffer.getvalue(), expected):
            failures.append(f"README.md:{line} printed:\n{buffer.getvalue()}\n"
                            f"but the README shows:\n{expected}")
    assert not failures, "\n\n".join(failures)
    assert os.getcwd() == str(tmp_path)
