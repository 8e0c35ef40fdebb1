"""flannel leases and routes, the ipvs listing, and the system component objects."""
from __future__ import annotations

import json

import pytest

from litekube.model.network import flannel, ipvs, system
from tests.model.network.fixtures import endpoint, endpoint_slice, port, service


def nodes(n=3):
    return [{"metadata": {"name": f"node-{i + 1}"}, "spec": {"podCIDR": f"10.244.{i}.0/24"}} for i in range(n)]


def ip(node):
    return f"172.18.0.{int(node['metadata']['name'].split('-')[1]) + 1}"


class TestFlannel:
    def test_vxlan_routes_as_ip_route_prints_them(self):
        leases = flannel.leases(nodes(), ip)
        assert flannel.routes(leases[1], leases, "vxlan") == (
            "default via 172.18.0.1 dev eth0 \n"
            "10.244.0.0/24 via 10.244.0.0 dev flannel.1 onlink \n"
            "10.244.1.0/24 dev cni0 proto kernel scope link src 10.244.1.1 \n"
            "10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink \n"
            "172.18.0.0/16 dev eth0 proto kernel scope link src 172.18.0.3 \n")

    def test_host_gw_routes_via_the_node_ip(self):
        leases = flannel.leases(nodes(2), ip)
        assert "10.244.1.0/24 via 172.18.0.3 dev eth0 \n" in flannel.routes(leases[0], leases, "host-gw")

    def test_subnet_env(self):
        lease = flannel.leases(nodes(), ip)[2]
        assert flannel.subnet_env(lease, "vxlan") == ("FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.2.1/24\n"
                                                      "FLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n")
        assert "FLANNEL_MTU=1500" in flannel.subnet_env(lease, "host-gw")

    def test_annotations(self):
        lease = flannel.leases(nodes(1), ip)[0]
        got = flannel.annotations(lease, "vxlan")
        assert json.loads(got["flannel.alpha.coreos.com/backend-data"]) == {
            "VNI": 1, "VtepMAC": flannel.vtep_mac("node-1")}
        assert got["flannel.alpha.coreos.com/public-ip"] == "172.18.0.2"
        assert got["flannel.alpha.coreos.com/kube-subnet-manager"] == "true"
        assert flannel.annotations(lease, "host-gw")["flannel.alpha.coreos.com/backend-data"] == "null"

    def test_vtep_mac_is_locally_administered_unicast(self):
        first = int(flannel.vtep_mac("node-7").split(":")[0], 16)
        assert first & 0x02 and not first & 0x01

    def test_nodes_without_pod_cidr_have_no_lease(self):
        assert flannel.leases([{"metadata": {"name": "x"}, "spec": {}}], ip) == []


class TestIpvs:
    def test_listing(self):
        services = [service("default", "web", "10.96.0.20", [port("http", 80, nodePort=30080)], type="NodePort",
                            sessionAffinity="ClientIP")]
        slices = [endpoint_slice("default", "web", 1, [endpoint("10.244.1.2"), endpoint("10.244.2.2")],
                                 [port("http", 8080)])]
        assert ipvs.render(services, slices, "node-1", "172.18.0.2") == (
            ipvs.HEADER
            + "TCP  10.96.0.20:80 rr persistent 10800\n"
            + "  -> 10.244.1.2:8080              Masq    1      0          0         \n"
            + "  -> 10.244.2.2:8080              Masq    1      0          0         \n"
            + "TCP  172.18.0.2:30080 rr persistent 10800\n"
            + "  -> 10.244.1.2:8080              Masq    1      0          0         \n"
            + "  -> 10.244.2.2:8080              Masq    1      0          0         \n")


class TestSystemObjects:
    def by_name(self):
        return {(o["kind"], o["metadata"]["name"]): o for o in system.objects()}

    def test_coredns(self):
        objs = self.by_name()
        deploy = objs[("Deployment", "coredns")]
        assert deploy["spec"]["replicas"] == 2
        pod = deploy["spec"]["template"]["spec"]
        assert pod["containers"][0]["image"] == "registry.k8s.io/coredns/coredns:v1.11.3"
        assert pod["priorityClassName"] == "system-cluster-critical"
        svc = objs[("Service", "kube-dns")]
        assert svc["spec"]["clusterIP"] == "10.96.0.10"
        assert [(p["name"], p["port"], p["protocol"]) for p in svc["spec"]["ports"]] == [
            ("dns", 53, "UDP"), ("dns-tcp", 53, "TCP"), ("metrics", 9153, "TCP")]
        assert "kubernetes cluster.local in-addr.arpa ip6.arpa" in objs[("ConfigMap", "coredns")]["data"]["Corefile"]

    @pytest.mark.parametrize("name,namespace,toleration", [
        ("kube-proxy", "kube-system", {"operator": "Exists"}),
        ("kube-flannel-ds", "kube-flannel", {"operator": "Exists", "effect": "NoSchedule"}),
    ])
    def test_daemonsets(self, name, namespace, toleration):
        ds = self.by_name()[("DaemonSet", name)]
        assert ds["metadata"]["namespace"] == namespace
        spec = ds["spec"]["template"]["spec"]
        assert spec["priorityClassName"] == "system-node-critical"
        assert spec["tolerations"] == [toleration]
        assert spec["hostNetwork"] is True

    @pytest.mark.parametrize("mode,backend", [("iptables", "vxlan"), ("ipvs", "host-gw")])
    def test_config_maps_select_mode_and_backend(self, mode, backend):
        proxy_cm, flannel_cm = system.config_maps(mode, backend)
        assert system.proxy_mode_of(proxy_cm["data"]["config.conf"]) == mode
        assert flannel.backend_of(flannel_cm["data"]["net-conf.json"]) == ("10.244.0.0/16", backend)

    def test_unset_means_iptables_and_vxlan(self):
        assert system.proxy_mode_of(None) == "iptables"
        assert flannel.backend_of(None) == ("10.244.0.0/16", "vxlan")
