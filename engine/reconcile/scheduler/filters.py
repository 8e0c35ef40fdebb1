"""The scheduler's Filter plugins, in kube-scheduler's order, with its reasons.

No I/O happens here. `run_filters` is framework.RunFilterPlugins for one node:
the plugins run in the default order (NodeUnschedulable, NodeName,
TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit,
PodTopologySpread, InterPodAffinity) and the first plugin that rejects the
node decides its `Status` (NodeResourcesFit may give several reasons). The
volume plugins are absent: litekube has no volumes to bind.

PodTopologySpread and InterPodAffinity need cluster-wide counts: their
PreFilter states (`SpreadState`, `AffinityState`) are built once per cycle
and only when the pod (or, for InterPodAffinity, an existing pod) has such
constraints, at O(pods in the namespaces concerned).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, StrEnum
from typing import Callable, Iterable, Mapping

from litekube import errors
from litekube.model import resources, selectors
from litekube.reconcile.common.tolerations import toleration_tolerates
from litekube.reconcile.scheduler import nodeinfo
from litekube.reconcile.scheduler.nodeinfo import AffinityTerm, NodeFacts, PodFacts

__all__ = ["Code", "Reason", "Status", "CycleState", "SpreadConstraint", "SpreadState", "AffinityState",
           "run_filters", "fit_reasons", "ports_conflict", "untolerated_taint", "spread_constraints",
           "namespace_labels"]

Pair = tuple[str, str]


class Code(Enum):
    """framework.Code of a rejection; only Unschedulable lets preemption try the node."""

    UNSCHEDULABLE = "Unschedulable"
    UNRESOLVABLE = "UnschedulableAndUnresolvable"


class Reason(StrEnum):
    """The reason strings of the plugins (pkg/scheduler/framework/plugins/...)."""

    UNSCHEDULABLE = "node(s) were unschedulable"
    NODE_NAME = "node(s) didn't match the requested node name"
    NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector"
    NODE_PORTS = "node(s) didn't have free ports for the requested pod ports"
    TOO_MANY_PODS = "Too many pods"
    INSUFFICIENT_CPU = "Insufficient cpu"
    INSUFFICIENT_MEMORY = "Insufficient memory"
    SPREAD = "node(s) didn't match pod topology spread constraints"
    SPREAD_MISSING_LABEL = "node(s) didn't match pod topology spread constraints (missing required label)"
    AFFINITY = "node(s) didn't match pod affinity rules"
    ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules"
    EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules"
    AFFINITY_CONFLICT = "pod affinity terms conflict"
    NO_VICTIMS = "No preemption victims found for incoming pod"
    NOT_HELPFUL = "Preemption is not helpful for scheduling"
    NOT_ELIGIBLE = "not eligible due to preemptionPolicy=Never."


def untolerated_taint(taint: dict) -> str:
    """TaintToleration's reason: `node(s) had untolerated taint {key: value}`."""
    return f"node(s) had untolerated taint {{{taint.get('key', '')}: {taint.get('value') or ''}}}"


@dataclass(frozen=True)
class Status:
    """A rejected node: framework.Status with its code and reasons."""

    code: Code
    reasons: tuple[str, ...]


def namespace_labels(view) -> Callable[[str], Mapping[str, str]]:
    """A per-cycle memo of Namespace labels, for namespaceSelector terms."""
    memo: dict[str, Mapping[str, str]] = {}

    def labels(ns: str) -> Mapping[str, str]:
        if ns not in memo:
            obj = view.get("Namespace", "", ns) or {}
            memo[ns] = (obj.get("metadata") or {}).get("labels") or {}
        return memo[ns]
    return labels


# -- PodTopologySpread ---------------------------------------------------------------

@dataclass(frozen=True)
class SpreadConstraint:
    """A topologySpreadConstraint with its selector (matchLabelKeys merged in)."""

    max_skew: int
    topology_key: str
    selector: selectors.Selector
    min_domains: int
    honor_affinity: bool
    honor_taints: bool


