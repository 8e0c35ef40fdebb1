"""Validation: every cause, worded exactly as kube-apiserver's ValidateXxx."""
from __future__ import annotations

import copy

import pytest

from litekube import errors
from litekube.model import defaults, validation

LABEL_MSG = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
             "'-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', "
             "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
DNS_LABEL_MSG = ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or "
                 "'-', and must start and end with an alphanumeric character (e.g. 'my-name',  or "
                 "'123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
PERCENT_MSG = ("a valid percent string must be a numeric string followed by an ending '%' "
               "(e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")

DEPLOYMENT = {
    "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "default"},
    "spec": {"selector": {"matchLabels": {"app": "web"}},
             "template": {"metadata": {"labels": {"app": "web"}},
                          "spec": {"containers": [{"name": "web", "image": "nginx",
                                                   "ports": [{"containerPort": 80}]}]}}},
}
SERVICE = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "default"},
           "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}}
CONFIG_MAP = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg", "namespace": "default"},
              "data": {"app.properties": "x=1"}}
POD = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"},
       "spec": {"containers": [{"name": "c", "image": "busybox"}]}}
SECRET = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "default"},
          "stringData": {"password": "x"}}
NAMESPACE = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-a"}}
NODE = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node-1"}}


def _edit(base: dict, path: str, value: object) -> dict:
    obj = copy.deepcopy(base)
    *parents, last = path.split(".")
    node = obj
    for part in parents:
        node = node[int(part)] if part.isdigit() else node.setdefault(part, {})
    if value is _DELETE:
        node.pop(last, None)
    else:
        node[last] = value
    return obj


_DELETE = object()


def _message(obj: dict, old: dict | None = None) -> str:
    with pytest.raises(errors.Invalid) as exc:
        validation.validate(defaults.apply_defaults(obj),
                            defaults.apply_defaults(old) if old else None)
    return str(exc.value)


class TestValidObjects:
    @pytest.mark.parametrize("obj", [DEPLOYMENT, SERVICE, CONFIG_MAP, POD, SECRET, NAMESPACE, NODE],
                             ids=["deployment", "service", "configmap", "pod", "secret", "namespace", "node"])
    def test_valid_sample_passes(self, obj: dict) -> None:
        validation.validate(defaults.apply_defaults(obj))


class TestMetadata:
    @pytest.mark.parametrize("obj,message", [
        (_edit(CONFIG_MAP, "metadata.name", _DELETE),
         'The ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required'),
        (_edit(CONFIG_MAP, "metadata.name", "Cfg"),
         f'The ConfigMap "Cfg" is invalid: metadata.name: Invalid value: "Cfg": {LABEL_MSG}'),
        (_edit(NAMESPACE, "metadata.name", "a.b"),
         'The Namespace "a.b" is invalid: metadata.name: Invalid value: "a.b": must not contain dots'),
        (_edit(CONFIG_MAP, "metadata.namespace", _DELETE),
         'The ConfigMap "cfg" is invalid: metadata.namespace: Required value'),
        (_edit(NODE, "metadata.namespace", "default"),
         'The Node "node-1" is invalid: metadata.namespace: Forbidden: not allowed on this type'),
        (_edit(CONFIG_MAP, "metadata.labels", {"app": "bad value"}),
         'The ConfigMap "cfg" is invalid: metadata.labels: Invalid value: "bad value": a valid label '
         "must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must "
         "start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
         "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"),
        (_edit(CONFIG_MAP, "metadata.annotations", {"a": "x" * (256 * 1024)}),
         'The ConfigMap "cfg" is invalid: metadata.annotations: Too long: may not be more than 262144 bytes'),
    ], ids=["name-required", "name-syntax", "namespace-name-label", "namespace-required",
            "cluster-scoped-namespace", "label-value", "annotation-size"])
    def test_metadata(self, obj: dict, message: str) -> None:
        assert _message(obj) == message


