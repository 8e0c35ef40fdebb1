"""Validation of the policy and access kinds with upstream's messages (pkg/apis/*/validation)."""
from __future__ import annotations

import pytest

from litekube.model import defaults, validation


def messages(obj: dict, old: dict | None = None) -> list[str]:
    return [str(c) for c in validation.causes(defaults.apply_defaults(obj), old)]


def limit_range(*items: dict) -> dict:
    return {"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "lr", "namespace": "ns"},
            "spec": {"limits": list(items)}}


class TestLimitRange:
    @pytest.mark.parametrize("item", [
        {"type": "Container", "min": {"cpu": "100m"}, "max": {"cpu": "100m"}},  # min == max is allowed
        {"type": "Container", "min": {"cpu": "100m"}, "defaultRequest": {"cpu": "100m"}, "default": {"cpu": "1"}},
        {"type": "Pod", "max": {"memory": "1Gi"}},
        {"type": "PersistentVolumeClaim", "min": {"storage": "1Gi"}},
        {"type": "Container", "min": {"cpu": "1"}, "max": {"cpu": "2"}, "maxLimitRequestRatio": {"cpu": "2"}},
    ])
    def test_valid(self, item):
        assert messages(limit_range(item)) == []

    @pytest.mark.parametrize("item,expected", [
        ({"type": "Container", "min": {"cpu": "101m"}, "max": {"cpu": "100m"}},
         ['spec.limits[0].min[cpu]: Invalid value: "101m": min value 101m is greater than max value 100m',
          'spec.limits[0].defaultRequest[cpu]: Invalid value: "100m": min value 101m is greater than default '
          "request value 100m",
          'spec.limits[0].default[cpu]: Invalid value: "101m": min value 101m is greater than default value 100m']),
        ({"type": "Pod", "default": {"cpu": "1"}},
         ["spec.limits[0].default: Forbidden: may not be specified when `type` is 'Pod'"]),
        ({"type": "PersistentVolumeClaim", "default": {"storage": "1Gi"}},
         ["spec.limits[0].limits: Required value: either minimum or maximum storage value is required, but "
          "neither was provided"]),
        ({"type": "Container", "maxLimitRequestRatio": {"cpu": "999m"}},
         ['spec.limits[0].maxLimitRequestRatio[cpu]: Invalid value: "999m": ratio 999m is less than 1']),
        ({"type": "Container", "min": {"cpu": "1"}, "max": {"cpu": "2"}, "maxLimitRequestRatio": {"cpu": "2001m"}},
         ['spec.limits[0].maxLimitRequestRatio[cpu]: Invalid value: "2001m": ratio 2001m is greater than '
          "max/min = 2.000000"]),
    ])
    def test_invalid(self, item, expected):
        assert messages(limit_range(item)) == expected

    def test_container_defaults_come_from_max_then_min(self):
        out = defaults.apply_defaults(limit_range({"type": "Container", "max": {"cpu": "2"}, "min": {"memory": "1Mi"}}))
        item = out["spec"]["limits"][0]
        assert (item["default"], item["defaultRequest"]) == ({"cpu": "2"}, {"cpu": "2", "memory": "1Mi"})


def resource_quota(hard: dict, scopes: list[str] | None = None) -> dict:
    spec: dict = {"hard": hard}
    if scopes:
        spec["scopes"] = scopes
    return {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "q", "namespace": "ns"}, "spec": spec}


class TestResourceQuota:
    def test_valid(self):
        assert messages(resource_quota({"pods": "10", "requests.cpu": "1", "count/deployments.apps": "2",
                                        "requests.nvidia.com/gpu": "1"})) == []

    @pytest.mark.parametrize("hard,scopes,expected", [
        ({"pods": "-1"}, None, ['spec.hard[pods]: Invalid value: "-1": must be greater than or equal to 0']),
        ({"pods": "1.5"}, None, ['spec.hard[pods]: Invalid value: "1500m": must be an integer']),
        ({"gizmos": "1"}, None, ['spec.hard[gizmos]: Invalid value: "gizmos": must be a standard resource for quota']),
        ({"pods": "1"}, ["Sometimes"],
         ['spec.scopes: Invalid value: []core.ResourceQuotaScope{"Sometimes"}: unsupported scope']),
        ({"services": "1"}, ["BestEffort"],
         ['spec.scopes: Invalid value: []core.ResourceQuotaScope{"BestEffort"}: unsupported scope applied to '
          "resource"]),
        ({"pods": "1"}, ["Terminating", "NotTerminating"],
         ['spec.scopes: Invalid value: []core.ResourceQuotaScope{"Terminating", "NotTerminating"}: conflicting '
          "scopes"]),
    ])
    def test_invalid(self, hard, scopes, expected):
        assert messages(resource_quota(hard, scopes)) == expected


def priority_class(name: str, value: int, **extra) -> dict:
    return {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": name},
            "value": value, **extra}


