"""The web view's files are package data: a plain (non-editable) `pip install .` ships them."""
from __future__ import annotations

import shutil
import subprocess
import sys

from litekube.ui.app import STATIC
from tests.ui.servers import ROOT


def test_a_non_editable_install_carries_the_static_files(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for tree in ("engine", "migrations"):
        shutil.copytree(ROOT / tree, source / tree, ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-compile", "--target",
                    str(target), str(source)], check=True, capture_output=True, timeout=300)
    assert sorted(p.name for p in (target / "litekube" / "ui" / "static").iterdir()) == sorted(STATIC)
    probe = ("import litekube, litekube.ui.app as app; print(litekube.__file__); "
             "print(all(app._static(n) for n in app.STATIC))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                            env={"PYTHONPATH": str(target), "PATH": ""}, cwd=tmp_path)
    installed, ok = result.stdout.split()
    assert installed.startswith(str(target)) and ok == "True"
