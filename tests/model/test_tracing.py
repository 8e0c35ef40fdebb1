"""The request trace as pure functions: kube-proxy's split, the invariants, URL parsing, fuzzed input.

A cluster is built by hand (Nodes with pod CIDRs, Pods with IPs, a Service
with its ClusterIP and EndpointSlice) and traced without a store.
"""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from litekube.api import curling
from litekube.model.network import iptables, netfilter, tracing, urls


def _node(i: int) -> dict:
    return {"kind": "Node", "metadata": {"name": f"node-{i + 1}"}, "spec": {"podCIDR": f"10.244.{i}.0/24"},
            "status": {"conditions": [{"type": "Ready", "status": "True"}]}}


def _pod(name: str, node: int, ip: str, labels: dict, ready: bool = True) -> dict:
    return {"kind": "Pod", "metadata": {"name": name, "namespace": "default", "labels": labels},
            "spec": {"nodeName": f"node-{node + 1}", "containers": [
                {"name": "app", "ports": [{"containerPort": 8080, "protocol": "TCP"}]}]},
            "status": {"phase": "Running", "podIP": ip, "conditions": [
                {"type": "Ready", "status": "True" if ready else "False"}]}}


def _network(endpoints: list[tuple[int, bool]], nodes: int = 3) -> tuple[tracing.Network, dict[str, bool]]:
    """A Service `web` (10.96.1.1:80 -> 8080) over pods placed on the given nodes, ready or not."""
    pods, slice_endpoints, readiness = [], [], {}
    client = _pod("client", 0, "10.244.0.250", {"app": "client"})
    for i, (node, ready) in enumerate(endpoints):
        ip = f"10.244.{node}.{i + 2}"
        pods.append(_pod(f"web-{i}", node, ip, {"app": "web"}, ready))
        slice_endpoints.append({"addresses": [ip], "conditions": {"ready": ready, "serving": ready,
                                                                   "terminating": False},
                                "nodeName": f"node-{node + 1}", "targetRef": {"kind": "Pod", "name": f"web-{i}",
                                                                              "namespace": "default"}})
        readiness[f"default/web-{i}"] = ready
    svc = {"kind": "Service", "metadata": {"name": "web", "namespace": "default"},
           "spec": {"clusterIP": "10.96.1.1", "selector": {"app": "web"},
                    "ports": [{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}]}}
    eps = {"kind": "EndpointSlice", "metadata": {"name": "web-x", "namespace": "default",
                                                 "labels": {"kubernetes.io/service-name": "web"}},
           "addressType": "IPv4", "ports": [{"name": "http", "port": 8080, "protocol": "TCP"}],
           "endpoints": slice_endpoints}
    node_objs = [_node(i) for i in range(nodes)]
    net = tracing.Network([svc], [eps], node_objs, [client, *pods], [], [], set(),
                          {f"node-{i + 1}": f"172.18.0.{i + 2}" for i in range(nodes)})
    return net, readiness


ORIGINS = st.one_of(st.just(tracing.Origin("pod", "client", "default")),
                    st.integers(1, 3).map(lambda i: tracing.Origin("node", f"node-{i}")))
ENDPOINTS = st.lists(st.tuples(st.integers(0, 2), st.booleans()), min_size=0, max_size=12)


class TestKubeProxySplit:
    @pytest.mark.parametrize("n", [1, 2, 3, 7, 10])
    def test_each_endpoint_gets_one_nth(self, n):
        """The statistic chain 1/n, 1/(n-1), ..., 1 gives every endpoint the same share."""
        net, _ = _network([(i % 3, True) for i in range(n)])
        pkt = netfilter.Packet("10.244.0.250", "10.96.1.1", 80)
        outcomes = net.tables("node-1").walk(pkt, curling.every()[0])
        assert len(outcomes) == n and {o.verdict for o in outcomes} == {"DNAT"}
        assert all(math.isclose(o.probability, 1 / n, rel_tol=1e-8) for o in outcomes)
        assert sorted(o.to for o in outcomes) == sorted(f"10.244.{i % 3}.{i + 2}:8080" for i in range(n))

    def test_probabilities_are_the_rules(self):
        assert iptables.probability(3) == "0.3333333333"

    def test_no_endpoints_rejects(self):
        net, _ = _network([])
        [outcome] = net.tables("node-2").walk(netfilter.Packet("10.244.0.250", "10.96.1.1", 80), curling.every()[0])
        assert outcome.verdict == "REJECT" and outcome.rules[-1].endswith("-j REJECT")

    def test_other_port_is_untouched(self):
        net, _ = _network([(1, True)])
        [outcome] = net.tables("node-2").walk(netfilter.Packet("10.244.0.250", "10.96.1.1", 81), curling.every()[0])
        assert outcome.verdict is None


