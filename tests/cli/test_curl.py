"""`litekube curl` through the real CLI, with exact output, on the samples/ingress cluster.

Three nodes, CoreDNS's two pods on node-1 and node-2; ingress-nginx's
controller pod on node-3 behind 172.18.255.200 (externalTrafficPolicy
Local, so MetalLB announces it from node-3); service1 (web, two pods on
node-1 and node-2) and service2 (web2, one pod on node-3); the docs'
simple-fanout-example and tls-example-ingress.
"""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from litekube.store import Store
from tests.cli.conftest import SAMPLES

WEB_1, WEB_2, WEB2 = "web-955cd6b54-5vfs6", "web-955cd6b54-j6vl4", "web2-f7d4c9f9c-8kxsq"
CONTROLLER = "ingress-nginx-controller-576ccd59fc-kjt6z"
LB = "172.18.255.200"
RESOLVE = ["--resolve", f"foo.bar.com:80:{LB}"]
TO_CONTROLLER = [
    "* From outside the cluster (172.18.0.1, the host on the node network)",
    f"*   Trying {LB}:80...",
    f"* {LB}:80 is the LoadBalancer IP of Service ingress-nginx/ingress-nginx-controller (port http)",
    f"* ARP {LB} is-at node-3 (172.18.0.4): MetalLB layer 2 announces it from node-3",
    "* node-3 kube-proxy (iptables): DNAT to 10.244.2.3:80",
    '*   -A KUBE-SERVICES -m comment --comment "ingress-nginx/ingress-nginx-controller:http loadbalancer IP" -m tcp '
    f"-p tcp -d {LB} --dport 80 -j KUBE-EXT-CG5I4G2RS3ZVWGLK",
    "*   -A KUBE-EXT-CG5I4G2RS3ZVWGLK -j KUBE-SVL-CG5I4G2RS3ZVWGLK",
    '*   -A KUBE-SVL-CG5I4G2RS3ZVWGLK -m comment --comment "ingress-nginx/ingress-nginx-controller:http -> '
    '10.244.2.3:80" -j KUBE-SEP-ANUN3PVETIGOGUYU',
    "*   -A KUBE-SEP-ANUN3PVETIGOGUYU -m comment --comment ingress-nginx/ingress-nginx-controller:http -m tcp -p tcp "
    "-j DNAT --to-destination 10.244.2.3:80",
    "* Route on node-3 to 10.244.2.3: 10.244.2.0/24 dev cni0 proto kernel scope link src 10.244.2.1 (same node, the "
    "cni0 bridge)",
    f"* Pod ingress-nginx/{CONTROLLER} on node-3: container controller, port 80 (http)",
]

EXTRA = """apiVersion: v1
kind: Service
metadata: {name: headless}
spec: {clusterIP: None, selector: {app: web}, ports: [{name: http, port: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: ext}
spec: {type: ExternalName, externalName: example.com}
---
apiVersion: v1
kind: Service
metadata: {name: local-lb}
spec: {type: LoadBalancer, externalTrafficPolicy: Local, selector: {app: none}, ports: [{port: 80}]}
"""
README = (SAMPLES.parent / "README.md").read_text()


def page(status: str) -> str:
    return (f"<html>\n<head><title>{status}</title></head>\n<body>\n<center><h1>{status}</h1></center>\n"
            "<hr><center>nginx</center>\n</body>\n</html>\n")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, cli_db):
    from tests.cli.conftest import Litekube

    lk = Litekube(tmp_path_factory.mktemp("curl") / "litekube.db")
    assert lk("init", "--nodes", "3").exit_code == 0
    assert lk("apply", "-f", str(SAMPLES / "ingress")).exit_code == 0
    empty = tmp_path_factory.mktemp("manifests") / "empty.yaml"
    empty.with_name("extra.yaml").write_text(EXTRA)
    empty.write_text("apiVersion: v1\nkind: Service\nmetadata: {name: empty}\n"
                     "spec: {selector: {app: none}, ports: [{name: 80-80, port: 80, targetPort: 80}]}\n")
    assert lk("apply", "-f", str(empty)).exit_code == 0
    assert lk("apply", "-f", str(empty.with_name("extra.yaml"))).exit_code == 0
    return lk


