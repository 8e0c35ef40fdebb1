"""Shell completion: the scripts, and kinds, names and namespaces completed from the database."""
from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from litekube import cli as litekube
from tests.cli.conftest import SAMPLES


def complete(db, words: str) -> list[str]:
    """What bash's completion gets for the command line `words` (the last word is being typed)."""
    parts = ["litekube", "--db", str(db), *words.split(" ")]
    env = {"COMP_WORDS": " ".join(parts), "COMP_CWORD": str(len(parts) - 1), "_LITEKUBE_COMPLETE": "bash_complete"}
    result = CliRunner().invoke(litekube.cli, [], env=env, prog_name="litekube")
    return [line.split(",", 1)[1] for line in result.stdout.splitlines() if line]


@pytest.mark.parametrize("shell,marker", [("bash", "_litekube_completion()"), ("zsh", "#compdef litekube"),
                                          ("fish", "complete --no-files --command litekube")])
def test_scripts(lk, shell, marker):
    result = lk("completion", shell)
    assert result.exit_code == 0 and marker in result.stdout and "_LITEKUBE_COMPLETE" in result.stdout


class TestCompletion:
    def test_kinds(self, lk):
        assert complete(lk.db, "get dep") == ["deploy", "deployment", "deployments"]
        assert "pods" in complete(lk.db, "explain po")

    @pytest.mark.sqlite_only  # completion opens only a database file that exists
    def test_names_from_the_database(self, lk):
        lk("apply", "-f", str(SAMPLES))
        assert complete(lk.db, "describe -n demo deploy w") == ["web"]
        assert complete(lk.db, "get nodes ") == ["node-1", "node-2", "node-3"]
        pods = complete(lk.db, "logs -n demo pod/web-")
        assert len(pods) == 3 and all(p.startswith("pod/web-6c956c7598-") for p in pods)

    @pytest.mark.sqlite_only  # completion opens only a database file that exists
    def test_namespaces(self, lk):
        lk("apply", "-f", str(SAMPLES))
        assert complete(lk.db, "get pods -n d") == ["default", "demo"]

    def test_no_database_completes_nothing_and_creates_nothing(self, tmp_path):
        db = tmp_path / "none.db"
        assert complete(db, "get nodes ") == []
        assert not os.path.exists(db)

    def test_commands(self, lk):
        assert complete(lk.db, "ex") == ["exec", "explain", "expose"]
