"""The control plane: resuming after a restart, `litekube run` and its lease, `advance`, `changes -w`."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from litekube.api import applying
from litekube.api.server import Api
from litekube.store import Store

ROOT = Path(__file__).resolve().parents[2]

WEB = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
      annotations: {sim.litekube.io/start-delay: 2s}
    spec:
      containers:
      - {name: app, image: nginx:1.27}
"""


def lease(holder: str | None) -> str:
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    spec = f"  holderIdentity: {holder}\n" if holder else ""
    return ("apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata:\n  name: kube-controller-manager\n"
            f"  namespace: kube-system\nspec:\n{spec}  leaseDurationSeconds: 15\n  renewTime: \"{now}\"\n")


def phases(lk) -> list[str]:
    return [line.split()[2] for line in lk("get", "pods", "--no-headers").stdout.splitlines()]


class TestResume:
    def test_writes_made_while_another_leader_runs_converge_later(self, lk, tmp_path):
        lk("get", "nodes")  # create the cluster
        assert lk("apply", "-f", "-", input=lease("elsewhere_1")).stdout == (
            "lease.coordination.k8s.io/kube-controller-manager created\n")
        # the faked leader does nothing: a write through the CLI returns without settling
        assert lk("apply", "-f", "-", input=WEB).stdout == "deployment.apps/web created\n"
        assert lk("get", "rs").stderr == "No resources found in default namespace.\n"
        # and so does one straight through the engine
        manifest = tmp_path / "cm.yaml"
        manifest.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {a: b}\n")
        api = Api(Store(str(lk.db)))
        assert [str(o) for o in applying.apply(api, applying.load([str(manifest)]))] == ["configmap/cfg created"]
        advancing = lk("advance", "5s")
        assert (advancing.exit_code, advancing.stderr) == (
            1, "error: a litekube run process is leading: the cluster runs on the wall clock\n")
        # the leader goes away; the next command's control plane picks up everything written meanwhile
        assert lk("apply", "-f", "-", input=lease(None)).stdout == (
            "lease.coordination.k8s.io/kube-controller-manager configured\n")
        assert phases(lk) == ["Running", "Running"]
        assert lk("get", "deploy", "--no-headers").stdout.split()[:4] == ["web", "2/2", "2", "2"]