@settings(max_examples=60, deadline=None)
@given(endpoints=ENDPOINTS, origin=ORIGINS, seed=st.integers(0, 2**32))
def test_a_curl_to_a_service_with_ready_endpoints_ends_on_one_of_them(endpoints, origin, seed):
    """Invariant: seeded, the request ends on a ready endpoint's pod; --all, on each of them, probabilities summing
    to 1; with none ready, kube-proxy refuses it."""
    net, readiness = _network(endpoints)
    ready = {pod for pod, ok in readiness.items() if ok}
    request = tracing.Request("http://10.96.1.1/", origin=origin)
    [path] = tracing.trace(net, request, *curling.seeded(seed)).paths
    if not ready:
        assert path.exit_code == 7 and path.status is None
        return
    assert path.status == 200 and path.pod in ready
    every = tracing.trace(net, request, *curling.every()).paths
    assert {p.pod for p in every} == ready and all(p.status == 200 for p in every)
    assert math.isclose(sum(p.probability for p in every), 1.0, rel_tol=1e-8)


class TestUrls:
    @pytest.mark.parametrize("url,expected", [
        ("foo.bar.com", ("http", "foo.bar.com", 80, "/", "")),
        ("http://FOO.bar.com:8080/a/b?x=1#frag", ("http", "foo.bar.com", 8080, "/a/b", "x=1")),
        ("https://[::1]/x", ("https", "::1", 443, "/x", "")),
        ("http://user:pw@host/", ("http", "host", 80, "/", "")),
        ("http://host/a/b/c/./../../g", ("http", "host", 80, "/a/g", "")),  # RFC 3986 5.4.2
        ("http://host/mid/content=5/../6", ("http", "host", 80, "/mid/6", "")),
        ("http://host/a/..", ("http", "host", 80, "/", "")),
        ("http://host:/x", ("http", "host", 80, "/x", "")),
        ("http://host:0/", ("http", "host", 0, "/", "")),
        ("http://host:65535/", ("http", "host", 65535, "/", "")),
    ])
    def test_parse(self, url, expected):
        u = urls.parse(url)
        assert (u.scheme, u.host, u.port, u.path, u.query) == expected

    @pytest.mark.parametrize("url,code", [
        ("gopher://x/", 1), ("http://", 3), ("http://a b/", 3), ("http://x:65536/", 3), ("http://x:8o/", 3),
        ("http://[::1/", 3), ("", 3), ("http://x/\n", 3),
    ])
    def test_refused(self, url, code):
        with pytest.raises(urls.CurlError) as caught:
            urls.parse(url)
        assert caught.value.code == code

    def test_host_header_and_location(self):
        assert urls.host_header(urls.parse("http://h/")) == "h"
        assert urls.host_header(urls.parse("http://h:8080/")) == "h:8080"
        assert urls.host_header(urls.parse("https://[::1]:8443/")) == "[::1]:8443"
        assert urls.location_path("/a//b/%66oo") == "/a/b/foo"

    @pytest.mark.parametrize("entry,expected", [
        ("foo.bar.com:80:172.18.255.200", ("foo.bar.com", 80, "172.18.255.200")),
        ("h:443:[::1]", ("h", 443, "::1")),
    ])
    def test_resolve_entries(self, entry, expected):
        assert urls.resolve_entry(entry) == expected

    @pytest.mark.parametrize("entry", ["h:80", "h::1.2.3.4", ":80:1.2.3.4", "h:x:1.2.3.4", "h:70000:1.2.3.4",
                                       "h:80:not-an-address"])
    def test_bad_resolve_entries(self, entry):
        with pytest.raises(ValueError):
            urls.resolve_entry(entry)


