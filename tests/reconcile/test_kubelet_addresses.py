"""The kubelet's pod IPs from the view's per-node index (MemoryView.pod_addresses) are the walk's.

The walk over the node's pods is the definition (host-local IPAM's lowest free
address, pods still waiting for one ranked by namespace and name); the index
answers the same without reading the node's pods, and stays right as pods
come, change and go.
"""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from litekube.reconcile.base import Key
from litekube.reconcile.kubelet import pods as kubelet_pods
from litekube.reconcile.kubelet import simulation
from litekube.reconcile.kubelet import status as kubelet_status
from litekube.reconcile.views import MemoryView

NODE = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1", "uid": "node-uid"},
        "spec": {"podCIDR": "10.244.1.0/29"}}  # .2 to .6: small, so that it fills up


def pod(name: str, *, namespace: str = "default", uid: str | None = None, ip: str | None = None,
        phase: str = "Running", host_network: bool = False, node: str = "n1") -> dict:
    meta: dict = {"name": name, "namespace": namespace}
    if uid is not None:
        meta["uid"] = uid
    spec: dict = {"nodeName": node, "containers": [{"name": "c", "image": "nginx:1.27"}]}
    if host_network:
        spec["hostNetwork"] = True
    status: dict = {"phase": phase}
    if ip is not None:
        status["podIP"] = ip
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": status}


def both(view: MemoryView, asking: dict, node: dict = NODE) -> tuple:
    """(the index's answer, the walk's) for `asking` on `node`."""
    life = kubelet_pods._Lifecycle(asking, node, view, simulation.for_pod(asking), 0.0)
    cidr = node["spec"].get("podCIDR") or kubelet_status.DEFAULT_POD_CIDR
    return life._allocate_ip(), life._walk_allocate_ip(cidr)


def indexed(view: MemoryView, asking: dict) -> object:
    """The index's own answer (not the walk it falls back to)."""
    meta = asking["metadata"]
    return view.pod_addresses("n1").allocate(NODE["spec"]["podCIDR"], Key("Pod", meta["namespace"], meta["name"]),
                                             asking)


class TestIndexedAllocation:
    def test_lowest_free_skips_held_and_ranks_waiting_by_name(self) -> None:
        view = MemoryView([NODE, pod("a", uid="ua", ip="10.244.1.2"), pod("c", uid="uc", ip="10.244.1.4"),
                           pod("b", uid="ub"), pod("d", uid="ud")])
        # b waits and sorts before d: b takes .3 (the lowest free), d the next free one, .5
        assert both(view, view.get("Pod", "default", "b")) == ("10.244.1.3", "10.244.1.3")
        assert both(view, view.get("Pod", "default", "d")) == ("10.244.1.5", "10.244.1.5")
        assert indexed(view, view.get("Pod", "default", "d")) == "10.244.1.5"  # decided without the walk

    def test_last_address_then_none(self) -> None:
        # .2 to .5 held: the one waiting pod gets .6, the last before the broadcast address;
        # with .6 held too there is none (an off-by-one would offer .7, the broadcast address)
        held = [pod(f"h{i}", uid=f"u{i}", ip=f"10.244.1.{i}") for i in range(2, 6)]
        view = MemoryView([NODE, *held, pod("w", uid="uw")])
        assert both(view, view.get("Pod", "default", "w")) == ("10.244.1.6", "10.244.1.6")
        view.put(pod("h6", uid="u6", ip="10.244.1.6"))
        assert both(view, view.get("Pod", "default", "w")) == (None, None)
        assert indexed(view, view.get("Pod", "default", "w")) is None

    def test_what_the_index_leaves_to_the_walk(self) -> None:
        # another pod with the asking pod's uid (the walk skips it) and an IPv6 pod CIDR
        view = MemoryView([NODE, pod("a", uid="same", ip="10.244.1.2"), pod("w", uid="same")])
        assert indexed(view, view.get("Pod", "default", "w")) is kubelet_status.UNDECIDED
        assert both(view, view.get("Pod", "default", "w")) == ("10.244.1.2", "10.244.1.2")
        six = {**NODE, "spec": {"podCIDR": "fd00::/120"}}
        view = MemoryView([six, pod("w", uid="uw")])
        assert both(view, view.get("Pod", "default", "w"), six) == ("fd00::2", "fd00::2")

    def test_released_and_host_network_addresses_are_free(self) -> None:
        view = MemoryView([NODE, pod("a", uid="ua", ip="10.244.1.2", phase="Succeeded"),
                           pod("h", uid="uh", ip="10.244.1.3", host_network=True), pod("w", uid="uw")])
        assert both(view, view.get("Pod", "default", "w")) == ("10.244.1.2", "10.244.1.2")

    def test_follows_changes(self) -> None:
        view = MemoryView([NODE, pod("a", uid="ua"), pod("w", uid="uw")])
        asking = view.get("Pod", "default", "w")
        assert both(view, asking) == ("10.244.1.3", "10.244.1.3")  # a waits and ranks first
        view.put(pod("a", uid="ua", ip="10.244.1.2"))  # a got its address
        assert both(view, asking) == ("10.244.1.3", "10.244.1.3")
        view.put(pod("a", uid="ua", ip="10.244.1.2", phase="Failed"))  # a finished: its address is free
        assert both(view, asking) == ("10.244.1.2", "10.244.1.2")
        view.discard(Key("Pod", "default", "a"))
        view.put(pod("b", uid="ub", ip="10.244.1.2"))
        assert both(view, asking) == ("10.244.1.3", "10.244.1.3")


