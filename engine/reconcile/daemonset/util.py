"""What the DaemonSet controller shares with its callers: pkg/controller/daemon/util/daemonset_util.go.

No I/O happens here. Which nodes should run a daemon pod (`should_run`,
upstream's NodeShouldRunDaemonPod), the tolerations every daemon pod gets,
the template a new pod is made from (`pod_template`, with the
`controller-revision-hash` and `pod-template-generation` labels), the
required node affinity that pins a pod to its node (left to the default
scheduler to bind, as upstream since 1.12), the target node of a pod, the
surge and unavailability budgets, and kubectl's rollout status message.
"""
from __future__ import annotations

from litekube.model import intstr, values
from litekube.reconcile.common import pod_ranking
from litekube.reconcile.common import tolerations as tol
from litekube.reconcile.scheduler import nodeinfo

__all__ = ["HASH_LABEL", "GENERATION_LABEL", "TEMPLATE_GENERATION", "DEFAULT_TOLERATIONS", "add_tolerations",
           "pod_template", "pin_to_node", "target_node", "should_run", "template_generation", "is_updated",
           "surge_count", "unavailable_count", "allows_surge", "is_available", "rollout_status"]

HASH_LABEL = "controller-revision-hash"  # apps.DefaultDaemonSetUniqueLabelKey
GENERATION_LABEL = "pod-template-generation"  # extensions.DaemonSetTemplateGenerationKey
TEMPLATE_GENERATION = "deprecated.daemonset.template.generation"  # the annotation apps/v1 carries it in

