"""init, node add, cordon, drain and node faults through the real CLI, with kubectl's exact output."""
from __future__ import annotations

import json
import re

import yaml

from tests.cli.conftest import DEPLOYMENT

BARE = """apiVersion: v1
kind: Pod
metadata:
  name: bare
spec:
  containers:
  - name: app
    image: busybox
"""


def deployment(replicas: int = 3, annotations: str = "{}") -> str:
    return DEPLOYMENT.format(replicas=replicas, annotations=annotations)


def pdb(rule: str) -> str:
    return ("apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\n"
            f"spec:\n  {rule}\n  selector:\n    matchLabels: {{app: web}}\n")


def pods_by_node(lk) -> dict[str, list[str]]:
    """{node: [pod names]} from `get pods -o wide --no-headers` (Running pods only)."""
    out: dict[str, list[str]] = {}
    for line in lk("get", "pods", "-o", "wide", "--no-headers").stdout.splitlines():
        cols = line.split()
        if cols[2] == "Running":
            out.setdefault(cols[6], []).append(cols[0])
    return out


def system_pods(lk, node: str, *prefixes: str) -> list[str]:
    """`namespace/name` of kube-system's and kube-flannel's pods on `node` whose names start with a prefix."""
    rows = [line.split() for line in lk("get", "pods", "-A", "-o", "wide", "--no-headers").stdout.splitlines()]
    return [f"{r[0]}/{r[1]}" for r in rows if r[7] == node and r[0] != "default" and r[1].startswith(prefixes)]


def daemon_pods(lk, node: str) -> str:
    """The DaemonSets' pods on `node` (kube-flannel's, kube-proxy's) as drain lists them."""
    return ", ".join(system_pods(lk, node, "kube-flannel-ds-", "kube-proxy-"))


def evictions(pods: list[str]) -> tuple[str, str]:
    """(the `evicting pod` lines, the `evicted` lines) of drain for `namespace/name`s."""
    return ("".join(f"evicting pod {p}\n" for p in pods), "".join(f"pod/{p.split('/')[1]} evicted\n" for p in pods))


def mask(text: str) -> str:
    """Replace the random pod suffixes of `web-<hash>-<suffix>` with fixed placeholders."""
    return re.sub(r"web-[a-z0-9]{6,10}-[a-z0-9]{5}", "web-POD", text)


