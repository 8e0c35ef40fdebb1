"""The HPA controller as a pure function: objects (and its kept state) in, actions out."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from litekube.model import defaults
from litekube.reconcile.base import Key, RecordEvent, SaveState, Update, UpdateStatus
from litekube.reconcile.podautoscaler import controller as hpa_controller
from litekube.reconcile.views import MemoryView

NOW = 1_700_000_010.0  # a scrape instant (a multiple of 15 s)
KEY = Key("HorizontalPodAutoscaler", "default", "web")


def stamp(t: float) -> str:
    return datetime.fromtimestamp(t, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def deployment(replicas: int, cpu_load: str | None = None) -> dict:
    meta: dict = {"name": "web", "namespace": "default", "uid": "u-deploy", "resourceVersion": "5"}
    if cpu_load is not None:
        meta["annotations"] = {"sim.litekube.io/cpu-load": cpu_load}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta,
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [
                         {"name": "app", "image": "nginx", "resources": {"requests": {"cpu": "200m"}}}]}}},
            "status": {"replicas": replicas}}


def replica_set() -> dict:
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": "web-1", "namespace": "default", "uid": "u-rs",
                         "ownerReferences": [{"kind": "Deployment", "name": "web", "uid": "u-deploy",
                                              "controller": True}]},
            "spec": {"selector": {"matchLabels": {"app": "web"}}}}


def pod(i: int, started: float = NOW - 600, usage: str | None = None, ready: bool = True) -> dict:
    annotations = {"sim.litekube.io/cpu-usage": usage} if usage is not None else {}
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": f"web-{i}", "namespace": "default", "uid": f"u-pod-{i}", "labels": {"app": "web"},
                         "annotations": annotations,
                         "ownerReferences": [{"kind": "ReplicaSet", "name": "web-1", "uid": "u-rs",
                                              "controller": True}]},
            "spec": {"nodeName": "node-1", "containers": [
                {"name": "app", "image": "nginx", "resources": {"requests": {"cpu": "200m"}}}]},
            "status": {"phase": "Running", "startTime": stamp(started - 1),
                       "conditions": [{"type": "Ready", "status": "True" if ready else "False",
                                       "lastTransitionTime": stamp(started)}],
                       "containerStatuses": [{"name": "app", "ready": ready,
                                              "state": {"running": {"startedAt": stamp(started)}}}]}}


def node() -> dict:
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-1", "uid": "u-node",
                                                             "creationTimestamp": stamp(NOW - 3600)}}


def hpa(low: int = 1, high: int = 10, behavior: dict | None = None, metrics: list | None = None,
        status: dict | None = None, kind: str = "Deployment", api_version: str = "apps/v1") -> dict:
    spec: dict = {"scaleTargetRef": {"apiVersion": api_version, "kind": kind, "name": "web"},
                  "minReplicas": low, "maxReplicas": high,
                  "metrics": metrics or [{"type": "Resource", "resource": {
                      "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}}}]}
    if behavior is not None:
        spec["behavior"] = behavior
    obj = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
           "metadata": {"name": "web", "namespace": "default", "uid": "u-hpa", "resourceVersion": "9"},
           "spec": spec}
    obj = defaults.apply_defaults(obj)
    if status is not None:
        obj["status"] = status
    return obj


def view(objs: list[dict], state: dict | None = None) -> MemoryView:
    v = MemoryView(objs)
    if state is not None:
        v.put_state(hpa_controller.NAME, KEY, state)
    return v


def due(**extra) -> dict:
    return {"uid": "u-hpa", "next": NOW, "recommendations": [], "up": [], "down": [], **extra}


def of(result, kind):
    return [a for a in result.actions if isinstance(a, kind)]


def cluster(replicas: int, cpu_load: str | None = None, **hpa_kwargs) -> list[dict]:
    return [node(), deployment(replicas, cpu_load), replica_set(), *(pod(i) for i in range(replicas)),
            hpa(**hpa_kwargs)]


def conditions(result) -> list[tuple[str, str, str]]:
    status = of(result, UpdateStatus)[0].obj["status"]
    return [(c["type"], c["status"], c["reason"]) for c in status["conditions"]]


class TestTiming:
    def test_a_new_hpa_waits_one_sync_period(self) -> None:
        result = hpa_controller.reconcile(KEY, view(cluster(1)), NOW)
        assert result.requeue_after == 15.0
        assert [type(a) for a in result.actions] == [SaveState]
        assert result.actions[0].state["next"] == NOW + 15

    def test_a_sync_not_due_waits(self) -> None:
        result = hpa_controller.reconcile(KEY, view(cluster(1), due(next=NOW + 4)), NOW)
        assert (result.actions, result.requeue_after) == ([], 4.0)

    def test_a_due_sync_runs_and_comes_back_in_15_seconds(self) -> None:
        result = hpa_controller.reconcile(KEY, view(cluster(1), due()), NOW)
        assert result.requeue_after == 15.0
        assert of(result, SaveState)[0].state["next"] == NOW + 15

    def test_a_deleted_hpa_is_forgotten(self) -> None:
        result = hpa_controller.reconcile(KEY, view([node()], due()), NOW)
        assert result.actions == [SaveState(hpa_controller.NAME, KEY, None)]

    def test_a_replaced_hpa_starts_over(self) -> None:
        result = hpa_controller.reconcile(KEY, view(cluster(1), due(uid="u-old")), NOW)
        assert [type(a) for a in result.actions] == [SaveState]
        assert result.actions[0].state["uid"] == "u-hpa"


class TestScaling:
    def test_scale_up_on_load(self) -> None:
        # 600m shared by 2 pods, on top of their own 1m: 301m of 200m each = 150% against 50%:
        # ceil(2 * 3) = 6, limited to max(4, 2 * 2) = 4.
        result = hpa_controller.reconcile(KEY, view(cluster(2, "600m"), due()), NOW)
        [update] = of(result, Update)
        assert update.obj["kind"] == "Deployment" and update.obj["spec"]["replicas"] == 4
        events = [(e.type, e.reason, e.message) for e in of(result, RecordEvent)]
        assert events == [("Normal", "SuccessfulRescale",
                           "New size: 4; reason: cpu resource utilization (percentage of request) above target")]
        status = of(result, UpdateStatus)[0].obj["status"]
        assert status["currentReplicas"] == 2 and status["desiredReplicas"] == 4
        assert status["lastScaleTime"] == stamp(NOW)
        assert status["currentMetrics"] == [{"type": "Resource", "resource": {
            "name": "cpu", "current": {"averageUtilization": 150, "averageValue": "301m"}}}]
        assert conditions(result) == [("AbleToScale", "True", "SucceededRescale"),
                                      ("ScalingActive", "True", "ValidMetricFound"),
                                      ("ScalingLimited", "True", "ScaleUpLimit")]
        assert of(result, SaveState)[0].state["recommendations"] == [[2, NOW], [6, NOW]]

    def test_steady_within_tolerance_writes_nothing_to_the_target(self) -> None:
        # 200m over 2 pods = 100m = 50%: exactly on target.
        result = hpa_controller.reconcile(KEY, view(cluster(2, "200m"), due()), NOW)
        assert of(result, Update) == [] and of(result, RecordEvent) == []
        assert conditions(result) == [("AbleToScale", "True", "ReadyForNewScale"),
                                      ("ScalingActive", "True", "ValidMetricFound"),
                                      ("ScalingLimited", "False", "DesiredWithinRange")]

    def test_scale_down_is_stabilized_for_five_minutes(self) -> None:
        recent = due(recommendations=[[4, NOW - 200]])
        result = hpa_controller.reconcile(KEY, view(cluster(4), recent), NOW)
        assert of(result, Update) == []
        assert ("AbleToScale", "True", "ScaleDownStabilized") in conditions(result)

    @pytest.mark.parametrize("age,replicas", [
        pytest.param(300, None, id="recommendation-exactly-300s-old-still-holds"),
        pytest.param(301, 1, id="older-lets-it-go-to-min"),
    ])
    def test_scale_down_window_edge(self, age, replicas) -> None:
        result = hpa_controller.reconcile(KEY, view(cluster(4), due(recommendations=[[4, NOW - age]])), NOW)
        assert [u.obj["spec"]["replicas"] for u in of(result, Update)] == ([] if replicas is None else [replicas])

    def test_a_fresh_controller_waits_five_minutes_before_scaling_down(self) -> None:
        # recordInitialRecommendation: the current count counts as a recommendation made now.
        result = hpa_controller.reconcile(KEY, view(cluster(3), due()), NOW)
        assert of(result, Update) == []
        assert ("AbleToScale", "True", "ScaleDownStabilized") in conditions(result)

    def test_idle_pods_scale_to_min_with_too_few_replicas(self) -> None:
        result = hpa_controller.reconcile(KEY, view(cluster(3), due(recommendations=[[3, NOW - 301]])), NOW)
        assert of(result, Update)[0].obj["spec"]["replicas"] == 1
        assert of(result, RecordEvent)[0].message == "New size: 1; reason: All metrics below target"
        assert ("ScalingLimited", "True", "TooFewReplicas") in conditions(result)

    def test_behavior_policies_limit_the_rate(self) -> None:
        behavior = {"scaleUp": {"policies": [{"type": "Pods", "value": 1, "periodSeconds": 60}]}}
        result = hpa_controller.reconcile(KEY, view(cluster(2, "1", behavior=behavior), due()), NOW)
        assert of(result, Update)[0].obj["spec"]["replicas"] == 3
        state = of(result, SaveState)[0].state
        assert state["up"] == [[1, NOW, False]] and state["down"] == []

    def test_behavior_select_policy_disabled_never_scales_down(self) -> None:
        behavior = {"scaleDown": {"selectPolicy": "Disabled", "stabilizationWindowSeconds": 0}}
        result = hpa_controller.reconcile(KEY, view(cluster(3, behavior=behavior), due()), NOW)
        assert of(result, Update) == []
        assert ("ScalingLimited", "True", "ScaleDownLimit") in conditions(result)

    def test_replicas_above_max_are_brought_down_without_metrics(self) -> None:
        result = hpa_controller.reconcile(KEY, view(cluster(5, high=3), due()), NOW)
        assert of(result, Update)[0].obj["spec"]["replicas"] == 3
        assert of(result, RecordEvent)[0].message == "New size: 3; reason: Current number of replicas above " \
                                                     "Spec.MaxReplicas"

    def test_zero_replicas_disable_autoscaling(self) -> None:
        result = hpa_controller.reconcile(KEY, view(cluster(0), due()), NOW)
        assert of(result, Update) == []
        assert conditions(result) == [("AbleToScale", "True", "SucceededGetScale"),
                                      ("ScalingActive", "False", "ScalingDisabled")]

    def test_replication_controller_target(self) -> None:
        rc = {"apiVersion": "v1", "kind": "ReplicationController",
              "metadata": {"name": "web", "namespace": "default", "uid": "u-rc",
                           "annotations": {"sim.litekube.io/cpu-load": "800m"}},
              "spec": {"replicas": 2, "selector": {"app": "web"}}, "status": {"replicas": 2}}
        pods = [pod(i) for i in range(2)]
        for p in pods:
            p["metadata"]["ownerReferences"] = [{"kind": "ReplicationController", "name": "web", "uid": "u-rc",
                                                 "controller": True}]
        objs = [node(), rc, *pods, hpa(kind="ReplicationController", api_version="v1")]
        result = hpa_controller.reconcile(KEY, view(objs, due()), NOW)
        assert of(result, Update)[0].obj["kind"] == "ReplicationController"
        assert of(result, Update)[0].obj["spec"]["replicas"] == 4


class TestFailures:
    def test_missing_target(self) -> None:
        result = hpa_controller.reconcile(KEY, view([node(), hpa()], due()), NOW)
        events = [(e.reason, e.message) for e in of(result, RecordEvent)]
        assert events == [("FailedGetScale", 'deployments/scale.apps "web" not found')]
        condition = of(result, UpdateStatus)[0].obj["status"]["conditions"][0]
        assert condition["message"] == ("the HPA controller was unable to get the target's current scale: "
                                        'deployments/scale.apps "web" not found')

    def test_unknown_kind(self) -> None:
        result = hpa_controller.reconcile(KEY, view([node(), hpa(kind="Deploymnet")], due()), NOW)
        assert of(result, RecordEvent)[0].message == 'no matches for kind "Deploymnet" in group "apps"'

    def test_no_metrics_yet(self) -> None:
        objs = [node(), deployment(1), replica_set(), pod(0, started=NOW - 5), hpa()]
        result = hpa_controller.reconcile(KEY, view(objs, due()), NOW)
        assert [(e.reason, e.message) for e in of(result, RecordEvent)] == [
            ("FailedGetResourceMetric", "failed to get cpu utilization: unable to get metrics for resource cpu: "
                                        "no metrics returned from resource metrics API"),
            ("FailedComputeMetricsReplicas", "invalid metrics (1 invalid out of 1), first error is: failed to get "
                                             "cpu resource metric value: failed to get cpu utilization: unable to get "
                                             "metrics for resource cpu: no metrics returned from resource metrics API")]
        status = of(result, UpdateStatus)[0].obj["status"]
        assert status["currentMetrics"] == [{"type": ""}]
        assert ("ScalingActive", "False", "FailedGetResourceMetric") in conditions(result)

    def test_pods_metric_has_no_custom_metrics_api(self) -> None:
        metrics = [{"type": "Pods", "pods": {"metric": {"name": "packets-per-second"},
                                             "target": {"type": "AverageValue", "averageValue": "1k"}}}]
        result = hpa_controller.reconcile(KEY, view(cluster(1, metrics=metrics), due()), NOW)
        assert of(result, RecordEvent)[0].reason == "FailedGetPodsMetric"
        assert of(result, RecordEvent)[0].message == (
            "unable to get metric packets-per-second: unable to fetch metrics from custom metrics API: no custom "
            "metrics API (custom.metrics.k8s.io) registered")

    def test_a_valid_metric_still_scales_up_beside_an_invalid_one(self) -> None:
        metrics = [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization",
                                                                                "averageUtilization": 50}}},
                   {"type": "External", "external": {"metric": {"name": "queue"},
                                                     "target": {"type": "Value", "value": "10"}}}]
        result = hpa_controller.reconcile(KEY, view(cluster(1, "400m", metrics=metrics), due()), NOW)
        assert of(result, Update)[0].obj["spec"]["replicas"] == 4
        assert ("ScalingActive", "True", "ValidMetricFound") in conditions(result)
        assert of(result, RecordEvent)[0].message == (
            "unable to get external metric default/queue/nil: unable to fetch metrics from external metrics API: the "
            "server could not find the requested resource (get queue.external.metrics.k8s.io)")

    def test_missing_request(self) -> None:
        objs = cluster(1)
        for o in objs:
            if o["kind"] == "Pod":
                o["spec"]["containers"][0]["resources"] = {}
        result = hpa_controller.reconcile(KEY, view(objs, due()), NOW)
        assert of(result, RecordEvent)[0].message == ("failed to get cpu utilization: missing request for cpu in "
                                                      "container app of Pod web-0")

    def test_two_hpas_on_one_target_are_ambiguous(self) -> None:
        other = hpa()
        other["metadata"] = {**other["metadata"], "name": "web-2", "uid": "u-hpa-2"}
        result = hpa_controller.reconcile(KEY, view([*cluster(1), other], due()), NOW)
        assert of(result, RecordEvent)[0].reason == "AmbiguousSelector"
        assert of(result, RecordEvent)[0].message == ("pods by selector app=web are controlled by multiple HPAs: "
                                                      "[{web default} {web-2 default}]")
