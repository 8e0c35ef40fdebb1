"""Stored (autoscaling/v2) HorizontalPodAutoscalers answered in autoscaling/v1, as kube-apiserver v1.32 converts them
(pkg/apis/autoscaling/v1/conversion.go), and back again."""
from __future__ import annotations

import json

from litekube.model import conversion

REF = {"kind": "Deployment", "name": "web", "apiVersion": "apps/v1"}


def cpu(percent: int) -> dict:
    return {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization",
                                                                       "averageUtilization": percent}}}


def v2(spec: dict | None = None, status: dict | None = None, annotations: dict | None = None) -> dict:
    meta: dict = {"name": "web", "namespace": "default", "resourceVersion": "7"}
    if annotations is not None:
        meta["annotations"] = annotations
    obj = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": meta,
           "spec": {"scaleTargetRef": REF, "minReplicas": 2, "maxReplicas": 5, "metrics": [cpu(80)], **(spec or {})}}
    if status is not None:
        obj["status"] = status
    return obj


class TestToV1:
    def test_kubectl_autoscale_shape(self) -> None:
        got = conversion.to_version(v2(status={"desiredReplicas": 0}), "autoscaling/v1")
        assert got == {"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
                       "metadata": {"name": "web", "namespace": "default", "resourceVersion": "7"},
                       "spec": {"scaleTargetRef": REF, "minReplicas": 2, "maxReplicas": 5,
                                "targetCPUUtilizationPercentage": 80},
                       "status": {"currentReplicas": 0, "desiredReplicas": 0}}

    def test_no_status_still_answers_the_replica_counts(self) -> None:
        # v1's currentReplicas and desiredReplicas have no omitempty
        assert conversion.to_version(v2(), "autoscaling/v1")["status"] == {"currentReplicas": 0,
                                                                          "desiredReplicas": 0}

    def test_other_metrics_ride_in_the_annotation_in_v1_shape(self) -> None:
        memory = {"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue",
                                                                                "averageValue": "100Mi"}}}
        pods = {"type": "Pods", "pods": {"metric": {"name": "qps"}, "target": {"type": "AverageValue",
                                                                             "averageValue": "1k"}}}
        got = conversion.to_version(v2({"metrics": [memory, cpu(60), pods]}, annotations={"team": "a"}),
                                    "autoscaling/v1")
        assert got["spec"]["targetCPUUtilizationPercentage"] == 60
        assert got["metadata"]["annotations"] == {
            "autoscaling.alpha.kubernetes.io/metrics":
                '[{"type":"Resource","resource":{"name":"memory","targetAverageValue":"100Mi"}},'
                '{"type":"Pods","pods":{"metricName":"qps","targetAverageValue":"1k"}}]',
            "team": "a"}

    def test_cpu_without_utilization_is_no_target_percentage(self) -> None:
        average = {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "AverageValue",
                                                                              "averageValue": "500m"}}}
        got = conversion.to_version(v2({"metrics": [average, cpu(70)]}), "autoscaling/v1")
        # the first cpu metric decides (upstream's loop breaks there), and it has no percentage
        assert "targetCPUUtilizationPercentage" not in got["spec"]
        assert json.loads(got["metadata"]["annotations"][conversion.METRICS_ANNOTATION]) == [
            {"type": "Resource", "resource": {"name": "cpu", "targetAverageValue": "500m"}}]

    def test_status_metrics_and_conditions(self) -> None:
        status = {"currentReplicas": 2, "desiredReplicas": 3, "lastScaleTime": "2026-01-01T00:00:00Z",
                  "currentMetrics": [{"type": "Resource", "resource": {"name": "cpu", "current": {
                      "averageUtilization": 91, "averageValue": "91m"}}}, {"type": ""}],
                  "conditions": [{"type": "AbleToScale", "status": "True",
                                  "lastTransitionTime": "2026-01-01T00:00:00Z", "reason": "SucceededRescale",
                                  "message": "the HPA controller was able to update the target scale to 3"},
                                 {"type": "ScalingLimited", "status": "False", "message": "a < b & c"}]}
        got = conversion.to_version(v2(status=status), "autoscaling/v1")
        assert got["status"] == {"lastScaleTime": "2026-01-01T00:00:00Z", "currentReplicas": 2,
                                 "desiredReplicas": 3, "currentCPUUtilizationPercentage": 91}
        annotations = got["metadata"]["annotations"]
        assert annotations[conversion.CURRENT_METRICS_ANNOTATION] == (
            '[{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":91,'
            '"currentAverageValue":"91m"}},{"type":""}]')
        # Go's json.Marshal: an unset metav1.Time is null, and <, >, & are escaped
        assert annotations[conversion.CONDITIONS_ANNOTATION] == (
            '[{"type":"AbleToScale","status":"True","lastTransitionTime":"2026-01-01T00:00:00Z",'
            '"reason":"SucceededRescale","message":"the HPA controller was able to update the target scale to 3"},'
            '{"type":"ScalingLimited","status":"False","lastTransitionTime":null,'
            '"message":"a \\u003c b \\u0026 c"}]')
        assert list(annotations) == sorted(annotations)

    def test_behavior_is_the_internal_type_with_go_field_names(self) -> None:
        behavior = {"scaleDown": {"stabilizationWindowSeconds": 300, "selectPolicy": "Max",
                                  "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]}}
        got = conversion.to_version(v2({"behavior": behavior}), "autoscaling/v1")
        assert got["metadata"]["annotations"] == {conversion.BEHAVIOR_ANNOTATION: (
            '{"ScaleUp":null,"ScaleDown":{"StabilizationWindowSeconds":300,"SelectPolicy":"Max",'
            '"Policies":[{"Type":"Percent","Value":100,"PeriodSeconds":15}]}}')}
        # and back: the nulls are Go's nil pointers, no field
        assert conversion.to_stored(got)["spec"]["behavior"] == behavior

    def test_stale_round_trip_annotations_are_replaced(self) -> None:
        got = conversion.to_version(v2(annotations={conversion.METRICS_ANNOTATION: "[]", "x": "y"}),
                                    "autoscaling/v1")
        assert got["metadata"]["annotations"] == {"x": "y"}

    def test_round_trip_keeps_the_spec(self) -> None:
        memory = {"type": "Resource", "resource": {"name": "memory", "target": {"type": "Utilization",
                                                                                "averageUtilization": 70}}}
        stored = v2({"metrics": [memory, cpu(50)]})
        back = conversion.to_stored(conversion.to_version(stored, "autoscaling/v1"))
        assert back["spec"] == stored["spec"]
        assert back["metadata"] == stored["metadata"]

    def test_other_versions_and_kinds_are_untouched(self) -> None:
        obj = v2()
        assert conversion.to_version(obj, "autoscaling/v2") is obj
        deployment = {"apiVersion": "apps/v1", "kind": "Deployment"}
        assert conversion.to_version(deployment, "autoscaling/v1") is deployment


class TestV1Status:
    def test_the_status_round_trips(self) -> None:
        status = {"currentReplicas": 2, "desiredReplicas": 3, "lastScaleTime": "2026-01-01T00:00:00Z",
                  "currentMetrics": [{"type": "Resource", "resource": {"name": "cpu", "current": {
                      "averageValue": "91m", "averageUtilization": 91}}}, {"type": ""}],
                  "conditions": [{"type": "AbleToScale", "status": "True",
                                  "lastTransitionTime": "2026-01-01T00:00:00Z", "reason": "SucceededRescale",
                                  "message": "the HPA controller was able to update the target scale to 3"}]}
        back = conversion.to_stored(conversion.to_version(v2(status=status), "autoscaling/v1"))
        assert back["status"] == status

    def test_a_cpu_percentage_alone_is_a_current_metric(self) -> None:
        v1 = conversion.to_version(v2(), "autoscaling/v1")
        v1["status"] = {"currentReplicas": 1, "desiredReplicas": 1, "currentCPUUtilizationPercentage": 40}
        assert conversion.to_stored(v1)["status"] == {
            "currentReplicas": 1, "desiredReplicas": 1,
            "currentMetrics": [{"type": "Resource", "resource": {"name": "cpu", "current": {
                "averageUtilization": 40}}}]}


def test_a_short_name_with_v1_is_the_preferred_version_as_kubectl_expands_it() -> None:
    from litekube import errors
    from litekube.model import kinds
    import pytest
    assert kinds.resolve("hpa.v1.autoscaling")[0].api_version == "autoscaling/v2"
    with pytest.raises(errors.ManifestError, match='resource type "horizontalpodautoscalers.v1.autoscaling"'):
        kinds.resolve("horizontalpodautoscalers.v1.autoscaling")  # the CLI answers in v2 only: not resolved
