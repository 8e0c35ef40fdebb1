"""Three `litekube run` processes on one database: a Lease per component, the controller-manager leader
killed (SIGKILL) or paused (SIGSTOP, then SIGCONT) in the middle of a Deployment rollout.

Asserted, with leases of 6 s (renew deadline 4 s, retry period 1 s):
- every component Lease has exactly one holder among the three processes;
- failover: a killed holder is replaced within the lease duration (its process is gone from this host,
  so a standby takes over at its next try); a paused one is replaced no sooner than the lease duration
  after its last renewal (no candidate takes a valid lease) and no later than that plus the two jittered
  retry periods in which candidates see the last renewal and try again (client-go counts the lease from
  the renewal it *observed*);
- the rollout completes, and replaying the changelog revision by revision from before it started, the
  bounds of maxSurge 2 and maxUnavailable 1 hold at every revision: at most 8 ReplicaSet replicas and 8
  live pods, at least 5 Ready ones;
- no double actions: exactly 6 pods of the new template were ever created, the new ReplicaSet never
  scaled down nor the old one up, no pod was bound twice; the paused holder woke up and wrote nothing
  as leader (its next batch was fenced: it stood by instead).

Waits are for conditions; the bounds on time are the election's own, plus a margin for a loaded machine.
"""
from __future__ import annotations

import json
import signal
import subprocess
import threading
import time

import pytest

from litekube.store import Store
from tests.reliability import harness

LEASE, RENEW, RETRY = 6, 4, 1
FLAGS = ["--leader-elect-lease-duration", f"{LEASE}s", "--leader-elect-renew-deadline", f"{RENEW}s",
         "--leader-elect-retry-period", f"{RETRY}s"]
LEASES = ("kube-controller-manager", "kube-scheduler", "litekube-simulator")
REPLICAS, SURGE, UNAVAILABLE = 6, 2, 1
LOAD_MARGIN = 4.0  # seconds a loaded 2-core machine may add to a candidate's wake-up and write

WEB = f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: {REPLICAS}
  strategy:
    rollingUpdate: {{maxSurge: {SURGE}, maxUnavailable: {UNAVAILABLE}}}
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
      containers:
      - name: app
        image: nginx:1.27
        resources:
          requests: {{cpu: 100m}}
"""
# the new template's pods take 5 s to start: the rollout lasts several waves of the election's timers
ROLLOUT = json.dumps({"spec": {"template": {"metadata": {"annotations": {"sim.litekube.io/start-delay": "5s"}},
                                            "spec": {"containers": [{"name": "app", "image": "nginx:1.28"}]}}}})


class Run:
    """One `litekube run` process and its stderr, read line by line in a thread."""

    def __init__(self, url: str) -> None:
        self.proc = subprocess.Popen(harness.CLI + ["run", *FLAGS], env=harness.env_for(url),
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=lambda: self.lines.extend(iter(self.proc.stderr.readline, "")),
                                        daemon=True)
        self._reader.start()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def since(self, index: int) -> list[str]:
        return list(self.lines)[index:]

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=120)
        self._reader.join(timeout=10)
        return code


def wait_for(predicate, seconds: float = 120, every: float = 0.05):
    """Poll `predicate` until it answers something true; that answer (None after `seconds`)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        answer = predicate()
        if answer:
            return answer
        time.sleep(every)
    return None


@pytest.fixture
def database(backend) -> str:
    """A new database on each backend (tests/conftest.py): an SQLite file, a PostgreSQL database."""
    return backend.db("planes.db")


def leases(store: Store) -> dict[str, dict]:
    with store.read() as reader:
        return {s.name: s.body for s in reader.list("Lease", "kube-system") if s.name in LEASES}


def holder_pid(lease: dict) -> int | None:
    text = ((lease.get("metadata") or {}).get("annotations") or {}).get("litekube.io/holder-process")
    if not text or not (lease.get("spec") or {}).get("holderIdentity"):
        return None
    return json.loads(json.loads(text)["process"])["pid"]


def objects(store: Store, kind: str) -> list[dict]:
    with store.read() as reader:
        return [s.body for s in reader.list(kind, "default")]


def images(store: Store) -> dict[str, int]:
    """Live pods of `web` by image."""
    out: dict[str, int] = {}
    for pod in objects(store, "Pod"):
        if not pod["metadata"].get("deletionTimestamp"):
            image = pod["spec"]["containers"][0]["image"]
            out[image] = out.get(image, 0) + 1
    return out


