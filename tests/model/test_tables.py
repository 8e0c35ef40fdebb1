"""Server-side printer columns and cells, as upstream printers.go renders them."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from litekube.model import kinds, tables

NOW = datetime(2026, 11, 27, 2, 20, 5, tzinfo=timezone.utc)
CREATED = "2026-11-27T02:15:05Z"


def names(kind: str, wide: bool = False) -> list[str]:
    return [c.name for c in tables.columns(kind) if wide or c.priority == 0]


def pod(status: dict, spec: dict | None = None, **meta: object) -> dict:
    return {"kind": "Pod", "metadata": {"name": "web-1", "creationTimestamp": CREATED, **meta},
            "spec": spec or {"containers": [{"name": "app"}]}, "status": status}


def running(name: str = "app", ready: bool = True, restarts: int = 0, **extra: object) -> dict:
    return {"name": name, "ready": ready, "restartCount": restarts, "state": {"running": {}}, **extra}


class TestColumns:
    @pytest.mark.parametrize("kind, expected", [
        pytest.param("Pod", ["NAME", "READY", "STATUS", "RESTARTS", "AGE"], id="pod"),
        pytest.param("Deployment", ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"], id="deployment"),
        pytest.param("Service", ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"], id="service"),
        pytest.param("Node", ["NAME", "STATUS", "ROLES", "AGE", "VERSION"], id="node"),
        pytest.param("Job", ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"], id="job"),
        pytest.param("Event", ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"], id="event"),
        pytest.param("Lease", ["NAME", "HOLDER", "AGE"], id="lease"),
        pytest.param("Widget", ["NAME", "CREATED AT"], id="no-printer"),
    ])
    def test_default_columns(self, kind: str, expected: list[str]) -> None:
        assert names(kind) == expected

    @pytest.mark.parametrize("kind, expected", [
        pytest.param("Pod", ["IP", "NODE", "NOMINATED NODE", "READINESS GATES"], id="pod"),
        pytest.param("Deployment", ["CONTAINERS", "IMAGES", "SELECTOR"], id="deployment"),
        pytest.param("Service", ["SELECTOR"], id="service"),
        pytest.param("Event", ["SUBOBJECT", "SOURCE", "FIRST SEEN", "COUNT", "NAME"], id="event"),
    ])
    def test_wide_columns(self, kind: str, expected: list[str]) -> None:
        assert [c.name for c in tables.columns(kind) if c.priority == 1] == expected

    @pytest.mark.parametrize("kind", [k.kind for k in kinds.KINDS])
    def test_every_kind_has_a_row_as_long_as_its_columns(self, kind: str) -> None:
        cells = tables.row({"kind": kind, "metadata": {"name": "x", "creationTimestamp": CREATED}}, NOW)
        assert len(cells) == len(tables.columns(kind))
        assert all(isinstance(c, str) for c in cells)


class TestPodStatus:
    @pytest.mark.parametrize("obj, expected", [
        pytest.param(pod({"phase": "Running", "containerStatuses": [running()]}), "Running", id="running"),
        pytest.param(pod({"phase": "Pending"}), "Pending", id="pending-no-statuses"),
        pytest.param(pod({"phase": "Pending", "containerStatuses": [
            {"name": "app", "state": {"waiting": {"reason": "ContainerCreating"}}}]}), "ContainerCreating",
            id="container-creating"),
        pytest.param(pod({"phase": "Running", "containerStatuses": [
            {"name": "app", "restartCount": 4, "state": {"waiting": {"reason": "CrashLoopBackOff"}}}]}),
            "CrashLoopBackOff", id="crash-loop"),
        pytest.param(pod({"phase": "Succeeded", "containerStatuses": [
            {"name": "app", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}]}), "Completed",
            id="completed"),
        pytest.param(pod({"phase": "Failed", "containerStatuses": [
            {"name": "app", "state": {"terminated": {"exitCode": 2}}}]}), "ExitCode:2", id="exit-code"),
        pytest.param(pod({"phase": "Pending", "initContainerStatuses": [
            {"name": "init", "state": {"running": {}}}]},
            {"initContainers": [{"name": "init"}], "containers": [{"name": "app"}]}), "Init:0/1", id="init-running"),
        pytest.param(pod({"phase": "Pending", "initContainerStatuses": [
            {"name": "init", "state": {"waiting": {"reason": "ImagePullBackOff"}}}]},
            {"initContainers": [{"name": "init"}], "containers": [{"name": "app"}]}), "Init:ImagePullBackOff",
            id="init-waiting"),
        pytest.param(pod({"phase": "Pending", "initContainerStatuses": [
            {"name": "init", "state": {"terminated": {"exitCode": 1, "reason": "Error"}}}]},
            {"initContainers": [{"name": "init"}], "containers": [{"name": "app"}]}), "Init:Error",
            id="init-failed"),
        pytest.param(pod({"phase": "Running", "containerStatuses": [running()]},
                         deletionTimestamp="2026-11-27T02:19:00Z"), "Terminating", id="terminating"),
        pytest.param(pod({"phase": "Pending", "conditions": [
            {"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}]}), "SchedulingGated",
            id="scheduling-gated"),
        pytest.param(pod({"phase": "Failed", "reason": "Evicted"}), "Evicted", id="status-reason"),
    ])
    def test_status_cell(self, obj: dict, expected: str) -> None:
        assert tables.row(obj, NOW)[2] == expected

    def test_full_row_with_restarts_ago(self) -> None:
        obj = pod({"phase": "Running", "podIPs": [{"ip": "10.244.1.5"}], "containerStatuses": [
            running(restarts=3, lastState={"terminated": {"finishedAt": "2026-11-27T02:15:05Z"}})]},
            {"nodeName": "node1", "containers": [{"name": "app"}]})
        assert tables.row(obj, NOW) == ["web-1", "1/1", "Running", "3 (5m ago)", "5m", "10.244.1.5", "node1",
                                        "<none>", "<none>"]

    def test_ready_counts_only_ready_running_containers(self) -> None:
        obj = pod({"phase": "Running", "containerStatuses": [running("a"), running("b", ready=False)]},
                  {"containers": [{"name": "a"}, {"name": "b"}]})
        assert tables.row(obj, NOW)[1:4] == ["1/2", "Running", "0"]


class TestWorkloads:
    def test_deployment(self) -> None:
        obj = {"kind": "Deployment", "metadata": {"name": "web", "creationTimestamp": "2026-11-27T02:19:51Z"},
               "spec": {"replicas": 4, "selector": {"matchLabels": {"app": "web"}},
                        "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}]}}},
               "status": {}}
        assert tables.row(obj, NOW) == ["web", "0/4", "0", "0", "14s", "nginx", "nginx:1.25", "app=web"]

    def test_replicaset(self) -> None:
        obj = {"kind": "ReplicaSet", "metadata": {"name": "web-1", "creationTimestamp": CREATED},
               "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web", "pod-template-hash": "1"}}},
               "status": {"replicas": 2, "readyReplicas": 1}}
        assert tables.row(obj, NOW) == ["web-1", "2", "2", "1", "5m", "", "", "app=web,pod-template-hash=1"]

    @pytest.mark.parametrize("spec, status, expected", [
        pytest.param({"completions": 1}, {"startTime": CREATED}, ["Running", "0/1", "5m"], id="running"),
        pytest.param({"completions": 3}, {"succeeded": 3, "startTime": CREATED,
                                          "completionTime": "2026-11-27T02:15:35Z",
                                          "conditions": [{"type": "Complete", "status": "True"}]},
                     ["Complete", "3/3", "30s"], id="complete"),
        pytest.param({"parallelism": 2}, {"conditions": [{"type": "Failed", "status": "True"}]},
                     ["Failed", "0/1 of 2", ""], id="failed-parallel"),
        pytest.param({"suspend": True}, {"conditions": [{"type": "Suspended", "status": "True"}]},
                     ["Suspended", "0/1", ""], id="suspended"),
    ])
    def test_job(self, spec: dict, status: dict, expected: list[str]) -> None:
        obj = {"kind": "Job", "metadata": {"name": "pi", "creationTimestamp": CREATED}, "spec": spec, "status": status}
        assert tables.row(obj, NOW)[1:4] == expected

    def test_cronjob(self) -> None:
        obj = {"kind": "CronJob", "metadata": {"name": "tick", "creationTimestamp": CREATED},
               "spec": {"schedule": "*/1 * * * *", "suspend": False}, "status": {}}
        assert tables.row(obj, NOW)[:7] == ["tick", "*/1 * * * *", "<none>", "False", "0", "<none>", "5m"]


class TestNetworking:
    @pytest.mark.parametrize("spec, status, expected", [
        pytest.param({"type": "ClusterIP", "clusterIPs": ["10.96.0.10"], "ports": [{"port": 80, "protocol": "TCP"}],
                      "selector": {"app": "web"}}, {},
                     ["ClusterIP", "10.96.0.10", "<none>", "80/TCP", "5m", "app=web"], id="cluster-ip"),
        pytest.param({"type": "NodePort", "clusterIPs": ["10.96.0.11"],
                      "ports": [{"port": 80, "nodePort": 30080, "protocol": "TCP"}]}, {},
                     ["NodePort", "10.96.0.11", "<none>", "80:30080/TCP", "5m", "<none>"], id="node-port"),
        pytest.param({"type": "LoadBalancer", "clusterIPs": ["10.96.0.12"], "ports": [{"port": 443, "protocol": "TCP",
                      "nodePort": 31443}]}, {}, ["LoadBalancer", "10.96.0.12", "<pending>", "443:31443/TCP", "5m",
                                                 "<none>"], id="lb-pending"),
        pytest.param({"type": "LoadBalancer", "clusterIPs": ["10.96.0.12"], "ports": []},
                     {"loadBalancer": {"ingress": [{"ip": "203.0.113.7"}]}},
                     ["LoadBalancer", "10.96.0.12", "203.0.113.7", "<none>", "5m", "<none>"], id="lb-ready"),
        pytest.param({"type": "ExternalName", "externalName": "db.example.com"}, {},
                     ["ExternalName", "<none>", "db.example.com", "<none>", "5m", "<none>"], id="external-name"),
    ])
    def test_service(self, spec: dict, status: dict, expected: list[str]) -> None:
        obj = {"kind": "Service", "metadata": {"name": "web", "creationTimestamp": CREATED}, "spec": spec,
               "status": status}
        assert tables.row(obj, NOW) == ["web", *expected]

    @pytest.mark.parametrize("count, expected", [
        pytest.param(0, "<none>", id="none"),
        pytest.param(2, "10.244.1.0:80,10.244.1.1:80", id="two"),
        pytest.param(5, "10.244.1.0:80,10.244.1.1:80,10.244.1.2:80 + 2 more...", id="more"),
    ])
    def test_endpoints(self, count: int, expected: str) -> None:
        subsets = [{"addresses": [{"ip": f"10.244.1.{i}"} for i in range(count)], "ports": [{"port": 80}]}]
        obj = {"kind": "Endpoints", "metadata": {"name": "web", "creationTimestamp": CREATED},
               "subsets": subsets if count else []}
        assert tables.row(obj, NOW)[1] == expected


class TestClusterKinds:
    @pytest.mark.parametrize("conditions, unschedulable, labels, expected", [
        pytest.param([{"type": "Ready", "status": "True"}], False, {}, ["Ready", "<none>"], id="ready"),
        pytest.param([{"type": "Ready", "status": "True"}], True, {"node-role.kubernetes.io/control-plane": ""},
                     ["Ready,SchedulingDisabled", "control-plane"], id="cordoned-control-plane"),
        pytest.param([{"type": "Ready", "status": "False"}], False, {}, ["NotReady", "<none>"], id="not-ready"),
        pytest.param([], False, {"kubernetes.io/role": "worker"}, ["Unknown", "worker"], id="unknown"),
    ])
    def test_node(self, conditions: list, unschedulable: bool, labels: dict, expected: list[str]) -> None:
        obj = {"kind": "Node", "metadata": {"name": "node1", "creationTimestamp": CREATED, "labels": labels},
               "spec": {"unschedulable": unschedulable},
               "status": {"conditions": conditions, "nodeInfo": {"kubeletVersion": "v1.32.4"},
                          "addresses": [{"type": "InternalIP", "address": "10.0.0.1"}]}}
        cells = tables.row(obj, NOW)
        assert cells[1:3] == expected
        assert cells[3:] == ["5m", "v1.32.4", "10.0.0.1", "<none>", "<unknown>", "<unknown>", "<unknown>"]

    def test_event(self) -> None:
        obj = {"kind": "Event", "metadata": {"name": "web-1.abc"}, "type": "Normal", "reason": "Scheduled",
               "involvedObject": {"kind": "Pod", "name": "web-1"}, "message": "Successfully assigned default/web-1",
               "source": {"component": "default-scheduler"}, "firstTimestamp": "2026-11-27T02:15:05Z",
               "lastTimestamp": "2026-11-27T02:19:05Z", "count": 3}
        assert tables.row(obj, NOW) == ["60s", "Normal", "Scheduled", "pod/web-1", "", "default-scheduler",
                                        "Successfully assigned default/web-1", "5m", "3", "web-1.abc"]

    @pytest.mark.parametrize("obj, expected", [
        pytest.param({"kind": "Namespace", "status": {"phase": "Active"}}, ["Active", "5m"], id="namespace"),
        pytest.param({"kind": "ConfigMap", "data": {"a": "1", "b": "2"}}, ["2", "5m"], id="configmap"),
        pytest.param({"kind": "Secret", "type": "Opaque", "data": {"a": "MQ=="}}, ["Opaque", "1", "5m"], id="secret"),
        pytest.param({"kind": "Lease", "spec": {"holderIdentity": "node1"}}, ["node1", "5m"], id="lease"),
        pytest.param({"kind": "ControllerRevision", "revision": 2, "metadata": {"ownerReferences": [
            {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "db", "controller": True}]}},
            ["statefulset.apps/db", "2", "5m"], id="controllerrevision"),
    ])
    def test_simple_kinds(self, obj: dict, expected: list[str]) -> None:
        obj["metadata"] = {"name": "x", "creationTimestamp": CREATED, **obj.get("metadata", {})}
        assert tables.row(obj, NOW)[1:] == expected


def test_public_surface() -> None:
    assert {"Column", "columns", "row"} <= set(tables.__all__)
