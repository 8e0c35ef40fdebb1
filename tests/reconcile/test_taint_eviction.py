"""Taint eviction: tolerations matched against NoExecute taints decide when a pod goes."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from litekube.model import durations
from litekube.reconcile.base import Delete, Key, RecordEvent, UpdateStatus
from litekube.reconcile.common import tolerations
from litekube.reconcile.taint_eviction import controller as taint_eviction
from litekube.reconcile.views import MemoryView

NOW = 1_800_000_000.0
KEY = Key("Pod", "default", "web")
UNREACHABLE = "node.kubernetes.io/unreachable"
NOT_READY = "node.kubernetes.io/not-ready"


def ts(seconds: float) -> str:
    return durations.format_time(datetime.fromtimestamp(seconds, timezone.utc))


def node(*taints: dict) -> dict:
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1", "creationTimestamp": ts(NOW - 9999)},
            "spec": {"taints": list(taints)}}


def taint(key: str = UNREACHABLE, effect: str = "NoExecute", added: float | None = NOW - 100, value=None) -> dict:
    t = {"key": key, "effect": effect}
    if value is not None:
        t["value"] = value
    if added is not None:
        t["timeAdded"] = ts(added)
    return t


def pod(tols: list | None = None, terminating: bool = False) -> dict:
    meta = {"name": "web", "namespace": "default", "uid": "u-web"}
    if terminating:
        meta["deletionTimestamp"] = ts(NOW - 1)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": {"nodeName": "n1", "tolerations": tols or []}, "status": {"phase": "Running"}}


DEFAULTS = taint_eviction.default_tolerations({"spec": {}})


class TestTolerates:
    @pytest.mark.parametrize("toleration,taint_,expected", [
        pytest.param({"key": "k", "operator": "Exists", "effect": "NoExecute"}, taint("k"), True, id="exists"),
        pytest.param({"key": "k", "operator": "Exists"}, taint("k", "NoSchedule"), True, id="empty-effect-any"),
        pytest.param({"key": "k", "operator": "Exists", "effect": "NoSchedule"}, taint("k"), False,
                     id="other-effect"),
        pytest.param({"operator": "Exists"}, taint("anything"), True, id="exists-empty-key-all"),
        pytest.param({"key": "k", "operator": "Equal", "value": "v"}, taint("k", value="v"), True,
                     id="equal-same-value"),
        pytest.param({"key": "k", "operator": "Equal", "value": "v"}, taint("k", value="w"), False,
                     id="equal-other-value"),
        pytest.param({"key": "k", "value": "v"}, taint("k", value="v"), True, id="default-operator-equal"),
        pytest.param({"key": "k"}, taint("k"), True, id="equal-both-empty-values"),
        pytest.param({"key": "other", "operator": "Exists"}, taint("k"), False, id="other-key"),
        pytest.param({"key": "k", "operator": "Gt", "value": "1"}, taint("k", value="2"), False,
                     id="unknown-operator"),
    ])
    def test_toleration_matching(self, toleration, taint_, expected):
        assert tolerations.tolerates([toleration], taint_) is expected

    def test_matching_tolerations_all_or_nothing(self):
        taints = [taint("a"), taint("b")]
        assert tolerations.matching_tolerations(taints, [{"key": "a", "operator": "Exists"}]) == (False, [])
        ok, used = tolerations.matching_tolerations(taints, [{"operator": "Exists"}])
        assert ok and len(used) == 2


class TestEvictionTime:
    @pytest.mark.parametrize("tols,added,expected", [
        pytest.param(DEFAULTS, NOW - 100, ("requeue", 200.0), id="default-300s-waiting"),
        pytest.param(DEFAULTS, NOW - 300, ("evict", None), id="default-300s-expired"),
        pytest.param([{"key": UNREACHABLE, "operator": "Exists", "tolerationSeconds": 0}], NOW, ("evict", None),
                     id="toleration-seconds-0"),
        pytest.param([], NOW, ("evict", None), id="no-toleration-immediate"),
        pytest.param([{"key": "other", "operator": "Exists"}], NOW, ("evict", None), id="unrelated-toleration"),
        pytest.param([{"key": UNREACHABLE, "operator": "Exists"}], NOW - 99999, ("none", None), id="forever"),
        pytest.param([{"operator": "Exists", "tolerationSeconds": 60},
                      {"key": UNREACHABLE, "operator": "Exists", "tolerationSeconds": 30}],
                     NOW - 10, ("requeue", 50.0), id="first-matching-toleration-used"),
    ])
    def test_when_the_pod_goes(self, tols, added, expected):
        result = taint_eviction.reconcile(KEY, MemoryView([node(taint(added=added)), pod(tols)]), NOW)
        kind, after = expected
        if kind == "requeue":
            assert result.actions == []
            assert result.requeue_after == pytest.approx(after)
        elif kind == "none":
            assert result.actions == []
            assert result.requeue_after is None
        else:
            assert any(isinstance(a, Delete) for a in result.actions)

    def test_eviction_actions(self):
        result = taint_eviction.reconcile(KEY, MemoryView([node(taint()), pod()]), NOW)
        event, status, delete = result.actions
        assert isinstance(event, RecordEvent)
        assert (event.type, event.reason, event.message, event.component) == (
            "Normal", "TaintManagerEviction", "Marking for deletion Pod default/web", "taint-eviction-controller")
        assert isinstance(status, UpdateStatus)
        assert status.obj["status"]["conditions"] == [{
            "type": "DisruptionTarget", "status": "True", "reason": "DeletionByTaintManager",
            "message": "Taint manager: deleting due to NoExecute taint", "lastTransitionTime": ts(NOW)}]
        assert delete == Delete(kind="Pod", namespace="default", name="web", uid="u-web")

    @pytest.mark.parametrize("objects", [
        pytest.param([node(taint()), pod(terminating=True)], id="terminating"),
        pytest.param([node(taint(effect="NoSchedule")), pod()], id="only-noschedule"),
        pytest.param([node(), pod()], id="untainted"),
        pytest.param([pod()], id="node-missing"),
    ])
    def test_left_alone(self, objects):
        result = taint_eviction.reconcile(KEY, MemoryView(objects), NOW)
        assert (result.actions, result.requeue_after) == ([], None)

    def test_node_maps_to_its_pods_only_when_tainted(self):
        mapper = taint_eviction.COMPONENT.watches["Node"]
        view = MemoryView([pod()])
        assert list(mapper(node(taint()), view)) == [KEY]
        assert list(mapper(node(taint(effect="NoSchedule")), view)) == []


class TestDefaultTolerations:
    def test_adds_both(self):
        assert DEFAULTS == [
            {"key": NOT_READY, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
            {"key": UNREACHABLE, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}]

    @pytest.mark.parametrize("existing,added", [
        pytest.param([{"operator": "Exists"}], [], id="tolerates-everything"),
        pytest.param([{"key": NOT_READY, "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 5}],
                     [UNREACHABLE], id="has-not-ready"),
        pytest.param([{"key": UNREACHABLE, "operator": "Exists", "effect": "NoSchedule"}],
                     [NOT_READY, UNREACHABLE], id="noschedule-does-not-count"),
    ])
    def test_keeps_existing(self, existing, added):
        result = taint_eviction.default_tolerations({"spec": {"tolerations": existing}})
        assert result[:len(existing)] == existing
        assert [t["key"] for t in result[len(existing):]] == added
