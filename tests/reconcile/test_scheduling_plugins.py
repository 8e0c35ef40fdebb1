"""The scheduler's plugins against kube-scheduler's own numbers and messages."""
from __future__ import annotations

import pytest

from litekube.model.resources import Requests
from litekube.reconcile.scheduler import filters, nodeinfo, scores
from litekube.reconcile.scheduler.filters import Code, Reason, Status


def node(name="n1", cpu="4", memory="16Gi", pods="110", labels=None, taints=None, unschedulable=False):
    spec: dict = {"taints": taints or []}
    if unschedulable:
        spec["unschedulable"] = True
    return {"kind": "Node", "metadata": {"name": name, "labels": labels or {}}, "spec": spec,
            "status": {"allocatable": {"cpu": cpu, "memory": memory, "pods": pods}}}


def pod(cpu=None, memory=None, **spec):
    requests = {k: v for k, v in (("cpu", cpu), ("memory", memory)) if v is not None}
    return {"kind": "Pod", "metadata": {"name": "p", "namespace": "default", "labels": {"app": "web"}},
            "spec": {"containers": [{"name": "c", "resources": {"requests": requests}}], **spec}}


class _Empty:
    """A view with no pods: every node empty."""

    def node_usage(self, name):
        return Requests(), Requests()

    def pods_on_node(self, name):
        return []


def run(p, n):
    return filters.run_filters(filters.CycleState(nodeinfo.pod_facts(p)), nodeinfo.node_facts(n), _Empty())


class TestLeastAllocated:
    @pytest.mark.parametrize("request_, alloc, used, want", [
        (Requests(3000, 5000), ("4000m", "10000"), Requests(), 37),
        (Requests(3000, 5000), ("6000m", "10000"), Requests(), 50),
        (Requests(0, 0), ("4000m", "10000"), Requests(), 100),
        (Requests(3000, 0), ("4000m", "10000"), Requests(3000, 5000), 25),   # cpu over: 0, memory 50
        (Requests(1000, 2000), ("10000m", "20000"), Requests(3000, 0), 75),  # cpu 60, memory 90
    ], ids=["upstream-node1-37", "upstream-node2-50", "empty-100", "cpu-overcommitted", "mixed"])
    def test_score(self, request_, alloc, used, want):
        n = nodeinfo.node_facts(node(cpu=alloc[0], memory=alloc[1]))
        assert scores.least_allocated(request_, n, used) == want

    def test_zero_allocatable_resource_is_left_out(self):
        n = nodeinfo.node_facts(node(cpu="0", memory="10000"))
        assert scores.least_allocated(Requests(1000, 5000), n, Requests()) == 50


class TestBalancedAllocation:
    @pytest.mark.parametrize("request_, alloc, want", [
        (Requests(3000, 5000), ("4000m", "10000"), 87),
        (Requests(3000, 5000), ("6000m", "10000"), 100),
        (Requests(0, 0), ("4000m", "10000"), 100),
        (Requests(8000, 0), ("4000m", "10000"), 50),  # fraction capped at 1
    ], ids=["upstream-87", "upstream-100", "nothing-requested", "capped"])
    def test_score(self, request_, alloc, want):
        n = nodeinfo.node_facts(node(cpu=alloc[0], memory=alloc[1]))
        assert scores.balanced_allocation(request_, n, Requests()) == want


class TestNormalize:
    @pytest.mark.parametrize("raw, reverse, want", [
        ([0, 0], True, [100, 100]),
        ([0, 0], False, [0, 0]),
        ([1, 2, 0], True, [50, 0, 100]),
        ([3, 1, 0], False, [100, 33, 0]),
    ], ids=["zero-reversed", "zero", "reversed", "scaled"])
    def test_default_normalize(self, raw, reverse, want):
        assert scores.default_normalize(raw, reverse) == want


class TestTaintToleration:
    @pytest.mark.parametrize("toleration, taint, tolerated", [
        ({"operator": "Exists"}, {"key": "a", "value": "b", "effect": "NoSchedule"}, True),
        ({"key": "a", "operator": "Exists"}, {"key": "a", "value": "b", "effect": "NoExecute"}, True),
        ({"key": "a", "value": "b"}, {"key": "a", "value": "b", "effect": "NoSchedule"}, True),
        ({"key": "a", "operator": "Equal", "value": "c"}, {"key": "a", "value": "b", "effect": "NoSchedule"}, False),
        ({"key": "a", "operator": "Exists", "effect": "NoExecute"}, {"key": "a", "effect": "NoSchedule"}, False),
        ({"key": "other", "operator": "Exists"}, {"key": "a", "effect": "NoSchedule"}, False),
    ], ids=["exists-empty-key", "exists-key-any-effect", "equal", "equal-wrong-value", "effect-mismatch",
            "key-mismatch"])
    def test_filter(self, toleration, taint, tolerated):
        status = run(pod(tolerations=[toleration]), node(taints=[taint]))
        want = None if tolerated else Status(
            Code.UNRESOLVABLE, (f"node(s) had untolerated taint {{{taint['key']}: {taint.get('value', '')}}}",))
        assert status == want

    def test_prefer_no_schedule_does_not_filter(self):
        assert run(pod(), node(taints=[{"key": "a", "effect": "PreferNoSchedule"}])) is None

    def test_score_counts_untolerated_prefer_no_schedule(self):
        nodes = [nodeinfo.node_facts(node("a", taints=[{"key": "x", "effect": "PreferNoSchedule"}])),
                 nodeinfo.node_facts(node("b"))]
        assert scores.taint_toleration(nodeinfo.pod_facts(pod()), nodes) == [0, 100]
        tolerant = nodeinfo.pod_facts(pod(tolerations=[{"key": "x", "operator": "Exists"}]))
        assert scores.taint_toleration(tolerant, nodes) == [100, 100]


