"""Node IPAM: the lowest free /24 of 10.244.0.0/16 for each node."""
from __future__ import annotations

import pytest

from litekube.reconcile.base import Key, RecordEvent, Update
from litekube.reconcile.node_ipam import controller as node_ipam
from litekube.reconcile.views import MemoryView


def node(name: str, cidr: str | None = None) -> dict:
    spec = {"podCIDR": cidr, "podCIDRs": [cidr]} if cidr else {}
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "uid": f"u-{name}"}, "spec": spec}


def run(name: str, *objects: dict):
    return node_ipam.reconcile(Key("Node", "", name), MemoryView(objects), 0.0)


class TestAllocation:
    @pytest.mark.parametrize("others,expected", [
        pytest.param([], "10.244.0.0/24", id="first"),
        pytest.param(["10.244.0.0/24", "10.244.2.0/24"], "10.244.1.0/24", id="lowest-gap"),
        pytest.param(["10.244.0.0/23"], "10.244.2.0/24", id="wider-cidr-counts"),
        pytest.param(["192.168.0.0/24"], "10.244.0.0/24", id="outside-cluster-cidr"),
    ])
    def test_picks_lowest_free(self, others, expected):
        objects = [node(f"o{i}", c) for i, c in enumerate(others)]
        (update,) = run("n1", node("n1"), *objects).actions
        assert isinstance(update, Update)
        assert update.obj["spec"]["podCIDR"] == expected
        assert update.obj["spec"]["podCIDRs"] == [expected]

    def test_the_257th_node_continues_past_10_244(self):
        full = [node(f"o{i:03d}", f"10.244.{i}.0/24") for i in range(256)]
        assert run("n1", node("n1"), *full).actions[0].obj["spec"]["podCIDR"] == "10.245.0.0/24"

    def test_allocated_node_is_left_alone(self):
        assert run("n1", node("n1", "10.244.7.0/24")).actions == []

    def test_nodes_waiting_together_get_distinct_cidrs(self):
        objects = (node("a"), node("b"), node("c", "10.244.0.0/24"))
        picked = [run(n, *objects).actions[0].obj["spec"]["podCIDR"] for n in ("a", "b")]
        assert picked == ["10.244.1.0/24", "10.244.2.0/24"]

    def test_full_range_records_event(self):
        full = [node(f"o{i}", f"10.{244 + i // 256}.{i % 256}.0/24") for i in range(1024)]
        result = run("n1", node("n1"), *full)
        (event,) = result.actions
        assert isinstance(event, RecordEvent)
        assert (event.reason, event.message) == ("CIDRNotAvailable", "Node n1 status is now: CIDRNotAvailable")
        assert result.requeue_after is not None