class TestDeployment:
    @pytest.mark.parametrize("path,value,message", [
        ("spec.replicas", -1, "spec.replicas: Invalid value: -1: must be greater than or equal to 0"),
        ("spec.template.spec.restartPolicy", "Never",
         'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'),
        ("spec.template.metadata.labels", {"app": "x"},
         'spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: '
         "`selector` does not match template `labels`"),
        ("spec.strategy", {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}},
         'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, '
         'IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0'),
        ("spec.strategy", {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "120%"}},
         'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, '
         'IntVal:0, StrVal:"120%"}: must not be greater than 100%'),
        ("spec.strategy", {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "abc"}},
         'spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, '
         f'IntVal:0, StrVal:"abc"}}: {PERCENT_MSG}'),
        ("spec.strategy", {"type": "Recreate", "rollingUpdate": {}},
         "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"),
        ("spec.strategy", {"type": "Blue"},
         'spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"Blue", '
         'RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"'),
        ("spec.progressDeadlineSeconds", 5,
         "spec.progressDeadlineSeconds: Invalid value: 5: must be greater than minReadySeconds"),
        ("spec.revisionHistoryLimit", -2,
         "spec.revisionHistoryLimit: Invalid value: -2: must be greater than or equal to 0"),
        ("spec.template.spec.containers.0.name", "Web",
         f'spec.template.spec.containers[0].name: Invalid value: "Web": {DNS_LABEL_MSG}'),
        ("spec.template.spec.containers.0.image", "",
         "spec.template.spec.containers[0].image: Required value"),
    ], ids=["negative-replicas", "restart-policy", "selector-mismatch", "surge-and-unavailable-0",
            "percent-over-100", "bad-percent", "recreate-with-rolling", "strategy-type",
            "progress-deadline", "history-limit", "container-name", "image-required"])
    def test_one_cause(self, path: str, value: object, message: str) -> None:
        obj = _edit(DEPLOYMENT, path, value)
        if path == "spec.progressDeadlineSeconds":
            obj["spec"]["minReadySeconds"] = 10
        assert _message(obj) == f'The Deployment "web" is invalid: {message}'

    def test_missing_selector_gives_both_causes(self) -> None:
        assert _message(_edit(DEPLOYMENT, "spec.selector", _DELETE)) == (
            'The Deployment "web" is invalid: [spec.selector: Required value, '
            'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: '
            "`selector` does not match template `labels`]")

    def test_selector_is_immutable(self) -> None:
        new = _edit(DEPLOYMENT, "spec.selector", {"matchLabels": {"app": "web", "v": "2"}})
        new["spec"]["template"]["metadata"]["labels"]["v"] = "2"
        assert _message(new, DEPLOYMENT) == (
            'The Deployment "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{'
            'MatchLabels:map[string]string{"app":"web", "v":"2"}, '
            "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable")


class TestPod:
    @pytest.mark.parametrize("path,value,message", [
        ("spec.containers", [], "spec.containers: Required value"),
        ("spec.containers", [{"name": "c", "image": "a"}, {"name": "c", "image": "b"}],
         'spec.containers[1].name: Duplicate value: "c"'),
        ("spec.containers.0.ports", [{"containerPort": 70000}],
         "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive"),
        ("spec.containers.0.ports", [{"containerPort": 80, "protocol": "HTTP"}],
         'spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'),
        ("spec.restartPolicy", "Sometimes",
         'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'),
        ("spec.containers.0.resources", {"requests": {"cpu": "2"}, "limits": {"cpu": "1"}},
         'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1'),
        ("spec.containers.0.livenessProbe", {"periodSeconds": 5},
         "spec.containers[0].livenessProbe: Required value: must specify a handler type"),
        ("spec.containers.0.volumeMounts", [{"name": "data", "mountPath": "/data"}],
         'spec.containers[0].volumeMounts[0].name: Not found: "data"'),
        ("spec.tolerations", [{"key": "k", "operator": "Like"}],
         'spec.tolerations[0].operator: Unsupported value: "Like": supported values: "Equal", "Exists"'),
        ("spec.tolerations", [{"key": "k", "operator": "Exists", "effect": "NoRun"}],
         'spec.tolerations[0].effect: Unsupported value: "NoRun": supported values: "NoSchedule", '
         '"PreferNoSchedule", "NoExecute"'),
        ("spec.nodeSelector", {"disk": "fast ssd"},
         'spec.nodeSelector: Invalid value: "fast ssd": a valid label must be an empty string or '
         "consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
         "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
         "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"),
        ("spec.initContainers", [{"name": "c", "image": "init"}],
         'spec.initContainers[0].name: Duplicate value: "c"'),
    ], ids=["containers-required", "duplicate-name", "port-range", "protocol", "restart-policy",
            "requests-over-limits", "probe-handler", "mount-unknown-volume", "toleration-operator",
            "toleration-effect", "node-selector", "init-container-name-clash"])
    def test_one_cause(self, path: str, value: object, message: str) -> None:
        assert _message(_edit(POD, path, value)) == f'The Pod "p" is invalid: {message}'


