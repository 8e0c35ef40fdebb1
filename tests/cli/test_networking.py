"""proxy-rules, routes and dns through the real CLI, with exact output.

The Service has its ClusterIP and EndpointSlice written by hand: these
commands only read them (the allocators and the EndpointSlice controller
are tested where they live).
"""
from __future__ import annotations

import pytest

from litekube.model.network import iptables
from litekube.model.network.endpoints import Endpoint, ServicePort

MANIFEST = """apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  clusterIP: 10.96.100.1
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080, protocol: TCP}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-abcde
  namespace: default
  labels: {kubernetes.io/service-name: web}
addressType: IPv4
ports: [{name: http, port: 8080, protocol: TCP}]
endpoints:
- addresses: [10.244.1.5]
  conditions: {ready: true}
  nodeName: node-2
- addresses: [10.244.2.7]
  conditions: {ready: true}
  nodeName: node-3
"""


@pytest.fixture
def cluster(lk, tmp_path):
    assert lk("init", "--nodes", "3").exit_code == 0
    path = tmp_path / "web.yaml"
    path.write_text(MANIFEST)
    result = lk("apply", "-f", str(path))
    assert result.exit_code == 0, result.output
    return lk


def test_proxy_rules_nat(cluster):
    """The web Service, the apiserver's default/kubernetes (KUBE-SVC-NPX46M4PTMTKRN6Y, as on every cluster) and
    kube-system/kube-dns's three ports (KUBE-SVC-TCOU7JCQXEZGVUNU, -ERIFXISQEP7F7OF4, -JD5MR3NA4I4DYORP, as on
    every kubeadm cluster) behind the two CoreDNS pods."""
    result = cluster("proxy-rules", "node-1", "--table", "nat")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        '*nat',
        ':KUBE-NODEPORTS - [0:0]',
        ':KUBE-SERVICES - [0:0]',
        ':KUBE-MARK-MASQ - [0:0]',
        ':KUBE-POSTROUTING - [0:0]',
        ':KUBE-SEP-2RIJ5GIYXEFH6G4D - [0:0]',
        ':KUBE-SEP-AFGSLHOD2HFNCBX4 - [0:0]',
        ':KUBE-SEP-BWHGELGX6BITPZVO - [0:0]',
        ':KUBE-SEP-HK254EL4IH3TTFBT - [0:0]',
        ':KUBE-SEP-IT2ZTR26TO4XFPTO - [0:0]',
        ':KUBE-SEP-N4G2XR5TDX7PQE7P - [0:0]',
        ':KUBE-SEP-UC6BXPXVZR4P64JB - [0:0]',
        ':KUBE-SEP-YIL6JZP7A3QYXJU2 - [0:0]',
        ':KUBE-SEP-Z6M7ZHWCTBNMPLD7 - [0:0]',
        ':KUBE-SVC-CDGGSHYLG3RE2FKL - [0:0]',
        ':KUBE-SVC-ERIFXISQEP7F7OF4 - [0:0]',
        ':KUBE-SVC-JD5MR3NA4I4DYORP - [0:0]',
        ':KUBE-SVC-NPX46M4PTMTKRN6Y - [0:0]',
        ':KUBE-SVC-TCOU7JCQXEZGVUNU - [0:0]',
        '-A KUBE-SERVICES -m comment --comment "default/kubernetes:https cluster IP" -m tcp -p tcp -d 10.96.0.1 --dport 443 -j KUBE-SVC-NPX46M4PTMTKRN6Y',
        '-A KUBE-SERVICES -m comment --comment "default/web:http cluster IP" -m tcp -p tcp -d 10.96.100.1 --dport 80 -j KUBE-SVC-CDGGSHYLG3RE2FKL',
        '-A KUBE-SERVICES -m comment --comment "kube-system/kube-dns:dns cluster IP" -m udp -p udp -d 10.96.0.10 --dport 53 -j KUBE-SVC-TCOU7JCQXEZGVUNU',
        '-A KUBE-SERVICES -m comment --comment "kube-system/kube-dns:dns-tcp cluster IP" -m tcp -p tcp -d 10.96.0.10 --dport 53 -j KUBE-SVC-ERIFXISQEP7F7OF4',
        '-A KUBE-SERVICES -m comment --comment "kube-system/kube-dns:metrics cluster IP" -m tcp -p tcp -d 10.96.0.10 --dport 9153 -j KUBE-SVC-JD5MR3NA4I4DYORP',
        '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS',
        '-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000',
        '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
        '-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000',
        '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE',
        '-A KUBE-SEP-2RIJ5GIYXEFH6G4D -m comment --comment default/web:http -s 10.244.2.7 -j KUBE-MARK-MASQ',
        '-A KUBE-SEP-2RIJ5GIYXEFH6G4D -m comment --comment default/web:http -m tcp -p tcp -j DNAT --to-destination 10.244.2.7:8080',
        '-A KUBE-SEP-AFGSLHOD2HFNCBX4 -m comment --comment default/web:http -s 10.244.1.5 -j KUBE-MARK-MASQ',
        '-A KUBE-SEP-AFGSLHOD2HFNCBX4 -m comment --comment default/web:http -m tcp -p tcp -j DNAT --to-destination 10.244.1.5:8080',
        '-A KUBE-SEP-BWHGELGX6BITPZVO -m comment --comment kube-system/kube-dns:dns-tcp -s 10.244.1.2 -j KUBE-MARK-MASQ',
        '-A KUBE-SEP-BWHGELGX6BITPZVO -m comment --comment kube-system/kube-dns:dns-tcp -m tcp -p tcp -j DNAT --to-destination 10.244.1.2:53',
        '-A KUBE-SEP-HK254EL4IH3TTFBT -m comment --comment kube-system/kube-dns:metrics -s 10.244.1.2 -j KUBE-MARK-MASQ',
        '-A KUBE-SEP-HK254EL4IH3TTFBT -m comment --comment kube-system/kube-dns:metrics -m tcp -p tcp -j DNAT --to-destination 10.244.1.2:9153',
        '-A KUBE-SEP-IT2ZTR26TO4XFPTO -m comment --comment kube-system/kube-dns:dns-tcp -s 10.244.0.2 -j KUBE-MARK-MASQ',
        '-A KUBE-SEP-IT2ZTR26TO4XFPTO -m comment --comment kube-system/kube-dns:dns-tcp -m tcp -p tcp -j DNAT --to-destination 10.244.0.2:53',
        '-A KUBE-SEP-N4G2XR5TDX7PQE7P -m comment --comment kube-system/kube-dns:metrics -s 10.244.0.2 -j KUBE-MARK-MASQ',
        '-A KUBE-SEP-N4G2XR5TDX7PQE7P -m comment --comment kube-system/kube-dns:metrics -m tcp -p tcp -j DNAT --to-destination 10.244.0.2:9153',
        '-A KUBE-SEP-UC6BXPXVZR4P64JB -m comment --comment default/kubernetes:https -s 172.18.0.1 -j KUBE-MARK-MASQ',
        '-A KUBE-SEP-UC6BXPXVZR4P64JB -m comment --comment default/kubernetes:https -m tcp -p tcp -j DNAT --to-destination 172.18.0.1:6443',
        '-A KUBE-SEP-YIL6JZP7A3QYXJU2 -m comment --comment kube-system/kube-dns:dns -s 10.244.0.2 -j KUBE-MARK-MASQ',
        '-A KUBE-SEP-YIL6JZP7A3QYXJU2 -m comment --comment kube-system/kube-dns:dns -m udp -p udp -j DNAT --to-destination 10.244.0.2:53',
        '-A KUBE-SEP-Z6M7ZHWCTBNMPLD7 -m comment --comment kube-system/kube-dns:dns -s 10.244.1.2 -j KUBE-MARK-MASQ',
        '-A KUBE-SEP-Z6M7ZHWCTBNMPLD7 -m comment --comment kube-system/kube-dns:dns -m udp -p udp -j DNAT --to-destination 10.244.1.2:53',
        '-A KUBE-SVC-CDGGSHYLG3RE2FKL -m comment --comment "default/web:http cluster IP" -m tcp -p tcp -d 10.96.100.1 --dport 80 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ',
        '-A KUBE-SVC-CDGGSHYLG3RE2FKL -m comment --comment "default/web:http -> 10.244.1.5:8080" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-AFGSLHOD2HFNCBX4',
        '-A KUBE-SVC-CDGGSHYLG3RE2FKL -m comment --comment "default/web:http -> 10.244.2.7:8080" -j KUBE-SEP-2RIJ5GIYXEFH6G4D',
        '-A KUBE-SVC-ERIFXISQEP7F7OF4 -m comment --comment "kube-system/kube-dns:dns-tcp cluster IP" -m tcp -p tcp -d 10.96.0.10 --dport 53 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ',
        '-A KUBE-SVC-ERIFXISQEP7F7OF4 -m comment --comment "kube-system/kube-dns:dns-tcp -> 10.244.0.2:53" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-IT2ZTR26TO4XFPTO',
        '-A KUBE-SVC-ERIFXISQEP7F7OF4 -m comment --comment "kube-system/kube-dns:dns-tcp -> 10.244.1.2:53" -j KUBE-SEP-BWHGELGX6BITPZVO',
        '-A KUBE-SVC-JD5MR3NA4I4DYORP -m comment --comment "kube-system/kube-dns:metrics cluster IP" -m tcp -p tcp -d 10.96.0.10 --dport 9153 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ',
        '-A KUBE-SVC-JD5MR3NA4I4DYORP -m comment --comment "kube-system/kube-dns:metrics -> 10.244.0.2:9153" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-N4G2XR5TDX7PQE7P',
        '-A KUBE-SVC-JD5MR3NA4I4DYORP -m comment --comment "kube-system/kube-dns:metrics -> 10.244.1.2:9153" -j KUBE-SEP-HK254EL4IH3TTFBT',
        '-A KUBE-SVC-NPX46M4PTMTKRN6Y -m comment --comment "default/kubernetes:https cluster IP" -m tcp -p tcp -d 10.96.0.1 --dport 443 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ',
        '-A KUBE-SVC-NPX46M4PTMTKRN6Y -m comment --comment "default/kubernetes:https -> 172.18.0.1:6443" -j KUBE-SEP-UC6BXPXVZR4P64JB',
        '-A KUBE-SVC-TCOU7JCQXEZGVUNU -m comment --comment "kube-system/kube-dns:dns cluster IP" -m udp -p udp -d 10.96.0.10 --dport 53 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ',
        '-A KUBE-SVC-TCOU7JCQXEZGVUNU -m comment --comment "kube-system/kube-dns:dns -> 10.244.0.2:53" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-YIL6JZP7A3QYXJU2',
        '-A KUBE-SVC-TCOU7JCQXEZGVUNU -m comment --comment "kube-system/kube-dns:dns -> 10.244.1.2:53" -j KUBE-SEP-Z6M7ZHWCTBNMPLD7',
        'COMMIT',
    ]


