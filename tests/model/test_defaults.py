"""Defaulting: the values kube-apiserver's SetDefaults_* fill in, on a copy."""
from __future__ import annotations

import copy

import pytest

from litekube.model import defaults

CONTAINER = {"name": "web", "image": "nginx:1.25", "ports": [{"containerPort": 80}],
             "livenessProbe": {"httpGet": {"port": 80}}}
TEMPLATE = {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [CONTAINER]}}


def _obj(kind: str, api: str = "v1", **body: object) -> dict:
    return {"apiVersion": api, "kind": kind, "metadata": {"name": "x", "namespace": "default"}, **body}


class TestPurity:
    def test_input_is_not_mutated(self) -> None:
        obj = _obj("Deployment", "apps/v1", spec={"template": copy.deepcopy(TEMPLATE)})
        before = copy.deepcopy(obj)
        out = defaults.apply_defaults(obj)
        assert obj == before and out is not obj

    def test_kind_without_defaults_is_copied(self) -> None:
        cm = _obj("ConfigMap", data={"a": "b"})
        assert defaults.apply_defaults(cm) == cm


class TestPodSpec:
    def test_pod_spec_defaults(self) -> None:
        spec = defaults.apply_defaults(_obj("Pod", spec={"containers": [copy.deepcopy(CONTAINER)]}))["spec"]
        assert {k: spec[k] for k in ("restartPolicy", "dnsPolicy", "schedulerName",
                                     "terminationGracePeriodSeconds", "securityContext",
                                     "enableServiceLinks", "preemptionPolicy", "priority")} == {
            "restartPolicy": "Always", "dnsPolicy": "ClusterFirst", "schedulerName": "default-scheduler",
            "terminationGracePeriodSeconds": 30, "securityContext": {}, "enableServiceLinks": True,
            "preemptionPolicy": "PreemptLowerPriority", "priority": 0}
        c = spec["containers"][0]
        assert c["terminationMessagePath"] == "/dev/termination-log"
        assert c["terminationMessagePolicy"] == "File"
        assert c["imagePullPolicy"] == "IfNotPresent"
        assert c["ports"] == [{"containerPort": 80, "protocol": "TCP"}]
        assert c["livenessProbe"] == {"httpGet": {"port": 80, "path": "/", "scheme": "HTTP"},
                                      "timeoutSeconds": 1, "periodSeconds": 10,
                                      "successThreshold": 1, "failureThreshold": 3}

    @pytest.mark.parametrize("image,policy", [
        ("nginx", "Always"), ("nginx:latest", "Always"), ("nginx:1.25", "IfNotPresent"),
        ("registry:5000/nginx", "Always"), ("registry:5000/nginx:2", "IfNotPresent"),
        ("nginx@sha256:abc", "IfNotPresent"),
    ], ids=["untagged", "latest", "tagged", "registry-port", "registry-port-tagged", "digest"])
    def test_image_pull_policy(self, image: str, policy: str) -> None:
        assert defaults.image_pull_policy(image) == policy

    def test_pod_requests_default_to_limits(self) -> None:
        pod = _obj("Pod", spec={"containers": [{"name": "c", "image": "i",
                                                "resources": {"limits": {"cpu": "1"}}}]})
        out = defaults.apply_defaults(pod)
        assert out["spec"]["containers"][0]["resources"]["requests"] == {"cpu": "1"}

    def test_template_gets_no_pod_only_fields(self) -> None:
        out = defaults.apply_defaults(_obj("ReplicaSet", "apps/v1", spec={"template": copy.deepcopy(TEMPLATE)}))
        assert "enableServiceLinks" not in out["spec"]["template"]["spec"]
        assert out["spec"]["replicas"] == 1


class TestPodDefaultedOnce:
    """admission.prepare_create defaults a Pod once (not again after dropping the request's status):
    that holds because the Pod defaulter is idempotent and never reads or writes the status."""

    @pytest.mark.parametrize("spec", [
        {"containers": [CONTAINER]},
        {"containers": [{"name": "a", "image": "busybox", "resources": {"limits": {"cpu": "1", "memory": "1Gi"}}}],
         "initContainers": [{"name": "i", "image": "busybox:latest", "resources": {"limits": {"cpu": "2"}}}],
         "volumes": [{"name": "c", "configMap": {"name": "cm"}}, {"name": "s", "secret": {"secretName": "s"}}],
         "hostNetwork": True},
        {"containers": [{"name": "p", "image": "x@sha256:ab", "ports": [{"containerPort": 8080}],
                         "readinessProbe": {"httpGet": {"port": 1}}}], "restartPolicy": "Never", "priority": 7},
    ], ids=["plain", "limits-volumes-hostnetwork", "digest-probe-priority"])
    def test_second_pass_changes_nothing(self, spec: dict) -> None:
        pod = _obj("Pod", spec=copy.deepcopy(spec), status={"phase": "Running", "conditions": [{"type": "Ready"}]})
        once = defaults.apply_defaults(pod)
        assert defaults.apply_defaults(once) == once
        assert once["status"] == pod["status"]  # the status is neither read nor defaulted
        without = {k: v for k, v in pod.items() if k != "status"}
        assert {k: v for k, v in once.items() if k != "status"} == defaults.apply_defaults(without)


