"""LITEKUBE_TEST_CLI_DB: the database every test makes from a file path is on the backend it names."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from litekube.store import Store
from tests.conftest import CLI_DB

ROOT = Path(__file__).resolve().parents[1]


def test_a_file_path_opens_the_backend_of_the_run_here_and_in_a_subprocess(request, tmp_path):
    expected = request.node.callspec.params["cli_db"] if CLI_DB == "both" else CLI_DB
    store = Store(str(tmp_path / "a.db"))
    assert store.dialect.name == expected
    store.close()
    code = ("import sys; from litekube.store import Store; s = Store(sys.argv[1]); print(s.dialect.name); "
            "s.close()")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "a.db")], capture_output=True, text=True,
                          timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, expected + "\n", "")
    assert (tmp_path / "a.db").exists() is (expected == "sqlite")


@pytest.mark.sqlite_only
def test_a_sqlite_only_test_keeps_its_file(tmp_path):
    store = Store(str(tmp_path / "a.db"))
    assert store.dialect.name == "sqlite" and (tmp_path / "a.db").exists()
    store.close()
