"""PodDisruptionBudgets: status numbers from pods and their controllers, and the eviction check."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from litekube.model import durations
from litekube.reconcile.base import Key, RecordEvent, UpdateStatus
from litekube.reconcile.disruption import controller as disruption
from litekube.reconcile.views import MemoryView

NOW = 1_800_000_000.0
KEY = Key("PodDisruptionBudget", "default", "web")


def ts(seconds: float) -> str:
    return durations.format_time(datetime.fromtimestamp(seconds, timezone.utc))


def deployment(replicas: int = 3) -> dict:
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "default", "uid": "u-d"}, "spec": {"replicas": replicas}}


def replicaset(replicas: int = 3) -> dict:
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": "web-1", "namespace": "default", "uid": "u-rs", "ownerReferences": [
                {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": "u-d", "controller": True}]},
            "spec": {"replicas": replicas}}


def pod(name: str, ready: bool = True, owned: bool = True, phase: str = "Running", **meta) -> dict:
    metadata = {"name": name, "namespace": "default", "uid": f"u-{name}", "labels": {"app": "web"}, **meta}
    if owned:
        metadata["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-1",
                                        "uid": "u-rs", "controller": True}]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": {"nodeName": "n1"},
            "status": {"phase": phase, "conditions": [{"type": "Ready", "status": "True" if ready else "False"}]}}


def pdb(status: dict | None = None, generation: int = 1, **spec) -> dict:
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": {"name": "web", "namespace": "default", "uid": "u-pdb", "generation": generation},
            "spec": {"selector": {"matchLabels": {"app": "web"}}, **spec}, "status": status or {}}


PODS = [pod("a"), pod("b"), pod("c")]


def run(*objects: dict):
    return disruption.reconcile(KEY, MemoryView(objects), NOW)


def written(result) -> dict:
    (update,) = [a for a in result.actions if isinstance(a, UpdateStatus)]
    return update.obj["status"]


class TestStatus:
    @pytest.mark.parametrize("spec,replicas,expected", [
        pytest.param({"minAvailable": 2}, 3, (3, 2, 3, 1), id="minAvailable-2"),
        pytest.param({"minAvailable": "50%"}, 3, (3, 2, 3, 1), id="minAvailable-50pct"),
        pytest.param({"maxUnavailable": 1}, 3, (3, 2, 3, 1), id="maxUnavailable-1"),
        pytest.param({"minAvailable": 3}, 3, (3, 3, 3, 0), id="minAvailable-3"),
        pytest.param({"minAvailable": "50%"}, 5, (3, 3, 5, 0), id="percent-of-scale-not-pods"),
        pytest.param({"maxUnavailable": "34%"}, 3, (3, 1, 3, 2), id="maxUnavailable-rounds-up"),
    ])
    def test_numbers(self, spec, replicas, expected):
        status = written(run(pdb(**spec), deployment(replicas), replicaset(replicas), *PODS))
        assert (status["currentHealthy"], status["desiredHealthy"], status["expectedPods"],
                status["disruptionsAllowed"]) == expected
        assert status["observedGeneration"] == 1
        (cond,) = status["conditions"]
        allowed = expected[3] > 0
        assert cond == {"type": "DisruptionAllowed", "status": "True" if allowed else "False",
                        "reason": "SufficientPods" if allowed else "InsufficientPods", "message": "",
                        "observedGeneration": 1, "lastTransitionTime": ts(NOW)}

    def test_unready_and_terminating_pods_are_not_healthy(self):
        pods = [pod("a"), pod("b", ready=False), pod("c", deletionTimestamp=ts(NOW))]
        status = written(run(pdb(minAvailable=1), *pods))
        assert (status["currentHealthy"], status["disruptionsAllowed"]) == (1, 0)

    def test_unchanged_status_is_not_written(self):
        first = written(run(pdb(minAvailable=2), deployment(), replicaset(), *PODS))
        again = run(pdb(status=first, minAvailable=2), deployment(), replicaset(), *PODS)
        assert [a for a in again.actions if isinstance(a, UpdateStatus)] == []

    def test_generation_bump_is_written(self):
        first = written(run(pdb(minAvailable=2), *PODS))
        assert written(run(pdb(status=first, generation=2, minAvailable=2), *PODS))["observedGeneration"] == 2

    def test_recently_evicted_pod_is_not_healthy(self):
        status = written(run(pdb(status={"disruptedPods": {"a": ts(NOW - 30)}}, minAvailable=1), *PODS))
        assert status["disruptedPods"] == {"a": ts(NOW - 30)}
        assert (status["currentHealthy"], status["disruptionsAllowed"]) == (2, 1)
        assert run(pdb(status={"disruptedPods": {"a": ts(NOW - 30)}}, minAvailable=1), *PODS).requeue_after == 90

    def test_evicted_pod_not_deleted_in_time_is_taken_back(self):
        result = run(pdb(status={"disruptedPods": {"a": ts(NOW - 121)}}, minAvailable=1), *PODS)
        status = written(result)
        assert "disruptedPods" not in status and status["currentHealthy"] == 3
        assert any(isinstance(a, RecordEvent) and a.reason == "NotDeleted" for a in result.actions)

    def test_missing_controller_fails_safe(self):
        result = run(pdb(status={"disruptionsAllowed": 2}, minAvailable="50%"), *PODS)
        status = written(result)
        assert status["disruptionsAllowed"] == 0
        assert status["conditions"][0]["reason"] == "SyncFailed"
        assert status["conditions"][0]["message"] == 'found no controllers for pod "a"'

    def test_no_pods_event(self):
        result = run(pdb(minAvailable=1))
        assert [(a.reason, a.message) for a in result.actions if isinstance(a, RecordEvent)] == [
            ("NoPods", "No matching pods found")]
        assert written(result)["disruptionsAllowed"] == 0

    def test_unmanaged_pods_event(self):
        result = run(pdb(maxUnavailable=1), pod("a", owned=False))
        (event,) = [a for a in result.actions if isinstance(a, RecordEvent)]
        assert event.reason == "UnmanagedPods"
        assert "(selector: &LabelSelector{MatchLabels:map[string]string{app: web,}," in event.message

    def test_pod_maps_to_matching_pdbs(self):
        mapper = disruption.COMPONENT.watches["Pod"]
        view = MemoryView([pdb(minAvailable=1)])
        assert list(mapper(pod("a"), view)) == [KEY]
        other = pod("z")
        other["metadata"]["labels"] = {"app": "db"}
        assert list(mapper(other, view)) == []


def budget(allowed: int, **status) -> dict:
    return pdb(status={"observedGeneration": 1, "disruptionsAllowed": allowed, "currentHealthy": 3,
                       "desiredHealthy": 2, "expectedPods": 3, **status}, minAvailable=2)


class TestEviction:
    @pytest.mark.parametrize("the_pod,pdbs,expected", [
        pytest.param(pod("a"), [budget(1)], None, id="allowed"),
        pytest.param(pod("a"), [], None, id="no-budget"),
        pytest.param(pod("a"), [budget(0)], "Cannot evict pod as it would violate the pod's disruption budget.",
                     id="refused"),
        pytest.param(pod("a"), [budget(1), {**budget(1), "metadata": {"name": "x", "namespace": "default"}}],
                     "This pod has more than one PodDisruptionBudget, which the eviction subresource does not "
                     "support.", id="two-budgets"),
        pytest.param(pod("a", phase="Pending"), [budget(0)], None, id="pending-pod-ignores-budget"),
        pytest.param(pod("a", ready=False), [budget(0)], None, id="unready-pod-with-enough-healthy"),
        pytest.param(pod("a"), [{**budget(1), "metadata": {"name": "web", "namespace": "default", "generation": 2}}],
                     "Cannot evict pod as it would violate the pod's disruption budget.", id="not-yet-observed"),
        pytest.param(pod("a"), [budget(-1)],
                     'poddisruptionbudget.policy "web" is forbidden: pdb disruptions allowed is negative',
                     id="negative"),
    ])
    def test_check_eviction(self, the_pod, pdbs, expected):
        assert disruption.check_eviction(the_pod, pdbs) == expected

    def test_refusal_carries_code_and_cause(self):
        refusal = disruption.check_eviction(pod("a"), [budget(0)])
        assert refusal.code == 429
        assert refusal.cause == "The disruption budget web needs 2 healthy pods and has 3 currently"

    def test_empty_selector_covers_nothing_for_eviction(self):
        open_budget = budget(0)
        open_budget["spec"]["selector"] = {}
        assert disruption.check_eviction(pod("a"), [open_budget]) is None

    def test_after_eviction(self):
        before = budget(1, conditions=[{"type": "DisruptionAllowed", "status": "True", "reason": "SufficientPods",
                                        "message": "", "observedGeneration": 1,
                                        "lastTransitionTime": ts(NOW - 60)}])
        after = disruption.after_eviction(before, pod("a"), NOW)
        assert after["status"]["disruptionsAllowed"] == 0
        assert after["status"]["disruptedPods"] == {"a": ts(NOW)}
        assert after["status"]["conditions"][0]["reason"] == "InsufficientPods"
        assert after["status"]["conditions"][0]["lastTransitionTime"] == ts(NOW)
        assert before["status"]["disruptionsAllowed"] == 1

    def test_after_eviction_of_pending_pod_changes_nothing(self):
        before = budget(1)
        assert disruption.after_eviction(before, pod("a", phase="Pending"), NOW) == before
