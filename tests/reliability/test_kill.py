"""Killing a command at random moments (SIGKILL mostly, SIGTERM and SIGINT too) never hurts the store
and never blocks the next command, which settles the cluster to the right state.

After every kill: PRAGMA integrity_check is ok (SQLite); a multi-document apply is all
or nothing; every object's resourceVersion is its latest changelog row and
replaying the changelog gives the objects table; the next command (which
finds the dead holder of the control-plane lock and takes over at once)
settles the cluster: every Deployment rolled out with its pods Running.
"""
from __future__ import annotations

import random
import re
import signal
import subprocess
import time

import pytest

from tests.reliability import harness

APPLY = """apiVersion: v1
kind: ConfigMap
metadata: {name: k1}
data: {a: b}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: k2}
data: {a: b}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: 8
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - {name: app, image: "nginx:1.27", resources: {requests: {cpu: 50m}}}
"""
APPLIED = [("ConfigMap", "default", "k1"), ("ConfigMap", "default", "k2"), ("Deployment", "default", "api")]


def _operation(rng: random.Random) -> tuple[str, list[str], str | None]:
    which = rng.choice(["apply", "scale", "set image", "drain"])
    if which == "apply":
        return which, ["apply", "-f", "-"], APPLY
    if which == "scale":
        return which, ["scale", "deployment/web", f"--replicas={rng.randint(0, 30)}"], None
    if which == "set image":
        return which, ["set", "image", "deployment/web", f"app=nginx:1.{rng.randint(20, 29)}"], None
    return which, ["drain", f"node-{rng.randint(1, 3)}", "--force", "--ignore-daemonsets"], None


