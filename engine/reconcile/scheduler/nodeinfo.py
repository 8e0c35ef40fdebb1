"""What the scheduler knows about one node and one pod, computed once.

No I/O happens here. `node_facts` parses a Node's allocatable, taints and
labels once per object (memoized on the object's identity: the view replaces
an object on every write, so an unchanged object always yields the same
facts). `PodFacts` is the scheduler's PreFilter/PreScore state for the
incoming pod: requests, tolerations, required and preferred node affinity,
host ports, computed once per reconcile.

Node selector terms follow `component-helpers/scheduling/corev1/nodeaffinity`:
an empty term matches nothing and is skipped, requirements of a term are
ANDed, terms are ORed, a term with an invalid requirement matches nothing;
`matchFields` knows only `metadata.name` with In/NotIn.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping

from litekube import errors
from litekube.model import quantities, resources, selectors
from litekube.reconcile.common import tolerations as tol

__all__ = ["NodeFacts", "PodFacts", "NodeSelectorTerm", "AffinityTerm", "node_facts", "pod_facts",
           "parse_terms", "affinity_terms", "tolerates", "is_bound_live", "UNSCHEDULABLE_TAINT"]

UNSCHEDULABLE_TAINT = {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}

_OPERATORS = {"In": selectors.Operator.IN, "NotIn": selectors.Operator.NOT_IN,
              "Exists": selectors.Operator.EXISTS, "DoesNotExist": selectors.Operator.DOES_NOT_EXIST,
              "Gt": selectors.Operator.GREATER_THAN, "Lt": selectors.Operator.LESS_THAN}


@dataclass(frozen=True)
class NodeFacts:
    """A Node as the filters and scores read it (NodeInfo without the pods)."""

    name: str
    labels: Mapping[str, str]
    cpu: int
    memory: int
    pods: int
    unschedulable: bool
    hard_taints: tuple[dict, ...]     # NoSchedule and NoExecute, in spec order
    prefer_taints: tuple[dict, ...]   # PreferNoSchedule
    deleting: bool


@lru_cache(maxsize=4096)
def _allocatable(cpu: Any, memory: Any, pods: Any) -> tuple[int, int, int]:
    def parse(value: Any, fn: Any) -> int:
        try:
            return fn(value) if value is not None else 0
        except (ValueError, TypeError, ZeroDivisionError):
            return 0
    return parse(cpu, quantities.cpu_millis), parse(memory, quantities.to_int), parse(pods, quantities.to_int)


_FACTS: dict[int, tuple[dict, NodeFacts]] = {}


def node_facts(node: dict) -> NodeFacts:
    """The parsed facts of `node`, memoized on the object (never mutated by contract)."""
    cached = _FACTS.get(id(node))
    if cached is not None and cached[0] is node:
        return cached[1]
    meta = node.get("metadata") or {}
    spec = node.get("spec") or {}
    alloc = (node.get("status") or {}).get("allocatable") or {}
    cpu, memory, pods = _allocatable(alloc.get("cpu"), alloc.get("memory"), alloc.get("pods"))
    taints = spec.get("taints") or []
    facts = NodeFacts(
        name=meta.get("name", ""), labels=meta.get("labels") or {}, cpu=cpu, memory=memory, pods=pods,
        unschedulable=bool(spec.get("unschedulable")),
        hard_taints=tuple(t for t in taints if t.get("effect") in (tol.NO_SCHEDULE, tol.NO_EXECUTE)),
        prefer_taints=tuple(t for t in taints if t.get("effect") == tol.PREFER_NO_SCHEDULE),
        deleting=bool(meta.get("deletionTimestamp")))
    if len(_FACTS) > 50_000:  # replaced objects leave stale entries behind; drop them wholesale
        _FACTS.clear()
    _FACTS[id(node)] = (node, facts)
    return facts


def tolerates(tolerations: list[dict], taint: dict) -> bool:
    """v1helper.TolerationsTolerateTaint."""
    return tol.tolerates(tolerations, taint)


def is_bound_live(pod: dict) -> bool:
    """A pod the scheduler's cache holds on a node: bound and not terminal."""
    return bool((pod.get("spec") or {}).get("nodeName")) and not resources.is_terminal(pod)