class TestAdvance:
    def test_advance_moves_the_clock(self, lk):
        lk("get", "nodes")
        before = json.loads(lk("get", "node", "node-1", "-o", "json").stdout)["metadata"]["creationTimestamp"]
        result = lk("advance", "5m")
        assert result.exit_code == 0
        start = datetime.strptime(before, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc).timestamp()
        # the nodes registered 5s before the system pods ran and the cluster settled
        target = datetime.fromtimestamp(start + 5 + 300, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert result.stdout == f"advanced 5m to {target}\n"
        assert lk("get", "nodes", "--no-headers").stdout.split()[3] == "5m5s"
        assert lk("advance", "90s").stdout.startswith("advanced 90s to ")

    def test_a_bad_duration(self, lk):
        result = lk("advance", "soon")
        assert result.exit_code == 2 and "invalid duration 'soon'" in result.stderr


def _cli(env) -> list[str]:
    return [sys.executable, str(ROOT / "cli.py")]


@pytest.fixture
def wall(tmp_path):
    """(env, run-a-command, started processes): a database for subprocesses; every process is ended."""
    env = {**os.environ, "LITEKUBE_DB": str(tmp_path / "wall.db"), "PYTHONUNBUFFERED": "1"}
    procs: list[subprocess.Popen] = []

    def command(*args: str, input: str | None = None, timeout: float = 30) -> subprocess.CompletedProcess:
        return subprocess.run(_cli(env) + list(args), env=env, input=input, capture_output=True, text=True,
                              timeout=timeout)

    def start(*args: str) -> subprocess.Popen:
        proc = subprocess.Popen(_cli(env) + list(args), env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        procs.append(proc)
        return proc

    command("init")
    yield env, command, start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


class Lines:
    """A process' stderr read line by line in a thread, so a test can wait for a line."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(proc,), daemon=True)
        self._thread.start()

    def _read(self, proc: subprocess.Popen) -> None:
        for line in proc.stderr:
            self.lines.append(line)

    def wait_for(self, prefix: str, seconds: float = 30) -> bool:
        return _wait_for(lambda: any(line.startswith(prefix) for line in self.lines), seconds)

    def text(self) -> str:
        self._thread.join(timeout=10)
        return "".join(self.lines)


def _wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


class TestRun:
    def test_run_leads_a_second_stands_by_and_sigint_releases(self, wall):
        env, command, start = wall
        leader = start("run")
        holder = lambda: command("get", "lease", "-n", "kube-system", "--no-headers").stdout.split()  # noqa: E731
        assert _wait_for(lambda: holder()[1:2] not in ([], ["<none>"]), 60), holder()
        identity = holder()[1]
        second = start("run")
        standby = Lines(second)
        assert standby.wait_for("litekube: standing by"), standby.lines
        assert second.poll() is None
        second.send_signal(signal.SIGINT)
        second.wait(timeout=10)
        assert second.returncode == 0
        assert standby.text() == f"litekube: standing by: {identity} holds the lease\n"

        # a write while run leads returns without settling: no embedded control plane took the lock
        applied = command("apply", "-f", "-", input=WEB)
        assert (applied.returncode, applied.stdout) == (0, "deployment.apps/web created\n")
        assert Store(env["LITEKUBE_DB"]).lock_holder() is None
        # the leader holds every component's Lease
        assert [row.split()[:2] for row in command("get", "lease", "-n", "kube-system", "--no-headers").stdout
                .splitlines()] == [["kube-controller-manager", identity], ["kube-scheduler", identity],
                                   ["litekube-simulator", identity]]
        # the running control plane brings the pods up on the wall clock
        assert _wait_for(lambda: phases_of(command) == ["Running", "Running"], 60), command("get", "pods").stdout

        leader.send_signal(signal.SIGINT)
        _, err = leader.communicate(timeout=10)
        assert leader.returncode == 0
        assert err == f"litekube: leading as {identity}\nlitekube: stopped\n"
        leases = json.loads(command("get", "lease", "-n", "kube-system", "-o", "json").stdout)["items"]
        # released as client-go's ReleaseOnCancel does: an empty holder for one second
        assert [(lease["spec"]["holderIdentity"], lease["spec"]["leaseDurationSeconds"]) for lease in leases] == [
            ("", 1)] * 3
        # the lease is released: commands settle in virtual time again
        assert re.fullmatch(r"advanced 1s to \S+\n", command("advance", "1s").stdout)


def phases_of(command) -> list[str]:
    return [line.split()[2] for line in command("get", "pods", "--no-headers").stdout.splitlines()]


class TestChangesWatch:
    def test_changes_w_follows_and_stops_at_the_request_timeout(self, wall):
        env, command, start = wall
        since = command("changes", "--no-headers").stdout.splitlines()[-1].split()[0]
        began = time.monotonic()
        # The change is made while the watch runs (or, on a loaded machine, before it has started:
        # --since makes both the same); the watch then stops at its request timeout, not before.
        watcher = start("changes", "-w", "--since", since, "--request-timeout", "6s", "--no-headers")
        command("apply", "-f", "-", input="apiVersion: v1\nkind: ConfigMap\nmetadata: {name: w}\ndata: {a: b}\n")
        out, _ = watcher.communicate(timeout=60)
        assert watcher.returncode == 0 and 6 <= time.monotonic() - began < 45
        rows = [line.split() for line in out.splitlines()]
        assert [r[2:] for r in rows] == [["ADDED", "ConfigMap", "default/w"]]
        assert int(rows[0][0]) == int(since) + 1


class TestRunFlags:
    @pytest.mark.parametrize("args, message", [
        (["--leader-elect-lease-duration", "10s"], "Invalid value for --leader-elect-lease-duration: must be greater "
         "than --leader-elect-renew-deadline (leaseDuration must be greater than renewDeadline)"),
        (["--leader-elect-renew-deadline", "2400ms"], "Invalid value for --leader-elect-renew-deadline: must be "
         "greater than --leader-elect-retry-period times 1.2 (renewDeadline must be greater than "
         "retryPeriod*JitterFactor)"),
        (["--leader-elect-retry-period", "soon"], "Invalid value for --leader-elect-retry-period: invalid duration "
         "'soon'"),
        (["--leader-elect=maybe"], "Invalid value for '--leader-elect': 'maybe' is not a valid boolean."),
    ], ids=["lease-not-above-renew", "renew-at-retry-times-jitter", "not-a-duration", "not-a-boolean"])
    def test_timings_client_go_refuses_are_usage_errors_that_change_nothing(self, lk, args, message):
        lk("get", "nodes")
        revision = Store(str(lk.db)).revision()
        result = lk("run", *args)
        assert result.exit_code == 2
        assert result.stderr.splitlines()[-1].startswith(f"Error: {message}")
        assert Store(str(lk.db)).revision() == revision

    def test_help_names_the_flags_and_their_defaults(self, lk):
        text = lk("run", "--help").stdout
        for flag, default in [("--leader-elect", "True"), ("--leader-elect-lease-duration", "15s"),
                              ("--leader-elect-renew-deadline", "10s"), ("--leader-elect-retry-period", "2s")]:
            assert re.search(rf"{flag}\b[^\n]*(\n[^-\n][^\n]*)*\[default: {default}\]", text), (flag, text)


class TestRunWithoutElection:
    def test_it_runs_everything_under_the_lock_and_an_electing_run_waits(self, wall):
        env, command, start = wall
        unelected = start("run", "--leader-elect=false")
        lines = Lines(unelected)
        assert lines.wait_for("litekube: running without leader election as ", 60), lines.lines
        holder = Store(env["LITEKUBE_DB"]).lock_holder()
        assert (holder.kind, holder.pid) == ("run", unelected.pid)
        applied = command("apply", "-f", "-", input=WEB)
        assert (applied.returncode, applied.stdout, applied.stderr) == (0, "deployment.apps/web created\n", "")
        assert _wait_for(lambda: phases_of(command) == ["Running", "Running"], 60), command("get", "pods").stdout
        electing = start("run")
        waiting = Lines(electing)
        assert waiting.wait_for("litekube: standing by for kube-controller-manager (waiting for the control-plane "
                                "lock)", 60), waiting.lines
        unelected.send_signal(signal.SIGINT)
        assert unelected.wait(timeout=30) == 0
        # the lock is free: the electing run leads now
        assert waiting.wait_for("litekube: leading as ", 60), waiting.lines
        electing.send_signal(signal.SIGINT)
        assert electing.wait(timeout=30) == 0
        assert lines.text().splitlines()[-1] == "litekube: stopped"