def _run(db, args: list[str], stdin: str | None, kill_after: float | None, sig: int):
    proc = subprocess.Popen(harness.CLI + args, env=harness.env_for(db), stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if stdin is not None:
        proc.stdin.write(stdin)
    proc.stdin.close()
    killed = False
    if kill_after is not None:
        try:
            proc.wait(timeout=kill_after)
        except subprocess.TimeoutExpired:
            proc.send_signal(sig)
            killed = True
    out, err = proc.stdout.read(), proc.stderr.read()
    proc.wait(timeout=60)
    return proc.returncode, out, err, killed


@pytest.fixture(scope="module")
def durations(web_cluster, tmp_path_factory) -> dict[str, float]:
    """How long each operation takes unkilled here: the window kills are drawn from."""
    out: dict[str, float] = {}
    rng = random.Random(1)
    while len(out) < 4:  # apply, scale, set image, drain
        which, args, stdin = _operation(rng)
        if which in out:
            continue
        db = harness.copy_db(web_cluster, tmp_path_factory.mktemp("durations") / "d.db")
        began = time.monotonic()
        code, _, err, _ = _run(db, args, stdin, None, signal.SIGKILL)
        assert code == 0, err
        out[which] = time.monotonic() - began
    began = time.monotonic()
    assert _run(web_cluster, ["version", "--client"], None, None, signal.SIGKILL)[0] == 0
    out["startup"] = time.monotonic() - began
    return out


def _moment(rng: random.Random, durations: dict[str, float], which: str) -> float:
    """Mostly while the command works on the store, sometimes while Python still starts."""
    start, end = 0.8 * durations["startup"], durations[which]
    return rng.uniform(0.0, start) if rng.random() < 0.15 or end <= start else rng.uniform(start, end)


def _interpreter_start_up(err: str) -> bool:
    """Whether a traceback is Python's own, from before any line of litekube ran: a SIGINT while the
    interpreter imports `site` (its .pth files), or before the script's first line (`line 0`). From
    litekube's first line on (cli.py, the installed script's entry module) a signal is noted, never a
    traceback."""
    if "Fatal Python error: init_import_site" in err:
        return True
    frames = re.findall(r'File "([^"]+)", line (\d+)', err)
    return not any(line != "0" and (path.endswith("cli.py") or "/litekube/" in path or "/engine/" in path)
                   for path, line in frames)


@pytest.mark.parametrize(("err", "python_s"), [
    ('Fatal Python error: init_import_site: Failed to import the site module\nPython runtime state: initialized\n'
     'Traceback (most recent call last):\n  File "<frozen importlib._bootstrap>", line 1176, in _find_and_load\n'
     'KeyboardInterrupt\n', True),
    ('Traceback (most recent call last):\n  File "<frozen site>", line 186, in addpackage\n'
     '  File "/usr/lib/python3.11/typing.py", line 1625, in __getitem__\nKeyboardInterrupt\n', True),
    ('Traceback (most recent call last):\n  File "/work/cli.py", line 0, in <module>\nKeyboardInterrupt\n', True),
    ('Traceback (most recent call last):\n  File "/work/cli.py", line 11, in <module>\n'
     '    from litekube.entry import main\nKeyboardInterrupt\n', False),
    ('Traceback (most recent call last):\n  File "/usr/lib/python3/site-packages/litekube/entry.py", line 20, '
     'in <module>\n  File "/usr/lib/python3.11/signal.py", line 1, in <module>\nKeyboardInterrupt\n', False),
    ('Traceback (most recent call last):\n  File "/ci/engine/store/db.py", line 3, in f\nValueError\n', False),
], ids=["site failed", "a .pth's import", "before the script's first line", "the script's import",
        "the entry module's imports", "a command"])
def test_only_pythons_own_start_up_is_told_apart(err, python_s):
    assert _interpreter_start_up(err) is python_s


def test_kills_at_random_moments(web_cluster, durations, tmp_path, cli_db):
    trials = harness.scaled(20, 220)
    rng = random.Random(20261202)
    problems: list[str] = []
    killed_count = 0
    in_start_up = 0
    slowest_next = 0.0
    signals = {signal.SIGKILL: 0, signal.SIGTERM: 0, signal.SIGINT: 0}
    for trial in range(trials):
        db = harness.copy_db(web_cluster, tmp_path / f"t{trial}.db")
        which, args, stdin = _operation(rng)
        sig = rng.choices([signal.SIGKILL, signal.SIGTERM, signal.SIGINT], [7, 2, 1])[0]
        signals[sig] += 1
        code, _, err, killed = _run(db, args, stdin, _moment(rng, durations, which), sig)
        killed_count += killed
        where = f"trial {trial} ({which}, {sig.name} {'killed' if killed else 'finished'})"
        if "Traceback" in err and _interpreter_start_up(err):
            in_start_up += 1
        elif "Traceback" in err:
            problems.append(f"{where}: traceback: {err[-300:]}")
        if not killed and code != 0:
            problems.append(f"{where}: exit {code}: {err[-300:]}")
        if harness.integrity(db) not in ("ok", None):
            problems.append(f"{where}: integrity_check: {harness.integrity(db)}")
        problems += [f"{where}: {p}" for p in harness.changelog_matches(db)]
        if which == "apply" and len(harness.objects_named(db, APPLIED)) not in (0, len(APPLIED)):
            problems.append(f"{where}: a partial apply: {harness.objects_named(db, APPLIED)}")
        began = time.monotonic()
        after = harness.invoke(db, "advance", "0s")
        slowest_next = max(slowest_next, time.monotonic() - began)
        if after.exit_code != 0 or after.stderr:
            problems.append(f"{where}: the next command: exit {after.exit_code}: {after.stderr[-300:]}")
        problems += [f"{where}: {p}" for p in harness.converged(db)]
        for suffix in ("", "-wal", "-shm"):  # (a PostgreSQL database is given back when the test ends)
            (tmp_path / f"t{trial}.db{suffix}").unlink(missing_ok=True)
    harness.FIGURES[f"kill ({cli_db})"] = {"trials": trials, "killed mid-command": killed_count,
                               "SIGKILL/SIGTERM/SIGINT": "/".join(str(v) for v in signals.values()),
                               "SIGINT in the interpreter's start-up": in_start_up,
                               "violations": len(problems), "slowest next command s": round(slowest_next, 1)}
    assert problems == []