# AddOrUpdateDaemonPodTolerations, in upstream's order.
DEFAULT_TOLERATIONS = (
    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"},
    {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"},
    {"key": "node.kubernetes.io/disk-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/memory-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/pid-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"},
)
_NETWORK_UNAVAILABLE = {"key": "node.kubernetes.io/network-unavailable", "operator": "Exists", "effect": "NoSchedule"}


def _matches(a: dict, b: dict) -> bool:
    """Toleration.MatchToleration: the same key, operator, value and effect."""
    return all((a.get(f) or "") == (b.get(f) or "") for f in ("key", "operator", "value", "effect"))


def add_tolerations(spec: dict) -> None:
    """AddOrUpdateDaemonPodTolerations on a pod spec (in place).

    Each default toleration replaces the ones it matches (which may carry a
    tolerationSeconds), or is appended when none does.
    """
    wanted = list(DEFAULT_TOLERATIONS)
    if spec.get("hostNetwork"):
        wanted.append(_NETWORK_UNAVAILABLE)
    tolerations = list(spec.get("tolerations") or [])
    for toleration in wanted:
        if any(_matches(t, toleration) for t in tolerations):
            tolerations = [dict(toleration) if _matches(t, toleration) else t for t in tolerations]
        else:
            tolerations.append(dict(toleration))
    spec["tolerations"] = tolerations


def template_generation(ds: dict) -> str | None:
    """GetTemplateGeneration: the deprecated.daemonset.template.generation annotation, None if absent or bad."""
    value = ((ds.get("metadata") or {}).get("annotations") or {}).get(TEMPLATE_GENERATION)
    if value is None:
        return None
    try:
        return str(int(value))
    except ValueError:
        return None


def pod_template(ds: dict, hash_: str) -> dict:
    """CreatePodTemplate: the template with the default tolerations and the generation and hash labels."""
    template = values.clone((ds.get("spec") or {}).get("template") or {})
    spec = template.setdefault("spec", {})
    add_tolerations(spec)
    meta = template.setdefault("metadata", {})
    labels = dict(meta.get("labels") or {})
    generation = template_generation(ds)
    if generation is not None:
        labels[GENERATION_LABEL] = generation
    if hash_:
        labels[HASH_LABEL] = hash_
    meta["labels"] = labels
    return template


def pin_to_node(spec: dict, node: str) -> None:
    """ReplaceDaemonSetPodNodeNameNodeAffinity (in place): the required node terms become `metadata.name In [node]`."""
    term = {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}
    affinity = spec.setdefault("affinity", {})
    node_affinity = affinity.setdefault("nodeAffinity", {})
    required = node_affinity.get("requiredDuringSchedulingIgnoredDuringExecution")
    if required is None:
        node_affinity["requiredDuringSchedulingIgnoredDuringExecution"] = {"nodeSelectorTerms": [term]}
    else:
        required["nodeSelectorTerms"] = [term]


def target_node(pod: dict) -> str | None:
    """GetTargetNodeName: spec.nodeName, or the node the `metadata.name In` affinity pins the pod to."""
    spec = pod.get("spec") or {}
    if spec.get("nodeName"):
        return spec["nodeName"]
    required = ((spec.get("affinity") or {}).get("nodeAffinity") or {}).get(
        "requiredDuringSchedulingIgnoredDuringExecution") or {}
    for term in required.get("nodeSelectorTerms") or []:
        for field in term.get("matchFields") or []:
            if field.get("key") == "metadata.name" and field.get("operator") == "In" \
                    and len(field.get("values") or []) == 1:
                return field["values"][0]
    return None


class Simulated:
    """The daemon pod NewPod would make for a DaemonSet, reduced to what NodeShouldRunDaemonPod reads.

    Built once per pass: the tolerations (with the defaults) and the
    required node affinity (nodeSelector and required terms).
    """

    __slots__ = ("node_name", "tolerations", "facts")

    def __init__(self, ds: dict) -> None:
        spec = values.clone(((ds.get("spec") or {}).get("template") or {}).get("spec") or {})
        add_tolerations(spec)
        self.node_name = spec.get("nodeName") or ""
        self.tolerations = spec["tolerations"]
        spec.pop("nodeName", None)
        self.facts = nodeinfo.pod_facts({"metadata": {}, "spec": spec})


def _untolerated(taints: list[dict], tolerations: list[dict], effects: tuple[str, ...]) -> bool:
    """FindMatchingUntoleratedTaint with a filter on the effect: is some such taint not tolerated?"""
    for taint in taints:
        if taint.get("effect") in effects and not any(
                tol.toleration_tolerates(t, taint) for t in tolerations):
            return True
    return False


def should_run(node: dict, ds: dict, simulated: Simulated | None = None) -> tuple[bool, bool]:
    """NodeShouldRunDaemonPod: (should run a daemon pod, should keep one that already runs).

    The node name the template sets, the nodeSelector and required node
    affinity must fit, else neither; a NoSchedule or NoExecute taint not
    tolerated means no new pod, and a NoExecute one also means the pod goes.
    """
    sim = simulated or Simulated(ds)
    name = (node.get("metadata") or {}).get("name", "")
    if sim.node_name and sim.node_name != name:
        return False, False
    facts = nodeinfo.node_facts(node)
    if not sim.facts.matches_node_affinity(facts):
        return False, False
    taints = (node.get("spec") or {}).get("taints") or []
    if _untolerated(taints, sim.tolerations, ("NoExecute", "NoSchedule")):
        return False, not _untolerated(taints, sim.tolerations, ("NoExecute",))
    return True, True


def is_updated(pod: dict, hash_: str, generation: str | None) -> bool:
    """IsPodUpdated: the hash label is the current revision's, or the generation label the template's."""
    labels = (pod.get("metadata") or {}).get("labels") or {}
    return (bool(hash_) and labels.get(HASH_LABEL) == hash_) or \
        (generation is not None and labels.get(GENERATION_LABEL) == generation)


def _rolling(ds: dict) -> dict | None:
    strategy = (ds.get("spec") or {}).get("updateStrategy") or {}
    if (strategy.get("type") or "RollingUpdate") != "RollingUpdate":
        return None
    return strategy.get("rollingUpdate")


def surge_count(ds: dict, number_to_schedule: int) -> int:
    """SurgeCount: maxSurge scaled to the desired number, rounded up; 0 when unset or not RollingUpdate."""
    rolling = _rolling(ds)
    if rolling is None or rolling.get("maxSurge") is None:
        return 0
    return intstr.scaled_value(rolling["maxSurge"], number_to_schedule, True)


def unavailable_count(ds: dict, number_to_schedule: int) -> int:
    """UnavailableCount: maxUnavailable scaled to the desired number, rounded up."""
    rolling = _rolling(ds)
    if rolling is None or rolling.get("maxUnavailable") is None:
        return 0
    return intstr.scaled_value(rolling["maxUnavailable"], number_to_schedule, True)


def allows_surge(ds: dict) -> bool:
    """AllowsSurge: a maxSurge that is not 0 (any number of nodes: scaled to 1000, rounded up)."""
    rolling = _rolling(ds)
    return rolling is not None and rolling.get("maxSurge") is not None \
        and intstr.scaled_value(rolling["maxSurge"], 1000, True) != 0


def is_available(pod: dict, min_ready_seconds: int, now: float) -> bool:
    """podutil.IsPodAvailable: Ready, and for longer than minReadySeconds."""
    if not pod_ranking.is_ready(pod):
        return False
    if min_ready_seconds <= 0:
        return True
    since = pod_ranking.ready_time(pod)
    return since is not None and since + min_ready_seconds < now


def rollout_status(ds: dict) -> tuple[str, bool]:
    """kubectl's DaemonSetStatusViewer: (message, done); raises ValueError for a strategy other than RollingUpdate."""
    strategy = ((ds.get("spec") or {}).get("updateStrategy") or {}).get("type") or "RollingUpdate"
    if strategy != "RollingUpdate":
        raise ValueError("rollout status is only available for RollingUpdate strategy type")
    meta, status = ds.get("metadata") or {}, ds.get("status") or {}
    name = meta.get("name", "")
    if int(meta.get("generation") or 0) <= int(status.get("observedGeneration") or 0):
        desired = int(status.get("desiredNumberScheduled") or 0)
        updated = int(status.get("updatedNumberScheduled") or 0)
        available = int(status.get("numberAvailable") or 0)
        if updated < desired:
            return (f'Waiting for daemon set "{name}" rollout to finish: {updated} out of {desired} '
                    f'new pods have been updated...', False)
        if available < desired:
            return (f'Waiting for daemon set "{name}" rollout to finish: {available} of {desired} '
                    f'updated pods are available...', False)
        return f'daemon set "{name}" successfully rolled out', True
    return "Waiting for daemon set spec update to be observed...", False