def spread_constraints(pod: dict, when: str) -> tuple[SpreadConstraint, ...]:
    """The pod's own constraints with whenUnsatisfiable `when` (no system defaults)."""
    labels = (pod.get("metadata") or {}).get("labels") or {}
    out: list[SpreadConstraint] = []
    for c in (pod.get("spec") or {}).get("topologySpreadConstraints") or []:
        if c.get("whenUnsatisfiable") != when:
            continue
        try:
            selector = selectors.from_label_selector(c.get("labelSelector"))
        except errors.BadRequest:
            selector = selectors.NOTHING
        extra = [selectors.Requirement(k, selectors.Operator.EQUALS, (labels[k],))
                 for k in c.get("matchLabelKeys") or [] if k in labels]
        if extra:
            selector = selector.add(*extra)
        out.append(SpreadConstraint(int(c.get("maxSkew") or 1), c.get("topologyKey", ""), selector,
                                    int(c.get("minDomains") or 1), c.get("nodeAffinityPolicy", "Honor") == "Honor",
                                    c.get("nodeTaintsPolicy", "Ignore") == "Honor"))
    return tuple(out)


def counts_per_node(view, pod: PodFacts, constraints: Iterable[SpreadConstraint]) -> list[dict[str, int]]:
    """countPodsMatchSelector for every node: live, non-terminating pods of the namespace."""
    constraints = list(constraints)
    per_node: list[dict[str, int]] = [{} for _ in constraints]
    # Unavoidable: the selector may match any pod of the namespace, wherever it runs.
    for p in view.list("Pod", pod.namespace):
        if not nodeinfo.is_bound_live(p) or (p.get("metadata") or {}).get("deletionTimestamp"):
            continue
        node, plabels = p["spec"]["nodeName"], (p.get("metadata") or {}).get("labels") or {}
        for i, c in enumerate(constraints):
            if c.selector.matches(plabels):
                per_node[i][node] = per_node[i].get(node, 0) + 1
    return per_node


def included(c: SpreadConstraint, pod: PodFacts, node: NodeFacts) -> bool:
    """matchNodeInclusionPolicies: node affinity honored by default, taints ignored by default."""
    if c.honor_affinity and not pod.matches_node_affinity(node):
        return False
    if c.honor_taints:
        for taint in node.hard_taints:
            if not any(toleration_tolerates(t, taint) for t in pod.tolerations):
                return False
    return True


@dataclass
class SpreadState:
    """PodTopologySpread's PreFilter state for DoNotSchedule constraints."""

    constraints: tuple[SpreadConstraint, ...]
    self_match: tuple[bool, ...]
    matches: dict[Pair, int] = field(default_factory=dict)
    minimum: dict[str, int] = field(default_factory=dict)

    @classmethod
    def build(cls, view, pod: PodFacts, constraints: tuple[SpreadConstraint, ...],
              nodes: list[NodeFacts]) -> "SpreadState":
        per_node = counts_per_node(view, pod, constraints)
        matches: dict[Pair, int] = {}
        keys = [c.topology_key for c in constraints]
        for node in nodes:
            if any(k not in node.labels for k in keys):
                continue
            for i, c in enumerate(constraints):
                if included(c, pod, node):
                    pair = (c.topology_key, node.labels[c.topology_key])
                    matches[pair] = matches.get(pair, 0) + per_node[i].get(node.name, 0)
        minimum: dict[str, int] = {}
        domains: dict[str, int] = {}
        for (key, _), num in matches.items():
            domains[key] = domains.get(key, 0) + 1
            minimum[key] = min(minimum.get(key, num), num)
        for c in constraints:
            if domains.get(c.topology_key, 0) < c.min_domains:
                minimum[c.topology_key] = 0
        return cls(constraints, tuple(c.selector.matches(pod.labels) for c in constraints), matches, minimum)

    def filter(self, node: NodeFacts) -> Status | None:
        for c, self_match in zip(self.constraints, self.self_match):
            value = node.labels.get(c.topology_key)
            if value is None:
                return Status(Code.UNRESOLVABLE, (Reason.SPREAD_MISSING_LABEL,))
            skew = self.matches.get((c.topology_key, value), 0) + int(self_match) \
                - self.minimum.get(c.topology_key, 2 ** 31 - 1)
            if skew > c.max_skew:
                return Status(Code.UNSCHEDULABLE, (Reason.SPREAD,))
        return None