class TestNodeUnschedulable:
    def test_cordoned_node_rejects(self):
        assert run(pod(), node(unschedulable=True)) == Status(Code.UNRESOLVABLE, (Reason.UNSCHEDULABLE,))

    def test_toleration_passes(self):
        t = {"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"}
        assert run(pod(tolerations=[t]), node(unschedulable=True)) is None


def affinity(*terms):
    return {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": list(terms)}}}


def expr(key, op, *values):
    e = {"key": key, "operator": op}
    if values:
        e["values"] = list(values)
    return {"matchExpressions": [e]}


class TestNodeAffinity:
    @pytest.mark.parametrize("term, labels, fits", [
        (expr("zone", "In", "a", "b"), {"zone": "a"}, True),
        (expr("zone", "In", "a"), {"zone": "c"}, False),
        (expr("zone", "NotIn", "a"), {}, True),
        (expr("zone", "NotIn", "a"), {"zone": "a"}, False),
        (expr("gpu", "Exists"), {"gpu": ""}, True),
        (expr("gpu", "DoesNotExist"), {"gpu": "1"}, False),
        (expr("cores", "Gt", "4"), {"cores": "8"}, True),
        (expr("cores", "Gt", "8"), {"cores": "8"}, False),
        (expr("cores", "Lt", "8"), {"cores": "4"}, True),
        (expr("cores", "Lt", "8"), {"cores": "x"}, False),
        ({"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["n1"]}]}, {}, True),
        ({"matchFields": [{"key": "metadata.name", "operator": "NotIn", "values": ["n1"]}]}, {}, False),
        ({}, {}, False),
    ], ids=["in", "in-miss", "notin-absent", "notin-hit", "exists", "doesnotexist", "gt", "gt-equal", "lt",
            "lt-not-int", "field-in", "field-notin", "empty-term-matches-nothing"])
    def test_required_terms(self, term, labels, fits):
        status = run(pod(affinity=affinity(term)), node(labels=labels))
        assert status == (None if fits else Status(Code.UNRESOLVABLE, (Reason.NODE_AFFINITY,)))

    def test_terms_are_ored(self):
        p = pod(affinity=affinity(expr("zone", "In", "a"), expr("zone", "In", "b")))
        assert run(p, node(labels={"zone": "b"})) is None

    def test_node_selector(self):
        assert run(pod(nodeSelector={"disk": "ssd"}), node(labels={"disk": "ssd"})) is None
        assert run(pod(nodeSelector={"disk": "ssd"}), node()) == Status(Code.UNRESOLVABLE, (Reason.NODE_AFFINITY,))

    def test_preferred_score_is_normalized(self):
        p = pod(affinity={"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 2, "preference": expr("zone", "In", "a")},
            {"weight": 6, "preference": expr("disk", "Exists")}]}})
        nodes = [nodeinfo.node_facts(node("a", labels={"zone": "a"})),
                 nodeinfo.node_facts(node("b", labels={"zone": "a", "disk": "x"})),
                 nodeinfo.node_facts(node("c"))]
        assert scores.node_affinity(nodeinfo.pod_facts(p), nodes) == [25, 100, 0]


class TestNodeResourcesFit:
    @pytest.mark.parametrize("cpu, memory, alloc, want", [
        ("1", "1Gi", ("4", "16Gi", "110"), ()),
        ("5", "1Gi", ("4", "16Gi", "110"), (Reason.INSUFFICIENT_CPU,)),
        ("5", "17Gi", ("4", "16Gi", "110"), (Reason.INSUFFICIENT_CPU, Reason.INSUFFICIENT_MEMORY)),
        ("1", "1Gi", ("4", "16Gi", "0"), (Reason.TOO_MANY_PODS,)),
        (None, None, ("0", "0", "1"), ()),
    ], ids=["fits", "cpu", "cpu-and-memory", "too-many-pods", "zero-request-always-fits"])
    def test_reasons(self, cpu, memory, alloc, want):
        status = run(pod(cpu, memory), node(cpu=alloc[0], memory=alloc[1], pods=alloc[2]))
        assert status == (None if not want else Status(Code.UNSCHEDULABLE, want))


class TestNodePorts:
    @pytest.mark.parametrize("wanted, used, conflict", [
        ({("0.0.0.0", "TCP", 80)}, {("10.0.0.1", "TCP", 80)}, True),
        ({("10.0.0.2", "TCP", 80)}, {("10.0.0.1", "TCP", 80)}, False),
        ({("10.0.0.2", "TCP", 80)}, {("0.0.0.0", "TCP", 80)}, True),
        ({("0.0.0.0", "UDP", 80)}, {("0.0.0.0", "TCP", 80)}, False),
    ], ids=["any-ip-vs-ip", "different-ips", "ip-vs-any", "different-protocol"])
    def test_conflict(self, wanted, used, conflict):
        assert filters.ports_conflict(frozenset(wanted), used) is conflict


class TestNumFeasibleNodes:
    @pytest.mark.parametrize("nodes, want", [(50, 50), (100, 100), (500, 230), (1000, 420), (3125, 781),
                                             (5000, 500), (6000, 300)],
                             ids=lambda v: str(v))
    def test_adaptive(self, nodes, want):
        from litekube.reconcile.scheduler.scheduling import num_feasible_nodes_to_find
        assert num_feasible_nodes_to_find(nodes) == want


def test_public_surface():
    assert set(filters.__all__) <= set(dir(filters))
    assert set(scores.__all__) <= set(dir(scores))
    assert set(nodeinfo.__all__) <= set(dir(nodeinfo))