def test_through_the_ingress(cluster):
    """--resolve to the controller's LB IP; the Ingress rule; nginx to a web pod over flannel's vxlan."""
    result = cluster("curl", "http://foo.bar.com/foo", *RESOLVE, "--seed", "1")
    assert result.exit_code == 0
    assert result.stdout == f"litekube: pod default/{WEB_1} (10.244.0.3:8080) on node-1 answered GET /foo\n"
    assert result.stderr.splitlines() == [
        f"* Added foo.bar.com:80:{LB} to DNS cache (--resolve)",
        *TO_CONTROLLER,
        "* ingress-nginx: Host foo.bar.com, path /foo: Ingress default/simple-fanout-example, rule foo.bar.com /foo "
        "(Prefix) -> service1:4200",
        "* ingress-nginx upstream: endpoint 10.244.0.3:8080 (1 of 2, round robin)",
        "* Route on node-3 to 10.244.0.3: 10.244.0.0/24 via 10.244.0.0 dev flannel.1 onlink (vxlan to node-1 at "
        "172.18.0.2, FDB 36:97:1b:e6:e9:bb dst 172.18.0.2)",
        f"* Pod default/{WEB_1} on node-1: container hello-app, port 8080",
        f"* Connected to foo.bar.com ({LB}) port 80 (#0)",
        "> GET /foo HTTP/1.1", "> Host: foo.bar.com", "> User-Agent: curl/7.88.1", "> Accept: */*", ">",
        "< HTTP/1.1 200 OK",
        "< Content-Type: text/plain; charset=utf-8",
        "<",
    ]


def test_no_matching_rule_is_nginx_404(cluster):
    result = cluster("curl", f"http://{LB}/nothing", "-H", "Host: foo.bar.com")
    assert (result.exit_code, result.stdout) == (0, page("404 Not Found"))
    assert result.stderr.splitlines()[-10:] == [
        "* ingress-nginx: Host foo.bar.com, path /nothing: no rule matches (server foo.bar.com): the default backend",
        f"* Connected to {LB} ({LB}) port 80 (#0)",
        "> GET /nothing HTTP/1.1", "> Host: foo.bar.com", "> User-Agent: curl/7.88.1", "> Accept: */*", ">",
        "< HTTP/1.1 404 Not Found", "< Content-Type: text/html", "<"]
    failed = cluster("curl", f"http://{LB}/nothing", "-H", "Host: foo.bar.com", "-f", "-s")
    assert (failed.exit_code, failed.stdout, failed.stderr) == (22, "", "")
    shown = cluster("curl", f"http://{LB}/nothing", "-H", "Host: foo.bar.com", "-f")
    assert shown.stderr.splitlines()[-1] == "curl: (22) The requested URL returned error: 404"


def test_backend_without_ready_endpoints_is_503(lk):
    assert lk("init", "--nodes", "3").exit_code == 0
    assert lk("apply", "-f", str(SAMPLES / "ingress")).exit_code == 0
    assert lk("scale", "deployment", "web2", "--replicas=0").exit_code == 0
    result = lk("curl", f"http://{LB}/bar", "-H", "Host: foo.bar.com")
    assert (result.exit_code, result.stdout) == (0, page("503 Service Temporarily Unavailable"))
    assert "*   upstream default-service2-8080: no ready endpoints" in result.stderr.splitlines()


def test_unknown_name_from_outside(cluster):
    result = cluster("curl", "http://foo.bar.com/")
    assert (result.exit_code, result.stdout) == (6, "")
    assert result.stderr == ("* foo.bar.com: NXDOMAIN from the host's resolver\n"
                             "curl: (6) Could not resolve host: foo.bar.com\n")