class TestPriorityClass:
    @pytest.mark.parametrize("name,value,expected", [
        ("high", 1000000000, []),  # the highest user-definable value
        ("high", 1000000001, ["value: Forbidden: maximum allowed value of a user defined priority is 1000000000"]),
        ("system-node-critical", 2000001000, []),
        ("system-node-critical", 5, ["metadata.name: Forbidden: priority class names with 'system-' prefix are "
                                     "reserved for system use only. error: value of system-node-critical "
                                     "PriorityClass must be 2000001000"]),
        ("system-mine", 5, ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for "
                            "system use only. error: system-mine is not a known system priority class"]),
    ])
    def test_values_and_names(self, name, value, expected):
        assert messages(priority_class(name, value)) == expected

    def test_value_is_immutable(self):
        old = defaults.apply_defaults(priority_class("high", 1))
        assert messages(priority_class("high", 2), old) == ["value: Forbidden: may not be changed in an update."]

    def test_preemption_policy_defaults(self):
        assert defaults.apply_defaults(priority_class("p", 1))["preemptionPolicy"] == "PreemptLowerPriority"


class TestRBAC:
    def test_rule_requirements(self):
        role = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
                "metadata": {"name": "system:r", "namespace": "ns"},
                "rules": [{"verbs": []}, {"nonResourceURLs": ["/healthz"], "verbs": ["get"]}]}
        assert messages(role) == [
            "rules[0].verbs: Required value: verbs must contain at least one value",
            "rules[0].apiGroups: Required value: resource rules must supply at least one api group",
            "rules[0].resources: Required value: resource rules must supply at least one resource",
            'rules[1].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to '
            "non-resource URLs"]

    def test_cluster_role_binding_subjects(self):
        binding = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                   "metadata": {"name": "b"},
                   "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "r"},
                   "subjects": [{"kind": "ServiceAccount", "name": "sa"}, {"kind": "Robot", "name": "x"}]}
        assert messages(binding) == [
            'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
            "subjects[0].namespace: Required value",
            'subjects[1].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"']

    def test_role_ref_is_immutable(self):
        binding = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                   "metadata": {"name": "b", "namespace": "ns"},
                   "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "r"}}
        changed = {**binding, "roleRef": {**binding["roleRef"], "name": "other"}}
        assert messages(changed, binding) == [
            'roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", '
            'Name:"other"}: cannot change roleRef']


class TestNetworkPolicy:
    def test_defaults_policy_types_and_protocols(self):
        out = defaults.apply_defaults({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                                       "metadata": {"name": "n", "namespace": "ns"},
                                       "spec": {"podSelector": {}, "egress": [{"ports": [{"port": 53}]}]}})
        assert out["spec"]["policyTypes"] == ["Ingress", "Egress"]
        assert out["spec"]["egress"][0]["ports"] == [{"port": 53, "protocol": "TCP"}]

    def test_peers_and_cidrs(self):
        policy = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                  "metadata": {"name": "n", "namespace": "ns"},
                  "spec": {"podSelector": {}, "ingress": [{"from": [{}, {"ipBlock": {"cidr": "10.0.0.0/33"}}]}]}}
        assert messages(policy) == [
            "spec.ingress[0].from[0]: Required value: must specify a peer",
            'spec.ingress[0].from[1].ipBlock.cidr: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. '
            "10.9.8.0/24 or 2001:db8::/64)"]


def test_runtime_class_handler_is_a_dns_label():
    rc = {"apiVersion": "node.k8s.io/v1", "kind": "RuntimeClass", "metadata": {"name": "gvisor"}, "handler": "run.sc"}
    assert messages(rc) == ['handler: Invalid value: "run.sc": must not contain dots']


def ingress(**spec) -> dict:
    base = {"defaultBackend": {"service": {"name": "defaultbackend", "port": {"number": 80}}}}
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "test123", "namespace": "ns"},
            "spec": {**base, **spec}}


def _rule(path: str, path_type: str, host: str = "foo.bar.com") -> dict:
    return {"host": host, "http": {"paths": [{"path": path, "pathType": path_type, "backend": {
        "service": {"name": "defaultbackend", "port": {"number": 80}}}}]}}


