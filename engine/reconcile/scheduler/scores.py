"""The scheduler's Score plugins with their default weights and normalization.

No I/O happens here. Each plugin scores every feasible node in [0, 100]
(after its NormalizeScore), `score_nodes` sums weight x score as
framework.RunScorePlugins does. Weights: TaintToleration 3, NodeAffinity 2,
PodTopologySpread 2, InterPodAffinity 2, NodeResourcesFit (LeastAllocated,
cpu and memory weight 1) 1, NodeResourcesBalancedAllocation 1.

Not implemented: ImageLocality (litekube nodes hold no images, so it would
score 0 everywhere) and PodTopologySpread's system default constraints
(hostname maxSkew 3, zone maxSkew 5 for pods owned by a Service, RC, RS or
StatefulSet): they would cost O(pods in the namespace) for every pod, so
only constraints the pod declares with ScheduleAnyway are scored.
"""
from __future__ import annotations

import math
from typing import Sequence

from litekube.model import resources
from litekube.reconcile.common.tolerations import toleration_tolerates
from litekube.reconcile.scheduler import filters, nodeinfo
from litekube.reconcile.scheduler.nodeinfo import NodeFacts, PodFacts

__all__ = ["MAX_NODE_SCORE", "WEIGHTS", "default_normalize", "least_allocated", "balanced_allocation",
           "taint_toleration", "node_affinity", "topology_spread", "inter_pod_affinity", "score_nodes"]

MAX_NODE_SCORE = 100
WEIGHTS = {"TaintToleration": 3, "NodeAffinity": 2, "PodTopologySpread": 2, "InterPodAffinity": 2,
           "NodeResourcesFit": 1, "NodeResourcesBalancedAllocation": 1}


def _go_div(a: int, b: int) -> int:
    """Go's int64 division (truncates toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def default_normalize(scores: list[int], reverse: bool = False, max_priority: int = MAX_NODE_SCORE) -> list[int]:
    """helper.DefaultNormalizeScore: scale to [0, max] by the maximum, optionally reversed."""
    top = max(scores, default=0)
    if top <= 0:
        return [max_priority] * len(scores) if reverse else list(scores)
    out = [_go_div(max_priority * s, top) for s in scores]
    return [max_priority - s for s in out] if reverse else out


def least_allocated(request: resources.Requests, node: NodeFacts, non_zero_used: resources.Requests) -> int:
    """LeastAllocated over cpu and memory (weight 1 each), on non-zero requests, integer math."""
    total = weights = 0
    for alloc, requested in ((node.cpu, non_zero_used.cpu + request.cpu),
                             (node.memory, non_zero_used.memory + request.memory)):
        if alloc == 0:
            continue
        total += 0 if requested > alloc else (alloc - requested) * MAX_NODE_SCORE // alloc
        weights += 1
    return total // weights if weights else 0


def balanced_allocation(request: resources.Requests, node: NodeFacts, used: resources.Requests) -> int:
    """BalancedAllocation on real requests (useRequested): (1 - std of the fractions) x 100."""
    fractions = [min((u + r) / a, 1.0) for a, u, r in ((node.cpu, used.cpu, request.cpu),
                                                       (node.memory, used.memory, request.memory)) if a != 0]
    std = abs(fractions[0] - fractions[1]) / 2 if len(fractions) == 2 else 0.0
    return int((1 - std) * MAX_NODE_SCORE)


def taint_toleration(pod: PodFacts, nodes: Sequence[NodeFacts]) -> list[int]:
    """Untolerated PreferNoSchedule taints per node, normalized reversed (fewest taints: 100)."""
    raw = [sum(1 for taint in n.prefer_taints
               if not any(toleration_tolerates(t, taint) for t in pod.prefer_tolerations)) for n in nodes]
    return default_normalize(raw, reverse=True)


def node_affinity(pod: PodFacts, nodes: Sequence[NodeFacts]) -> list[int]:
    """Sum of the weights of matching preferred terms, normalized by the best node."""
    if not pod.preferred_terms:
        return [0] * len(nodes)
    return default_normalize([sum(w for w, t in pod.preferred_terms if t.matches(n)) for n in nodes])


def topology_spread(view, pod: PodFacts, pod_obj: dict, nodes: Sequence[NodeFacts],
                    all_nodes: Sequence[NodeFacts]) -> list[int]:
    """PodTopologySpread score for the pod's ScheduleAnyway constraints (fewer matching pods: higher)."""
    constraints = filters.spread_constraints(pod_obj, "ScheduleAnyway")
    if not constraints or not nodes:
        return [0] * len(nodes)
    keys = [c.topology_key for c in constraints]
    ignored = {n.name for n in nodes if any(k not in n.labels for k in keys)}
    pair_counts: dict[tuple[str, str], int] = {}
    sizes = [0] * len(constraints)
    for n in nodes:
        if n.name in ignored:
            continue
        for i, c in enumerate(constraints):
            pair = (c.topology_key, n.labels[c.topology_key])
            if c.topology_key != "kubernetes.io/hostname" and pair not in pair_counts:
                pair_counts[pair] = 0
                sizes[i] += 1
    weights = [math.log((len(nodes) - len(ignored) if c.topology_key == "kubernetes.io/hostname" else sizes[i]) + 2)
               for i, c in enumerate(constraints)]
    per_node = filters.counts_per_node(view, pod, constraints)
    for n in all_nodes:
        if any(k not in n.labels for k in keys):
            continue
        for i, c in enumerate(constraints):
            pair = (c.topology_key, n.labels[c.topology_key])
            if pair in pair_counts and filters.included(c, pod, n):
                pair_counts[pair] += per_node[i].get(n.name, 0)
    raw: list[int] = []
    for n in nodes:
        if n.name in ignored:
            raw.append(0)
            continue
        score = 0.0
        for i, c in enumerate(constraints):
            count = per_node[i].get(n.name, 0) if c.topology_key == "kubernetes.io/hostname" \
                else pair_counts[(c.topology_key, n.labels[c.topology_key])]
            score += count * weights[i] + (c.max_skew - 1)
        raw.append(int(math.floor(score + 0.5)))
    kept = [s for n, s in zip(nodes, raw) if n.name not in ignored]
    low, high = min(kept, default=0), max(kept, default=0)
    return [0 if n.name in ignored else MAX_NODE_SCORE if high == 0
            else _go_div(MAX_NODE_SCORE * (high + low - s), high) for n, s in zip(nodes, raw)]