# -- InterPodAffinity ------------------------------------------------------------------

def candidate_pods(view, terms: Iterable[AffinityTerm]) -> list[dict]:
    """The live bound pods some term could select: its namespaces, or all with a namespace selector."""
    namespaces: set[str] = set()
    for t in terms:
        if not t.namespace_selector.matches_nothing:
            return [p for p in view.list("Pod") if nodeinfo.is_bound_live(p)]  # unavoidable: any namespace
        namespaces |= t.namespaces
    return [p for ns in sorted(namespaces) for p in view.list("Pod", ns) if nodeinfo.is_bound_live(p)]


def pods_with_affinity(view) -> list[dict]:
    """Live bound pods with podAffinity/podAntiAffinity, from the view's index when it has one.

    Unavoidable scan otherwise: the View protocol has no affinity index, and
    existing pods' anti-affinity can reject any node.
    """
    index = getattr(view, "pods_with_affinity", None)
    pods = index() if index is not None else view.list("Pod")
    return [p for p in pods if nodeinfo.is_bound_live(p) and (
        ((p.get("spec") or {}).get("affinity") or {}).get("podAffinity")
        or ((p.get("spec") or {}).get("affinity") or {}).get("podAntiAffinity"))]


def _node_of(view, pod: dict) -> NodeFacts | None:
    node = view.get("Node", "", pod["spec"]["nodeName"])
    return None if node is None else nodeinfo.node_facts(node)


@dataclass
class AffinityState:
    """InterPodAffinity's PreFilter state: topology pair counts of the three kinds."""

    affinity_terms: tuple[AffinityTerm, ...]
    anti_terms: tuple[AffinityTerm, ...]
    matches_own_terms: bool
    affinity_counts: dict[Pair, int] = field(default_factory=dict)
    anti_counts: dict[Pair, int] = field(default_factory=dict)
    existing_anti_counts: dict[Pair, int] = field(default_factory=dict)

    @classmethod
    def build(cls, view, pod: dict, facts: PodFacts, with_affinity: list[dict]) -> "AffinityState | None":
        ns_labels = namespace_labels(view)
        aff = nodeinfo.affinity_terms(pod, "podAffinity", required=True)
        anti = nodeinfo.affinity_terms(pod, "podAntiAffinity", required=True)
        existing: dict[Pair, int] = {}
        for p in with_affinity:
            terms = nodeinfo.affinity_terms(p, "podAntiAffinity", required=True)
            node = _node_of(view, p) if terms else None
            for t in terms:
                if node is not None and t.topology_key in node.labels and \
                        t.matches(facts.namespace, facts.labels, ns_labels):
                    pair = (t.topology_key, node.labels[t.topology_key])
                    existing[pair] = existing.get(pair, 0) + 1
        if not aff and not anti and not existing:
            return None
        state = cls(aff, anti, bool(aff) and all(t.matches(facts.namespace, facts.labels, ns_labels) for t in aff),
                    existing_anti_counts=existing)
        if aff or anti:
            for p in candidate_pods(view, aff + anti):
                meta = p.get("metadata") or {}
                ns, plabels, node = meta.get("namespace", ""), meta.get("labels") or {}, None
                for terms, counts in ((aff, state.affinity_counts), (anti, state.anti_counts)):
                    for t in terms:
                        if t.matches(ns, plabels, ns_labels):
                            node = node or _node_of(view, p)
                            if node is not None and t.topology_key in node.labels:
                                pair = (t.topology_key, node.labels[t.topology_key])
                                counts[pair] = counts.get(pair, 0) + 1
        return state

    def filter(self, node: NodeFacts) -> Status | None:
        labels = node.labels
        # satisfyPodAffinity: every term's topology must hold a matching pod, except
        # for the first pod of a group whose terms select itself.
        pods_exist = True
        for t in self.affinity_terms:
            if t.topology_key not in labels:
                return Status(Code.UNRESOLVABLE, (Reason.AFFINITY,))
            if self.affinity_counts.get((t.topology_key, labels[t.topology_key]), 0) <= 0:
                pods_exist = False
        if not pods_exist and not (not self.affinity_counts and self.matches_own_terms):
            return Status(Code.UNRESOLVABLE, (Reason.AFFINITY,))
        if self.anti_counts:
            for t in self.anti_terms:
                if t.topology_key in labels and self.anti_counts.get((t.topology_key, labels[t.topology_key]), 0) > 0:
                    return Status(Code.UNSCHEDULABLE, (Reason.ANTI_AFFINITY,))
        if self.existing_anti_counts:
            for pair in labels.items():
                if self.existing_anti_counts.get(pair, 0) > 0:
                    return Status(Code.UNSCHEDULABLE, (Reason.EXISTING_ANTI_AFFINITY,))
        return None