class TestInit:
    def test_init_creates_the_nodes(self, lk):
        result = lk("init", "--nodes", "2", "--cpu", "2", "--memory", "8Gi")
        assert (result.exit_code, result.stdout) == (0, f"cluster created in {lk.db} with 2 nodes\n")
        assert lk("get", "nodes").stdout == ("NAME     STATUS   ROLES    AGE   VERSION\n"
                                             "node-1   Ready    <none>   5s    v1.32.0\n"
                                             "node-2   Ready    <none>   5s    v1.32.0\n")
        capacity = json.loads(lk("get", "node", "node-1", "-o", "json").stdout)["status"]["capacity"]
        assert (capacity["cpu"], capacity["memory"], capacity["pods"]) == ("2", "8Gi", "110")

    def test_init_runs_the_system_components(self, lk):
        """As on kind with flannel: CoreDNS's 2 pods behind kube-dns, kube-proxy and flannel on every node,
        the DaemonSets' pods on the node's own IP (hostNetwork)."""
        assert lk("init", "--nodes", "2").exit_code == 0
        assert lk("get", "pods", "-A", "-o", "wide").stdout == (
            "NAMESPACE      NAME                       READY   STATUS    RESTARTS   AGE   IP           NODE     "
            "NOMINATED NODE   READINESS GATES\n"
            "kube-flannel   kube-flannel-ds-777qp      1/1     Running   0          5s    172.18.0.3   node-2   "
            "<none>           <none>\n"
            "kube-flannel   kube-flannel-ds-87fb9      1/1     Running   0          5s    172.18.0.2   node-1   "
            "<none>           <none>\n"
            "kube-system    coredns-7499bf7c45-fcqr9   1/1     Running   0          5s    10.244.1.2   node-2   "
            "<none>           <none>\n"
            "kube-system    coredns-7499bf7c45-zctrt   1/1     Running   0          5s    10.244.0.2   node-1   "
            "<none>           <none>\n"
            "kube-system    kube-proxy-cdpwp           1/1     Running   0          5s    172.18.0.2   node-1   "
            "<none>           <none>\n"
            "kube-system    kube-proxy-j64z2           1/1     Running   0          5s    172.18.0.3   node-2   "
            "<none>           <none>\n")
        assert lk("get", "svc", "kube-dns", "-n", "kube-system").stdout == (
            "NAME       TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)                  AGE\n"
            "kube-dns   ClusterIP   10.96.0.10   <none>        53/UDP,53/TCP,9153/TCP   5s\n")

    def test_kube_dns_on_another_service_cidr(self, lk):
        assert lk("init", "--nodes", "1", "--service-cidr", "10.100.0.0/16").exit_code == 0
        assert lk("get", "svc", "kube-dns", "-n", "kube-system", "-o", "jsonpath={.spec.clusterIP}").stdout == \
            "10.100.0.10"

    def test_one_node_is_singular_and_init_twice_fails(self, lk):
        assert lk("init", "--nodes", "1").stdout == f"cluster created in {lk.db} with 1 node\n"
        again = lk("init")
        assert (again.exit_code, again.stderr) == (
            1, f"error: the database {lk.db} already holds a cluster; use another --db\n")

    def test_a_fresh_database_has_three_nodes(self, lk):
        assert lk("get", "nodes", "-o", "name").stdout == "node/node-1\nnode/node-2\nnode/node-3\n"

    def test_listing_one_node_as_json_is_still_a_list(self, lk):
        """kubectl prints a List for `get TYPE` even when one object matches; only `get TYPE NAME` is bare."""
        lk("init", "--nodes", "1")
        listing = json.loads(lk("get", "nodes", "-o", "json").stdout)
        assert listing["kind"] == "List"
        assert [n["metadata"]["name"] for n in listing["items"]] == ["node-1"]