def test_proxy_rules_unknown_node(cluster):
    result = cluster("proxy-rules", "node-9")
    assert result.exit_code == 1
    assert result.output == 'Error from server (NotFound): nodes "node-9" not found\n'


def test_proxy_rules_ipvs(lk):
    assert lk("init", "--nodes", "1", "--proxy-mode", "ipvs").exit_code == 0
    result = lk("proxy-rules", "node-1")
    assert result.output.splitlines() == [  # kube-dns behind the two CoreDNS pods
        'IP Virtual Server version 1.2.1 (size=4096)',
        'Prot LocalAddress:Port Scheduler Flags',
        '  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn',
        'TCP  10.96.0.1:443 rr',
        '  -> 172.18.0.1:6443              Masq    1      0          0         ',
        'TCP  10.96.0.10:53 rr',
        '  -> 10.244.0.2:53                Masq    1      0          0         ',
        '  -> 10.244.0.3:53                Masq    1      0          0         ',
        'TCP  10.96.0.10:9153 rr',
        '  -> 10.244.0.2:9153              Masq    1      0          0         ',
        '  -> 10.244.0.3:9153              Masq    1      0          0         ',
        'UDP  10.96.0.10:53 rr',
        '  -> 10.244.0.2:53                Masq    1      0          0         ',
        '  -> 10.244.0.3:53                Masq    1      0          0         ',
    ]


