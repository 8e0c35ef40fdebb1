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
