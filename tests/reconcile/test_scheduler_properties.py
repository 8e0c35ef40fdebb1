"""Property: scheduling pods one at a time never overcommits a node or breaks its taints and selectors."""
from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from litekube.model import resources
from litekube.reconcile.base import Bind, Key
from litekube.reconcile.common import tolerations
from litekube.reconcile.scheduler import nodeinfo
from litekube.reconcile.scheduler import scheduling as scheduler
from litekube.reconcile.views import MemoryView

TAINTS = [{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"},
          {"key": "maint", "effect": "NoExecute"},
          {"key": "soft", "value": "x", "effect": "PreferNoSchedule"}]
TOLERATIONS = [{"key": "dedicated", "operator": "Equal", "value": "gpu"},
               {"key": "maint", "operator": "Exists", "effect": "NoExecute"},
               {"operator": "Exists"}]

nodes_st = st.lists(st.fixed_dictionaries({
    "cpu": st.sampled_from(["1", "2", "4", "500m"]),
    "memory": st.sampled_from(["1Gi", "4Gi", "16Gi"]),
    "pods": st.integers(0, 4),
    "zone": st.sampled_from(["a", "b", None]),
    "taints": st.lists(st.sampled_from(TAINTS), max_size=2, unique_by=lambda t: t["key"]),
    "unschedulable": st.booleans(),
}), min_size=0, max_size=5)

pods_st = st.lists(st.fixed_dictionaries({
    "cpu": st.sampled_from([None, "100m", "500m", "1", "3"]),
    "memory": st.sampled_from([None, "128Mi", "1Gi", "3Gi"]),
    "tolerations": st.lists(st.sampled_from(TOLERATIONS), max_size=2),
    "zone": st.sampled_from([None, "a", "b"]),
}), min_size=1, max_size=12)


def make_node(i: int, spec: dict) -> dict:
    labels = {"kubernetes.io/hostname": f"n{i}"}
    if spec["zone"]:
        labels["zone"] = spec["zone"]
    return {"kind": "Node", "metadata": {"name": f"n{i}", "uid": f"node-{i}", "labels": labels},
            "spec": {"taints": spec["taints"], "unschedulable": spec["unschedulable"]},
            "status": {"allocatable": {"cpu": spec["cpu"], "memory": spec["memory"], "pods": str(spec["pods"])}}}


def make_pod(i: int, spec: dict) -> dict:
    requests = {k: spec[k] for k in ("cpu", "memory") if spec[k]}
    pod = {"kind": "Pod", "metadata": {"name": f"p{i}", "namespace": "default", "uid": f"pod-{i}"},
           "spec": {"containers": [{"name": "c", "resources": {"requests": requests}}],
                    "tolerations": spec["tolerations"]},
           "status": {"phase": "Pending"}}
    if spec["zone"]:
        pod["spec"]["nodeSelector"] = {"zone": spec["zone"]}
    return pod


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(nodes_st, pods_st)
def test_bound_pods_fit_their_nodes(node_specs, pod_specs):
    view = MemoryView([make_node(i, s) for i, s in enumerate(node_specs)])
    pods = [make_pod(i, s) for i, s in enumerate(pod_specs)]
    for p in pods:
        view.put(p)
    for p in pods:
        result = scheduler.reconcile(Key("Pod", "default", p["metadata"]["name"]), view, 0.0)
        for action in result.actions:
            if isinstance(action, Bind):
                bound = copy.deepcopy(view.get("Pod", "default", action.name))
                bound["spec"]["nodeName"] = action.node
                view.put(bound)
    for n in view.list("Node"):
        facts = nodeinfo.node_facts(n)
        on_node = view.pods_on_node(facts.name)
        used = resources.Requests()
        for p in on_node:
            used = used + resources.pod_requests(p)
            spec = p["spec"]
            assert tolerations.matching_tolerations(list(facts.hard_taints), spec.get("tolerations"))[0]
            assert all(facts.labels.get(k) == v for k, v in (spec.get("nodeSelector") or {}).items())
            assert not facts.unschedulable or tolerations.tolerates(spec.get("tolerations"), nodeinfo.UNSCHEDULABLE_TAINT)
        assert used.cpu <= facts.cpu and used.memory <= facts.memory and used.pods <= facts.pods
