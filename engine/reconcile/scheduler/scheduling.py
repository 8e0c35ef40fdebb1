"""The scheduler: binds each unbound Pod to a Node, as kube-scheduler v1.32 does.

No I/O happens here. One reconcile is one scheduling cycle
(`schedule_one.go`): PreFilter, Filter over the nodes (stopping after
numFeasibleNodesToFind feasible nodes), Score, select, then either a `Bind`
plus a `Scheduled` event, or a `PodScheduled=False/Unschedulable` condition
plus a `FailedScheduling` event carrying FitError.Error().

Choices where kube-scheduler is random or stateful:
- Node order is the view's (by name); the filter scan starts at an index
  derived from a CRC32 of the pod's namespace/name instead of the
  scheduler's round-robin `nextStartNodeIndex`, so repeated runs agree.
- Among the nodes with the best total score the lowest name wins
  (upstream picks one uniformly at random).
- The failure message carries the DefaultPreemption diagnosis that v1.32
  appends, with upstream's doubled full stop, e.g.
  `0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are
  available: 3 No preemption victims found for incoming pod..`. Nodes
  rejected as UnschedulableAndUnresolvable count as `Preemption is not
  helpful for scheduling`; a node whose lower-priority pods could be evicted
  is re-filtered without them. Evicting victims is not implemented: when
  eviction would make room, the message has no preemption part, as
  upstream's does while it nominates a node.
- Unschedulable pods are retried on cluster events (see `COMPONENT`) and
  after `UNSCHEDULABLE_FLUSH` seconds, upstream's podMaxInUnschedulablePodsDuration.
- Pods with schedulingGates are left alone (upstream's SchedulingGates
  PreEnqueue keeps them out of the queue).
"""
from __future__ import annotations

import builtins
import weakref
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone

from litekube.model import durations, resources, values
from litekube.reconcile.base import (
    Bind,
    Component,
    Key,
    RecordEvent,
    Result,
    UpdateStatus,
    key_of,
    ref_of,
)
from litekube.reconcile.scheduler import filters, nodeinfo, scores
from litekube.reconcile.scheduler.filters import Code, Reason, Status
from litekube.reconcile.scheduler.nodeinfo import NodeFacts

__all__ = ["SCHEDULER_NAME", "NO_NODES", "UNSCHEDULABLE_FLUSH", "Decision", "num_feasible_nodes_to_find",
           "fit_error", "schedule", "reconcile", "COMPONENT"]

SCHEDULER_NAME = "default-scheduler"
NO_NODES = "no nodes available to schedule pods"
UNSCHEDULABLE_FLUSH = 300.0
MIN_FEASIBLE_NODES = 100
MIN_FEASIBLE_PERCENTAGE = 5
_EVENT_NOTE_MAX = 1024


@dataclass(frozen=True)
class Decision:
    """A scheduling cycle's outcome: a node, or the FitError message."""

    node: str | None
    message: str = ""


