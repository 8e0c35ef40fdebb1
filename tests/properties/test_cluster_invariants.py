"""Property: the scheduler never overcommits a node or breaks its taints, cordon and selectors,
and leaves a pod Pending only when no node can host it.

Hypothesis draws 1-4 nodes (cpu 1-4, memory, a pod limit, a zone label,
sometimes a NoSchedule or NoExecute taint, sometimes cordoned) and 1-12
bare pods (requests 100m-2 cpu and 64Mi-4Gi, sometimes tolerations,
sometimes a zone nodeSelector); the pods are applied and the control
plane settles, then a few pods are deleted and it settles again. The
changelog is replayed revision by revision (tests/properties/replay.py):

- at every revision, the pods bound to a node that are not terminal
  (terminating ones included: they still hold their resources) request no
  more cpu, memory and pods than the node's allocatable, and the node exists;
- at the revision that binds a pod, the node is not cordoned (unless the pod
  tolerates node.kubernetes.io/unschedulable), its NoSchedule and NoExecute
  taints are tolerated, and its labels match the pod's nodeSelector;
- after each settle, every bound pod is Running, and every unbound pod is
  PodScheduled=False with no node that could host it given the requests of
  the pods already there.
The oracles (fit, toleration, selector) are written here from the
Kubernetes definitions, independently of the engine's scheduler.
"""
from __future__ import annotations

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from litekube.api import applying, operating
from litekube.api.server import Api
from litekube.model import manifests, nodes, quantities
from litekube.runtime import embedded
from tests.properties import replay
from tests.properties.conftest import Databases

NAMESPACE = "default"
UNSCHEDULABLE_TAINT = {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}
HARD_EFFECTS = ("NoSchedule", "NoExecute")
TAINTS = {
    "infra": {"key": "dedicated", "value": "infra", "effect": "NoSchedule"},
    "gpu": {"key": "dedicated", "value": "gpu", "effect": "NoSchedule"},
    "maint": {"key": "maint", "effect": "NoExecute"},
}
TOLERATIONS = {
    "infra": {"key": "dedicated", "operator": "Equal", "value": "infra", "effect": "NoSchedule"},
    "dedicated": {"key": "dedicated", "operator": "Exists"},
    "maint": {"key": "maint", "operator": "Exists", "effect": "NoExecute"},
    "everything": {"operator": "Exists"},
}