def rolled_out(store: Store, image: str) -> bool:
    (deployment,) = objects(store, "Deployment")
    status = deployment.get("status") or {}
    counts = [status.get(f, 0) for f in ("replicas", "updatedReplicas", "readyReplicas", "availableReplicas")]
    live = [p for p in objects(store, "Pod") if not p["metadata"].get("deletionTimestamp")]
    return (counts == [REPLICAS] * 4 and status.get("observedGeneration") == deployment["metadata"]["generation"]
            and len(live) == REPLICAS and all(p["spec"]["containers"][0]["image"] == image
                                              and (p.get("status") or {}).get("phase") == "Running" for p in live))


def _ready(pod: dict) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in (pod.get("status") or {}).get("conditions") or [])


def replay(store: Store, since: int) -> dict:
    """Replay the whole changelog; check the rollout's bounds at every revision after `since`."""
    pods: dict[str, dict] = {}
    sets: dict[str, dict] = {}
    violations: list[str] = []
    created: dict[str, int] = {}
    scaled: dict[str, list[int]] = {}
    rebound: list[str] = []
    revision = 0
    while batch := store.changes(revision, limit=1000):
        for change in batch:
            assert change.revision == revision + 1 or revision == 0, f"gap after revision {revision}"
            revision = change.revision
            if change.kind not in ("Pod", "ReplicaSet") or change.namespace != "default":
                continue
            table = pods if change.kind == "Pod" else sets
            before = table.get(change.name)
            if change.type == "DELETED":
                table.pop(change.name, None)
            else:
                table[change.name] = change.body
            if revision <= since:
                continue
            body = change.body
            if change.kind == "Pod":
                if change.type == "ADDED":
                    image = body["spec"]["containers"][0]["image"]
                    created[image] = created.get(image, 0) + 1
                was = ((before or {}).get("spec") or {}).get("nodeName")
                if was and (body.get("spec") or {}).get("nodeName") != was and change.type != "DELETED":
                    rebound.append(f"{revision} {change.name} {was} -> {body['spec'].get('nodeName')}")
            elif change.type != "DELETED":
                scaled.setdefault(change.name, []).append((body.get("spec") or {}).get("replicas", 0))
            live = [p for p in pods.values() if not p["metadata"].get("deletionTimestamp")]
            total = sum((s.get("spec") or {}).get("replicas", 0) for s in sets.values())
            ready = sum(1 for p in live if _ready(p))
            if total > REPLICAS + SURGE or len(live) > REPLICAS + SURGE or ready < REPLICAS - UNAVAILABLE:
                violations.append(f"revision {revision} ({change.type} {change.kind} {change.name}): "
                                  f"{total} ReplicaSet replicas, {len(live)} live pods, {ready} Ready")
    return {"violations": violations, "created": created, "scaled": scaled, "rebound": rebound, "head": revision}


def _write_blocked(store: Store) -> bool:
    """Whether a write cannot begin within 3 s: a paused process holds the writers' lock (SQLite's
    IMMEDIATE transaction, PostgreSQL's advisory lock). The probe's transaction ends when it gets it."""
    done = threading.Event()

    def probe() -> None:
        try:
            with store.write() as writer:
                writer.lock()  # PostgreSQL takes the lock at the first write, or here
        except Exception:  # sqlite3.OperationalError (database is locked): blocked all along
            return
        done.set()
    threading.Thread(target=probe, daemon=True).start()
    return not done.wait(3.0)