ADDRESSES = st.sampled_from([None, "10.244.1.2", "10.244.1.3", "10.244.1.4", "10.244.1.6", "10.244.1.7",
                             "10.244.2.3", "10.244.1.02", "fd00::2", ""])


@st.composite
def pods_on_node(draw) -> list[dict]:
    out = []
    for i in range(draw(st.integers(0, 8))):
        out.append(pod(f"p{draw(st.integers(0, 9))}", namespace=draw(st.sampled_from(["default", "a", "z"])),
                       uid=draw(st.sampled_from([None, "same", f"u{i}", f"v{i}"])), ip=draw(ADDRESSES),
                       phase=draw(st.sampled_from(["Running", "Pending", "Succeeded", "Failed"])),
                       host_network=draw(st.booleans()) and draw(st.booleans()),
                       node=draw(st.sampled_from(["n1", "n1", "n1", "n2"]))))
    return out


@settings(max_examples=300, deadline=None)
@given(before=pods_on_node(), after=pods_on_node(), gone=st.lists(st.integers(0, 9), max_size=4),
       cidr=st.sampled_from(["10.244.1.0/29", "10.244.1.0/24", "10.244.1.0/30", "10.244.1.4/31", "", "fd00::/120"]),
       asking=st.integers(0, 9))
def test_index_answers_as_the_walk(before, after, gone, cidr, asking) -> None:
    """Pods put, replaced and discarded after the index is built, then every pod of the node asks."""
    node = {**NODE, "spec": {"podCIDR": cidr} if cidr else {}}
    view = MemoryView([node, *before])
    view.pod_addresses("n1")  # built now: what follows is kept up to date incrementally
    for p in after:
        view.put(p)
    for i in gone:
        view.discard(Key("Pod", "default", f"p{i}"))
    for p in view.pods_on_node("n1") + [pod(f"p{asking}", uid="new")]:
        got, walked = both(view, p, node)
        assert got == walked
    rebuilt = MemoryView(view.all_objects())
    for p in rebuilt.pods_on_node("n1"):
        assert both(rebuilt, p, node) == both(view, p, node)


# -- what the kubelet no longer recomputes: the same answers as computing it ------------------------

from litekube.reconcile.kubelet import components as kubelet  # noqa: E402

_ANNOTATION_KEYS = st.sampled_from([*(a.value for a in simulation.Annotation), "other", "sim.litekube.io/x"])
_ANNOTATION_VALUES = st.sampled_from(["1s", "true", "0", "2", "bad", "2026-01-01T00:00:05Z", ""])
_OWNERS = st.sampled_from([[], [{"apiVersion": "batch/v1", "kind": "Job", "name": "j", "uid": "j", "controller": True}],
                           [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "r", "uid": "r",
                             "controller": True}]])


@settings(max_examples=300, deadline=None)
@given(annotations=st.dictionaries(_ANNOTATION_KEYS, _ANNOTATION_VALUES, max_size=3), owners=_OWNERS)
def test_simulation_defaults_as_parsed(annotations, owners) -> None:
    p = {"metadata": {"name": "p", "annotations": annotations, "ownerReferences": owners}}
    assert simulation.for_pod(p) == simulation._parsed(p, annotations)


_QUANTITIES = st.sampled_from(["0", "100m", "1", "64Mi", "1Gi"])
_RESOURCES = st.fixed_dictionaries({}, optional={
    "limits": st.dictionaries(st.sampled_from(["cpu", "memory", "nvidia.com/gpu"]), _QUANTITIES, max_size=2),
    "requests": st.dictionaries(st.sampled_from(["cpu", "memory"]), _QUANTITIES, max_size=2)})


@settings(max_examples=300, deadline=None)
@given(containers=st.lists(_RESOURCES, min_size=1, max_size=2), inits=st.lists(_RESOURCES, max_size=1))
def test_qos_class_as_computed(containers, inits) -> None:
    spec = {"containers": [{"name": f"c{i}", "resources": r} for i, r in enumerate(containers)],
            "initContainers": [{"name": f"i{i}", "resources": r} for i, r in enumerate(inits)]}
    p = {"spec": spec}
    assert kubelet_status.qos_class(p) == kubelet_status._qos_class(p)
    assert kubelet_status.qos_class(p) == kubelet_status._qos_class(p)  # the remembered answer too


