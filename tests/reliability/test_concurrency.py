"""Four writer processes and `litekube run` on one database; a standby, a killed leader, a restart after advance.

Asserted: no `database is locked` anywhere; every acknowledged write is in
the store and in the changelog, and nothing unacknowledged is; racing
`replace` fails only with kubectl's Conflict error; a second `run` stands
by, takes over at once when the leader is killed with SIGKILL, and the
cluster then converges on the wall clock; `run` after `advance 1h` does not
wait an hour for virtual time that has passed.
"""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time

import pytest

from tests.reliability import harness
from tests.reliability.writing import CONFLICT


class Lines:
    """A process' stderr, read line by line in a thread."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.lines: list[str] = []
        threading.Thread(target=lambda: self.lines.extend(iter(proc.stderr.readline, "")), daemon=True).start()

    def has(self, prefix: str) -> bool:
        return any(line.startswith(prefix) for line in list(self.lines))


def wait_for(predicate, seconds: float = 90) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def start_run(db) -> tuple[subprocess.Popen, Lines]:
    proc = subprocess.Popen(harness.CLI + ["run"], env=harness.env_for(db), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    return proc, Lines(proc)


def stop(proc: subprocess.Popen, sig: int = signal.SIGINT) -> int:
    if proc.poll() is None:
        proc.send_signal(sig)
    return proc.wait(timeout=60)


def test_writers_a_leader_and_a_standby(web_cluster, tmp_path, cli_db):
    db = harness.copy_db(web_cluster, tmp_path / "c.db")
    assert harness.invoke(db, "create", "-f", "-", input=json.dumps(
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "race"}, "data": {"v": "0"}})).exit_code == 0
    leader, leader_err = start_run(db)
    standby = None
    try:
        assert wait_for(lambda: leader_err.has("litekube: leading as")), leader_err.lines
        standby, standby_err = start_run(db)
        assert wait_for(lambda: standby_err.has("litekube: standing by")), standby_err.lines
        count = harness.scaled(12, 60)
        writers = [subprocess.Popen([sys.executable, "-m", "tests.reliability.writing", str(db), str(i), str(count)],
                                    cwd=str(harness.ROOT), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                   for i in range(4)]
        outputs = [w.communicate(timeout=600) for w in writers]
        assert all(w.returncode == 0 for w in writers), [err[-500:] for _, err in outputs]
        reports = [json.loads(out) for out, _ in outputs]
        everything = " ".join(out + err for out, err in outputs) + "".join(leader_err.lines + standby_err.lines)
        assert "database is locked" not in everything
        assert [r["errors"] for r in reports] == [[]] * 4
        assert all(r["stale_replace"] == [1, CONFLICT + "\n"] for r in reports)
        created = [name for r in reports for name in r["created"]]
        assert len(created) == 4 * count
        assert sorted(harness.objects_named(db, [("ConfigMap", "default", n) for n in created])) == sorted(
            ("ConfigMap", "default", n) for n in created)
        # every acknowledged replace is a changelog row of its own, and nothing else wrote `race`
        written = [json.loads(b)["data"]["v"] for (b,) in harness.rows(
            db, "SELECT body FROM changelog WHERE kind = 'ConfigMap' AND name = 'race' AND op = 'MODIFIED'")]
        acknowledged = [v for r in reports for v in r["replaced"]]
        assert sorted(written) == sorted(acknowledged)
        harness.FIGURES[f"concurrency ({cli_db})"] = {
            "writers": 4, "creates acknowledged": len(created), "replaces acknowledged": len(acknowledged),
            "racing conflicts": sum(r["conflicts"] for r in reports), "database is locked": 0}

        # the leader dies: the standby takes over at once and the cluster reconciles on the wall clock
        leader.kill()
        leader.wait(timeout=30)
        began = time.monotonic()
        assert wait_for(lambda: standby_err.has("litekube: leading as")), standby_err.lines
        harness.FIGURES[f"concurrency ({cli_db})"]["standby took over after s"] = round(time.monotonic() - began, 1)
        scaled = harness.invoke(db, "scale", "deployment/web", "--replicas=4")
        assert (scaled.exit_code, scaled.stdout, scaled.stderr) == (0, "deployment.apps/web scaled\n", "")
        assert wait_for(lambda: harness.converged(db) == [] and _replicas(db) == 4), harness.converged(db)
        assert stop(standby, signal.SIGTERM) == 0
        assert standby_err.lines[-1] == "litekube: stopped\n"
        # released: the next command settles in virtual time at once (the pods scaled away finish
        # their 30 s grace period in it)
        after = harness.invoke(db, "advance", "1s")
        assert (after.exit_code, after.stderr) == (0, "") and after.stdout.startswith("advanced ")
    finally:
        for proc in (leader, standby):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait(timeout=30)


def _replicas(db) -> int:
    """The web Deployment's pods not being deleted (kube-system's and kube-flannel's are not counted)."""
    return sum(1 for (b,) in harness.rows(db, "SELECT body FROM objects WHERE kind = 'Pod' AND namespace = 'default'")
               if not json.loads(b)["metadata"].get("deletionTimestamp"))


def test_run_after_advance_does_not_wait_for_time_that_passed(web_cluster, tmp_path):
    db = harness.copy_db(web_cluster, tmp_path / "a.db")
    assert harness.invoke(db, "advance", "1h").exit_code == 0
    leader, err = start_run(db)
    try:
        assert wait_for(lambda: err.has("litekube: leading as")), err.lines
        assert harness.invoke(db, "scale", "deployment/web", "--replicas=9").exit_code == 0
        # pods start after 1 s of cluster time: on the wall clock, not an hour from now
        assert wait_for(lambda: harness.converged(db) == [] and _replicas(db) == 9), harness.converged(db)
        assert stop(leader) == 0
    finally:
        if leader.poll() is None:
            leader.kill()
            leader.wait(timeout=30)
