"""Node IPAM: the lowest free node subnet of the cluster CIDR (kubeadm's 10.244.0.0/16 and /24 by default)."""
from __future__ import annotations

import pytest

from litekube import errors
from litekube.model import cluster_network
from litekube.reconcile.base import Key, RecordEvent, Update
from litekube.reconcile.node_ipam import controller as node_ipam
from litekube.reconcile.views import MemoryView


def node(name: str, cidr: str | None = None) -> dict:
    spec = {"podCIDR": cidr, "podCIDRs": [cidr]} if cidr else {}
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "uid": f"u-{name}"}, "spec": spec}


def config(cidr: str, mask: int) -> dict:
    cm = cluster_network.config_map(cidr, mask)
    cm["metadata"]["uid"] = "u-cm"
    return cm


def run(name: str, *objects: dict):
    return node_ipam.reconcile(Key("Node", "", name), MemoryView(objects), 0.0)


def full(count: int, prefix: str = "10.244") -> list[dict]:
    return [node(f"o{i:05d}", f"{prefix}.{i}.0/24") for i in range(count)]


class TestAllocation:
    @pytest.mark.parametrize("others,expected", [
        pytest.param([], "10.244.0.0/24", id="first"),
        pytest.param(["10.244.0.0/24", "10.244.2.0/24"], "10.244.1.0/24", id="lowest-gap"),
        pytest.param(["10.244.0.0/23"], "10.244.2.0/24", id="wider-cidr-counts"),
        pytest.param(["192.168.0.0/24"], "10.244.0.0/24", id="outside-cluster-cidr"),
        pytest.param(["10.244.0.0/24", "not-a-cidr"], "10.244.1.0/24", id="unparsable-ignored"),
    ])
    def test_picks_lowest_free(self, others, expected):
        objects = [node(f"o{i}", c) for i, c in enumerate(others)]
        (update,) = run("n1", node("n1"), *objects).actions
        assert isinstance(update, Update)
        assert update.obj["spec"]["podCIDR"] == expected
        assert update.obj["spec"]["podCIDRs"] == [expected]

    def test_the_256th_node_takes_the_last_subnet(self):
        assert run("n1", node("n1"), *full(255)).actions[0].obj["spec"]["podCIDR"] == "10.244.255.0/24"

    def test_allocated_node_is_left_alone(self):
        assert run("n1", node("n1", "10.244.7.0/24")).actions == []

    def test_nodes_waiting_together_get_distinct_cidrs(self):
        objects = (node("a"), node("b"), node("c", "10.244.0.0/24"))
        picked = [run(n, *objects).actions[0].obj["spec"]["podCIDR"] for n in ("a", "b")]
        assert picked == ["10.244.1.0/24", "10.244.2.0/24"]

    def test_a_released_subnet_is_reused(self):
        view = MemoryView([node("n1"), *full(256)])
        assert view.pod_cidrs("10.244.0.0/16", 24).free() is None
        view.discard(Key("Node", "", "o00007"))
        result = node_ipam.reconcile(Key("Node", "", "n1"), view, 0.0)
        assert result.actions[0].obj["spec"]["podCIDR"] == "10.244.7.0/24"


class TestExhaustion:
    def test_the_257th_node_gets_cidr_not_available(self):
        result = run("n1", node("n1"), *full(256))
        (event,) = result.actions
        assert isinstance(event, RecordEvent)
        assert (event.type, event.reason, event.message, event.component) == (
            "Normal", "CIDRNotAvailable", "Node n1 status is now: CIDRNotAvailable", "cidrAllocator")
        assert (result.park, result.routine) == (frozenset({node_ipam.CIDR_RELEASED}), True)

    def test_a_node_going_away_wakes_the_waiting(self):
        wakes = node_ipam.COMPONENT.wakes["Node"]
        assert list(wakes(node("o1", "10.244.1.0/24"), None, MemoryView())) == [node_ipam.CIDR_RELEASED]
        assert list(wakes(node("o1"), None, MemoryView())) == []
        assert list(wakes(None, node("n1"), MemoryView())) == [Key("Node", "", "n1")]


class TestClusterNetwork:
    @pytest.mark.parametrize("cidr,mask,expected", [
        pytest.param("10.0.0.0/8", 24, "10.0.0.0/24", id="wide"),
        pytest.param("10.244.0.0/16", 26, "10.244.0.0/26", id="small-subnets"),
        pytest.param("10.244.0.0/16", 16, "10.244.0.0/16", id="one-node"),
    ])
    def test_configured_network(self, cidr, mask, expected):
        (update,) = run("n1", node("n1"), config(cidr, mask)).actions
        assert update.obj["spec"]["podCIDR"] == expected

    def test_configured_capacity(self):
        nodes = [node(f"o{i:04d}", f"10.{i // 256}.{i % 256}.0/24") for i in range(1100)]
        (update,) = run("n1", node("n1"), config("10.0.0.0/8", 24), *nodes).actions
        assert update.obj["spec"]["podCIDR"] == "10.4.76.0/24"

    def test_one_node_subnet_fills_at_once(self):
        result = run("n1", node("n1"), node("o", "10.244.0.0/16"), config("10.244.0.0/16", 16))
        assert result.actions[0].reason == "CIDRNotAvailable"

    @pytest.mark.parametrize("cidr,mask,message", [
        pytest.param("10.244.0.0/16", 15, 'networking.podSubnet: Invalid value: "10.244.0.0/16": the size of pod '
                     "subnet with mask 16 is smaller than the size of node subnet with mask 15", id="mask-too-small"),
        pytest.param("10.0.0.0/8", 25, 'networking.podSubnet: Invalid value: "10.0.0.0/8": pod subnet mask (8) and '
                     "node-mask (25) difference is greater than 16", id="diff-17"),
        pytest.param("nonsense", 24, 'invalid --cluster-cidr "nonsense": couldn\'t parse subnet', id="unparsable"),
        pytest.param("fd00::/48", 64, 'invalid --cluster-cidr "fd00::/48": only IPv4 pod subnets are supported',
                     id="ipv6"),
        pytest.param("10.0.0.0/8", 33, "invalid --node-cidr-mask-size 33: must be between 1 and 32", id="mask-33"),
    ])
    def test_kubeadm_rejects(self, cidr, mask, message):
        with pytest.raises(errors.ManifestError) as raised:
            cluster_network.validate(cidr, mask)
        assert str(raised.value.message if hasattr(raised.value, "message") else raised.value) == message

    def test_largest_difference_allowed(self):
        assert cluster_network.validate("10.0.0.0/8", 24) == "10.0.0.0/8"
        assert cluster_network.node_count("10.0.0.0/8", 24) == 65536

    def test_default_node_count(self):
        assert cluster_network.node_count(cluster_network.DEFAULT_POD_SUBNET, cluster_network.DEFAULT_NODE_MASK) == 256