def test_from_a_pod_by_short_name(cluster):
    """The pod's search path: service1 -> service1.default.svc.cluster.local, its ClusterIP, kube-proxy's split."""
    result = cluster("curl", "http://service1/", "--from", WEB2, "--seed", "3")
    assert result.exit_code == 0
    assert result.stdout == f"litekube: pod default/{WEB_1} (10.244.0.3:8080) on node-1 answered GET /\n"
    assert result.stderr.splitlines() == [
        "* service1.default.svc.cluster.local. A 10.96.1.2 (CoreDNS, kube-dns 10.96.0.10)",
        f"* From pod default/{WEB2} (10.244.2.2) on node-3",
        "*   Trying 10.96.1.2:80...",
        "* 10.96.1.2:80 is the ClusterIP of Service default/service1 (port http)",
        "* node-3 kube-proxy (iptables): DNAT to 10.244.0.3:8080",
        '*   -A KUBE-SERVICES -m comment --comment "default/service1:http cluster IP" -m tcp -p tcp -d 10.96.1.2 '
        "--dport 80 -j KUBE-SVC-KRATWRH3VO6L4LXW",
        '*   -A KUBE-SVC-KRATWRH3VO6L4LXW -m comment --comment "default/service1:http -> 10.244.0.3:8080" -m statistic '
        "--mode random --probability 0.5000000000 -j KUBE-SEP-3UOBT42YZWXPMRJW",
        "*   -A KUBE-SEP-3UOBT42YZWXPMRJW -m comment --comment default/service1:http -m tcp -p tcp -j DNAT "
        "--to-destination 10.244.0.3:8080",
        "* Route on node-3 to 10.244.0.3: 10.244.0.0/24 via 10.244.0.0 dev flannel.1 onlink (vxlan to node-1 at "
        "172.18.0.2, FDB 36:97:1b:e6:e9:bb dst 172.18.0.2)",
        f"* Pod default/{WEB_1} on node-1: container hello-app, port 8080",
        "* Connected to service1 (10.96.1.2) port 80 (#0)",
        "> GET / HTTP/1.1", "> Host: service1", "> User-Agent: curl/7.88.1", "> Accept: */*", ">",
        "< HTTP/1.1 200 OK", "< Content-Type: text/plain; charset=utf-8", "<"]


def test_nxdomain_along_the_search_path(cluster):
    result = cluster("curl", "http://nope/", "--from", WEB2)
    assert (result.exit_code, result.stdout) == (6, "")
    assert result.stderr.splitlines() == [
        "* nope.default.svc.cluster.local. NXDOMAIN", "* nope.svc.cluster.local. NXDOMAIN",
        "* nope.cluster.local. NXDOMAIN", "* nope. NXDOMAIN", "curl: (6) Could not resolve host: nope"]


def test_service_without_endpoints_is_refused(cluster):
    result = cluster("curl", "http://empty/", "--from", WEB2)
    assert (result.exit_code, result.stdout) == (7, "")
    assert result.stderr.splitlines()[-4:] == [
        "* node-3 kube-proxy (iptables): REJECT",
        '*   -A KUBE-SERVICES -m comment --comment "default/empty:80-80 has no endpoints" -m tcp -p tcp -d 10.96.1.4 '
        "--dport 80 -j REJECT",
        "* connect to empty port 80 failed: Connection refused",
        "curl: (7) Failed to connect to empty port 80 after 0 ms: Couldn't connect to server"]


def test_cluster_ip_is_not_routed_from_outside(cluster):
    result = cluster("curl", "http://10.96.1.2/")
    assert result.exit_code == 28
    assert result.stderr.splitlines()[-3:] == [
        "* 10.96.1.2 is not routed from outside the cluster",
        "* connect to 10.96.1.2 port 80 failed: Connection timed out",
        "curl: (28) Failed to connect to 10.96.1.2 port 80 after 127000 ms: Couldn't connect to server"]


