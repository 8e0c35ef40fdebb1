"""HorizontalPodAutoscaler v1 conversion, defaults and validation; ReplicationController defaults and validation."""
from __future__ import annotations

import pytest

from litekube import errors
from litekube.model import conversion, defaults, validation

V1 = {"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "web"},
      "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
               "minReplicas": 2, "maxReplicas": 5}}


def v1(spec: dict | None = None, annotations: dict | None = None) -> dict:
    obj = {**V1, "spec": {**V1["spec"], **(spec or {})}, "metadata": {"name": "web"}}
    if annotations:
        obj["metadata"]["annotations"] = annotations
    return obj


def cpu(percent: int) -> dict:
    return {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization",
                                                                       "averageUtilization": percent}}}


class TestV1Conversion:
    def test_target_cpu_becomes_a_resource_metric(self) -> None:
        got = conversion.to_stored(v1({"targetCPUUtilizationPercentage": 50}))
        assert got["apiVersion"] == "autoscaling/v2"
        assert got["spec"] == {"scaleTargetRef": V1["spec"]["scaleTargetRef"], "minReplicas": 2, "maxReplicas": 5,
                               "metrics": [cpu(50)]}

    def test_no_target_means_cpu_at_80_percent(self) -> None:
        assert conversion.to_stored(v1())["spec"]["metrics"] == [cpu(80)]

    def test_metrics_annotation_comes_first_and_is_removed(self) -> None:
        metrics = '[{"type":"Resource","resource":{"name":"memory","targetAverageValue":"100Mi"}}]'
        got = conversion.to_stored(v1({"targetCPUUtilizationPercentage": 60},
                                      {conversion.METRICS_ANNOTATION: metrics, "team": "a"}))
        assert got["spec"]["metrics"] == [
            {"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue",
                                                                           "averageValue": "100Mi"}}}, cpu(60)]
        assert got["metadata"]["annotations"] == {"team": "a"}

    def test_behavior_annotation_matches_keys_case_insensitively(self) -> None:
        behavior = '{"ScaleDown":{"StabilizationWindowSeconds":60,"Policies":[{"Type":"Pods","Value":1,"PeriodSeconds":30}]}}'
        got = conversion.to_stored(v1(annotations={conversion.BEHAVIOR_ANNOTATION: behavior}))
        assert got["spec"]["behavior"] == {"scaleDown": {"stabilizationWindowSeconds": 60, "policies": [
            {"type": "Pods", "value": 1, "periodSeconds": 30}]}}
        assert "annotations" not in got["metadata"]

    def test_a_malformed_annotation_is_a_bad_request(self) -> None:
        with pytest.raises(errors.BadRequest, match='HorizontalPodAutoscaler in version "v1" cannot be handled'):
            conversion.to_stored(v1(annotations={conversion.METRICS_ANNOTATION: "[oops"}))

    def test_v2_is_untouched(self) -> None:
        obj = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler"}
        assert conversion.to_stored(obj) is obj


def hpa_causes(spec: dict) -> list[str]:
    obj = defaults.apply_defaults({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                                   "metadata": {"name": "web", "namespace": "default"},
                                   "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "web"},
                                            "maxReplicas": 3, **spec}})
    return [str(c) for c in validation.causes(obj)]


