"""Packaging: engine/ installs as `litekube`, with every package listed and no generic top-level name."""
from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_every_package_is_listed():
    found = {"litekube" + "".join("." + part for part in p.parent.relative_to(ROOT / "engine").parts)
             for p in (ROOT / "engine").rglob("__init__.py")}
    found |= {"litekube.migrations" + "".join("." + part for part in p.parent.relative_to(ROOT / "migrations").parts)
              for p in (ROOT / "migrations").rglob("__init__.py")}
    assert set(PROJECT["tool"]["setuptools"]["packages"]) == found


def test_nothing_generic_is_installed_at_the_top_level():
    setuptools = PROJECT["tool"]["setuptools"]
    assert {name.split(".")[0] for name in setuptools["packages"]} == {"litekube"}
    assert "py-modules" not in setuptools
    assert setuptools["package-dir"] == {"litekube": "engine", "litekube.migrations": "migrations"}
    # the entry point sets up signals before importing the CLI (no traceback for an early Ctrl-C)
    assert PROJECT["project"]["scripts"] == {"litekube": "litekube.entry:main"}


def test_the_top_level_is_the_fixed_layout():
    """The user fixed the top level; anything else belongs inside one of these."""
    import subprocess

    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    top = {line.split("/")[0] for line in tracked.splitlines() if line}
    assert top <= {"pyproject.toml", "README.md", "engine", "migrations", "cli.py", "tests", "samples", ".ci",
                   ".gitignore"}