@pytest.mark.parametrize("how", ["SIGKILL", "SIGSTOP"])
def test_the_controller_manager_leader_fails_mid_rollout(database, how):
    url = database
    assert harness.invoke(url, "init").exit_code == 0
    applied = harness.invoke(url, "apply", "-f", "-", input=WEB)
    assert (applied.exit_code, applied.stdout) == (0, "deployment.apps/web created\n")
    store = Store(url)
    assert rolled_out(store, "nginx:1.27")
    runs = [Run(url) for _ in range(3)]
    by_pid = {r.pid: r for r in runs}
    try:
        # every Lease held by one of the three; every process has said what it does
        assert wait_for(lambda: all(holder_pid(lease) in by_pid for lease in leases(store).values())
                        and len(leases(store)) == 3 and all(r.lines for r in runs)), [r.lines for r in runs]
        assert all(r.lines[0].startswith(("litekube: leading", "litekube: standing by")) for r in runs)
        since = store.revision()
        patched = harness.invoke(url, "patch", "deployment", "web", "-p", ROLLOUT)
        assert (patched.exit_code, patched.stdout, patched.stderr) == (0, "deployment.apps/web patched\n", "")

        # mid-rollout: pods of both templates are live
        assert wait_for(lambda: len(images(store)) == 2 and images(store).get("nginx:1.28", 0) >= 1), images(store)
        old_lease = leases(store)["kube-controller-manager"]
        victim = by_pid[holder_pid(old_lease)]
        old_holder = old_lease["spec"]["holderIdentity"]
        if how == "SIGKILL":
            victim.proc.kill()
            victim.proc.wait(timeout=30)
        else:
            for _ in range(20):
                victim.proc.send_signal(signal.SIGSTOP)
                if not _write_blocked(store):
                    break
                # paused inside a transaction: a real stall would block everyone too; let it commit, retry
                victim.proc.send_signal(signal.SIGCONT)
                head = store.revision()
                wait_for(lambda: store.revision() > head, 30)
            else:
                pytest.fail("the holder was inside a write transaction at every pause")
            old_lease = leases(store)["kube-controller-manager"]  # its last renewal: it cannot renew now
        stopped_at = time.monotonic()
        assert not rolled_out(store, "nginx:1.28")
        lines_before = len(victim.lines)

        taken = wait_for(lambda: (lease := leases(store)["kube-controller-manager"])["spec"].get(
            "holderIdentity") not in (None, "", old_holder) and lease, LEASE * 10)
        failover = time.monotonic() - stopped_at
        assert taken, leases(store)["kube-controller-manager"]
        assert holder_pid(taken) in by_pid and by_pid[holder_pid(taken)] is not victim
        assert taken["spec"]["leaseTransitions"] == old_lease["spec"]["leaseTransitions"] + 1
        if how == "SIGKILL":
            assert failover <= LEASE, failover
        else:
            renewed = _seconds(old_lease["spec"]["renewTime"])
            acquired = _seconds(taken["spec"]["acquireTime"])
            assert LEASE <= acquired - renewed <= LEASE + 2 * (RETRY * 2.2) + LOAD_MARGIN, (renewed, acquired)
            victim.proc.send_signal(signal.SIGCONT)
            harness.FIGURES.setdefault("control planes", {})
            # it wakes up past its lease: its next batch is fenced (or its renew deadline passes first)
            stopped = wait_for(lambda: [line for line in victim.since(lines_before)
                                        if line.startswith("litekube: stopped leading kube-controller-manager: ")], 60)
            assert stopped, victim.lines
            assert stopped[0].split(": ", 2)[2] in ("fenced: the lease is no longer this process'\n",
                                                    "did not renew within the renew deadline (4s)\n"), stopped
            harness.FIGURES["control planes"]["woken holder stopped by"] = stopped[0].split(": ", 2)[2].split(":")[0]
        harness.FIGURES.setdefault("control planes", {})[f"{how} failover s"] = round(failover, 1)

        assert wait_for(lambda: rolled_out(store, "nginx:1.28"), 240), (images(store), objects(store, "Deployment"))
        checked = replay(store, since)
        assert checked["violations"] == []
        assert checked["created"] == {"nginx:1.28": REPLICAS}, checked["created"]
        assert checked["rebound"] == []
        new_rs, old_rs = _split(objects(store, "ReplicaSet"))
        assert checked["scaled"][new_rs] == sorted(checked["scaled"][new_rs])  # never scaled down
        assert checked["scaled"][old_rs] == sorted(checked["scaled"][old_rs], reverse=True)  # never up
        harness.FIGURES["control planes"][f"{how} revisions replayed"] = checked["head"] - since

        for run in runs:
            if run.proc.poll() is None:
                assert run.stop() == 0, run.lines
        assert [lease["spec"]["holderIdentity"] for lease in leases(store).values()] == ["", "", ""]
    finally:
        for run in runs:
            if run.proc.poll() is None:
                run.proc.send_signal(signal.SIGCONT)
                run.proc.kill()
                run.proc.wait(timeout=30)
        store.close()


def _seconds(text: str) -> float:
    from litekube.runtime import electing

    value = electing.parse_microtime(text)
    assert value is not None, text
    return value


def _split(sets: list[dict]) -> tuple[str, str]:
    new = [s["metadata"]["name"] for s in sets if s["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.28"]
    old = [s["metadata"]["name"] for s in sets if s["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27"]
    assert len(new) == len(old) == 1, sets
    return new[0], old[0]