def test_all_endpoints_with_their_probability(cluster):
    result = cluster("curl", "http://10.96.1.2/", "--from-node", "node-1", "--all")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line for line in lines if line.startswith(("* Path", "litekube:", "* Route"))] == [
        "* Path 1 of 2 (probability 0.5000)",
        "* Route on node-1 to 10.244.0.3: 10.244.0.0/24 dev cni0 proto kernel scope link src 10.244.0.1 (same node, "
        "the cni0 bridge)",
        f"litekube: pod default/{WEB_1} (10.244.0.3:8080) on node-1 answered GET /",
        "* Path 2 of 2 (probability 0.5000)",
        "* Route on node-1 to 10.244.1.3: 10.244.1.0/24 via 10.244.1.0 dev flannel.1 onlink (vxlan to node-2 at "
        "172.18.0.3, FDB 16:79:f5:9f:4d:f2 dst 172.18.0.3)",
        f"litekube: pod default/{WEB_2} (10.244.1.3:8080) on node-2 answered GET /"]
    assert lines[1:3] == ["* From node node-1 (172.18.0.2)", "*   Trying 10.96.1.2:80..."]
    # From the node itself kube-proxy masquerades (the source is outside the pod network).
    assert lines[6].endswith('! -s 10.244.0.0/16 -j KUBE-MARK-MASQ')


