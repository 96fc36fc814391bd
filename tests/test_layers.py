"""The import layers of the package, pinned (issue: architecture).

``autograd`` is built in floors: each module imports only modules of lower
floors (imports under ``if TYPE_CHECKING:`` are for type hints and do not
count), so the core reads bottom-up without circles. ``nn`` uses only the
public names of ``autograd``; nothing in ``autograd`` imports ``nn``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: floor -> modules of autograd (dotted, relative to the package).
FLOORS: list[set[str]] = [
    {"floats", "modes", "files", "syntax", "version", "text"},
    {"op"},
    {"ops", "backprop", "fused"},
    {"value"},
    {"functional", "functions", "tape"},
    {"check", "expr", "symbolic"},
    {"testing", "drawing"},
    {"cli", "__main__", "__init__"},
]
#: autograd's public modules nn may import names from (each name in its __all__).
PUBLIC = {"autograd", "autograd.op", "autograd.syntax", "autograd.files"}


def floor_of(module: str) -> int:
    top = module.split(".")[0]
    for k, names in enumerate(FLOORS):
        if module in names or top in names:
            return k
    raise AssertionError(f"autograd.{module} has no floor in tests/test_layers.py: add it")


def imports(path: Path, package: str) -> list[tuple[int, str, list[str]]]:
    """(line, absolute module, names) for every import, lazy ones included, but
    not those under ``if TYPE_CHECKING:``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    found = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((node.lineno, module, [a.name for a in node.names]))
    return found


def autograd_modules() -> list[Path]:
    return sorted((ROOT / "autograd").rglob("*.py"))


@pytest.mark.parametrize("path", autograd_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_autograd_imports_only_lower_floors(path: Path) -> None:
    rel = path.relative_to(ROOT / "autograd").with_suffix("")
    parts = list(rel.parts)
    module = ".".join(parts) if parts[-1] != "__init__" or len(parts) == 1 else ".".join(parts[:-1])
    package = "autograd." + ".".join(parts[:-1]) if len(parts) > 1 else "autograd"
    own = floor_of(module)
    for line, target, names in imports(path, package):
        assert not (target == "nn" or target.startswith("nn.")), f"{path}:{line} imports nn"
        if not target.startswith("autograd"):
            continue
        targets = [target + "." + n for n in names] if target == "autograd" else [target]
        for t in targets:
            sub = t.removeprefix("autograd.")
            if sub.split(".")[0] not in {m.split(".")[0] for f in FLOORS for m in f}:
                sub = target[len("autograd."):] if target != "autograd" else "__init__"
            if module.split(".")[0] == sub.split(".")[0] and module.startswith(
                    ("drawing", "testing")):
                continue  # inside the drawing or the testing package
            assert floor_of(sub) < own or module in ("__init__", "__main__"), (
                f"{path}:{line}: autograd.{module} (floor {own}) imports "
                f"autograd.{sub} (floor {floor_of(sub)})")


@pytest.mark.parametrize("path", sorted((ROOT / "nn").rglob("*.py")),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_nn_uses_only_public_autograd_names(path: Path) -> None:
    import importlib

    for line, target, names in imports(path, "nn"):
        if not target.startswith("autograd"):
            continue
        assert target in PUBLIC, f"{path}:{line}: nn imports {target}, not a public module"
        public = set(importlib.import_module(target).__all__)
        for name in names:
            assert name in public, f"{path}:{line}: {target}.{name} is not public"


def test_calling_an_op_needs_no_import_at_call_time() -> None:
    from autograd import op, value

    assert op.recorder is value.apply