class TestIngress:
    """pkg/apis/networking/validation: TestValidateIngressRuleValue and TestValidateIngressCreate's cases."""

    @pytest.mark.parametrize("path_type,path,expected", [
        ("ImplementationSpecific", "foo", ["must be an absolute path"]),
        ("ImplementationSpecific", "/foo", []),
        ("ImplementationSpecific", "/foo/bar/foo", []),
        ("ImplementationSpecific", "/foo//bar/foo", []),
        ("ImplementationSpecific", "/([a-z0-9]*)[", []),  # regexes are the controller's business
        ("Prefix", "foo", ["must be an absolute path"]),
        ("Prefix", "/foo", []),
        ("Prefix", "/foo/bar/foo", []),
        ("Prefix", "/foo//bar/foo", ["must not contain '//'"]),
        ("Exact", "foo", ["must be an absolute path"]),
        ("Exact", "/foo", []),
        ("Exact", "/foo/bar/foo", []),
        ("Exact", "/foo//bar/foo", ["must not contain '//'"]),
        ("Prefix", "/foo/./foo", ["must not contain '/./'"]),
        ("Exact", "/foo/../foo", ["must not contain '/../'"]),
        ("Prefix", "/foo/%2f/foo", ["must not contain '%2f'"]),
        ("Exact", "/foo/%2F/foo", ["must not contain '%2F'"]),
        ("Prefix", "/foo/..", ["cannot end with '/..'"]),
        ("Exact", "/foo/.", ["cannot end with '/.'"]),
    ])
    def test_rule_paths(self, path_type, path, expected):
        assert messages(ingress(rules=[_rule(path, path_type)])) == [
            f'spec.rules[0].http.paths[0].path: Invalid value: "{path}": {m}' for m in expected]

    def test_class_field_and_annotation(self):
        obj = ingress(ingressClassName="bar")
        assert messages(obj) == []
        obj["metadata"]["annotations"] = {"kubernetes.io/ingress.class": "bar"}
        assert messages(obj) == []
        obj["metadata"]["annotations"] = {"kubernetes.io/ingress.class": "foo"}
        assert messages(obj) == ['annotations.kubernetes.io/ingress.class: Invalid value: "foo": must match '
                                 "`ingressClassName` when both are specified"]

    def test_secret_name_and_wildcards(self):
        assert messages(ingress(tls=[{"secretName": "invalid name"}])) == [
            'spec.tls[0].secretName: Invalid value: "invalid name": a lowercase RFC 1123 subdomain must consist of '
            "lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character "
            "(e.g. 'example.com', regex used for validation is "
            "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]
        assert messages(ingress(tls=[{"hosts": ["*.bar.com"]}], rules=[_rule("/foo", "Exact", "*.foo.com")])) == []
        assert messages(ingress(tls=[{"hosts": ["*.bar.com"]}], rules=[_rule("foo", "Exact", "*.foo.com")])) == [
            'spec.rules[0].http.paths[0].path: Invalid value: "foo": must be an absolute path']
        assert messages(ingress(rules=[_rule("/", "Prefix", "*.*.foo.com")])) == [
            'spec.rules[0].host: Invalid value: "*.*.foo.com": a wildcard DNS-1123 subdomain must start with '
            "'*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, "
            "'-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation "
            "is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"]

    def test_host_is_not_an_ip(self):
        assert messages(ingress(rules=[_rule("/", "Prefix", "1.2.3.4")])) == [
            'spec.rules[0].host: Invalid value: "1.2.3.4": must be a DNS name, not an IP address']

    def test_backends(self):
        both = {"service": {"name": "s", "port": {"number": 80}}, "resource": {"kind": "foo", "name": "bar"}}
        assert messages(ingress(defaultBackend=both)) == [
            'spec.defaultBackend: Invalid value: "": cannot set both resource and service backends']
        assert messages(ingress(defaultBackend={"resource": {"apiGroup": "example.com", "kind": "foo",
                                                             "name": "bar"}})) == []
        assert messages(ingress(defaultBackend={"service": {"name": "s", "port": {}}})) == [
            "spec.defaultBackend: Required value: port name or number is required"]
        assert messages(ingress(defaultBackend={"service": {"name": "s", "port": {"name": "http", "number": 80}}})) \
            == ['spec.defaultBackend: Invalid value: "": cannot set both port name & port number']
        assert messages(ingress(defaultBackend={"service": {"name": "s", "port": {"number": 65536}}})) == [
            "spec.defaultBackend.service.port.number: Invalid value: 65536: must be between 1 and 65535, inclusive"]
        assert messages(ingress(defaultBackend={})) == [
            'spec.defaultBackend: Invalid value: "": resource or service backend is required']

    def test_rules_or_default_backend(self):
        obj = ingress()
        del obj["spec"]["defaultBackend"]
        assert messages(obj) == ["spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or "
                                 "`rules` must be specified"]

    def test_path_type_required(self):
        rule = _rule("/", "Prefix")
        del rule["http"]["paths"][0]["pathType"]
        assert messages(ingress(rules=[rule])) == [
            "spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified"]


class TestIngressClass:
    def _cls(self, controller: str, **params) -> dict:
        spec: dict = {"controller": controller}
        if params:
            spec["parameters"] = params
        return {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": {"name": "c"}, "spec": spec}

    def test_controller(self):
        assert messages(self._cls("k8s.io/ingress-nginx")) == []
        assert messages(self._cls("nginx")) == [
            'spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")']

    def test_parameters_scope(self):
        assert messages(self._cls("example.com/c", kind="K", name="n")) == []  # defaulted to Cluster
        assert messages(self._cls("example.com/c", kind="K", name="n", scope="Global")) == [
            'spec.parameters.scope: Unsupported value: "Global": supported values: "Cluster", "Namespace"']
        assert messages(self._cls("example.com/c", kind="K", name="n", scope="Namespace")) == [
            "spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'"]
        assert messages(self._cls("example.com/c", kind="K", name="n", scope="Cluster")) == []

    def test_controller_is_immutable(self):
        old = self._cls("k8s.io/ingress-nginx")
        assert messages(self._cls("k8s.io/ingress-nginx"), old) == []
        assert messages(self._cls("example.com/other"), old) == [
            'spec.controller: Invalid value: "example.com/other": field is immutable']