# -- the filter chain ------------------------------------------------------------------

@dataclass
class CycleState:
    """What one scheduling cycle computed before filtering (framework.CycleState)."""

    pod: PodFacts
    spread: SpreadState | None = None
    affinity: AffinityState | None = None


def ports_conflict(wanted: Iterable[tuple[str, str, int]], used: Iterable[tuple[str, str, int]]) -> bool:
    """HostPortInfo.CheckConflict: 0.0.0.0 conflicts with every IP on the same protocol and port."""
    used = list(used)
    for ip, protocol, port in wanted:
        for uip, uprotocol, uport in used:
            if uport == port and uprotocol == protocol and (ip == uip or "0.0.0.0" in (ip, uip)):
                return True
    return False


def fit_reasons(pod: PodFacts, node: NodeFacts, requested: resources.Requests) -> tuple[str, ...]:
    """NodeResourcesFit's fitsRequest: pods first, then cpu, then memory; zero requests fit."""
    reasons: list[str] = []
    if requested.pods + 1 > node.pods:
        reasons.append(Reason.TOO_MANY_PODS)
    want = pod.request
    if want.cpu > 0 and want.cpu > node.cpu - requested.cpu:
        reasons.append(Reason.INSUFFICIENT_CPU)
    if want.memory > 0 and want.memory > node.memory - requested.memory:
        reasons.append(Reason.INSUFFICIENT_MEMORY)
    return tuple(reasons)


def run_filters(state: CycleState, node: NodeFacts, view) -> Status | None:
    """Every filter plugin on one node, stopping at the first rejection; None when it fits."""
    pod = state.pod
    # NodeUnschedulable: a cordoned node takes only pods tolerating its taint.
    if node.unschedulable and not pod.tolerates_unschedulable:
        return Status(Code.UNRESOLVABLE, (Reason.UNSCHEDULABLE,))
    # NodeName never rejects: a pod naming its node is bound already and never reaches us.
    # TaintToleration: the first NoSchedule/NoExecute taint that no toleration covers.
    for taint in node.hard_taints:
        if not any(toleration_tolerates(t, taint) for t in pod.tolerations):
            return Status(Code.UNRESOLVABLE, (untolerated_taint(taint),))
    # NodeAffinity: nodeSelector and required node affinity.
    if (pod.node_selector or pod.required_terms is not None) and not pod.matches_node_affinity(node):
        return Status(Code.UNRESOLVABLE, (Reason.NODE_AFFINITY,))
    # NodePorts: only a pod asking for host ports pays for listing the node's pods.
    if pod.host_ports:
        used = (port for p in view.pods_on_node(node.name) if not resources.is_terminal(p)
                for port in resources.host_ports(p))
        if ports_conflict(pod.host_ports, used):
            return Status(Code.UNSCHEDULABLE, (Reason.NODE_PORTS,))
    # NodeResourcesFit: O(1) from the view's running totals per node.
    reasons = fit_reasons(pod, node, view.node_usage(node.name)[0])
    if reasons:
        return Status(Code.UNSCHEDULABLE, reasons)
    if state.spread is not None:
        status = state.spread.filter(node)
        if status is not None:
            return status
    if state.affinity is not None:
        return state.affinity.filter(node)
    return None
