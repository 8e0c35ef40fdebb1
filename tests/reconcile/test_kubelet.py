"""The simulated kubelet: objects in, actions out."""
from __future__ import annotations

import copy

import pytest

from litekube.reconcile.base import (
    Create,
    Key,
    RecordEvent,
    Remove,
    Update,
    UpdateStatus,
)
from litekube.reconcile.kubelet import components as kubelet
from litekube.reconcile.kubelet import status as kubelet_status
from litekube.reconcile.views import MemoryView

T0 = 1767225600.0  # 2026-01-01T00:00:00Z
KEY = Key("Pod", "default", "web")
SCHEDULED = {"lastProbeTime": None, "lastTransitionTime": "2025-12-31T23:59:59Z", "status": "True",
             "type": "PodScheduled"}
CID0 = kubelet_status.container_id({"metadata": {"uid": "u1"}}, "c1", 0)
IMAGE_ID = kubelet_status.image_id("nginx:1.27")


def ts(offset: float) -> str:
    return kubelet_status.stamp(T0 + offset)


def make_node(name: str = "n1", **annotations: str) -> dict:
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "uid": "node-uid",
                         "annotations": {"sim.litekube.io/internal-ip": "192.168.0.10", **annotations}},
            "spec": {"podCIDR": "10.244.1.0/24"}}


def make_pod(name: str = "web", restart: str = "Always", annotations: dict | None = None, **container: object) -> dict:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "default", "uid": "u1" if name == "web" else f"uid-{name}",
                         "annotations": annotations or {}},
            "spec": {"nodeName": "n1", "restartPolicy": restart,
                     "containers": [{"name": "c1", "image": "nginx:1.27", **container}]},
            "status": {"phase": "Pending", "conditions": [dict(SCHEDULED)]}}


def cond(kind: str, status: str, when: str, reason: str = "", message: str = "") -> dict:
    c = {"lastProbeTime": None, "lastTransitionTime": when, "type": kind, "status": status}
    if reason:
        c["reason"] = reason
    if message:
        c["message"] = message
    return c


class Sim:
    """Feeds every UpdateStatus back into the view, as the runtime would."""

    def __init__(self, *objects: dict) -> None:
        self.view = MemoryView([copy.deepcopy(o) for o in objects])

    def run(self, at: float, key: Key = KEY) -> tuple[list, float | None]:
        result = kubelet.reconcile_pod(key, self.view, T0 + at)
        for action in result.actions:
            if isinstance(action, UpdateStatus):
                self.view.put(action.obj)
        return result.actions, result.requeue_after

    def status(self, key: Key = KEY) -> dict:
        return self.view.get("Pod", key.namespace, key.name)["status"]

    def until(self, end: float, key: Key = KEY) -> list[tuple[float, list]]:
        """Run at every requested requeue until `end`; the (time, actions) of each pass."""
        at, log = 0.0, []
        while at <= end:
            actions, after = self.run(at, key)
            log.append((at, actions))
            if after is None:
                break
            at += after
        return log


def updates(actions: list) -> list[UpdateStatus]:
    return [a for a in actions if isinstance(a, UpdateStatus)]


def reasons(actions: list) -> list[str]:
    return [a.reason for a in actions if isinstance(a, RecordEvent)]


