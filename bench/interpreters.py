"""The Python interpreters a benchmark runs on: ``--python 3.11,3.13``.

A version ``3.X`` is found as ``python3.X`` on PATH, else under
``~/.pyenv/versions/3.X*/bin/python`` (the newest patch release); a candidate
counts only when it runs and says it is 3.X (a pyenv shim for a version that is
not selected exits with an error, and is skipped).

Each interpreter needs chainrule (this checkout, editable) and micrograd 0.1.0.
Workers import this checkout's code (it is on their PYTHONPATH), so the
interpreter running the benchmark is used as it is when it is the version
asked for and imports chainrule and micrograd 0.1.0 that way; otherwise
:func:`bench_python` uses a virtual environment of its own, ``.venv-bench-3.X``
in the checkout (or ``.venv-3.X``, which ``make pythons`` makes with the same
two packages, when it is up to date), created and filled with pip from the
package index when missing or older than ``pyproject.toml``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MICROGRAD_VERSION = "0.1.0"
VERSION_RE = re.compile(r"3\.\d{1,2}")
#: What a benchmark interpreter must have: chainrule from ROOT and micrograd 0.1.0.
PROBE = ("import json, platform, sys\n"
         "out = {'version': '%d.%d' % sys.version_info[:2], "
         "'full': platform.python_version()}\n"
         "try:\n"
         "    import autograd\n"
         "    out['autograd'] = autograd.__file__\n"
         "except Exception as e:\n"
         "    out['autograd_error'] = repr(e)\n"
         "from importlib import metadata\n"
         "try:\n"
         "    out['micrograd'] = metadata.version('micrograd')\n"
         "except metadata.PackageNotFoundError:\n"
         "    out['micrograd'] = None\n"
         "print(json.dumps(out))\n")
STAMP = ".installed"


class InterpreterError(RuntimeError):
    """A Python version that cannot be found or prepared for the benchmark."""


def parse_versions(text: str) -> list[str]:
    """``"3.11,3.13"`` (commas or spaces) as ``["3.11", "3.13"]``, duplicates dropped."""
    versions: list[str] = []
    for part in re.split(r"[,\s]+", text.strip()):
        if not part:
            continue
        if not VERSION_RE.fullmatch(part):
            raise ValueError(f"--python: {part!r} is not a Python version like 3.11 "
                             f"(give versions separated by commas: 3.11,3.13)")
        if part not in versions:
            versions.append(part)
    if not versions:
        raise ValueError("--python: no version given (e.g. --python 3.11,3.13)")
    return versions


def current_version() -> str:
    """``3.X`` of the interpreter running this code."""
    return f"{sys.version_info[0]}.{sys.version_info[1]}"


def _reports_version(exe: str, version: str) -> bool:
    try:
        proc = subprocess.run([exe, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                              capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.returncode == 0 and proc.stdout.strip() == version


def _patch_key(path: Path, version: str) -> tuple[int, ...]:
    """Sort key of ``~/.pyenv/versions/3.X.Y/bin/python``: the patch number Y."""
    name = path.parents[1].name
    rest = name[len(version):].lstrip(".")
    digits = re.match(r"\d+", rest)
    return (int(digits.group()) if digits else -1,)


def candidates(version: str) -> list[str]:
    """Where Python ``version`` may be: ``python3.X`` on PATH, then pyenv's, newest first."""
    found: list[str] = []
    on_path = shutil.which(f"python{version}")
    if on_path:
        found.append(on_path)
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    if pyenv.is_dir():
        exes = [d / "bin" / "python" for d in pyenv.iterdir()
                if (d.name == version or d.name.startswith(version + "."))
                and (d / "bin" / "python").exists()]
        found += [str(p) for p in sorted(exes, key=lambda p: _patch_key(p, version),
                                         reverse=True)]
    return found


def find_python(version: str) -> str:
    """The first interpreter of :func:`candidates` that runs as Python ``version``."""
    tried = candidates(version)
    for exe in tried:
        if _reports_version(exe, version):
            return exe
    where = ", ".join(tried) if tried else "none found"
    raise InterpreterError(f"Python {version} not found: no python{version} on PATH that runs, "
                           f"none under ~/.pyenv/versions/{version}* (tried: {where})")


def probe(exe: str, root: Path = ROOT) -> dict[str, object] | None:
    """What ``exe`` has when run as the workers run it (``root`` on PYTHONPATH): its
    version, where it imports autograd from (chainrule's dependencies must be
    there), micrograd's version."""
    env = dict(os.environ, PYTHONPATH=str(root))
    try:
        proc = subprocess.run([exe, "-c", PROBE], capture_output=True, text=True, timeout=120,
                              cwd=Path.home(), env=env)
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0:
        return None
    try:
        info = json.loads(proc.stdout.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        return None
    return info if isinstance(info, dict) else None


def usable(info: dict[str, object] | None, version: str, root: Path = ROOT) -> bool:
    """Whether a probed interpreter is ``version`` with chainrule from ``root`` and
    micrograd 0.1.0."""
    if not info or info.get("version") != version:
        return False
    if info.get("micrograd") != MICROGRAD_VERSION:
        return False
    where = info.get("autograd")
    return isinstance(where, str) and Path(where).resolve().is_relative_to(root.resolve())


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _fresh(venv: Path, root: Path) -> bool:
    stamp = venv / STAMP
    return stamp.exists() and stamp.stat().st_mtime >= (root / "pyproject.toml").stat().st_mtime


def install_commands(base: str, venv: Path, root: Path = ROOT) -> list[list[str]]:
    """The commands that make ``venv`` from interpreter ``base``: the venv, then pip
    installs chainrule (editable, from ``root``) and micrograd 0.1.0 from the index."""
    py = str(venv_python(venv))
    return [[base, "-m", "venv", str(venv)],
            [py, "-m", "pip", "install", "--quiet", "--upgrade", "pip"],
            [py, "-m", "pip", "install", "--quiet", "-e", str(root),
             f"micrograd=={MICROGRAD_VERSION}"]]


Runner = Callable[[Sequence[str]], int]


def _run(cmd: Sequence[str]) -> int:
    return subprocess.run(list(cmd)).returncode


def bench_python(version: str, *, root: Path = ROOT, log: Callable[[str], None] = print,
                 run: Runner = _run) -> str:
    """An interpreter of Python ``version`` ready for the benchmark (see the module
    docstring); creates ``.venv-bench-<version>`` in ``root`` when none is."""
    if version == current_version() and usable(probe(sys.executable, root), version, root):
        return sys.executable
    ours = root / f".venv-bench-{version}"
    for venv in (ours, root / f".venv-{version}"):
        exe = venv_python(venv)
        if exe.exists() and _fresh(venv, root) and usable(probe(str(exe), root), version, root):
            return str(exe)
    base = find_python(version)
    log(f"bench: preparing {ours.name} (Python {version} from {base}): chainrule, "
        f"editable, and micrograd=={MICROGRAD_VERSION} from the package index")
    stamp = ours / STAMP
    if stamp.exists():
        stamp.unlink()
    for cmd in install_commands(base, ours, root):
        code = run(cmd)
        if code != 0:
            raise InterpreterError(f"Python {version}: `{' '.join(cmd)}` failed "
                                   f"(exit status {code})")
    exe = venv_python(ours)
    info = probe(str(exe), root)
    if not usable(info, version, root):
        raise InterpreterError(f"Python {version}: {ours} was made, but {exe} does not import "
                               f"chainrule from {root} and micrograd {MICROGRAD_VERSION} "
                               f"(it reports {info})")
    stamp.touch()
    return str(exe)