def test_json_trace(cluster):
    result = cluster("curl", "http://foo.bar.com/bar", *RESOLVE, "-o", "json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["exitCode"] == 0 and doc["resolve"]["via"] == "--resolve" and doc["resolve"]["address"] == LB
    [path] = doc["paths"]
    assert [h["hop"] for h in path["hops"]] == ["origin", "entry", "arp", "kube-proxy", "route", "pod", "ingress",
                                                "upstream", "route", "pod"]
    ingress = path["hops"][6]
    assert (ingress["ingress"], ingress["backend"], ingress["path"]) == ("default/simple-fanout-example",
                                                                         "service2:8080", "/bar")
    assert path["response"]["status"] == 200 and path["response"]["pod"] == f"default/{WEB2}"
    assert path["hops"][3]["to"] == "10.244.2.3:80" and path["hops"][3]["rules"][-1].endswith(
        "-j DNAT --to-destination 10.244.2.3:80")


def test_tls(cluster):
    resolve = ["--resolve", f"https-example.foo.com:443:{LB}"]
    redirect = cluster("curl", f"http://{LB}/a?b=1", "-H", "Host: https-example.foo.com")
    assert (redirect.exit_code, redirect.stdout) == (0, page("308 Permanent Redirect"))
    assert "< Location: https://https-example.foo.com/a?b=1" in redirect.stderr.splitlines()
    untrusted = cluster("curl", "https://https-example.foo.com/x", *resolve)
    assert untrusted.exit_code == 60
    assert untrusted.stderr.splitlines()[-2:] == [
        "* ingress-nginx presents testsecret-tls's certificate",
        "curl: (60) SSL certificate problem: unable to get local issuer certificate"]
    insecure = cluster("curl", "https://https-example.foo.com/x", *resolve, "-k", "--seed", "1")
    assert insecure.exit_code == 0 and insecure.stdout.endswith("answered GET /x\n")
    fake = cluster("curl", f"https://{LB}/x")
    assert fake.stderr.splitlines()[-1] == "curl: (60) SSL certificate problem: self-signed certificate"


@pytest.mark.parametrize("args,code,stderr", [
    (["ftp://x/"], 1, 'curl: (1) Protocol "ftp" not supported or disabled in libcurl\n'),
    (["http://a b/"], 3, "curl: (3) URL using bad/illegal format or missing URL\n"),
    (["http://x:99999/"], 3, "curl: (3) Port number was not a decimal number between 0 and 65535\n"),
])
def test_bad_urls(cluster, args, code, stderr):
    result = cluster("curl", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (code, "", stderr)


@pytest.mark.parametrize("args,message", [
    (["--from", "a", "--from-node", "b"], "Error: --from and --from-node cannot be used together"),
    (["--seed", "1", "--all"], "Error: --seed and --all cannot be used together"),
    (["--resolve", "bad"], "Error: Invalid value for '--resolve': expected HOST:PORT:ADDRESS, got 'bad'"),
])
def test_flag_errors(cluster, args, message):
    result = cluster("curl", "http://x/", *args)
    assert result.exit_code == 2 and result.stderr.splitlines()[-1] == message


def test_unknown_pod(cluster):
    result = cluster("curl", "http://x/", "--from", "nopod")
    assert (result.exit_code, result.stderr) == (1, 'Error from server (NotFound): pods "nopod" not found\n')


def test_only_reads(cluster):
    store = Store(str(cluster.db))
    before = store.revision()
    for args in (["http://foo.bar.com/foo", *RESOLVE], ["http://service1/", "--from", WEB2, "--all"]):
        assert cluster("curl", *args).exit_code == 0
    assert Store(str(cluster.db)).revision() == before


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.text(alphabet="/ab.%?#~-", max_size=20), host=st.text(max_size=25),
       scheme=st.sampled_from(["http", "https", "HTTP"]))
def test_fuzzed_requests_through_the_cli(cluster, path, host, scheme):
    """Any path and Host header, through the real command: curl's exit codes, a one-line curl error, no traceback."""
    result = cluster("curl", f"{scheme}://{LB}/{path}", "-H", f"Host: {host}", "-k", "--seed", "0")
    assert result.exit_code in (0, 3, 7, 28, 35, 60)
    if result.exit_code:
        assert result.stdout == "" and result.stderr.splitlines()[-1].startswith(f"curl: ({result.exit_code}) ")
    else:
        assert result.stdout


def test_readme_walk_is_what_curl_prints(cluster):
    """The README's walk of one request is this command's output, line for line."""
    command = "litekube curl http://foo.bar.com/foo --resolve foo.bar.com:80:172.18.255.200 --seed 1"
    block = README.split(f"$ {command}\n", 1)[1].split("```", 1)[0]
    result = cluster(*command.split()[1:])
    assert result.stderr + result.stdout == block


def test_headless_name_is_a_pod_address(cluster):
    result = cluster("curl", "http://headless:8080/", "--from", WEB_2)
    assert result.exit_code == 0
    assert result.stderr.splitlines()[:3] == [
        "* headless.default.svc.cluster.local. A 10.244.0.3 (CoreDNS, kube-dns 10.96.0.10)",
        f"* From pod default/{WEB_2} (10.244.1.3) on node-2",
        "*   Trying 10.244.0.3:8080..."]


def test_external_name_has_no_upstream_resolver(cluster):
    result = cluster("curl", "http://ext/", "--from", WEB_2)
    assert result.exit_code == 6
    assert result.stderr.splitlines()[:2] == ["* ext.default.svc.cluster.local. CNAME example.com.",
                                             "* example.com. NXDOMAIN"]


def test_local_load_balancer_without_local_endpoints_is_not_announced(cluster):
    result = cluster("curl", "http://172.18.255.201/")
    assert result.exit_code == 7
    assert result.stderr.splitlines()[-3:] == [
        "* no node announces it: MetalLB has no node with a ready local endpoint",
        "* connect to 172.18.255.201 port 80 failed: No route to host",
        "curl: (7) Failed to connect to 172.18.255.201 port 80 after 3000 ms: Couldn't connect to server"]


def test_pod_to_pod_across_nodes_and_a_closed_port(cluster):
    result = cluster("curl", "http://10.244.2.2:8080/x", "--from", WEB_2)
    assert result.exit_code == 0 and result.stdout.endswith("on node-3 answered GET /x\n")
    assert "* Route on node-2 to 10.244.2.2: 10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink (vxlan to node-3 at " \
           "172.18.0.4, FDB aa:4c:fe:8a:86:31 dst 172.18.0.4)" in result.stderr.splitlines()
    closed = cluster("curl", "http://10.244.2.2:9999/x", "--from", WEB_2)
    assert closed.exit_code == 7
    assert f"* Pod default/{WEB2} on node-3: no container listens on port 9999" in closed.stderr.splitlines()


def test_node_port_from_another_node(cluster):
    """node-1 to node-3's NodePort: routed over eth0, then node-3's KUBE-NODEPORTS (Local: its own controller)."""
    result = cluster("curl", "http://172.18.0.4:30086/foo", "-H", "Host: foo.bar.com", "--from-node", "node-1",
                     "--seed", "1")
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert lines[:5] == [
        "* From node node-1 (172.18.0.2)",
        "*   Trying 172.18.0.4:30086...",
        "* 172.18.0.4:30086 is NodePort 30086 of Service ingress-nginx/ingress-nginx-controller (port http) on node-3",
        "* Route on node-1 to 172.18.0.4: 172.18.0.0/16 dev eth0 (node node-3)",
        "* node-3 kube-proxy (iptables): DNAT to 10.244.2.3:80"]


def test_apiserver_through_the_kubernetes_service(cluster):
    result = cluster("curl", "https://kubernetes.default/", "--from", WEB_2, "-k")
    assert result.exit_code == 0 and '"reason": "Forbidden"' in result.stdout
    assert cluster("curl", "https://kubernetes.default/", "--from", WEB_2).exit_code == 60
    plain = cluster("curl", "http://kubernetes.default:443/", "--from", WEB_2)
    assert plain.stdout == "Client sent an HTTP request to an HTTPS server.\n"


def test_ipvs_and_host_gw(lk):
    """A cluster made with --proxy-mode ipvs --flannel-backend host-gw: the virtual server, the route via eth0."""
    assert lk("init", "--nodes", "2", "--proxy-mode", "ipvs", "--flannel-backend", "host-gw").exit_code == 0
    assert lk("apply", "-f", str(SAMPLES / "ingress")).exit_code == 0
    result = lk("curl", f"http://{LB}/foo", "-H", "Host: foo.bar.com", "--all")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line for line in lines if "ipvs" in line] == [
        f"* node-1 kube-proxy (ipvs): TCP  {LB}:80 rr -> 10.244.0.4:80 (Masq)"] * 2
    # service1's pods: one on node-1 beside the controller, one on node-2 (host-gw: via its address)
    assert [line for line in lines if line.startswith("* Route on node-1 to 10.244.1")] == [
        "* Route on node-1 to 10.244.1.3: 10.244.1.0/24 via 172.18.0.3 dev eth0 (node-2)"]