class TestSimplePodLifecycle:
    def test_first_sight_is_container_creating(self) -> None:
        sim = Sim(make_node(), make_pod())
        actions, after = sim.run(0)
        assert after == 1.0
        assert sim.status() == {
            "phase": "Pending", "hostIP": "192.168.0.10", "hostIPs": [{"ip": "192.168.0.10"}],
            "startTime": ts(0), "qosClass": "BestEffort",
            "conditions": [
                cond("PodReadyToStartContainers", "False", ts(0)),
                cond("Initialized", "True", ts(0)),
                cond("Ready", "False", ts(0), "ContainersNotReady", "containers with unready status: [c1]"),
                cond("ContainersReady", "False", ts(0), "ContainersNotReady", "containers with unready status: [c1]"),
                SCHEDULED],
            "containerStatuses": [{"image": "nginx:1.27", "imageID": "", "lastState": {}, "name": "c1",
                                   "ready": False, "restartCount": 0, "started": False,
                                   "state": {"waiting": {"reason": "ContainerCreating"}}}]}
        pulling = [a for a in actions if isinstance(a, RecordEvent)]
        assert [(e.reason, e.message, e.involved["fieldPath"]) for e in pulling] == [
            ("Pulling", 'Pulling image "nginx:1.27"', "spec.containers{c1}")]

    def test_running_and_ready(self) -> None:
        sim = Sim(make_node(), make_pod())
        sim.run(0)
        actions, after = sim.run(1)
        assert after is None
        assert reasons(actions) == ["Pulled", "Created", "Started"]
        assert [a.message for a in actions if isinstance(a, RecordEvent)] == [
            'Successfully pulled image "nginx:1.27" in 1s (1s including waiting). Image size: 0 bytes.',
            "Created container c1", "Started container c1"]
        status = sim.status()
        assert status["phase"] == "Running"
        assert (status["podIP"], status["podIPs"]) == ("10.244.1.2", [{"ip": "10.244.1.2"}])
        assert status["containerStatuses"] == [{
            "containerID": CID0, "image": "docker.io/library/nginx:1.27", "imageID": IMAGE_ID, "lastState": {},
            "name": "c1", "ready": True, "restartCount": 0, "started": True,
            "state": {"running": {"startedAt": ts(1)}}}]
        assert status["conditions"] == [
            cond("PodReadyToStartContainers", "True", ts(1)), cond("Initialized", "True", ts(0)),
            cond("Ready", "True", ts(1)), cond("ContainersReady", "True", ts(1)), SCHEDULED]
        assert IMAGE_ID.startswith("docker.io/library/nginx@sha256:") and CID0.startswith("containerd://")

    @pytest.mark.parametrize("at", [0, 1, 5, 3600], ids=["creating", "started", "later", "an-hour"])
    def test_idempotent(self, at: float) -> None:
        sim = Sim(make_node(), make_pod())
        sim.run(0)
        sim.run(at)
        actions, _ = sim.run(at)
        assert actions == []

    def test_late_reconcile_stamps_due_times(self) -> None:
        sim = Sim(make_node(), make_pod())
        sim.run(0)
        sim.run(42.5)
        assert sim.status()["containerStatuses"][0]["state"] == {"running": {"startedAt": ts(1)}}

    @pytest.mark.parametrize("resources, expected", [
        pytest.param({}, "BestEffort", id="best-effort"),
        pytest.param({"requests": {"cpu": "100m"}}, "Burstable", id="burstable"),
        pytest.param({"limits": {"cpu": "1", "memory": "1Gi"}}, "Guaranteed", id="guaranteed-limits-only"),
        pytest.param({"requests": {"cpu": "1000m", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "1Gi"}},
                     "Guaranteed", id="guaranteed-equal"),
        pytest.param({"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "1Gi"}},
                     "Burstable", id="burstable-unequal"),
    ])
    def test_qos_class(self, resources: dict, expected: str) -> None:
        sim = Sim(make_node(), make_pod(resources=resources))
        sim.run(0)
        assert sim.status()["qosClass"] == expected


class TestInitContainers:
    def test_run_in_order_then_main(self) -> None:
        pod = make_pod()
        pod["spec"]["initContainers"] = [{"name": "i1", "image": "busybox:1.36"}, {"name": "i2", "image": "busybox:1.36"}]
        sim = Sim(make_node(), pod)
        sim.run(0)
        status = sim.status()
        assert status["initContainerStatuses"][0]["state"] == {"waiting": {"reason": "PodInitializing"}}
        assert status["containerStatuses"][0]["state"] == {"waiting": {"reason": "PodInitializing"}}
        assert status["conditions"][1] == cond("Initialized", "False", ts(0), "ContainersNotInitialized",
                                               "containers with incomplete status: [i1 i2]")
        sim.run(1)
        assert "running" in sim.status()["initContainerStatuses"][0]["state"]
        assert sim.status()["podIP"] == "10.244.1.2"
        sim.run(2)
        first = sim.status()["initContainerStatuses"][0]
        assert first["state"]["terminated"] == {"containerID": kubelet_status.container_id(pod, "i1", 0),
                                                "exitCode": 0, "finishedAt": ts(2), "reason": "Completed",
                                                "startedAt": ts(1)}
        assert first["ready"] is True and sim.status()["phase"] == "Pending"
        sim.run(4)
        assert sim.status()["phase"] == "Pending"
        sim.run(5)
        assert sim.status()["phase"] == "Running"
        assert sim.status()["containerStatuses"][0]["state"] == {"running": {"startedAt": ts(5)}}
        assert sim.status()["conditions"][1] == cond("Initialized", "True", ts(4))


class TestPodIPs:
    def test_lowest_free_address(self) -> None:
        others = []
        for name, ip in (("a", "10.244.1.2"), ("b", "10.244.1.3"), ("d", "10.244.1.5")):
            other = make_pod(name)
            other["status"] = {"phase": "Running", "podIP": ip}
            others.append(other)
        done = make_pod("e")
        done["status"] = {"phase": "Succeeded", "podIP": "10.244.1.4"}
        sim = Sim(make_node(), make_pod(), *others, done)
        sim.run(0)
        sim.run(1)
        assert sim.status()["podIP"] == "10.244.1.4"

    def test_same_batch_never_collides(self) -> None:
        sim = Sim(make_node(), make_pod("x"), make_pod("y"))
        kx, ky = Key("Pod", "default", "x"), Key("Pod", "default", "y")
        sim.run(0, kx), sim.run(0, ky)
        rx = kubelet.reconcile_pod(kx, sim.view, T0 + 1)
        ry = kubelet.reconcile_pod(ky, sim.view, T0 + 1)
        ips = [updates(r.actions)[0].obj["status"]["podIP"] for r in (rx, ry)]
        assert ips == ["10.244.1.2", "10.244.1.3"]


class TestReadiness:
    @pytest.mark.parametrize("pod, ready_at", [
        pytest.param(make_pod(readinessProbe={"initialDelaySeconds": 5}), 6, id="initial-delay"),
        pytest.param(make_pod(annotations={"sim.litekube.io/ready-after": "10s"},
                              readinessProbe={"initialDelaySeconds": 5}), 11, id="annotation"),
    ])
    def test_ready_after(self, pod: dict, ready_at: float) -> None:
        sim = Sim(make_node(), pod)
        sim.run(0)
        _, after = sim.run(1)
        assert after == ready_at - 1
        assert sim.status()["containerStatuses"][0]["ready"] is False
        sim.run(ready_at)
        assert sim.status()["conditions"][2] == cond("Ready", "True", ts(ready_at))

    def test_never_ready(self) -> None:
        sim = Sim(make_node(), make_pod(annotations={"sim.litekube.io/never-ready": "true"}))
        sim.run(0)
        _, after = sim.run(1)
        assert after is None
        assert sim.status()["phase"] == "Running"
        assert sim.status()["conditions"][2]["status"] == "False"

    def test_unready_fault_then_recovery(self) -> None:
        sim = Sim(make_node(), make_pod())
        sim.run(0), sim.run(1)
        pod = copy.deepcopy(sim.view.get("Pod", "default", "web"))
        pod["metadata"]["annotations"]["sim.litekube.io/unready"] = "true"
        sim.view.put(pod)
        sim.run(30)
        assert sim.status()["conditions"][2] == cond("Ready", "False", ts(30), "ContainersNotReady",
                                                     "containers with unready status: [c1]")
        pod = copy.deepcopy(pod)  # what was put is the cache's now (shared): change a copy
        del pod["metadata"]["annotations"]["sim.litekube.io/unready"]
        pod["status"] = sim.status()
        sim.view.put(pod)
        sim.run(40)
        assert sim.status()["conditions"][2] == cond("Ready", "True", ts(40))


class TestExits:
    @pytest.mark.parametrize("policy, code, phase, state", [
        pytest.param("Never", "0", "Succeeded", "terminated", id="never-success"),
        pytest.param("Never", "2", "Failed", "terminated", id="never-failure"),
        pytest.param("OnFailure", "0", "Succeeded", "terminated", id="onfailure-success"),
        pytest.param("OnFailure", "2", "Running", "running", id="onfailure-restarts"),
        pytest.param("Always", "0", "Running", "running", id="always-restarts"),
    ])
    def test_exit_after(self, policy: str, code: str, phase: str, state: str) -> None:
        annotations = {"sim.litekube.io/exit-after": "5s", "sim.litekube.io/exit-code": code}
        sim = Sim(make_node(), make_pod(restart=policy, annotations=annotations))
        sim.run(0), sim.run(1)
        _, after = sim.run(6)
        status = sim.status()
        assert status["phase"] == phase
        container = status["containerStatuses"][0]
        assert list(container["state"]) == [state]
        terminated = {"containerID": CID0, "exitCode": int(code), "finishedAt": ts(6),
                      "reason": "Completed" if code == "0" else "Error", "startedAt": ts(1)}
        if state == "terminated":
            assert container["state"]["terminated"] == terminated and after is None
            if phase == "Succeeded":
                assert status["conditions"][2] == cond("Ready", "False", ts(6), "PodCompleted")
        else:
            assert container["lastState"] == {"terminated": terminated}
            assert container["restartCount"] == 1


class TestCrashLoopBackOff:
    def test_delays_double_to_the_cap(self) -> None:
        sim = Sim(make_node(), make_pod(annotations={"sim.litekube.io/crash-after": "1s"}))
        waits, messages = [], []
        for at, actions in sim.until(3000):
            for update in updates(actions):
                state = update.obj["status"]["containerStatuses"][0]
                if "waiting" in state["state"] and state["state"]["waiting"]["reason"] == "CrashLoopBackOff":
                    messages.append(state["state"]["waiting"]["message"])
        for message in messages:
            waits.append(message.split()[1])
        assert waits[:8] == ["10s", "20s", "40s", "1m20s", "2m40s", "5m0s", "5m0s", "5m0s"]
        assert messages[0] == "back-off 10s restarting failed container=c1 pod=web_default(u1)"

    def test_backoff_event_and_restart_count(self) -> None:
        sim = Sim(make_node(), make_pod(annotations={"sim.litekube.io/crash-after": "1s"}))
        sim.run(0), sim.run(1)
        actions, after = sim.run(2)  # first crash restarts at once
        assert sim.status()["containerStatuses"][0]["restartCount"] == 1 and after == 1
        actions, after = sim.run(3)  # second crash backs off 10s
        assert after == 10
        backoff = [a for a in actions if isinstance(a, RecordEvent)]
        assert [(e.type, e.reason, e.message) for e in backoff] == [
            ("Warning", "BackOff", "Back-off restarting failed container c1 in pod web_default(u1)")]
        container = sim.status()["containerStatuses"][0]
        assert container["restartCount"] == 1 and container["lastState"]["terminated"]["reason"] == "Error"
        sim.run(13)
        container = sim.status()["containerStatuses"][0]
        assert container["restartCount"] == 2 and container["state"] == {"running": {"startedAt": ts(13)}}
        assert container["containerID"] == kubelet_status.container_id({"metadata": {"uid": "u1"}}, "c1", 2)

    def test_backoff_resets_after_ten_minutes(self) -> None:
        sim = Sim(make_node(), make_pod(annotations={"sim.litekube.io/crash-after": "11m"}))
        log = sim.until(3 * 660)
        assert not any("CrashLoopBackOff" in str(a.obj["status"]) for _, actions in log for a in updates(actions))

    def test_crash_fault_once(self) -> None:
        sim = Sim(make_node(), make_pod(annotations={"sim.litekube.io/crash": ts(20)}))
        sim.run(0)
        _, after = sim.run(1)
        assert after == 19
        _, after = sim.run(20)
        container = sim.status()["containerStatuses"][0]
        assert container["restartCount"] == 1 and after is None
        assert container["lastState"]["terminated"]["finishedAt"] == ts(20)


class TestTermination:
    def deleted(self, grace: int) -> Sim:
        sim = Sim(make_node(), make_pod())
        sim.run(0), sim.run(1)
        pod = copy.deepcopy(sim.view.get("Pod", "default", "web"))
        pod["metadata"]["deletionTimestamp"] = ts(10 + grace)
        pod["metadata"]["deletionGracePeriodSeconds"] = grace
        sim.view.put(pod)
        return sim

    def test_waits_for_grace_period_then_removes(self) -> None:
        sim = self.deleted(30)
        actions, after = sim.run(10)
        assert after == 30
        assert [(e.reason, e.message) for e in actions if isinstance(e, RecordEvent)] == [
            ("Killing", "Stopping container c1")]
        container = sim.status()["containerStatuses"][0]
        assert container["state"]["terminated"]["finishedAt"] == ts(10) and container["ready"] is False
        assert sim.status()["conditions"][2]["status"] == "False"
        assert sim.run(20) == ([], 20)
        actions, _ = sim.run(40)
        assert actions == [Remove("Pod", "default", "web", "u1")]

    def test_terminal_pod_removed_at_once(self) -> None:
        pod = make_pod()
        pod["status"]["phase"] = "Succeeded"
        pod["metadata"]["deletionTimestamp"] = ts(100)
        assert kubelet.reconcile_pod(KEY, MemoryView([make_node(), pod]), T0).actions == [
            Remove("Pod", "default", "web", "u1")]


class TestIgnored:
    @pytest.mark.parametrize("objects", [
        pytest.param([make_node(**{"sim.litekube.io/down": "true"}), make_pod()], id="node-down"),
        pytest.param([make_pod()], id="node-missing"),
        pytest.param([make_node(), {**make_pod(), "spec": {"containers": []}}], id="unbound"),
        pytest.param([make_node()], id="pod-missing"),
    ])
    def test_no_actions(self, objects: list) -> None:
        assert kubelet.reconcile_pod(KEY, MemoryView(objects), T0) == kubelet.reconcile_pod(KEY, MemoryView(objects),
                                                                                              T0 + 60)
        assert kubelet.reconcile_pod(KEY, MemoryView(objects), T0).actions == []

    def test_down_node_does_not_remove(self) -> None:
        pod = make_pod()
        pod["metadata"]["deletionTimestamp"] = ts(0)
        view = MemoryView([make_node(**{"sim.litekube.io/down": "true"}), pod])
        assert kubelet.reconcile_pod(KEY, view, T0 + 100).actions == []


class TestHeartbeat:
    NODE = Key("Node", "", "n1")

    def test_creates_lease_and_registers(self) -> None:
        result = kubelet.reconcile_node(self.NODE, MemoryView([make_node()]), T0)
        creates = [a for a in result.actions if isinstance(a, Create)]
        assert creates == [Create({
            "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": {"name": "n1", "namespace": "kube-node-lease", "ownerReferences": [
                {"apiVersion": "v1", "kind": "Node", "name": "n1", "uid": "node-uid"}]},
            "spec": {"holderIdentity": "n1", "leaseDurationSeconds": 40,
                     "renewTime": "2026-01-01T00:00:00.000000Z"}})]
        status = updates(result.actions)[0].obj["status"]
        ready = status["conditions"][-1]
        assert ready == {"lastHeartbeatTime": ts(0), "lastTransitionTime": ts(0),
                         "message": "kubelet is posting ready status", "reason": "KubeletReady",
                         "status": "True", "type": "Ready"}
        assert [c["type"] for c in status["conditions"]] == ["MemoryPressure", "DiskPressure", "PIDPressure", "Ready"]
        assert status["addresses"] == [{"address": "192.168.0.10", "type": "InternalIP"},
                                       {"address": "n1", "type": "Hostname"}]
        assert status["capacity"] == {"cpu": "4", "memory": "16Gi", "pods": "110"}
        assert status["nodeInfo"]["kubeletVersion"] == "v1.32.0"
        assert "NodeReady" in reasons(result.actions)
        assert result.requeue_after == 10

    def run(self, view: MemoryView, at: float) -> list:
        result = kubelet.reconcile_node(self.NODE, view, T0 + at)
        for action in result.actions:
            if isinstance(action, (Create, Update, UpdateStatus)):
                obj = copy.deepcopy(action.obj)
                view.put(obj)
        return result.actions

    def test_a_renewal_changes_only_the_spec_and_leaves_the_cached_lease_as_it_was(self) -> None:
        view = MemoryView([make_node()])
        self.run(view, 0)
        cached = view.get("Lease", "kube-node-lease", "n1")
        snapshot = copy.deepcopy(cached)
        (renewal,) = kubelet.reconcile_node(self.NODE, view, T0 + 10).actions
        assert renewal.obj["spec"]["renewTime"] == "2026-01-01T00:00:10.000000Z"
        assert {k: v for k, v in renewal.obj.items() if k != "spec"} == \
            {k: v for k, v in cached.items() if k != "spec"}
        assert renewal.obj["metadata"] is cached["metadata"]  # shared, not copied
        assert cached == snapshot

    @pytest.mark.parametrize("at, renews", [(5, False), (9.9, False), (10, True), (25, True)],
                             ids=["5s", "9.9s", "10s", "25s"])
    def test_renews_only_when_due(self, at: float, renews: bool) -> None:
        view = MemoryView([make_node()])
        self.run(view, 0)
        actions = self.run(view, at)
        assert [type(a) for a in actions] == ([Update] if renews else [])
        if renews:
            assert actions[0].obj["spec"]["renewTime"] == kubelet.kubelet_nodes.micro_time(T0 + at)

    def test_status_heartbeat_every_five_minutes(self) -> None:
        view = MemoryView([make_node()])
        self.run(view, 0)
        assert updates(self.run(view, 290)) == []
        status = updates(self.run(view, 300))[0].obj["status"]
        assert {c["lastHeartbeatTime"] for c in status["conditions"]} == {ts(300)}
        assert status["conditions"][-1]["lastTransitionTime"] == ts(0)

    def test_down_node_does_nothing(self) -> None:
        result = kubelet.reconcile_node(self.NODE, MemoryView([make_node(**{"sim.litekube.io/down": "true"})]), T0)
        assert result.actions == [] and result.requeue_after is None

    def test_back_up_posts_ready(self) -> None:
        node = make_node()
        node["status"] = {"conditions": [{"type": "Ready", "status": "Unknown", "reason": "NodeStatusUnknown",
                                          "lastHeartbeatTime": ts(0), "lastTransitionTime": ts(50)}]}
        result = kubelet.reconcile_node(self.NODE, MemoryView([node]), T0 + 100)
        ready = updates(result.actions)[0].obj["status"]["conditions"][-1]
        assert (ready["status"], ready["lastTransitionTime"]) == ("True", ts(100))
        assert len([c for c in updates(result.actions)[0].obj["status"]["conditions"] if c["type"] == "Ready"]) == 1


class TestComponents:
    def test_watches(self) -> None:
        view = MemoryView([make_node(), make_pod()])
        assert list(kubelet.PODS.watches["Node"](make_node(), view)) == [KEY]
        assert list(kubelet.PODS.watches["Pod"](make_pod(), view)) == [KEY]
        assert list(kubelet.PODS.watches["Pod"]({**make_pod(), "spec": {}}, view)) == []
        lease = {"kind": "Lease", "metadata": {"name": "n1", "namespace": "kube-node-lease"}}
        assert list(kubelet.NODES.watches["Lease"](lease, view)) == [Key("Node", "", "n1")]
        assert (kubelet.PODS.primary, kubelet.NODES.primary, kubelet.NODES.periodic) == ("Pod", "Node", True)

    def test_public_surface(self) -> None:
        assert {"PODS", "NODES", "reconcile_pod", "reconcile_node"} <= set(kubelet.__all__)
