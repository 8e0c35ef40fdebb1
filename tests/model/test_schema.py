"""Strict decoding: unknown fields and wrong JSON types, worded as kube-apiserver."""
from __future__ import annotations

import copy

import pytest

from litekube import errors
from litekube.model import kinds, schema

DEPLOYMENT = {
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web", "labels": {"app": "web"}},
    "spec": {
        "replicas": 2, "selector": {"matchLabels": {"app": "web"}},
        "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}},
        "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{
            "name": "web", "image": "nginx:1.25", "ports": [{"containerPort": 80}],
            "resources": {"limits": {"cpu": "500m", "memory": "128Mi"}},
            "livenessProbe": {"httpGet": {"path": "/", "port": 80}}}]}},
    },
}
PREFIX = 'Deployment in version "v1" cannot be handled as a Deployment: '


def _with(path: str, value: object) -> dict:
    obj = copy.deepcopy(DEPLOYMENT)
    *parents, last = path.split(".")
    node = obj
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    node[last] = value
    return obj


class TestSchemaCoverage:
    def test_every_kind_has_a_schema(self) -> None:
        assert {k.kind for k in kinds.KINDS} <= set(schema.KIND_SCHEMAS)

    @pytest.mark.parametrize("path,json_type", [
        ("spec.replicas", "integer"),
        ("spec.strategy.rollingUpdate.maxSurge", "int-or-string"),
        ("spec.template.spec.containers[].resources.limits", "object"),
        ("spec.template.metadata.labels", "map of string"),
        ("spec.template.spec.containers[].ports", "array"),
        ("spec.paused", "boolean"),
    ], ids=["int", "intstr", "resource-list", "labels", "list", "bool"])
    def test_describe_names_json_types(self, path: str, json_type: str) -> None:
        assert schema.describe("Deployment")[path] == json_type


class TestStrictDecode:
    def test_valid_deployment_decodes(self) -> None:
        schema.strict_decode(DEPLOYMENT)

    @pytest.mark.parametrize("obj,message", [
        (_with("spec.replica", 3), 'strict decoding error: unknown field "spec.replica"'),
        (_with("spec.template.spec.containers.0.imagePullPolicyX", "Always"),
         'strict decoding error: unknown field "spec.template.spec.containers[0].imagePullPolicyX"'),
        ({**_with("spec.foo", 1), "bar": 2},
         'strict decoding error: unknown field "spec.foo", unknown field "bar"'),
    ], ids=["one-unknown", "in-list", "several-unknown"])
    def test_unknown_fields(self, obj: dict, message: str) -> None:
        with pytest.raises(errors.BadRequest) as exc:
            schema.strict_decode(obj)
        assert str(exc.value) == PREFIX + message

    @pytest.mark.parametrize("obj,message", [
        (_with("spec.replicas", "3"), "json: cannot unmarshal string into Go struct field "
         "DeploymentSpec.spec.replicas of type int32"),
        (_with("spec.replicas", 1.5), "json: cannot unmarshal number 1.5 into Go struct field "
         "DeploymentSpec.spec.replicas of type int32"),
        (_with("spec.paused", "yes"), "json: cannot unmarshal string into Go struct field "
         "DeploymentSpec.spec.paused of type bool"),
        (_with("spec.template.spec.containers", {"name": "x"}), "json: cannot unmarshal object "
         "into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container"),
        (_with("spec.template.spec.containers.0.image", 5), "json: cannot unmarshal number into "
         "Go struct field Container.spec.template.spec.containers.image of type string"),
        (_with("metadata.labels", {"app": 1}), "json: cannot unmarshal number into Go struct "
         "field ObjectMeta.metadata.labels of type string"),
        (_with("spec.strategy.rollingUpdate.maxSurge", True), "json: cannot unmarshal bool into "
         "Go struct field RollingUpdateDeployment.spec.strategy.rollingUpdate.maxSurge of type int32"),
        (_with("spec.template.spec.containers.0.ports.0.protocol", 6), "json: cannot unmarshal "
         "number into Go struct field ContainerPort.spec.template.spec.containers.ports.protocol "
         "of type v1.Protocol"),
        (_with("spec.template.spec.containers.0.resources.limits.cpu", "lots"),
         "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"),
    ], ids=["string-for-int", "fraction-for-int", "string-for-bool", "object-for-list",
            "number-for-string", "map-value", "bool-for-intstr", "named-string-type", "bad-quantity"])
    def test_wrong_types(self, obj: dict, message: str) -> None:
        with pytest.raises(errors.BadRequest) as exc:
            schema.strict_decode(obj)
        assert str(exc.value) == PREFIX + message

    def test_type_error_wins_over_unknown_fields(self) -> None:
        obj = _with("spec.replicas", "3")
        obj["spec"]["replica"] = 1
        with pytest.raises(errors.BadRequest, match="cannot unmarshal string"):
            schema.strict_decode(obj)

    def test_null_is_accepted_anywhere(self) -> None:
        schema.strict_decode(_with("spec.replicas", None))

    @pytest.mark.parametrize("obj,message", [
        ({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"k": "abc"}},
         'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 0'),
        ({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "spec": {}},
         'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: '
         'unknown field "spec"'),
        ({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
          "spec": {"ports": [{"port": "80"}]}},
         'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal string '
         'into Go struct field ServicePort.spec.ports.port of type int32'),
    ], ids=["secret-base64", "configmap-spec", "service-port"])
    def test_other_kinds(self, obj: dict, message: str) -> None:
        with pytest.raises(errors.BadRequest) as exc:
            schema.strict_decode(obj)
        assert str(exc.value) == message

    def test_valid_samples_of_common_kinds(self) -> None:
        for obj in (
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
             "spec": {"containers": [{"name": "c", "image": "busybox", "env": [{"name": "A", "value": "1"}],
                                      "volumeMounts": [{"name": "d", "mountPath": "/d"}]}],
                      "volumes": [{"name": "d", "emptyDir": {}}],
                      "tolerations": [{"key": "k", "operator": "Exists"}]}},
            {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
             "spec": {"ports": [{"port": 80, "targetPort": "http"}], "selector": {"app": "x"}}},
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
             "data": {"a": "b"}, "immutable": True},
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n"}},
            {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n"},
             "spec": {"taints": [{"key": "k", "effect": "NoSchedule"}]},
             "status": {"capacity": {"cpu": "4", "memory": "8Gi"}}},
        ):
            schema.strict_decode(obj)