class TestWorkloads:
    def test_deployment(self) -> None:
        spec = defaults.apply_defaults(_obj("Deployment", "apps/v1", spec={"template": copy.deepcopy(TEMPLATE)}))["spec"]
        assert spec["replicas"] == 1
        assert spec["strategy"] == {"type": "RollingUpdate",
                                    "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}
        assert (spec["revisionHistoryLimit"], spec["progressDeadlineSeconds"]) == (10, 600)
        assert spec["template"]["spec"]["restartPolicy"] == "Always"

    def test_recreate_gets_no_rolling_update(self) -> None:
        out = defaults.apply_defaults(_obj("Deployment", "apps/v1", spec={"strategy": {"type": "Recreate"}}))
        assert out["spec"]["strategy"] == {"type": "Recreate"}

    def test_stateful_set(self) -> None:
        spec = defaults.apply_defaults(_obj("StatefulSet", "apps/v1", spec={}))["spec"]
        assert spec["podManagementPolicy"] == "OrderedReady"
        assert spec["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}
        assert spec["persistentVolumeClaimRetentionPolicy"] == {"whenDeleted": "Retain", "whenScaled": "Retain"}
        assert (spec["replicas"], spec["revisionHistoryLimit"]) == (1, 10)

    def test_daemon_set(self) -> None:
        spec = defaults.apply_defaults(_obj("DaemonSet", "apps/v1", spec={}))["spec"]
        assert spec["updateStrategy"] == {"type": "RollingUpdate",
                                          "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}}
        assert spec["revisionHistoryLimit"] == 10

    @pytest.mark.parametrize("given,completions,parallelism", [
        ({}, 1, 1), ({"parallelism": 3}, None, 3), ({"completions": 5}, 5, 1),
    ], ids=["neither", "work-queue", "completions-only"])
    def test_job_completions_and_parallelism(self, given: dict, completions: object, parallelism: int) -> None:
        spec = defaults.apply_defaults(_obj("Job", "batch/v1", spec=dict(given)))["spec"]
        assert (spec.get("completions"), spec["parallelism"]) == (completions, parallelism)
        assert (spec["backoffLimit"], spec["completionMode"], spec["suspend"],
                spec["podReplacementPolicy"]) == (6, "NonIndexed", False, "TerminatingOrFailed")

    def test_cron_job(self) -> None:
        spec = defaults.apply_defaults(_obj("CronJob", "batch/v1", spec={"schedule": "* * * * *"}))["spec"]
        assert (spec["concurrencyPolicy"], spec["suspend"], spec["successfulJobsHistoryLimit"],
                spec["failedJobsHistoryLimit"]) == ("Allow", False, 3, 1)


class TestOtherKinds:
    def test_service(self) -> None:
        spec = defaults.apply_defaults(_obj("Service", spec={"ports": [{"port": 80}]}))["spec"]
        assert spec["ports"] == [{"port": 80, "protocol": "TCP", "targetPort": 80}]
        assert (spec["type"], spec["sessionAffinity"], spec["internalTrafficPolicy"],
                spec["ipFamilyPolicy"], spec["ipFamilies"]) == (
            "ClusterIP", "None", "Cluster", "SingleStack", ["IPv4"])

    def test_node_port_service_gets_external_policy(self) -> None:
        spec = defaults.apply_defaults(_obj("Service", spec={"type": "NodePort", "ports": [{"port": 80}]}))["spec"]
        assert spec["externalTrafficPolicy"] == "Cluster"

    def test_secret(self) -> None:
        out = defaults.apply_defaults(_obj("Secret", stringData={"user": "admin"}))
        assert out["type"] == "Opaque" and out["data"] == {"user": "YWRtaW4="} and "stringData" not in out

    def test_namespace(self) -> None:
        out = defaults.apply_defaults({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}})
        assert out["spec"] == {"finalizers": ["kubernetes"]} and out["status"] == {"phase": "Active"}
        assert out["metadata"]["labels"] == {"kubernetes.io/metadata.name": "team"}

    def test_pvc(self) -> None:
        out = defaults.apply_defaults(_obj("PersistentVolumeClaim", spec={}))
        assert out["spec"]["volumeMode"] == "Filesystem" and out["status"]["phase"] == "Pending"

    def test_hpa(self) -> None:
        spec = defaults.apply_defaults(_obj("HorizontalPodAutoscaler", "autoscaling/v2", spec={"maxReplicas": 3}))["spec"]
        assert spec["minReplicas"] == 1
        assert spec["metrics"] == [{"type": "Resource", "resource": {
            "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}}]