def test_loopback_and_node_ports_on_localhost(cluster):
    """From outside, the host's own loopback has nothing listening; on a node, localhost NodePorts are served."""
    result = cluster("curl", "http://localhost/")
    assert result.exit_code == 7
    assert result.stderr.splitlines()[0] == "* localhost is 127.0.0.1 (/etc/hosts)"
    node = cluster("curl", "http://127.0.0.1:30086/foo", "-H", "Host: foo.bar.com", "--from-node", "node-1",
                   "--seed", "1")
    assert node.exit_code == 0
    assert "-d 127.0.0.0/8 --dport 30086 -m nfacct --nfacct-name localhost_nps_accepted_pkts" in node.stderr


def test_search_path_of_a_pod_in_another_namespace(cluster):
    result = cluster("curl", "http://service1.default/", "--from", CONTROLLER, "-n", "ingress-nginx", "--seed", "0")
    assert result.exit_code == 0
    assert result.stderr.splitlines()[:3] == [
        "* service1.default.ingress-nginx.svc.cluster.local. NXDOMAIN",
        "* service1.default.svc.cluster.local. A 10.96.1.2 (CoreDNS, kube-dns 10.96.0.10)",
        f"* From pod ingress-nginx/{CONTROLLER} (10.244.2.3) on node-3"]
