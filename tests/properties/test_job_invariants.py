"""Property: a Job never runs more than parallelism pods, an Indexed Job never runs one index twice.

Hypothesis draws a Job (parallelism 1-4, completions unset or 1-8,
NonIndexed or Indexed, restartPolicy Never or OnFailure, pods that run 1-20
s and exit 0 or 1, backoffLimit 0-4, podReplacementPolicy) on 2 nodes, and
a few operations: crash a pod, delete a pod, take a node down or bring it
back, suspend or resume the Job, let time pass. The changelog is replayed
revision by revision (tests/properties/replay.py), and at every revision:

- the Job's active pods (controlled by it, neither terminal nor being
  deleted) are at most spec.parallelism;
- an Indexed Job's active pods have distinct indexes, each below completions;
- status.succeeded and status.failed never decrease, and the Job is never
  both Complete and Failed;
- once the Job is finished, it never creates another pod.
After the last settle, a finished Job's pods no longer hold the tracking
finalizer. The oracle reads pods as Kubernetes defines them, not through
the engine.
"""
from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from litekube.api import applying, operating
from litekube.api.server import Api
from litekube.model import manifests, nodes, values
from litekube.runtime import embedded
from tests.properties import replay
from tests.properties.conftest import Databases, bootstrap

NAMESPACE = "default"
FINALIZER = "batch.kubernetes.io/job-tracking"
INDEX = "batch.kubernetes.io/job-completion-index"

JOB = st.fixed_dictionaries({
    "parallelism": st.integers(1, 4),
    "completions": st.one_of(st.none(), st.integers(1, 8)),
    "indexed": st.booleans(),
    "restart": st.sampled_from(["Never", "OnFailure"]),
    "run": st.integers(1, 20),
    "exit": st.sampled_from([0, 0, 1]),
    "backoff": st.integers(0, 4),
    "replacement": st.sampled_from(["TerminatingOrFailed", "Failed"]),
})
OPERATION = st.one_of(
    st.tuples(st.just("crash"), st.integers(0, 7)),
    st.tuples(st.just("delete"), st.integers(0, 7)),
    st.tuples(st.just("node-down"), st.integers(1, 2)),
    st.tuples(st.just("node-up"), st.integers(1, 2)),
    st.tuples(st.just("suspend"), st.booleans()),
    st.tuples(st.just("advance"), st.integers(1, 90)),
)
SETTINGS = settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def job_manifest(spec: dict) -> str:
    body: dict = {"parallelism": spec["parallelism"], "backoffLimit": spec["backoff"],
                  "podReplacementPolicy": spec["replacement"],
                  "template": {"metadata": {"annotations": {"sim.litekube.io/exit-after": f"{spec['run']}s",
                                                            "sim.litekube.io/exit-code": str(spec["exit"])}},
                               "spec": {"restartPolicy": spec["restart"],
                                        "containers": [{"name": "c", "image": "busybox"}]}}}
    completions = spec["completions"]
    if spec["indexed"]:
        completions = completions or 3
        body["completionMode"] = "Indexed"
    if completions is not None:
        body["completions"] = completions
    return yaml.safe_dump({"apiVersion": "batch/v1", "kind": "Job",
                           "metadata": {"name": "work", "namespace": NAMESPACE},
                           "spec": body})


def owned(state: replay.Replay, job: dict) -> list[dict]:
    uid = job["metadata"]["uid"]
    return [p for p in state.list("Pod") if replay.controller_uid(p) == uid]


def finished(job: dict) -> bool:
    return any(replay.condition(job, kind) and replay.condition(job, kind).get("status") == "True"
               for kind in ("Complete", "Failed"))


class Checker:
    """The invariants, with what they remember between revisions."""

    def __init__(self) -> None:
        self.counts = (0, 0)
        self.finished_at: int | None = None

    def revision(self, state: replay.Replay, change) -> None:
        job = state.get("Job", NAMESPACE, "work")
        if job is None:
            return
        spec, status = job["spec"], job.get("status") or {}
        active = [p for p in owned(state, job) if replay.is_active(p)]
        assert len(active) <= spec["parallelism"], (
            f"{len(active)} active pods > parallelism {spec['parallelism']} at revision {change.revision}")
        if spec.get("completionMode") == "Indexed":
            seen = [int(p["metadata"]["annotations"][INDEX]) for p in active]
            assert len(seen) == len(set(seen)), f"an index runs twice at revision {change.revision}: {sorted(seen)}"
            assert all(0 <= i < spec["completions"] for i in seen), seen
        counts = (int(status.get("succeeded") or 0), int(status.get("failed") or 0))
        assert counts[0] >= self.counts[0] and counts[1] >= self.counts[1], (
            f"counters went back at revision {change.revision}: {self.counts} -> {counts}")
        self.counts = counts
        complete, failed = replay.condition(job, "Complete"), replay.condition(job, "Failed")
        assert not (complete and complete.get("status") == "True" and failed and failed.get("status") == "True")
        if finished(job) and self.finished_at is None:
            self.finished_at = change.revision
        if self.finished_at is not None and change.kind == "Pod" and change.type == "ADDED":
            assert replay.controller_uid(change.body) != job["metadata"]["uid"], (
                f"pod {change.name} created at revision {change.revision}, after the Job finished")

    def settled(self, state: replay.Replay) -> None:
        job = state.get("Job", NAMESPACE, "work")
        if job is not None and finished(job):
            held = [p["metadata"]["name"] for p in owned(state, job)
                    if FINALIZER in (p["metadata"].get("finalizers") or [])]
            assert not held, f"a finished Job's pods keep the tracking finalizer: {held}"


def settle_and_check(api: Api, state: replay.Replay, checker: Checker) -> None:
    embedded.settle(api)
    for change in state.follow():
        checker.revision(state, change)
    checker.settled(state)


def operate(api: Api, operation: tuple) -> None:
    what, arg = operation
    if what == "advance":
        embedded.advance(api, float(arg))
        return
    with api.read() as tx:
        job = tx.find("Job", NAMESPACE, "work")
        pods = sorted((p for p in tx.list("Pod", NAMESPACE).items if replay.is_active(p)),
                      key=lambda p: p["metadata"]["name"])
    if what in ("crash", "delete"):
        if not pods:
            return
        name = pods[arg % len(pods)]["metadata"]["name"]
        if what == "crash":
            operating.fault(api, "crash", name, NAMESPACE)
        else:
            with api.write() as tx:
                tx.delete("Pod", NAMESPACE, name)
    elif what in ("node-down", "node-up"):
        operating.fault(api, what, f"node-{arg}")
    elif what == "suspend" and job is not None:
        new = values.clone(job)
        new["spec"]["suspend"] = arg
        with api.write() as tx:
            tx.update(new, namespace=NAMESPACE)


@SETTINGS
@given(spec=JOB, operations=st.lists(OPERATION, max_size=5))
def test_a_job_never_exceeds_parallelism(databases: Databases, spec, operations):
    store = databases.fresh(databases.template("two-nodes", bootstrap(nodes.Shape(), 2)))
    try:
        api = Api(store)
        state = replay.Replay(store)
        checker = Checker()
        for _ in state.follow():
            pass  # the cluster as bootstrapped: no Job yet
        applying.apply(api, manifests.parse(job_manifest(spec), "job.yaml"))
        settle_and_check(api, state, checker)
        for operation in operations:
            operate(api, operation)
            settle_and_check(api, state, checker)
    finally:
        databases.discard(store)
