"""The layer contract: imports point down (cli -> ui -> runtime -> api -> store -> reconcile -> model),
and the pure layers never touch SQLAlchemy, clocks or the file system.

The repository's engine/ is installed as the package `litekube`."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ORDER = ["model", "reconcile", "store", "api", "runtime", "ui", "cli"]
FORBIDDEN_IN_PURE = {"sqlalchemy", "alembic", "time", "sqlite3", "os", "socket", "threading", "random",
                     "click", "pathlib"}


def modules(layer: str) -> list[Path]:
    return sorted((ROOT / "engine" / layer).rglob("*.py"))


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


@pytest.mark.parametrize("layer", ORDER)
def test_imports_point_down(layer):
    allowed = set(ORDER[:ORDER.index(layer) + 1])
    for path in modules(layer):
        for name in imports(path):
            parts = name.split(".")
            assert parts[0] not in ("engine", "cli", "migrations"), f"{path.relative_to(ROOT)} imports {name}"
            if parts[0] == "litekube" and len(parts) > 1 and parts[1] in ORDER:
                assert parts[1] in allowed, f"{path.relative_to(ROOT)} imports {name}"


@pytest.mark.parametrize("layer", ["model", "reconcile"])
def test_pure_layers_do_no_io(layer):
    for path in modules(layer):
        for name in imports(path):
            assert name.split(".")[0] not in FORBIDDEN_IN_PURE, f"{path.relative_to(ROOT)} imports {name}"
        text = path.read_text()
        assert "open(" not in text.replace("_open(", ""), f"{path.relative_to(ROOT)} opens files"


def test_every_module_says_what_it_does():
    for path in sorted((ROOT / "engine").rglob("*.py")):
        doc = ast.get_docstring(ast.parse(path.read_text()))
        assert doc, f"{path.relative_to(ROOT)} has no module docstring"