class TestNodeAdd:
    def test_labels_taints_and_wide_columns(self, lk):
        lk("init", "--nodes", "1")
        result = lk("node", "add", "gpu", "--cpu", "8", "--labels", "zone=a,disk=ssd",
                    "--taints", "dedicated=gpu:NoSchedule,maint:NoExecute")
        assert (result.exit_code, result.stdout) == (0, "node/gpu created\n")
        assert lk("get", "nodes", "-o", "wide").stdout == (
            "NAME     STATUS   ROLES    AGE   VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE             "
            "KERNEL-VERSION   CONTAINER-RUNTIME\n"
            "gpu      Ready    <none>   1s    v1.32.0   172.18.0.3    <none>        Ubuntu 24.04.1 LTS   "
            "6.8.0-litekube   containerd://1.7.0\n"
            "node-1   Ready    <none>   6s    v1.32.0   172.18.0.2    <none>        Ubuntu 24.04.1 LTS   "
            "6.8.0-litekube   containerd://1.7.0\n")
        assert lk("get", "nodes", "-l", "zone=a,disk=ssd", "-o", "name").stdout == "node/gpu\n"
        node = yaml.safe_load(lk("get", "node", "gpu", "-o", "yaml").stdout)
        assert node["spec"]["taints"] == [{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"},
                                          {"key": "maint", "effect": "NoExecute"}]
        assert node["status"]["capacity"]["cpu"] == "8"
        described = lk("describe", "node", "gpu").stdout
        # kubectl describe sorts taints by effect, then key
        assert "Taints:             maint:NoExecute\n                    dedicated=gpu:NoSchedule\n" in described

    def test_a_taint_keeps_pods_away(self, lk):
        lk("init", "--nodes", "0")
        lk("node", "add", "gpu", "--taints", "dedicated=gpu:NoSchedule")
        lk("apply", "-f", "-", input=BARE)
        assert lk("get", "pods", "--no-headers").stdout.split() == ["bare", "0/1", "Pending", "0", "0s"]
        events = lk("get", "events", "--field-selector", "involvedObject.name=bare").stdout
        assert events == (
            "LAST SEEN   TYPE      REASON             OBJECT     MESSAGE\n"
            "0s          Warning   FailedScheduling   pod/bare   0/1 nodes are available: 1 node(s) had untolerated "
            "taint {dedicated: gpu}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for "
            "scheduling..\n")


class TestCordon:
    def test_cordon_and_uncordon(self, lk):
        lk("init", "--nodes", "2")
        assert lk("cordon", "node-1").stdout == "node/node-1 cordoned\n"
        again = lk("cordon", "node-1")
        assert (again.exit_code, again.stdout) == (0, "node/node-1 already cordoned\n")
        assert lk("get", "nodes").stdout == ("NAME     STATUS                     ROLES    AGE   VERSION\n"
                                             "node-1   Ready,SchedulingDisabled   <none>   5s    v1.32.0\n"
                                             "node-2   Ready                      <none>   5s    v1.32.0\n")
        lk("apply", "-f", "-", input=deployment(2))
        assert set(pods_by_node(lk)) == {"node-2"}
        assert lk("uncordon", "node-1").stdout == "node/node-1 uncordoned\n"
        assert lk("uncordon", "node-1").stdout == "node/node-1 already uncordoned\n"
        assert lk("get", "nodes", "--no-headers").stdout.split()[1] == "Ready"

    def test_cordon_an_unknown_node(self, lk):
        missing = lk("cordon", "nosuch")
        assert (missing.exit_code, missing.stderr) == (1, 'Error from server (NotFound): nodes "nosuch" not found\n')


class TestDrain:
    def test_drain_evicts_and_the_pods_come_back_elsewhere(self, lk):
        lk("apply", "-f", "-", input=deployment(3))
        on_node_1 = pods_by_node(lk)["node-1"]
        assert len(on_node_1) == 1
        dns = evictions(system_pods(lk, "node-1", "coredns-"))  # CoreDNS's pods are evicted as any others
        refused = lk("drain", "node-1")  # kube-proxy and flannel run on every node
        assert (refused.exit_code, refused.stderr) == (1, (
            'error: unable to drain node "node-1" due to error: cannot delete DaemonSet-managed Pods (use '
            f"--ignore-daemonsets to ignore): {daemon_pods(lk, 'node-1')}, continuing command...\n"
            "There are pending nodes to be drained:\n node-1\n"
            f"cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): {daemon_pods(lk, 'node-1')}\n"))
        result = lk("drain", "node-1", "--ignore-daemonsets")
        assert result.exit_code == 0, result.output
        victim = on_node_1[0]
        assert result.stdout == (f"node/node-1 already cordoned\n"
                                 f"evicting pod default/{victim}\n{dns[0]}"
                                 f"pod/{victim} evicted\n{dns[1]}node/node-1 drained\n")
        # kubectl prints the warning on stderr (recorded from kubectl v1.32.4 through `litekube serve`)
        assert result.stderr == f"Warning: ignoring DaemonSet-managed Pods: {daemon_pods(lk, 'node-1')}\n"
        placed = pods_by_node(lk)
        assert "node-1" not in placed and sum(map(len, placed.values())) == 3
        assert lk("get", "node", "node-1", "--no-headers").stdout.split()[1] == "Ready,SchedulingDisabled"

    def test_a_pod_without_controller_needs_force(self, lk):
        lk("init", "--nodes", "1")
        lk("apply", "-f", "-", input=BARE)
        daemons, dns = daemon_pods(lk, "node-1"), evictions(system_pods(lk, "node-1", "coredns-"))
        refused = lk("drain", "node-1")
        assert refused.exit_code == 1
        assert refused.stdout == "node/node-1 cordoned\n"
        assert refused.stderr == (  # an aggregate of two errors, then each on its line
            'error: unable to drain node "node-1" due to error: [cannot delete Pods that declare no controller '
            "(use --force to override): default/bare, cannot delete DaemonSet-managed Pods (use --ignore-daemonsets "
            f"to ignore): {daemons}], continuing command...\n"
            "There are pending nodes to be drained:\n node-1\n"
            "cannot delete Pods that declare no controller (use --force to override): default/bare\n"
            f"cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): {daemons}\n")
        assert lk("get", "pods", "-o", "name").stdout == "pod/bare\n"
        forced = lk("drain", "node-1", "--force", "--ignore-daemonsets")
        assert forced.stderr == (f"Warning: deleting Pods that declare no controller: default/bare; ignoring "
                                 f"DaemonSet-managed Pods: {daemons}\n")
        assert (forced.exit_code, forced.stdout) == (0, (
            "node/node-1 already cordoned\n"
            f"evicting pod default/bare\n{dns[0]}"
            f"pod/bare evicted\n{dns[1]}"
            "node/node-1 drained\n"))
        assert lk("get", "pods").stderr == "No resources found in default namespace.\n"

    def test_a_disruption_budget_blocks_then_allows(self, lk):
        """Two pods on node-1, maxUnavailable 1: the second eviction waits for the first replacement."""
        lk("init", "--nodes", "2")
        lk("cordon", "node-2")
        lk("apply", "-f", "-", input=deployment(2, "{sim.litekube.io/ready-after: 10s}"))
        lk("uncordon", "node-2")
        lk("apply", "-f", "-", input=pdb("maxUnavailable: 1"))
        assert lk("get", "pdb").stdout == ("NAME   MIN AVAILABLE   MAX UNAVAILABLE   ALLOWED DISRUPTIONS   AGE\n"
                                           "web    N/A             1                 1                     0s\n")
        first, second = pods_by_node(lk)["node-1"]
        dns = evictions(system_pods(lk, "node-1", "coredns-"))
        refusal = (f'error when evicting pods/"{second}" -n "default" (will retry after 5s): Cannot evict pod as it '
                   "would violate the pod's disruption budget.\n")
        result = lk("drain", "node-1", "--ignore-daemonsets")
        assert result.exit_code == 0, result.output
        assert result.stderr == (f"Warning: ignoring DaemonSet-managed Pods: {daemon_pods(lk, 'node-1')}\n"
                                 + refusal * 3)  # the replacement is Ready 10s after it starts
        assert result.stdout == (
            "node/node-1 cordoned\n"
            f"evicting pod default/{first}\n"
            f"evicting pod default/{second}\n"
            f"{dns[0]}"
            f"evicting pod default/{second}\n"
            f"evicting pod default/{second}\n"
            f"evicting pod default/{second}\n"
            f"pod/{first} evicted\n"
            f"{dns[1]}"
            f"pod/{second} evicted\n"
            "node/node-1 drained\n")
        assert [len(v) for v in pods_by_node(lk).values()] == [2] and "node-2" in pods_by_node(lk)

    def test_a_budget_that_never_allows_times_out(self, lk):
        lk("init", "--nodes", "1")
        lk("apply", "-f", "-", input=deployment(1))
        lk("apply", "-f", "-", input=pdb("minAvailable: 1"))
        coredns = system_pods(lk, "node-1", "coredns-")
        dns = evictions(coredns)
        result = lk("drain", "node-1", "--timeout", "12s", "--ignore-daemonsets")
        assert result.exit_code == 1
        refusal = ('error when evicting pods/"web-POD" -n "default" (will retry after 5s): Cannot evict pod as it '
                   "would violate the pod's disruption budget.\n")
        # As kubectl v1.32.4 (checked through `litekube serve`): tries at 0, 5 and 10s are refused; the
        # try at 15s prints `evicting pod` and meets the timeout. CoreDNS's evicted pods are still
        # terminating (30s of grace): their waits failed at the deadline, first.
        assert mask(result.stdout) == ("node/node-1 cordoned\n"
                                       + "evicting pod default/web-POD\n" + dns[0]
                                       + "evicting pod default/web-POD\n" * 3)
        waits = [f'error when waiting for pod "{p.split("/")[1]}" in namespace "kube-system" to terminate: '
                 "context deadline exceeded" for p in coredns]
        failures = waits + ['error when evicting pods/"web-POD" -n "default": global timeout reached: 12s']
        summary = f"[{', '.join(failures)}]"
        assert mask(result.stderr) == (
            f"Warning: ignoring DaemonSet-managed Pods: {daemon_pods(lk, 'node-1')}\n" + refusal * 3
            + f'There are pending pods in node "node-1" when an error occurred: {summary}\n'
            + "pod/web-POD\n" + "".join(f"pod/{p.split('/')[1]}\n" for p in sorted(coredns))
            + f'error: unable to drain node "node-1" due to error: {summary}, continuing command...\n'
            "There are pending nodes to be drained:\n node-1\n" + "".join(f + "\n" for f in failures))


class TestNodeFaults:
    def test_node_down_evicts_after_the_toleration_and_node_up_recovers(self, lk):
        lk("apply", "-f", "-", input=deployment(3))
        lost = pods_by_node(lk)["node-1"][0]
        assert lk("fault", "node-down", "node-1").stdout == "node/node-1 is down\n"
        assert lk("get", "node", "node-1", "--no-headers").stdout.split()[1] == "Ready"  # the grace period runs
        assert lk("advance", "6m").exit_code == 0
        assert lk("get", "nodes", "--no-headers").stdout.split()[1::5] == ["NotReady", "Ready", "Ready"]
        rows = {r.split()[0]: r.split() for r in lk("get", "pods", "-o", "wide", "--no-headers").stdout.splitlines()}
        assert rows[lost][2] == "Terminating" and rows[lost][6] == "node-1"  # its kubelet is dead: it stays
        running = [r for r in rows.values() if r[2] == "Running"]
        assert len(running) == 3 and {r[6] for r in running} <= {"node-2", "node-3"}
        events = lk("get", "events", "--field-selector", f"involvedObject.name={lost}").stdout
        assert [line.split(None, 3)[1:] for line in events.splitlines()[1:] if "TaintManagerEviction" in line] == [
            ["Normal", "TaintManagerEviction", f"pod/{lost}   Marking for deletion Pod default/{lost}"]]
        assert lk("fault", "node-up", "node-1").stdout == "node/node-1 is up\n"
        assert lk("get", "nodes", "--no-headers").stdout.split()[1::5] == ["Ready", "Ready", "Ready"]
        assert lost not in lk("get", "pods", "-o", "name").stdout
        assert len(lk("get", "pods", "--no-headers").stdout.splitlines()) == 3

    def test_a_node_that_never_reports_is_unknown_then_not_ready(self, lk):
        """No Ready condition prints Unknown; the node lifecycle controller marks it Unknown (NotReady) later."""
        lk("init", "--nodes", "1")
        lk("apply", "-f", "-", input="apiVersion: v1\nkind: Node\nmetadata:\n  name: ghost\n"
                                     "  annotations: {sim.litekube.io/down: \"true\"}\n")
        assert lk("get", "nodes").stdout == ("NAME     STATUS    ROLES    AGE   VERSION\n"
                                             "ghost    Unknown   <none>   0s\n"  # litekube trims trailing blanks
                                             "node-1   Ready     <none>   5s    v1.32.0\n")
        # The startup grace period is 60s and "stale" means strictly after it, as upstream.
        lk("advance", "2m")
        assert lk("get", "node", "ghost", "--no-headers").stdout.split()[:2] == ["ghost", "NotReady"]


class TestClusterNetwork:
    def test_init_sets_the_pod_network(self, lk):
        result = lk("init", "--nodes", "2", "--cluster-cidr", "10.0.0.0/8", "--node-cidr-mask-size", "20")
        assert result.exit_code == 0, result.output
        import json
        node = json.loads(lk("get", "node", "node-2", "-o", "json").stdout)
        assert node["spec"]["podCIDR"] == "10.0.16.0/20"

    def test_init_refuses_what_kubeadm_refuses(self, lk):
        result = lk("init", "--cluster-cidr", "10.0.0.0/8", "--node-cidr-mask-size", "25")
        assert (result.exit_code, result.stderr) == (
            1, 'error: networking.podSubnet: Invalid value: "10.0.0.0/8": pod subnet mask (8) and node-mask (25) '
               "difference is greater than 16\n")