def inter_pod_affinity(view, pod_obj: dict, pod: PodFacts, nodes: Sequence[NodeFacts],
                       with_affinity: list[dict]) -> list[int]:
    """InterPodAffinity score: preferred terms both ways plus existing pods' required affinity (weight 1)."""
    ns_labels = filters.namespace_labels(view)
    pref = nodeinfo.affinity_terms(pod_obj, "podAffinity", required=False)
    pref_anti = nodeinfo.affinity_terms(pod_obj, "podAntiAffinity", required=False)
    topology: dict[tuple[str, str], int] = {}

    def add(term: nodeinfo.AffinityTerm, weight: int, ns: str, labels, node: NodeFacts, use_ns_labels: bool) -> None:
        if term.topology_key in node.labels and term.matches(ns, labels, ns_labels if use_ns_labels else lambda _: {}):
            pair = (term.topology_key, node.labels[term.topology_key])
            topology[pair] = topology.get(pair, 0) + weight

    existing = filters.candidate_pods(view, pref + pref_anti) if pref or pref_anti else []
    seen = {id(p) for p in existing}
    existing += [p for p in with_affinity if id(p) not in seen]
    for p in existing:
        node_obj = view.get("Node", "", p["spec"]["nodeName"])
        if node_obj is None:
            continue
        node = nodeinfo.node_facts(node_obj)
        if not node.labels:
            continue
        meta = p.get("metadata") or {}
        ns, labels = meta.get("namespace", ""), meta.get("labels") or {}
        for t in pref:
            add(t, t.weight, ns, labels, node, False)
        for t in pref_anti:
            add(t, -t.weight, ns, labels, node, False)
        if (p.get("spec") or {}).get("affinity"):
            for t in nodeinfo.affinity_terms(p, "podAffinity", required=True):
                add(t, 1, pod.namespace, pod.labels, node, True)
            for t in nodeinfo.affinity_terms(p, "podAffinity", required=False):
                add(t, t.weight, pod.namespace, pod.labels, node, True)
            for t in nodeinfo.affinity_terms(p, "podAntiAffinity", required=False):
                add(t, -t.weight, pod.namespace, pod.labels, node, True)
    if not topology:
        return [0] * len(nodes)
    raw = [sum(topology.get(pair, 0) for pair in n.labels.items()) for n in nodes]
    low, high = min(raw), max(raw)
    return [int(MAX_NODE_SCORE * ((s - low) / (high - low))) if high > low else 0 for s in raw]


def score_nodes(view, pod_obj: dict, pod: PodFacts, nodes: Sequence[NodeFacts],
                all_nodes: Sequence[NodeFacts], with_affinity: list[dict]) -> list[int]:
    """The weighted total of every score plugin for each of `nodes`, in order."""
    totals = [0] * len(nodes)
    plugin_scores = (
        ("TaintToleration", taint_toleration(pod, nodes)),
        ("NodeAffinity", node_affinity(pod, nodes)),
        ("PodTopologySpread", topology_spread(view, pod, pod_obj, nodes, all_nodes)),
        ("InterPodAffinity", inter_pod_affinity(view, pod_obj, pod, nodes, with_affinity)),
    )
    for name, values in plugin_scores:
        weight = WEIGHTS[name]
        for i, v in enumerate(values):
            totals[i] += weight * v
    # NodeResourcesFit (LeastAllocated) and BalancedAllocation, inlined: this loop runs for
    # every feasible node of every pod (the same arithmetic as the two functions above).
    usage = view.node_usage
    want_cpu, want_mem = pod.non_zero.cpu, pod.non_zero.memory
    real_cpu, real_mem = pod.request.cpu, pod.request.memory
    for i, n in enumerate(nodes):
        real, non_zero = usage(n.name)
        cpu, mem = n.cpu, n.memory
        least = weights = 0
        if cpu:
            requested = non_zero.cpu + want_cpu
            least += 0 if requested > cpu else (cpu - requested) * MAX_NODE_SCORE // cpu
            weights += 1
        if mem:
            requested = non_zero.memory + want_mem
            least += 0 if requested > mem else (mem - requested) * MAX_NODE_SCORE // mem
            weights += 1
        if cpu and mem:
            f_cpu = min((real.cpu + real_cpu) / cpu, 1.0)
            f_mem = min((real.memory + real_mem) / mem, 1.0)
            balanced = int((1 - abs(f_cpu - f_mem) / 2) * MAX_NODE_SCORE)
        else:
            balanced = MAX_NODE_SCORE
        totals[i] += (least // weights if weights else 0) + balanced
    return totals
