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


@pytest.fixture(scope="module")
def shared_db(tmp_path_factory, cli_db):
    """A database several tests share: made once per backend (it takes `cli_db`)."""
    path = tmp_path_factory.mktemp("shared") / "s.db"
    store = Store(str(path))
    made = store.dialect.name
    store.close()
    return path, made


@pytest.mark.parametrize("turn", [1, 2])
def test_a_fixture_that_takes_cli_db_is_made_on_each_backend(shared_db, cli_db, turn):
    path, made = shared_db
    expected = cli_db if CLI_DB != "postgresql" else "postgresql"
    assert made == expected
    store = Store(str(path))
    assert store.dialect.name == expected
    store.close()