NODE = st.fixed_dictionaries({
    "cpu": st.integers(1, 4).map(str),
    "memory": st.sampled_from(["2Gi", "4Gi", "8Gi"]),
    "pods": st.sampled_from([2, 110]),
    "zone": st.sampled_from(["a", "b"]),
    "taints": st.lists(st.sampled_from(sorted(TAINTS)), max_size=2, unique_by=lambda t: TAINTS[t]["key"]),
    "cordoned": st.booleans(),
})
POD = st.fixed_dictionaries({
    "cpu": st.integers(1, 20).map(lambda n: f"{n * 100}m"),
    "memory": st.sampled_from(["64Mi", "256Mi", "1Gi", "2Gi", "4Gi"]),
    "tolerations": st.lists(st.sampled_from(sorted(TOLERATIONS)), max_size=2, unique=True),
    "zone": st.sampled_from([None, None, "a", "b"]),
})
SETTINGS = settings(max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


# -- the oracle ---------------------------------------------------------------------------------

def tolerates(toleration: dict, taint: dict) -> bool:
    """v1.Toleration.ToleratesTaint."""
    if toleration.get("effect") and toleration["effect"] != taint.get("effect"):
        return False
    if toleration.get("key") and toleration["key"] != taint.get("key"):
        return False
    if toleration.get("operator", "Equal") == "Exists":
        return True
    return (toleration.get("value") or "") == (taint.get("value") or "")


def tolerated(pod: dict, taint: dict) -> bool:
    return any(tolerates(t, taint) for t in (pod.get("spec") or {}).get("tolerations") or [])


def requests(pod: dict) -> tuple[int, int]:
    """(milli-cpu, bytes) the pod's containers request."""
    cpu = memory = 0
    for container in pod["spec"].get("containers") or []:
        asked = (container.get("resources") or {}).get("requests") or {}
        cpu += quantities.cpu_millis(asked.get("cpu", "0"))
        memory += quantities.to_int(asked.get("memory", "0"))
    return cpu, memory


def allocatable(node: dict) -> tuple[int, int, int]:
    alloc = node["status"]["allocatable"]
    return quantities.cpu_millis(alloc["cpu"]), quantities.to_int(alloc["memory"]), int(alloc["pods"])


def usage(state: replay.Replay, node: str, without: dict | None = None) -> tuple[int, int, int]:
    """What the non-terminal pods bound to `node` request: (milli-cpu, bytes, pods)."""
    cpu = memory = count = 0
    for pod in state.list("Pod"):
        if pod["spec"].get("nodeName") != node or replay.is_terminal(pod) or pod is without:
            continue
        c, m = requests(pod)
        cpu, memory, count = cpu + c, memory + m, count + 1
    return cpu, memory, count


def blocked(pod: dict, node: dict) -> str | None:
    """Why `node` refuses `pod` regardless of resources (cordon, taints, selector), or None."""
    if (node.get("spec") or {}).get("unschedulable") and not tolerated(pod, UNSCHEDULABLE_TAINT):
        return "cordoned"
    for taint in (node.get("spec") or {}).get("taints") or []:
        if taint.get("effect") in HARD_EFFECTS and not tolerated(pod, taint):
            return f"taint {taint}"
    labels = node["metadata"].get("labels") or {}
    for key, value in (pod["spec"].get("nodeSelector") or {}).items():
        if labels.get(key) != value:
            return f"nodeSelector {key}={value}"
    return None


def fits(state: replay.Replay, pod: dict, node: dict) -> bool:
    if blocked(pod, node) is not None:
        return False
    cpu, memory = requests(pod)
    used_cpu, used_memory, used_pods = usage(state, node["metadata"]["name"])
    max_cpu, max_memory, max_pods = allocatable(node)
    return used_cpu + cpu <= max_cpu and used_memory + memory <= max_memory and used_pods + 1 <= max_pods


# -- checks ---------------------------------------------------------------------------------------

def check_revision(state: replay.Replay, change) -> None:
    """The safety invariants at the revision `change` made."""
    if change.kind != "Pod" or change.type == "DELETED":
        if change.kind == "Node":
            node_name = change.name
            assert change.type != "DELETED" or not any(
                p["spec"].get("nodeName") == node_name for p in state.list("Pod")), f"node {node_name} deleted"
            if change.type != "DELETED":
                check_capacity(state, change.body, change.revision)
        return
    pod, node_name = change.body, change.body["spec"].get("nodeName")
    if not node_name:
        return
    node = state.get("Node", "", node_name)
    assert node is not None, f"pod {change.name} bound to missing node {node_name} at revision {change.revision}"
    was_bound = state.previous is not None and state.previous["spec"].get("nodeName")
    if not was_bound:
        why = blocked(pod, node)
        assert why is None, f"pod {change.name} bound to {node_name} at revision {change.revision}: {why}"
    check_capacity(state, node, change.revision)


def check_capacity(state: replay.Replay, node: dict, revision: int) -> None:
    name = node["metadata"]["name"]
    used, limit = usage(state, name), allocatable(node)
    assert all(u <= m for u, m in zip(used, limit)), (
        f"node {name} overcommitted at revision {revision}: requests (mcpu, bytes, pods) {used} > {limit}")


def check_settled(state: replay.Replay) -> None:
    """After a settle: bound pods run; an unbound pod is Unschedulable and fits on no node."""
    node_list = state.list("Node")
    for pod in state.list("Pod"):
        name = pod["metadata"]["name"]
        if replay.is_terminating(pod):
            continue
        if pod["spec"].get("nodeName"):
            assert pod["status"].get("phase") == "Running", (name, pod["status"])
            continue
        scheduled = replay.condition(pod, "PodScheduled")
        assert scheduled is not None and scheduled.get("status") == "False", (name, pod["status"])
        hosts = [n["metadata"]["name"] for n in node_list if fits(state, pod, n)]
        assert not hosts, f"pod {name} is Pending but fits on {hosts}: {scheduled.get('message')}"


# -- the property ---------------------------------------------------------------------------------

def node_shape(spec: dict) -> nodes.Shape:
    return nodes.Shape(cpu=spec["cpu"], memory=spec["memory"], pods=spec["pods"],
                       labels={"zone": spec["zone"]}, taints=[TAINTS[t] for t in spec["taints"]])


def pod_manifests(specs: list[dict]) -> str:
    docs = []
    for i, spec in enumerate(specs):
        pod_spec: dict = {"containers": [{"name": "app", "image": "app:1", "resources": {
            "requests": {"cpu": spec["cpu"], "memory": spec["memory"]}}}]}
        if spec["tolerations"]:
            pod_spec["tolerations"] = [TOLERATIONS[t] for t in spec["tolerations"]]
        if spec["zone"]:
            pod_spec["nodeSelector"] = {"zone": spec["zone"]}
        docs.append({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"pod-{i}", "namespace": NAMESPACE},
                     "spec": pod_spec})
    return yaml.safe_dump_all(docs)


def settle_and_check(api: Api, state: replay.Replay) -> None:
    settled = embedded.settle(api)
    assert settled is not None and settled.settled, settled and settled.message()
    for change in state.follow():
        check_revision(state, change)
    check_settled(state)


@SETTINGS
@given(node_specs=st.lists(NODE, min_size=1, max_size=4), pod_specs=st.lists(POD, min_size=1, max_size=12),
       deletions=st.lists(st.integers(0, 11), max_size=3, unique=True))
def test_scheduling_respects_capacity_taints_and_selectors(databases: Databases, node_specs, pod_specs, deletions):
    store = databases.fresh(databases.template("empty"))
    try:
        api = Api(store, node_count=0)
        with api.write() as tx:
            for i, spec in enumerate(node_specs):
                tx.create(nodes.node_manifest(f"node-{i + 1}", node_shape(spec), i))
        for i, spec in enumerate(node_specs):
            if spec["cordoned"]:
                operating.cordon(api, f"node-{i + 1}", True)
        state = replay.Replay(store)
        settle_and_check(api, state)

        applying.apply(api, manifests.parse(pod_manifests(pod_specs), "pods.yaml"))
        settle_and_check(api, state)

        doomed = [f"pod-{i}" for i in deletions if i < len(pod_specs)]
        if doomed:
            with api.write() as tx:
                for name in doomed:
                    tx.delete("Pod", NAMESPACE, name)
            settle_and_check(api, state)
            assert not any(state.get("Pod", NAMESPACE, name) for name in doomed), "deleted pods linger"
    finally:
        databases.discard(store)