def _reconcile_derived_twice(key, view, now):
    """reconcile_pod with the final derivation always made (as before it was skipped at `now`)."""
    calls = []
    original = kubelet_pods._Lifecycle.derive

    def derive(self, when, phase=None):
        calls.append(when)
        return original(self, when, phase)
    kubelet_pods._Lifecycle.derive = derive
    try:
        skipped = kubelet_pods.reconcile_pod(key, view, now)
    finally:
        kubelet_pods._Lifecycle.derive = original
    return skipped, calls


class TestOneDerivationAtNow:
    """A pass whose last transition was at `now` derives the status once there, with the result of
    deriving it twice; readiness gates still get the second derivation."""

    def _lifecycle(self, gates: bool) -> list:
        node = {**NODE, "spec": {"podCIDR": "10.244.1.0/24"}, "metadata": {"name": "n1", "uid": "nu",
                "annotations": {"sim.litekube.io/internal-ip": "192.168.0.10"}}}
        p = pod("web", uid="u1")
        p["status"] = {"phase": "Pending"}
        p["metadata"]["annotations"] = {"sim.litekube.io/ready-after": "2s"}
        if gates:
            p["spec"]["readinessGates"] = [{"conditionType": "ContainersReady"}]
        view = MemoryView([node, p])
        key = Key("Pod", "default", "web")
        log, at = [], 0.0
        for _ in range(6):
            result, calls = _reconcile_derived_twice(key, view, at)
            log.append((at, calls, [getattr(a, "obj", None) for a in result.actions], result.requeue_after))
            for action in result.actions:
                if action.__class__.__name__ == "UpdateStatus":
                    view.put(action.obj)
            if result.requeue_after is None:
                break
            at += result.requeue_after
        return log

    def test_once_at_now(self) -> None:
        log = self._lifecycle(gates=False)
        assert [calls for _, calls, _, _ in log][:3] == [[0.0], [1.0], [3.0]]
        status = log[2][2][0]["status"]
        assert status["phase"] == "Running" and status["podIP"] == "10.244.1.2"
        assert [c["status"] for c in status["conditions"]] == ["True", "True", "True", "True", "True"]

    def test_twice_with_readiness_gates(self) -> None:
        log = self._lifecycle(gates=True)
        assert [calls for _, calls, _, _ in log][:3] == [[0.0, 0.0], [1.0, 1.0], [3.0, 3.0]]
        # the gate names ContainersReady, which the first derivation at 3s turned True: the second sees it
        ready = next(c for c in log[2][2][0]["status"]["conditions"] if c["type"] == "Ready")
        assert ready["status"] == "True"


_LIFE_ANNOTATIONS = st.dictionaries(st.sampled_from([
    "sim.litekube.io/ready-after", "sim.litekube.io/crash-after", "sim.litekube.io/exit-after",
    "sim.litekube.io/start-delay", "sim.litekube.io/never-ready", "sim.litekube.io/exit-code"]),
    st.sampled_from(["0s", "1s", "2s", "3s", "true", "1"]), max_size=3)


@settings(max_examples=150, deadline=None)
@given(annotations=_LIFE_ANNOTATIONS, restart=st.sampled_from(["Always", "OnFailure", "Never"]),
       inits=st.integers(0, 2), gate=st.booleans(), probe=st.sampled_from([None, 0, 2]),
       late=st.lists(st.sampled_from([0.0, 0.0, 0.5, 1.5, 4.0]), min_size=12, max_size=12))
def test_lifecycle_as_when_always_derived_again(annotations, restart, inits, gate, probe, late) -> None:
    """The whole simulated lifecycle (actions and requeues of every pass, each pass on time or
    `late`) with the derivation at `now` skipped where it was just made, and with it always made
    (the reference)."""
    import pytest

    def run(always: bool) -> list:
        node = {**NODE, "spec": {"podCIDR": "10.244.1.0/24"}}
        p = pod("web", uid="u1", phase="Pending")
        p["spec"]["restartPolicy"] = restart
        p["metadata"]["annotations"] = dict(annotations)
        if inits:
            p["spec"]["initContainers"] = [{"name": f"i{i}", "image": "busybox"} for i in range(inits)]
        if probe is not None:
            p["spec"]["containers"][0]["readinessProbe"] = {"initialDelaySeconds": probe}
        if gate:
            p["spec"]["readinessGates"] = [{"conditionType": "example.com/ready"}]
        view = MemoryView([node, p])
        key = Key("Pod", "default", "web")
        log, at = [], 0.0
        with pytest.MonkeyPatch.context() as patch:
            if always:
                patch.setattr(kubelet_pods, "_derive_again", lambda derived, now, pod: True)
            for delay in late:
                result = kubelet_pods.reconcile_pod(key, view, at)
                log.append((at, result.actions, result.requeue_after, result.routine))
                for action in result.actions:
                    if action.__class__.__name__ == "UpdateStatus":
                        view.put(action.obj)
                if result.requeue_after is None:
                    break
                at += max(result.requeue_after, 0.5) + delay
        return log

    assert run(always=False) == run(always=True)