# -- pod affinity terms ----------------------------------------------------------

@dataclass(frozen=True)
class AffinityTerm:
    """framework.AffinityTerm: which pods (namespaces, selector) within which topology."""

    namespaces: frozenset[str]
    namespace_selector: selectors.Selector  # NOTHING when absent
    selector: selectors.Selector
    topology_key: str
    weight: int = 0

    def matches(self, namespace: str, labels: Mapping[str, str] | None, namespace_labels: Any) -> bool:
        """AffinityTerm.Matches; `namespace_labels(ns)` is only called for a namespace selector."""
        if namespace in self.namespaces or (
                not self.namespace_selector.matches_nothing and self.namespace_selector.matches(namespace_labels(namespace))):
            return self.selector.matches(labels)
        return False


def affinity_terms(pod: dict, kind: str, required: bool) -> tuple[AffinityTerm, ...]:
    """The pod's podAffinity/podAntiAffinity terms (`kind`), required or weighted preferred."""
    meta = pod.get("metadata") or {}
    block = ((pod.get("spec") or {}).get("affinity") or {}).get(kind) or {}
    field = "requiredDuringSchedulingIgnoredDuringExecution" if required else \
        "preferredDuringSchedulingIgnoredDuringExecution"
    terms: list[AffinityTerm] = []
    for raw in block.get(field) or []:
        weight = 0 if required else int(raw.get("weight") or 0)
        term = raw if required else raw.get("podAffinityTerm") or {}
        try:
            selector = selectors.from_label_selector(term.get("labelSelector"))
            ns_selector = selectors.from_label_selector(term.get("namespaceSelector"))
        except errors.BadRequest:  # upstream rejects the pod's terms; an unparsable term selects nothing
            selector, ns_selector = selectors.NOTHING, selectors.NOTHING
        names = term.get("namespaces") or []
        namespaces = frozenset(names) if names or term.get("namespaceSelector") is not None \
            else frozenset({meta.get("namespace", "") or ""})
        terms.append(AffinityTerm(namespaces, ns_selector, selector, term.get("topologyKey", ""), weight))
    return tuple(terms)


# -- node selector terms ---------------------------------------------------------

@dataclass(frozen=True)
class NodeSelectorTerm:
    """One nodeSelectorTerm: label requirements and metadata.name requirements, ANDed."""

    labels: tuple[selectors.Requirement, ...]
    names: tuple[tuple[str, frozenset[str]], ...]  # (operator In/NotIn, names)
    valid: bool = True

    def matches(self, node: NodeFacts) -> bool:
        if not self.valid:
            return False
        for op, names in self.names:
            if (node.name in names) != (op == "In"):
                return False
        return all(r.matches(node.labels) for r in self.labels)


def _term(raw: Mapping[str, Any]) -> NodeSelectorTerm | None:
    """A parsed term, or None for an empty term (which upstream skips)."""
    expressions = raw.get("matchExpressions") or []
    fields = raw.get("matchFields") or []
    if not expressions and not fields:
        return None
    valid = True
    labels: list[selectors.Requirement] = []
    for expr in expressions:
        op = _OPERATORS.get(expr.get("operator", ""))
        values = tuple(expr.get("values") or ())
        if op is None or (op in (selectors.Operator.IN, selectors.Operator.NOT_IN) and not values) \
                or (op in (selectors.Operator.EXISTS, selectors.Operator.DOES_NOT_EXIST) and values) \
                or (op in (selectors.Operator.GREATER_THAN, selectors.Operator.LESS_THAN) and len(values) != 1):
            valid = False
            continue
        labels.append(selectors.Requirement(expr.get("key", ""), op, values))
    names: list[tuple[str, frozenset[str]]] = []
    for expr in fields:
        values = tuple(expr.get("values") or ())
        if expr.get("key") != "metadata.name" or expr.get("operator") not in ("In", "NotIn") or len(values) != 1:
            valid = False
            continue
        names.append((expr["operator"], frozenset(values)))
    return NodeSelectorTerm(tuple(labels), tuple(names), valid)