def num_feasible_nodes_to_find(num_nodes: int, percentage: int = 0) -> int:
    """numFeasibleNodesToFind: all below 100 nodes, else an adaptive share, at least 100."""
    if num_nodes < MIN_FEASIBLE_NODES or percentage >= 100:
        return num_nodes
    if percentage <= 0:
        percentage = max(50 - num_nodes // 125, MIN_FEASIBLE_PERCENTAGE)
    return max(num_nodes * percentage // 100, MIN_FEASIBLE_NODES)


def fit_error(num_nodes: int, statuses: dict[str, Status], pre_filter: str = "", post_filter: str = "") -> str:
    """FitError.Error(): `0/N nodes are available:` then the reason histogram, sorted as strings."""
    message = f"0/{num_nodes} nodes are available:"
    if pre_filter:
        message += f" {pre_filter}."
    else:
        counts: dict[str, int] = {}
        for status in statuses.values():
            for reason in status.reasons:
                counts[reason] = counts.get(reason, 0) + 1
        histogram = sorted(f"{n} {reason}" for reason, n in counts.items())
        if histogram:
            message += f" {', '.join(histogram)}."
    if post_filter:
        message += f" {post_filter}."
    return message


class _WithoutPods:
    """The view with some pods gone (preemption's dry run removes the victims)."""

    def __init__(self, view, pods: list[dict]) -> None:
        self._view = view
        self._uids = {(p.get("metadata") or {}).get("uid") for p in pods}
        self._removed = pods

    def _keep(self, obj: dict) -> bool:
        return obj.get("kind") != "Pod" or (obj.get("metadata") or {}).get("uid") not in self._uids

    def get(self, kind: str, namespace: str, name: str) -> dict | None:
        obj = self._view.get(kind, namespace, name)
        return obj if obj is not None and self._keep(obj) else None

    def list(self, kind: str, namespace: str | None = None) -> builtins.list[dict]:
        return [o for o in self._view.list(kind, namespace) if self._keep(o)]

    def pods_on_node(self, node: str) -> builtins.list[dict]:
        return [o for o in self._view.pods_on_node(node) if self._keep(o)]

    def node_usage(self, node: str) -> tuple[resources.Requests, resources.Requests]:
        real, non_zero = self._view.node_usage(node)
        for p in self._removed:
            if p["spec"].get("nodeName") == node and not resources.is_terminal(p):
                real, non_zero = real - resources.pod_requests(p), non_zero - resources.pod_requests(p, True)
        return real, non_zero


def _cycle_state(pod: dict, facts: nodeinfo.PodFacts, view, all_nodes: list[NodeFacts],
                 with_affinity: list[dict]) -> filters.CycleState:
    """PreFilter: the spread and inter-pod affinity counts, only when something asks for them."""
    state = filters.CycleState(facts)
    constraints = filters.spread_constraints(pod, "DoNotSchedule")
    if constraints:
        state.spread = filters.SpreadState.build(view, facts, constraints, all_nodes)
    state.affinity = filters.AffinityState.build(view, pod, facts, with_affinity)
    return state


def _preemption(pod: dict, facts: nodeinfo.PodFacts, view, all_nodes: list[NodeFacts],
                statuses: dict[str, Status]) -> str:
    """DefaultPreemption's PostFilter message, or "" when evicting would make room."""
    if (pod.get("spec") or {}).get("preemptionPolicy") == "Never":
        return f"preemption: {Reason.NOT_ELIGIBLE}"
    outcome: dict[str, Status] = {}
    for node in all_nodes:
        status = statuses.get(node.name)
        if status is None or status.code is Code.UNRESOLVABLE:
            outcome[node.name] = Status(Code.UNRESOLVABLE, (Reason.NOT_HELPFUL,))
            continue
        victims = [p for p in view.pods_on_node(node.name)
                   if not resources.is_terminal(p) and int((p.get("spec") or {}).get("priority") or 0) < facts.priority]
        if not victims:
            outcome[node.name] = Status(Code.UNRESOLVABLE, (Reason.NO_VICTIMS,))
            continue
        trimmed = _WithoutPods(view, victims)
        state = _cycle_state(pod, facts, trimmed, all_nodes, filters.pods_with_affinity(trimmed))
        again = filters.run_filters(state, node, trimmed)
        if again is None:
            return ""
        outcome[node.name] = again
    return "preemption: " + fit_error(len(all_nodes), outcome)


_NODES: "weakref.WeakKeyDictionary[object, tuple[int, list[NodeFacts]]]" = weakref.WeakKeyDictionary()


def _all_nodes(view) -> builtins.list[NodeFacts]:
    """The facts of every Node not being deleted, memoized per view until a Node changes."""
    generation = view.generation("Node") if hasattr(view, "generation") else None
    cached = _NODES.get(view) if generation is not None else None
    if cached is not None and cached[0] == generation:
        return cached[1]
    facts = [f for f in (nodeinfo.node_facts(n) for n in view.list("Node")) if not f.deleting]
    if generation is not None:
        _NODES[view] = (generation, facts)
    return facts


def _plain(pod: dict, facts: nodeinfo.PodFacts, view, all_nodes: list[NodeFacts]) -> bool:
    """Whether only NodeUnschedulable, TaintToleration and NodeResourcesFit can tell nodes apart.

    True for a pod with no node selector or affinity, no host ports, no pod
    (anti-)affinity and no spread constraints, when no bound pod has pod
    affinity terms and no node has PreferNoSchedule taints: then every other
    plugin scores all nodes the same, and `_schedule_plain` decides exactly
    as the full cycle does, with a fraction of the work.
    """
    spec = pod.get("spec") or {}
    affinity = spec.get("affinity") or {}
    return (facts.node_names is None and not facts.node_selector and facts.required_terms is None
            and not facts.preferred_terms and not facts.host_ports and not spec.get("topologySpreadConstraints")
            and not affinity.get("podAffinity") and not affinity.get("podAntiAffinity")
            and not filters.pods_with_affinity(view) and not any(n.prefer_taints for n in all_nodes))


def _schedule_plain(facts: nodeinfo.PodFacts, view, nodes: list[NodeFacts]) -> Decision | None:
    """The full cycle's filters and scores for a plain pod (see `_plain`), inlined.

    None when no node fits: the full cycle then builds the exact FitError message.
    """
    wanted = num_feasible_nodes_to_find(len(nodes))
    start = zlib.crc32(f"{facts.namespace}/{facts.name}".encode()) % len(nodes)
    usage = view.node_usage
    want, non_zero = facts.request, facts.non_zero
    tolerations, tolerates_cordon = facts.tolerations, facts.tolerates_unschedulable
    found = 0
    best_score, best_name, first = -1, "", ""
    for i in range(len(nodes)):
        node = nodes[(start + i) % len(nodes)]
        if node.unschedulable and not tolerates_cordon:
            continue
        if node.hard_taints and not all(any(filters.toleration_tolerates(t, taint) for t in tolerations)
                                        for taint in node.hard_taints):
            continue
        real, nz = usage(node.name)
        cpu, mem = node.cpu, node.memory
        if real.pods + 1 > node.pods or (want.cpu > 0 and want.cpu > cpu - real.cpu) or \
                (want.memory > 0 and want.memory > mem - real.memory):
            continue
        found += 1
        first = first or node.name
        least = weights = 0
        if cpu:
            requested = nz.cpu + non_zero.cpu
            least += 0 if requested > cpu else (cpu - requested) * scores.MAX_NODE_SCORE // cpu
            weights += 1
        if mem:
            requested = nz.memory + non_zero.memory
            least += 0 if requested > mem else (mem - requested) * scores.MAX_NODE_SCORE // mem
            weights += 1
        if cpu and mem:
            balanced = int((1 - abs(min((real.cpu + want.cpu) / cpu, 1.0)
                                    - min((real.memory + want.memory) / mem, 1.0)) / 2) * scores.MAX_NODE_SCORE)
        else:
            balanced = scores.MAX_NODE_SCORE
        score = (least // weights if weights else 0) + balanced
        if score > best_score or (score == best_score and node.name < best_name):
            best_score, best_name = score, node.name
        if found >= wanted:
            break
    if not found:
        return None
    return Decision(first if found == 1 else best_name)


def schedule(pod: dict, view) -> Decision:
    """One scheduling cycle for `pod` against every Node of the view (deleting ones excluded)."""
    all_nodes = _all_nodes(view)
    if not all_nodes:
        return Decision(None, NO_NODES)
    facts = nodeinfo.pod_facts(pod)
    if _plain(pod, facts, view, all_nodes):
        decision = _schedule_plain(facts, view, all_nodes)
        if decision is not None:
            return decision
    return full_cycle(pod, facts, view, all_nodes)


def full_cycle(pod: dict, facts: nodeinfo.PodFacts, view, all_nodes: list[NodeFacts]) -> Decision:
    """Every filter and score plugin, as kube-scheduler's scheduling cycle runs them."""
    statuses: dict[str, Status] = {}
    nodes = all_nodes
    # NodeAffinity PreFilter: `metadata.name In` terms narrow the nodes to evaluate.
    if facts.node_names is not None:
        if not facts.node_names:
            absent = Status(Code.UNRESOLVABLE, (Reason.AFFINITY_CONFLICT,))
            statuses = {n.name: absent for n in all_nodes}
            return Decision(None, fit_error(len(all_nodes), statuses, Reason.AFFINITY_CONFLICT,
                                            _preemption(pod, facts, view, all_nodes, statuses)))
        nodes = [n for n in all_nodes if n.name in facts.node_names]
        absent = Status(Code.UNRESOLVABLE, ("node(s) didn't satisfy plugin(s) [NodeAffinity]",))
        statuses = {n.name: absent for n in all_nodes if n.name not in facts.node_names}
    with_affinity = filters.pods_with_affinity(view)
    state = _cycle_state(pod, facts, view, all_nodes, with_affinity)
    feasible: list[NodeFacts] = []
    if nodes:
        wanted = num_feasible_nodes_to_find(len(nodes))
        start = zlib.crc32(f"{facts.namespace}/{facts.name}".encode()) % len(nodes)
        for i in range(len(nodes)):
            node = nodes[(start + i) % len(nodes)]
            status = filters.run_filters(state, node, view)
            if status is None:
                feasible.append(node)
                if len(feasible) >= wanted:
                    break
            else:
                statuses[node.name] = status
    if not feasible:
        return Decision(None, fit_error(len(all_nodes), statuses, "",
                                        _preemption(pod, facts, view, all_nodes, statuses)))
    if len(feasible) == 1:
        return Decision(feasible[0].name)
    totals = scores.score_nodes(view, pod, facts, feasible, all_nodes, with_affinity)
    best = max(totals)
    return Decision(min(n.name for n, t in zip(feasible, totals) if t == best))


def _rfc3339(now: float) -> str:
    return durations.format_time(datetime.fromtimestamp(now, tz=timezone.utc))


def _ignored(pod: dict) -> bool:
    meta, spec = pod.get("metadata") or {}, pod.get("spec") or {}
    return bool(spec.get("nodeName") or meta.get("deletionTimestamp") or resources.is_terminal(pod)
                or (spec.get("schedulerName") or SCHEDULER_NAME) != SCHEDULER_NAME
                or spec.get("schedulingGates"))


def reconcile(key: Key, view, now: float) -> Result:
    """Schedule the pod at `key`: bind it, or record why it fits nowhere."""
    pod = view.get("Pod", key.namespace, key.name)
    # 1. Gone, bound, terminating, finished, gated or someone else's: not ours to place.
    if pod is None or _ignored(pod):
        return Result()
    meta = pod.get("metadata") or {}
    decision = schedule(pod, view)
    # 2. A node fits: bind and say so, as DefaultBinder and the event recorder do.
    if decision.node is not None:
        return Result([
            Bind(key.namespace, key.name, meta.get("uid", ""), decision.node),
            RecordEvent(involved=ref_of(pod), type="Normal", reason="Scheduled",
                        message=f"Successfully assigned {key.namespace}/{key.name} to {decision.node}",
                        component=SCHEDULER_NAME)])
    # 3. Nothing fits: PodScheduled=False (lastTransitionTime kept while the status
    #    stays False, as UpdatePodCondition does); write and warn only on change.
    conditions = (pod.get("status") or {}).get("conditions") or []
    old = next((c for c in conditions if c.get("type") == "PodScheduled"), None)
    condition = {"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                 "message": decision.message, "lastProbeTime": None,
                 "lastTransitionTime": old.get("lastTransitionTime") if old is not None
                 and old.get("status") == "False" else _rfc3339(now)}
    actions: list = []
    if old is None or any(old.get(f) != condition[f] for f in condition):
        updated = values.clone(pod)
        status = updated.setdefault("status", {})
        status["conditions"] = [c for c in status.get("conditions") or [] if c.get("type") != "PodScheduled"]
        status["conditions"].append(condition)
        status.setdefault("phase", "Pending")
        actions.append(UpdateStatus(updated))
    if old is None or old.get("message") != decision.message:
        note = decision.message
        if len(note) > _EVENT_NOTE_MAX:
            note = note[:_EVENT_NOTE_MAX - 4] + " ..."
        actions.append(RecordEvent(involved=ref_of(pod), type="Warning", reason="FailedScheduling",
                                   message=note, component=SCHEDULER_NAME))
    # Looking again after the flush interval is routine: settling does not wait for it.
    return Result(actions, requeue_after=UNSCHEDULABLE_FLUSH, routine=True)


# -- what to look at again --------------------------------------------------------------

def _pending_unschedulable(view) -> builtins.list[Key]:
    """Unbound pods the scheduler already failed to place (the view's index of them)."""
    return [key_of(p) for p in view.unschedulable_pods() if not _ignored(p)]


def _pod_changed(obj: dict, view) -> builtins.list[Key]:
    spec, meta = obj.get("spec") or {}, obj.get("metadata") or {}
    if not spec.get("nodeName"):
        return [] if _ignored(obj) else [key_of(obj)]
    # A bound pod that is gone, finishing or terminating frees room on its node.
    current = view.get("Pod", meta.get("namespace", "") or "", meta.get("name", ""))
    if current is None or (current.get("metadata") or {}).get("uid") != meta.get("uid") \
            or resources.is_terminal(obj) or meta.get("deletionTimestamp"):
        return _pending_unschedulable(view)
    return []


def _node_changed(obj: dict, view) -> builtins.list[Key]:
    return _pending_unschedulable(view)


COMPONENT = Component(name="scheduler", reconcile=reconcile,
                      watches={"Pod": _pod_changed, "Node": _node_changed}, primary="Pod")
