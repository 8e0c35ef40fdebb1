"""The CLI at its edges: environment and options checked up front, the changelog from what is kept,
signals, a leader that stopped renewing, and the input boundary's answers as kubectl words them."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from litekube.store import Store

ROOT = Path(__file__).resolve().parents[2]


class TestEnvironmentAndOptions:
    @pytest.mark.parametrize("variable, value, message", [
        ("LITEKUBE_HISTORY", "abc", 'error: invalid LITEKUBE_HISTORY "abc": want a whole number of revisions (e.g. 10000)'),
        ("LITEKUBE_HISTORY", "-5", 'error: invalid LITEKUBE_HISTORY "-5": want a whole number of revisions (e.g. 10000)'),
        ("LITEKUBE_SETTLE_TIMEOUT", "soon",
         'error: invalid LITEKUBE_SETTLE_TIMEOUT "soon": want a duration such as 30s or 2m'),
        ("LITEKUBE_SETTLE_TIMEOUT", "-1s",
         'error: invalid LITEKUBE_SETTLE_TIMEOUT "-1s": want a duration such as 30s or 2m'),
    ])
    def test_a_bad_variable_is_one_line_and_exit_2(self, lk, monkeypatch, variable, value, message):
        monkeypatch.setenv(variable, value)
        result = lk("get", "pods")
        assert (result.exit_code, result.stderr) == (2, message + "\n")
        assert not lk.db.exists()

    def test_an_empty_db(self, lk):
        result = lk.runner.invoke(__import__("litekube.cli", fromlist=["cli"]).cli, ["--db", "", "get", "pods"])
        assert (result.exit_code, result.stderr) == (2, "error: --db (LITEKUBE_DB) must name a database file\n")

    @pytest.mark.parametrize("duration", ["-5s", "nan", "inf", "1e400"])
    def test_durations_that_are_no_length_of_time(self, lk, duration):
        result = lk("advance", "--", duration)
        assert result.exit_code == 2 and f"invalid duration '{duration}'" in result.stderr

    @pytest.mark.sqlite_only  # the file the path names
    def test_a_database_path_with_url_characters(self, tmp_path):
        from click.testing import CliRunner

        from litekube import cli as litekube

        path = tmp_path / "a#b%c?d ü.db"
        result = CliRunner().invoke(litekube.cli, ["--db", str(path), "get", "nodes", "--no-headers"])
        assert result.exit_code == 0 and len(result.stdout.splitlines()) == 3
        assert [p.name for p in tmp_path.iterdir() if p.suffix == ".db"] == [path.name]
        assert os.stat(path).st_mode & 0o777 == 0o600


class TestChanges:
    def test_without_since_the_changelog_starts_at_the_oldest_revision_kept(self, lk):
        lk("get", "nodes")
        store = Store(str(lk.db))
        store.compact(history=5, min_age=0)
        kept_from = store.compacted()
        assert kept_from > 0
        rows = lk("changes", "--no-headers").stdout.splitlines()
        assert int(rows[0].split()[0]) == kept_from + 1
        assert int(rows[-1].split()[0]) == store.revision()
        expired = lk("changes", "--since", "1")
        assert expired.exit_code == 1 and expired.stderr.startswith("Error from server (Expired): ")


class TestLeader:
    def test_a_leader_that_stopped_renewing_gets_a_warning(self, lk):
        lk("get", "nodes")
        renewed = (datetime.now(timezone.utc) - timedelta(seconds=12)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        lease = ("apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata:\n  name: kube-controller-manager\n"
                 "  namespace: kube-system\nspec:\n  holderIdentity: elsewhere_1\n  leaseDurationSeconds: 15\n"
                 f"  renewTime: \"{renewed}\"\n")
        result = lk("apply", "-f", "-", input=lease)
        assert result.stdout == "lease.coordination.k8s.io/kube-controller-manager created\n"
        assert result.stderr.startswith("warning: the control plane leader elsewhere_1 has not renewed its lease for ")
        assert result.stderr.endswith("s: the change is stored and will be reconciled when a control plane runs\n")
        assert len(result.stderr.splitlines()) == 1


class TestSignals:
    def test_sigterm_while_settling_exits_cleanly_and_frees_the_lock(self, tmp_path):
        db = tmp_path / "s.db"
        env = {**os.environ, "LITEKUBE_DB": str(db)}
        subprocess.run([sys.executable, str(ROOT / "cli.py"), "init"], env=env, check=True, capture_output=True)
        manifest = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: big}\nspec:\n  replicas: 3000\n"
                    "  selector: {matchLabels: {app: big}}\n  template:\n    metadata: {labels: {app: big}}\n"
                    "    spec: {containers: [{name: a, image: b}]}\n")
        proc = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "apply", "-f", "-"], env=env,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        proc.stdin.write(manifest)
        proc.stdin.close()
        store = Store(str(db))
        deadline = time.monotonic() + 120
        while (store.lock_holder() is None or store.lock_holder().pid != proc.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert store.lock_holder().pid == proc.pid
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 143
        assert "Traceback" not in proc.stderr.read()
        assert store.lock_holder() is None