def test_routes_vxlan(cluster):
    result = cluster("routes", "node-2")
    assert result.output == ("default via 172.18.0.1 dev eth0 \n"
                             "10.244.0.0/24 via 10.244.0.0 dev flannel.1 onlink \n"
                             "10.244.1.0/24 dev cni0 proto kernel scope link src 10.244.1.1 \n"
                             "10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink \n"
                             "172.18.0.0/16 dev eth0 proto kernel scope link src 172.18.0.3 \n")


def test_routes_host_gw(lk):
    assert lk("init", "--nodes", "2", "--flannel-backend", "host-gw").exit_code == 0
    result = lk("routes", "node-1")
    assert result.output == ("default via 172.18.0.1 dev eth0 \n"
                             "10.244.0.0/24 dev cni0 proto kernel scope link src 10.244.0.1 \n"
                             "10.244.1.0/24 via 172.18.0.3 dev eth0 \n"
                             "172.18.0.0/16 dev eth0 proto kernel scope link src 172.18.0.2 \n")
    assert lk("routes", "node-1", "--show", "fdb").output == ""


@pytest.mark.parametrize("args,output,code", [
    (["web.default.svc.cluster.local"], "10.96.100.1\n", 0),
    (["_http._tcp.web.default.svc.cluster.local", "--type", "SRV"], "0 100 80 web.default.svc.cluster.local.\n", 0),
    (["1.100.96.10.in-addr.arpa", "--type", "PTR"], "web.default.svc.cluster.local.\n", 0),
    (["web.default.svc.cluster.local", "--type", "AAAA"], "", 0),
    (["web"], ";; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN\n", 1),  # dig does not search
    (["10-244-1-5.default.pod.cluster.local"], "10.244.1.5\n", 0),
    (["nope.default.svc.cluster.local"], ";; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN\n", 1),
])
def test_dns(cluster, args, output, code):
    result = cluster("dns", *args)
    assert (result.output, result.exit_code) == (output, code)


POD = """apiVersion: v1
kind: Pod
metadata: {name: client, namespace: default}
spec:
  containers: [{name: c, image: busybox}]
"""


def test_dns_from_pod_uses_its_search_path(cluster, tmp_path):
    path = tmp_path / "pod.yaml"
    path.write_text(POD)
    assert cluster("apply", "-f", str(path)).exit_code == 0
    assert cluster("dns", "web", "--from", "client").output == "10.96.100.1\n"
    assert cluster("dns", "web.default", "--from", "client").output == "10.96.100.1\n"
    assert cluster("dns", "--resolv-conf", "--from", "client", "x").output == (
        "search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\n"
        "options ndots:5\n")