class TestHpaValidation:
    @pytest.mark.parametrize("spec,expected", [
        pytest.param({"minReplicas": 0}, ["spec.minReplicas: Invalid value: 0: must be greater than or equal to 1",
                                          "spec.metrics: Forbidden: must specify at least one Object or External "
                                          "metric to support scaling to zero replicas"], id="min-0"),
        pytest.param({"maxReplicas": 0}, ["spec.maxReplicas: Invalid value: 0: must be greater than 0",
                                          "spec.maxReplicas: Invalid value: 0: must be greater than or equal to "
                                          "`minReplicas`"], id="max-0"),
        pytest.param({"scaleTargetRef": {"kind": "Deployment", "name": "a/b"}},
                     ["spec.scaleTargetRef.name: Invalid value: \"a/b\": may not contain '/'"], id="ref-name"),
        pytest.param({"metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {
            "type": "Utilization", "averageUtilization": 0}}}]},
            ["spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0"],
            id="utilization-0"),
        pytest.param({"metrics": [{"type": "Pods", "resource": {"name": "cpu", "target": {
            "type": "Utilization", "averageUtilization": 50}}}]},
            ["spec.metrics[0].pods: Required value: must populate information for the given metric source"],
            id="wrong-source"),
        pytest.param({"metrics": [{"type": "Pods", "resource": {"name": "cpu", "target": {
            "type": "Utilization", "averageUtilization": 50}}, "pods": {"metric": {"name": "qps"}, "target": {
                "type": "AverageValue", "averageValue": "1"}}}]},
            ["spec.metrics[0].resource: Forbidden: must populate the given metric source only"], id="two-sources"),
        pytest.param({"metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Value"}}}]},
                     ["spec.metrics[0].resource.target.averageUtilization: Required value: must set either a target "
                      "raw value or a target utilization"], id="no-target"),
        pytest.param({"behavior": {"scaleDown": {"stabilizationWindowSeconds": 3601, "selectPolicy": "Most",
                                                 "policies": [{"type": "Pods", "value": 0, "periodSeconds": 1801}]}}},
                     ["spec.behavior.scaleDown.stabilizationWindowSeconds: Invalid value: 3601: must be less than or "
                      "equal to 3600",
                      'spec.behavior.scaleDown.selectPolicy: Unsupported value: "Most": supported values: '
                      '"Disabled", "Max", "Min"',
                      "spec.behavior.scaleDown.policies[0].value: Invalid value: 0: must be greater than zero",
                      "spec.behavior.scaleDown.policies[0].periodSeconds: Invalid value: 1801: must be less than or "
                      "equal to 1800"], id="behavior"),
        pytest.param({"behavior": {"scaleUp": {"policies": []}}},
                     ["spec.behavior.scaleUp.policies: Required value: must specify at least one Policy"],
                     id="empty-policies-stay-empty"),
        pytest.param({"behavior": {"scaleUp": {"stabilizationWindowSeconds": 3600, "policies": [
            {"type": "Percent", "value": 1, "periodSeconds": 1800}]}}}, [], id="limits-are-inclusive"),
    ])
    def test_causes(self, spec, expected) -> None:
        assert hpa_causes(spec) == expected

    def test_behavior_defaults(self) -> None:
        spec = defaults.apply_defaults({"kind": "HorizontalPodAutoscaler", "spec": {"behavior": {}}})["spec"]
        assert spec["behavior"] == {
            "scaleUp": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max", "policies": [
                {"type": "Pods", "value": 4, "periodSeconds": 15}, {"type": "Percent", "value": 100,
                                                                    "periodSeconds": 15}]},
            "scaleDown": {"selectPolicy": "Max", "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]}}


def rc(spec: dict) -> dict:
    return {"apiVersion": "v1", "kind": "ReplicationController", "metadata": {"name": "nginx", "namespace": "default"},
            "spec": spec}


TEMPLATE = {"metadata": {"labels": {"app": "nginx"}}, "spec": {"containers": [{"name": "nginx", "image": "nginx"}]}}


class TestReplicationController:
    def test_defaults_from_the_template(self) -> None:
        got = defaults.apply_defaults(rc({"template": TEMPLATE}))
        assert got["spec"]["selector"] == {"app": "nginx"} and got["spec"]["replicas"] == 1
        assert got["metadata"]["labels"] == {"app": "nginx"}

    @pytest.mark.parametrize("spec,expected", [
        pytest.param({}, ["spec.selector: Required value", "spec.template: Required value"], id="empty"),
        pytest.param({"selector": {"app": "other"}, "template": TEMPLATE},
                     ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"nginx"}: '
                      "`selector` does not match template `labels`"], id="mismatch"),
        pytest.param({"replicas": -1, "template": TEMPLATE},
                     ["spec.replicas: Invalid value: -1: must be greater than or equal to 0"], id="negative"),
        pytest.param({"template": {**TEMPLATE, "spec": {**TEMPLATE["spec"], "restartPolicy": "OnFailure"}}},
                     ['spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: '
                      '"Always"'], id="restart-policy"),
    ])
    def test_causes(self, spec, expected) -> None:
        assert [str(c) for c in validation.causes(defaults.apply_defaults(rc(spec)))] == expected