class TestService:
    @pytest.mark.parametrize("path,value,message", [
        ("spec.ports", [], "spec.ports: Required value"),
        ("spec.type", "Internal",
         'spec.type: Unsupported value: "Internal": supported values: "ClusterIP", "ExternalName", '
         '"LoadBalancer", "NodePort"'),
        ("spec.ports", [{"port": 0}],
         "[spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive, "
         "spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive]"),
        ("spec.ports", [{"port": 80, "nodePort": 30080}],
         "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"),
        ("spec.ports", [{"port": 80, "name": "a"}, {"port": 81}], "spec.ports[1].name: Required value"),
    ], ids=["ports-required", "type", "port-range", "node-port-on-cluster-ip", "port-names-required"])
    def test_one_cause(self, path: str, value: object, message: str) -> None:
        assert _message(_edit(SERVICE, path, value)) == f'The Service "web" is invalid: {message}'

    def test_node_port_range(self) -> None:
        obj = _edit(SERVICE, "spec.type", "NodePort")
        obj["spec"]["ports"][0]["nodePort"] = 80
        assert _message(obj) == (
            'The Service "web" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port '
            "is not in the valid range. The range of valid ports is 30000-32767")

    def test_headless_needs_no_ports(self) -> None:
        obj = _edit(SERVICE, "spec.ports", [])
        obj["spec"]["clusterIP"] = "None"
        validation.validate(defaults.apply_defaults(obj))

    def test_name_is_dns1035(self) -> None:
        assert "a DNS-1035 label must consist of" in _message(_edit(SERVICE, "metadata.name", "1web"))

    def test_cluster_ip_may_not_change(self) -> None:
        old = _edit(SERVICE, "spec.clusterIP", "10.96.0.10")
        new = _edit(SERVICE, "spec.clusterIP", "10.96.0.11")
        assert _message(new, old) == (
            'The Service "web" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.0.11"}: '
            "may not change once set")


class TestConfigAndSecrets:
    def test_config_key(self) -> None:
        assert _message(_edit(CONFIG_MAP, "data", {"bad key": "x"})) == (
            'The ConfigMap "cfg" is invalid: data[bad key]: Invalid value: "bad key": a valid config '
            "key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or "
            "'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')")

    def test_immutable_config_map(self) -> None:
        old = _edit(CONFIG_MAP, "immutable", True)
        new = _edit(old, "data", {"app.properties": "x=2"})
        assert _message(new, old) == (
            'The ConfigMap "cfg" is invalid: data: Forbidden: field is immutable when `immutable` is set')

    def test_secret_type_is_immutable(self) -> None:
        new = _edit(SECRET, "type", "kubernetes.io/tls")
        new["data"] = {"tls.crt": "", "tls.key": ""}
        assert _message(new, SECRET) == (
            'The Secret "s" is invalid: type: Invalid value: "kubernetes.io/tls": field is immutable')

    def test_tls_secret_requires_keys(self) -> None:
        assert _message(_edit(SECRET, "type", "kubernetes.io/tls")) == (
            'The Secret "s" is invalid: [data[tls.crt]: Required value, data[tls.key]: Required value]')


class TestOtherKinds:
    def test_pdb_min_and_max(self) -> None:
        pdb = {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
               "metadata": {"name": "pdb", "namespace": "default"},
               "spec": {"minAvailable": 1, "maxUnavailable": 1, "selector": {"matchLabels": {"a": "b"}}}}
        assert "minAvailable and maxUnavailable cannot be both set" in _message(pdb)

    def test_job_restart_policy(self) -> None:
        job = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j", "namespace": "default"},
               "spec": {"manualSelector": True, "selector": {"matchLabels": {"a": "b"}},
                        "template": {"metadata": {"labels": {"a": "b"}},
                                     "spec": {"containers": [{"name": "c", "image": "i"}]}}}}
        assert _message(job) == ('The Job "j" is invalid: spec.template.spec.restartPolicy: '
                                 'Required value: valid values: "OnFailure", "Never"')

    def test_cron_job_schedule(self) -> None:
        cj = {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c", "namespace": "default"},
              "spec": {"schedule": "* * *", "jobTemplate": {"spec": {"template": {"spec": {
                  "restartPolicy": "Never", "containers": [{"name": "c", "image": "i"}]}}}}}}
        assert _message(cj) == ('The CronJob "c" is invalid: spec.schedule: Invalid value: "* * *": '
                                "expected exactly 5 fields, found 3: [* * *]")

    def test_daemon_set_surge_and_unavailable(self) -> None:
        ds = {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "d", "namespace": "default"},
              "spec": {"selector": {"matchLabels": {"a": "b"}},
                       "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}},
                       "template": {"metadata": {"labels": {"a": "b"}},
                                    "spec": {"containers": [{"name": "c", "image": "i"}]}}}}
        assert _message(ds) == (
            'The DaemonSet "d" is invalid: spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: '
            'intstr.IntOrString{Type:0, IntVal:1, StrVal:""}: may not be set when maxUnavailable is non-zero')
