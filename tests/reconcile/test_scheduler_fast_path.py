"""The plain-pod fast path decides exactly as the full scheduling cycle does."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from litekube.reconcile.scheduler import classes, nodeinfo
from litekube.reconcile.scheduler import scheduling as scheduler
from litekube.reconcile.views import MemoryView

CPUS = st.sampled_from(["500m", "1", "2", "4"])
MEMORY = st.sampled_from(["512Mi", "1Gi", "4Gi", "16Gi"])
TAINTS = st.sampled_from([[], [], [{"key": "gpu", "value": "true", "effect": "NoSchedule"}],
                          [{"key": "node.kubernetes.io/not-ready", "effect": "NoExecute"}]])


def node(i: int, cpu: str, memory: str, pods: int, taints: list, cordoned: bool) -> dict:
    spec: dict = {"taints": taints} if taints else {}
    if cordoned:
        spec["unschedulable"] = True
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": f"n{i:03d}", "uid": f"n{i}", "labels": {}},
            "spec": spec, "status": {"allocatable": {"cpu": cpu, "memory": memory, "pods": str(pods)}}}


def pod(i: int, cpu: str | None, memory: str | None, node_name: str | None, tolerate: bool) -> dict:
    requests = {k: v for k, v in (("cpu", cpu), ("memory", memory)) if v}
    spec: dict = {"containers": [{"name": "c", "image": "x", "resources": {"requests": requests}}]}
    if node_name:
        spec["nodeName"] = node_name
    if tolerate:
        spec["tolerations"] = [{"key": "gpu", "operator": "Exists", "effect": "NoSchedule"}]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"p{i}", "namespace": "default", "uid": f"p{i}"},
            "spec": spec, "status": {"phase": "Running" if node_name else "Pending"}}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(CPUS, MEMORY, st.integers(1, 4), TAINTS, st.booleans()), min_size=1, max_size=120),
       st.lists(st.tuples(st.sampled_from([None, "100m", "250m", "1"]), st.sampled_from([None, "64Mi", "1Gi"]),
                          st.integers(0, 119), st.booleans()), max_size=40),
       st.tuples(st.sampled_from([None, "100m", "1500m"]), st.sampled_from([None, "128Mi", "2Gi"]), st.booleans()))
def test_fast_path_equals_full_cycle(node_specs, bound, incoming):
    nodes = [node(i, *spec) for i, spec in enumerate(node_specs)]
    pods = [pod(i, cpu, mem, nodes[n % len(nodes)]["metadata"]["name"], tol)
            for i, (cpu, mem, n, tol) in enumerate(bound)]
    view = MemoryView(nodes + pods)
    new = pod(999, incoming[0], incoming[1], None, incoming[2])
    view.put(new)
    all_nodes = scheduler._all_nodes(view)
    facts = nodeinfo.pod_facts(new)
    assert scheduler._plain(new, facts, view, all_nodes)
    fast = scheduler._schedule_plain(facts, view, all_nodes)
    full = scheduler.full_cycle(new, facts, view, all_nodes)
    if fast is None:
        assert full.node is None
    else:
        assert fast.node == full.node


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(CPUS, MEMORY, st.integers(1, 4), TAINTS, st.booleans()), min_size=1, max_size=130),
       st.lists(st.tuples(st.sampled_from([None, "100m", "250m", "1"]), st.sampled_from([None, "64Mi", "1Gi"]),
                          st.booleans()), min_size=1, max_size=25))
def test_node_classes_decide_as_the_scan_as_pods_bind(node_specs, incoming):
    """Pods placed one after another (each bound before the next): the classes, kept up to date
    incrementally, pick the scan's node, and describe a failure exactly as the full cycle."""
    nodes = [node(i, *spec) for i, spec in enumerate(node_specs)]
    view = MemoryView(nodes)
    for i, (cpu, mem, tol) in enumerate(incoming):
        new = pod(1000 + i, cpu, mem, None, tol)
        view.put(new)
        all_nodes = scheduler._all_nodes(view)
        facts = nodeinfo.pod_facts(new)
        grouped = classes.for_view(view, scheduler._all_nodes)
        scan = scheduler._schedule_plain(facts, view, all_nodes)
        decided = grouped.decide(facts, scheduler.num_feasible_nodes_to_find(len(all_nodes)))
        assert decided == (None if scan is None else scan.node)
        if decided is None:
            full = scheduler.full_cycle(new, facts, view, all_nodes)
            assert scheduler.schedule(new, view).message == full.message
            continue
        bound = {**new, "spec": {**new["spec"], "nodeName": decided}, "status": {"phase": "Running"}}
        view.put(bound)


DNS_AFFINITY = {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 100,
    "podAffinityTerm": {"labelSelector": {"matchExpressions": [
        {"key": "k8s-app", "operator": "In", "values": ["kube-dns"]}]}, "topologyKey": "kubernetes.io/hostname"}}]}}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(CPUS, MEMORY, st.integers(1, 4), TAINTS, st.booleans()), min_size=1, max_size=60),
       st.lists(st.tuples(st.sampled_from([None, "100m", "250m", "1"]), st.sampled_from([None, "64Mi", "1Gi"]),
                          st.integers(0, 59), st.booleans(), st.booleans()), max_size=30),
       st.tuples(st.sampled_from([None, "100m", "1500m"]), st.sampled_from([None, "128Mi", "2Gi"]), st.booleans()),
       st.booleans())
def test_terms_that_select_other_pods_keep_the_fast_path(node_specs, bound, incoming, is_dns):
    """Bound pods with CoreDNS's anti-affinity (which selects k8s-app=kube-dns only) leave a plain pod on the
    fast path, deciding as the full cycle; a pod their term selects takes the full cycle."""
    nodes = [node(i, *spec) for i, spec in enumerate(node_specs)]
    pods = []
    for i, (cpu, mem, n, tol, dns) in enumerate(bound):
        p = pod(i, cpu, mem, nodes[n % len(nodes)]["metadata"]["name"], tol)
        if dns:
            p["metadata"]["labels"] = {"k8s-app": "kube-dns"}
            p["spec"]["affinity"] = DNS_AFFINITY
        pods.append(p)
    view = MemoryView(nodes + pods)
    new = pod(999, incoming[0], incoming[1], None, incoming[2])
    if is_dns:
        new["metadata"]["labels"] = {"k8s-app": "kube-dns"}
    view.put(new)
    all_nodes = scheduler._all_nodes(view)
    facts = nodeinfo.pod_facts(new)
    selected = is_dns and any(dns for *_, dns in bound)
    assert scheduler._plain(new, facts, view, all_nodes) is not selected
    if selected:
        return
    fast = scheduler._schedule_plain(facts, view, all_nodes)
    full = scheduler.full_cycle(new, facts, view, all_nodes)
    assert (None if fast is None else fast.node) == full.node