def parse_terms(raw_terms: list[Mapping[str, Any]] | None) -> tuple[NodeSelectorTerm, ...]:
    """Parse nodeSelectorTerms, dropping empty terms as NewNodeSelector does."""
    return tuple(t for t in (_term(r) for r in raw_terms or ()) if t is not None)


# -- the incoming pod -------------------------------------------------------------

@dataclass(frozen=True)
class PodFacts:
    """The incoming pod, precomputed once per scheduling cycle."""

    namespace: str
    name: str
    labels: Mapping[str, str]
    request: resources.Requests
    non_zero: resources.Requests
    tolerations: list[dict]
    prefer_tolerations: list[dict]  # effect PreferNoSchedule or empty (TaintToleration PreScore)
    tolerates_unschedulable: bool
    node_selector: Mapping[str, str]
    required_terms: tuple[NodeSelectorTerm, ...] | None  # None: no required node affinity
    preferred_terms: tuple[tuple[int, NodeSelectorTerm], ...]
    node_names: frozenset[str] | None  # NodeAffinity PreFilterResult (matchFields metadata.name In)
    host_ports: frozenset[tuple[str, str, int]]
    priority: int

    def matches_node_affinity(self, node: NodeFacts) -> bool:
        """RequiredNodeAffinity.Match: nodeSelector AND (any required term)."""
        labels = node.labels
        for key, value in self.node_selector.items():
            if labels.get(key) != value:
                return False
        if self.required_terms is None:
            return True
        return any(t.matches(node) for t in self.required_terms)


def _prefilter_node_names(raw_terms: list[Mapping[str, Any]]) -> frozenset[str] | None:
    """NodeAffinity.PreFilter: the node names that terms pin with `metadata.name In`.

    Each term contributes the intersection of its `metadata.name In` sets; a term
    without one allows every node (None). Empty set means the terms conflict.
    """
    names: set[str] | None = None
    for raw in raw_terms:
        term_names: set[str] | None = None
        for r in raw.get("matchFields") or []:
            if r.get("key") == "metadata.name" and r.get("operator") == "In":
                values = set(r.get("values") or [])
                term_names = values if term_names is None else term_names & values
        if term_names is None:
            return None
        names = term_names if names is None else names | term_names
    return None if names is None else frozenset(names)


def pod_facts(pod: dict) -> PodFacts:
    meta = pod.get("metadata") or {}
    spec = pod.get("spec") or {}
    tolerations = list(spec.get("tolerations") or [])
    node_affinity = (spec.get("affinity") or {}).get("nodeAffinity") or {}
    required = node_affinity.get("requiredDuringSchedulingIgnoredDuringExecution")
    raw_terms = (required or {}).get("nodeSelectorTerms") or []
    preferred: list[tuple[int, NodeSelectorTerm]] = []
    for p in node_affinity.get("preferredDuringSchedulingIgnoredDuringExecution") or []:
        term = _term(p.get("preference") or {})
        if term is not None and int(p.get("weight") or 0) != 0:
            preferred.append((int(p.get("weight") or 0), term))
    return PodFacts(
        namespace=meta.get("namespace", "") or "", name=meta.get("name", ""), labels=meta.get("labels") or {},
        request=resources.pod_requests(pod), non_zero=resources.pod_requests(pod, non_zero=True),
        tolerations=tolerations,
        prefer_tolerations=[t for t in tolerations if (t.get("effect") or "") in ("", tol.PREFER_NO_SCHEDULE)],
        tolerates_unschedulable=tolerates(tolerations, UNSCHEDULABLE_TAINT),
        node_selector=spec.get("nodeSelector") or {},
        required_terms=parse_terms(raw_terms) if required is not None else None,
        preferred_terms=tuple(preferred),
        node_names=_prefilter_node_names(raw_terms) if raw_terms else None,
        host_ports=frozenset(resources.host_ports(pod)),
        priority=int(spec.get("priority") or 0))