CURL_CODES = {0, 1, 3, 6, 7, 28, 35, 60}


@settings(max_examples=300, deadline=None)
@given(url=st.one_of(st.text(max_size=60),
                     st.builds(lambda scheme, host, port, path: f"{scheme}{host}{port}{path}",
                               st.sampled_from(["", "http://", "https://", "HTTP://", "ftp://", "http:/"]),
                               st.sampled_from(["10.96.1.1", "web", "web.default.svc.cluster.local", "[::1]",
                                                "172.18.0.2", "10.244.1.2", "", "a b", "%41"]),
                               st.sampled_from(["", ":80", ":8080", ":0", ":65536", ":x", ":"]),
                               st.text(alphabet="/.?#%a0 ", max_size=12))),
       host=st.one_of(st.none(), st.text(max_size=30)), origin=ORIGINS | st.just(tracing.Origin()))
def test_fuzzed_urls_and_hosts_end_as_curl_does(url, host, origin):
    """Any URL and Host header: a trace that ends in a response or one of curl's errors, never an exception."""
    net, _ = _network([(1, True), (2, False)])
    result = tracing.trace(net, tracing.Request(url, host, origin=origin), *curling.seeded(0))
    assert result.paths
    for path in result.paths:
        assert path.exit_code in CURL_CODES
        assert (path.status is None) == (path.error is not None)
        if path.error:
            assert str(path.error).startswith(f"curl: ({path.error.code}) ")


def _with_service(net_endpoints, **spec_changes):
    net, readiness = _network(net_endpoints)
    svc = net.services[0]
    svc = {**svc, "spec": {**svc["spec"], **spec_changes}}
    if svc["spec"].get("type") == "LoadBalancer":
        svc["spec"]["ports"] = [{**svc["spec"]["ports"][0], "nodePort": 30080}]
        svc["status"] = {"loadBalancer": {"ingress": [{"ip": "172.18.255.210", "ipMode": "VIP"}]}}
    return tracing.Network([svc], net.slices, net.nodes, net.pods, [], [], set(), net.node_ips), readiness


def test_source_ranges_drop_what_they_do_not_allow():
    """loadBalancerSourceRanges: KUBE-FW- lets 10.0.0.0/8 in; the host (172.18.0.1) is dropped: curl 28."""
    net, _ = _with_service([(1, True)], type="LoadBalancer", loadBalancerSourceRanges=["10.0.0.0/8"])
    [path] = tracing.trace(net, tracing.Request("http://172.18.255.210/"), *curling.seeded(0)).paths
    assert path.exit_code == 28
    proxy = next(h for h in path.hops if h["hop"] == "kube-proxy")
    assert proxy["verdict"] == "DROP" and proxy["rules"][-1].startswith("-A KUBE-PROXY-FIREWALL")
    net, _ = _with_service([(1, True)], type="LoadBalancer", loadBalancerSourceRanges=["172.18.0.0/16"])
    [path] = tracing.trace(net, tracing.Request("http://172.18.255.210/"), *curling.seeded(0)).paths
    assert path.status == 200


def test_client_ip_affinity_is_a_new_client():
    """sessionAffinity ClientIP: no `recent` entry for a new client, so the statistic split decides."""
    net, readiness = _with_service([(0, True), (1, True)], sessionAffinity="ClientIP")
    paths = tracing.trace(net, tracing.Request("http://10.96.1.1/", origin=tracing.Origin("node", "node-1")),
                          *curling.every()).paths
    assert {p.pod for p in paths} == set(readiness) and all(p.status == 200 for p in paths)
    assert any("-m recent --name" in rule for p in paths for h in p.hops for rule in h.get("rules", []))
