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
  available: 3 No preemption victims found for incoming pod..`. Preemption
  (see `preemption`) runs once per failed attempt and is carried out: the
  victims get DisruptionTarget and are deleted, the pod is nominated
  (status.nominatedNodeName) and its message has no preemption part, as
  upstream's. Nominated pods of equal or higher priority count on their
  node for the other pods' filters; a nominated pod tries its node first.
- A pod that fits nowhere is parked (`Result.park`, the unschedulable pool)
  with the events that may help (see `queueing`), retried with a backoff of
  1 s doubling to 10 s once one comes, or after `UNSCHEDULABLE_FLUSH`
  seconds (upstream's podMaxInUnschedulablePodsDuration); each attempt
  records FailedScheduling (aggregated into the event's count).
- Plain pods (see `_plain`) are decided through `classes.NodeClasses`, in
  O(classes x log nodes), with the same answer as the scan.
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
from litekube.reconcile.scheduler import (
    classes,
    filters,
    nodeinfo,
    nodelist,
    preemption,
    queueing,
    scores,
    volumebinding,
)
from litekube.reconcile.scheduler.filters import Code, Reason, Status
from litekube.reconcile.scheduler.nodeinfo import NodeFacts

__all__ = ["SCHEDULER_NAME", "NO_NODES", "UNSCHEDULABLE_FLUSH", "Decision", "num_feasible_nodes_to_find",
           "fit_error", "schedule", "reconcile", "COMPONENT"]

SCHEDULER_NAME = "default-scheduler"
NO_NODES = "no nodes available to schedule pods"
UNSCHEDULABLE_FLUSH = 300.0
INITIAL_BACKOFF, MAX_BACKOFF = 1.0, 10.0  # podInitialBackoffSeconds, podMaxBackoffSeconds
MIN_FEASIBLE_NODES = 100
MIN_FEASIBLE_PERCENTAGE = 5
_EVENT_NOTE_MAX = 1024


@dataclass(frozen=True)
class Decision:
    """A scheduling cycle's outcome: a node, or the FitError message, the events that
    may help (park) and a preemption's nomination."""

    node: str | None
    message: str = ""
    park: frozenset[str] = frozenset({queueing.NODE_ADD})
    nomination: preemption.Outcome | None = None


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


class _WithNominated:
    """The view with the nominated pods of equal or higher priority counted on their nodes
    (RunFilterPluginsWithNominatedPods), for the filters of one pod."""

    def __init__(self, view, facts: nodeinfo.PodFacts) -> None:
        self._view = view
        self._facts = facts

    def __getattr__(self, name: str):
        return getattr(self._view, name)

    def node_usage(self, node: str) -> tuple[resources.Requests, resources.Requests]:
        real, non_zero = self._view.node_usage(node)
        for p in self._view.nominated_pods(node):
            meta = p.get("metadata") or {}
            if preemption.priority(p) >= self._facts.priority and \
                    (meta.get("namespace"), meta.get("name")) != (self._facts.namespace, self._facts.name):
                real, non_zero = real + resources.pod_requests(p), non_zero + resources.pod_requests(p, True)
        return real, non_zero


def _nominating(view, facts: nodeinfo.PodFacts):
    """The view for one pod's filters: with nominated pods when any exist."""
    has = getattr(view, "has_nominations", None)
    return _WithNominated(view, facts) if has is not None and has() else view


def _cycle_state(pod: dict, facts: nodeinfo.PodFacts, view, all_nodes: list[NodeFacts],
                 with_affinity: list[dict]) -> filters.CycleState:
    """PreFilter: the spread and inter-pod affinity counts, only when something asks for them."""
    state = filters.CycleState(facts)
    constraints = filters.spread_constraints(pod, "DoNotSchedule")
    if constraints:
        state.spread = filters.SpreadState.build(view, facts, constraints, all_nodes)
    state.affinity = filters.AffinityState.build(view, pod, facts, with_affinity)
    return state


def _post_filter(pod: dict, facts: nodeinfo.PodFacts, view, all_nodes: list[NodeFacts],
                 statuses: dict[str, Status]) -> preemption.Outcome:
    def fits(node: NodeFacts, trimmed) -> Status | None:
        state = _cycle_state(pod, facts, trimmed, all_nodes, filters.pods_with_affinity(trimmed))
        return filters.run_filters(state, node, _nominating(trimmed, facts))
    return preemption.post_filter(pod, facts, view, all_nodes, statuses, fits,
                                  lambda n, st: fit_error(n, st))


def _failed(pod: dict, facts: nodeinfo.PodFacts, view, all_nodes: list[NodeFacts], statuses: dict[str, Status],
            pre_filter: str = "") -> Decision:
    """FitError, after PostFilter: the message, the park events and a nomination, if any."""
    outcome = _post_filter(pod, facts, view, all_nodes, statuses)
    park = queueing.park_events(statuses.values(), pre_filter)
    return Decision(None, fit_error(len(all_nodes), statuses, pre_filter, outcome.message), park,
                    outcome if outcome.node else None)


_NODES: "weakref.WeakKeyDictionary[object, tuple[int, list[NodeFacts]]]" = weakref.WeakKeyDictionary()


_POSITIONS: dict[int, tuple[list, dict[str, int]]] = {}


def _positions(nodes: list[NodeFacts], view=None):
    """Each node's position in `nodes` by name: the view's NodeList's (bisection) when `nodes` is its list,
    else memoized on the list."""
    kept = nodelist.current(view, nodes)
    if kept is not None:
        return nodelist.Positions(kept)
    cached = _POSITIONS.get(id(nodes))
    if cached is not None and cached[0] is nodes:
        return cached[1]
    found = {n.name: i for i, n in enumerate(nodes)}
    if len(_POSITIONS) > 64:
        _POSITIONS.clear()
    _POSITIONS[id(nodes)] = (nodes, found)
    return found


def _all_nodes(view) -> builtins.list[NodeFacts]:
    """The facts of every Node not being deleted, in name order: kept up to date from the view's Node
    changes (nodelist.NodeList), or for a view without subscriptions memoized until a Node changes."""
    kept = nodelist.for_view(view)
    if kept is not None:
        return kept.facts
    generation = view.generation("Node") if hasattr(view, "generation") else None
    cached = _NODES.get(view) if generation is not None else None
    if cached is not None and cached[0] == generation:
        return cached[1]
    if cached is not None:
        nodelist.REBUILDS["nodes"] += 1
    facts = [f for f in (nodeinfo.node_facts(n) for n in view.list("Node")) if not f.deleting]
    if generation is not None:
        _NODES[view] = (generation, facts)
    return facts


def _plain(pod: dict, facts: nodeinfo.PodFacts, view, all_nodes: list[NodeFacts]) -> bool:
    """Whether only NodeUnschedulable, TaintToleration and NodeResourcesFit can tell nodes apart.

    True for a pod with no node selector or affinity, no host ports, no pod
    (anti-)affinity and no spread constraints, when no bound pod has a pod
    affinity term that selects it (CoreDNS's anti-affinity selects only
    CoreDNS's pods) and no node has PreferNoSchedule taints: then every other
    plugin scores all nodes the same, and `_schedule_plain` decides exactly
    as the full cycle does, with a fraction of the work.
    """
    spec = pod.get("spec") or {}
    affinity = spec.get("affinity") or {}
    return (facts.node_names is None and not facts.node_selector and facts.required_terms is None
            and not facts.preferred_terms and not facts.host_ports and not spec.get("topologySpreadConstraints")
            and not affinity.get("podAffinity") and not affinity.get("podAntiAffinity")
            and not _selected_by_terms(pod, view) and not _any_prefer_taints(all_nodes, view))


def _selected_by_terms(pod: dict, view) -> bool:
    """Whether a bound pod's podAffinity/podAntiAffinity term, required or preferred, selects `pod`.

    Only such a term makes InterPodAffinity's Filter refuse a node or its Score differ between
    nodes (processExistingPod counts the terms that match the incoming pod).
    """
    bound = filters.pods_with_affinity(view)
    if not bound:
        return False
    meta = pod.get("metadata") or {}
    namespace, labels = meta.get("namespace", ""), meta.get("labels") or {}
    def namespace_labels(name: str):  # read only for a term with a namespaceSelector
        return filters.namespace_labels(view)(name)
    return any(term.matches(namespace, labels, namespace_labels) for other in bound for term in _terms(other))


_TERMS: dict[int, tuple[dict, tuple[nodeinfo.AffinityTerm, ...]]] = {}


def _terms(pod: dict) -> tuple[nodeinfo.AffinityTerm, ...]:
    """Every podAffinity/podAntiAffinity term of a bound pod, memoized on the (unchanging) cached object."""
    cached = _TERMS.get(id(pod))
    if cached is not None and cached[0] is pod:
        return cached[1]
    terms = tuple(term for kind in ("podAffinity", "podAntiAffinity") for required in (True, False)
                  for term in nodeinfo.affinity_terms(pod, kind, required))
    if len(_TERMS) > 4096:
        _TERMS.clear()
    _TERMS[id(pod)] = (pod, terms)
    return terms


_PREFER: dict[int, tuple[list, bool]] = {}


def _any_prefer_taints(nodes: list[NodeFacts], view=None) -> bool:
    """Whether any node has a PreferNoSchedule taint: the view's NodeList's count when `nodes` is its list,
    else memoized on the list."""
    kept = nodelist.current(view, nodes)
    if kept is not None:
        return kept.prefer > 0
    cached = _PREFER.get(id(nodes))
    if cached is not None and cached[0] is nodes:
        return cached[1]
    found = any(n.prefer_taints for n in nodes)
    if len(_PREFER) > 64:
        _PREFER.clear()
    _PREFER[id(nodes)] = (nodes, found)
    return found


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
    check = volumebinding.prefilter(pod, view)
    if check is not None:
        if check.error:
            absent = Status(Code.UNRESOLVABLE, (check.error,))
            return _failed(pod, facts, view, all_nodes, {n.name: absent for n in all_nodes}, check.error)
        return full_cycle(pod, facts, view, all_nodes, check)
    nominated = (pod.get("status") or {}).get("nominatedNodeName")
    has_nominations = getattr(view, "has_nominations", None)
    if not nominated and _plain(pod, facts, view, all_nodes) and not (has_nominations and has_nominations()):
        grouped = classes.for_view(view, _all_nodes)
        if grouped is not None and grouped.count <= classes.MAX_CLASSES:
            node = grouped.decide(facts, num_feasible_nodes_to_find(len(all_nodes)))
            if node is not None:
                return Decision(node)
            if (pod.get("spec") or {}).get("preemptionPolicy") == "Never" or not _lower_priority_exists(view, facts):
                return _plain_failure(pod, facts, grouped, len(all_nodes))
        else:
            decision = _schedule_plain(facts, view, all_nodes)
            if decision is not None:
                return decision
    return full_cycle(pod, facts, view, all_nodes)


def _lower_priority_exists(view, facts: nodeinfo.PodFacts) -> bool:
    lowest = getattr(view, "lowest_priority", None)
    return True if lowest is None else (lambda p: p is not None and p < facts.priority)(lowest())


def _plain_failure(pod: dict, facts: nodeinfo.PodFacts, grouped: classes.NodeClasses, num_nodes: int) -> Decision:
    """FitError from the classes when no pod of lower priority exists (preemption finds no victims)."""
    counts: dict[str, int] = {}
    resolvable = 0
    for status, size in grouped.failure(facts):
        for reason in status.reasons:
            counts[reason] = counts.get(reason, 0) + size
        if status.code is Code.UNSCHEDULABLE:
            resolvable += size
    message = f"0/{num_nodes} nodes are available: " + ", ".join(sorted(f"{n} {r}" for r, n in counts.items())) + "."
    if (pod.get("spec") or {}).get("preemptionPolicy") == "Never":
        post = f"preemption: {Reason.NOT_ELIGIBLE}"
    else:
        parts = [f"{resolvable} {Reason.NO_VICTIMS}"] if resolvable else []
        if num_nodes - resolvable:
            parts.append(f"{num_nodes - resolvable} {Reason.NOT_HELPFUL}")
        post = f"preemption: 0/{num_nodes} nodes are available: " + ", ".join(sorted(parts)) + "."
    statuses = [status for status, _ in grouped.failure(facts)]
    return Decision(None, f"{message} {post}.", queueing.park_events(statuses))


def full_cycle(pod: dict, facts: nodeinfo.PodFacts, view, all_nodes: list[NodeFacts],
               check: volumebinding.VolumeCheck | None = None) -> Decision:
    """Every filter and score plugin, as kube-scheduler's scheduling cycle runs them.

    `check` is VolumeBinding's Filter, run after the node's other filters pass.
    """
    def run(node: NodeFacts) -> Status | None:
        status = filters.run_filters(state, node, filter_view)
        return check.filter(node) if status is None and check is not None else status

    statuses: dict[str, Status] = {}
    nodes = all_nodes
    filter_view = _nominating(view, facts)
    # NodeAffinity PreFilter: `metadata.name In` terms narrow the nodes to evaluate.
    narrowed = False
    if facts.node_names is not None:
        if not facts.node_names:
            absent = Status(Code.UNRESOLVABLE, (Reason.AFFINITY_CONFLICT,))
            statuses = {n.name: absent for n in all_nodes}
            return _failed(pod, facts, view, all_nodes, statuses, Reason.AFFINITY_CONFLICT)
        # The named nodes, in the list's order, found through its name index (not a scan of every node).
        position = _positions(all_nodes, view)
        nodes = [all_nodes[i] for i in sorted(position[name] for name in facts.node_names if name in position)]
        narrowed = True
    with_affinity = filters.pods_with_affinity(view)
    state = _cycle_state(pod, facts, view, all_nodes, with_affinity)
    # A nominated pod tries its node first (evaluateNominatedNode): if it fits, it is the only one.
    nominated = (pod.get("status") or {}).get("nominatedNodeName")
    if nominated:
        node = next((n for n in nodes if n.name == nominated), None)
        if node is not None and run(node) is None:
            return Decision(node.name)
    feasible: list[NodeFacts] = []
    if nodes:
        wanted = num_feasible_nodes_to_find(len(nodes))
        start = zlib.crc32(f"{facts.namespace}/{facts.name}".encode()) % len(nodes)
        for i in range(len(nodes)):
            node = nodes[(start + i) % len(nodes)]
            status = run(node)
            if status is None:
                feasible.append(node)
                if len(feasible) >= wanted:
                    break
            else:
                statuses[node.name] = status
    if not feasible:
        if narrowed:  # the nodes PreFilter left out come first, in the list's order, as when they were marked
            absent = Status(Code.UNRESOLVABLE, ("node(s) didn't satisfy plugin(s) [NodeAffinity]",))
            statuses = {**{n.name: absent for n in all_nodes if n.name not in facts.node_names}, **statuses}
        return _failed(pod, facts, view, all_nodes, statuses)
    if len(feasible) == 1:
        return Decision(feasible[0].name)
    totals = scores.score_nodes(filter_view, pod, facts, feasible, all_nodes, with_affinity)
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
    # 2. A node fits but the pod's delayed claims are not bound yet: PreBind binds or hands them
    #    over, and the pod waits for them (the claims' changes bring it back).
    if decision.node is not None:
        check = volumebinding.prefilter(pod, view)
        if check is not None and not check.all_bound:
            return Result(check.pre_bind(decision.node), requeue_after=UNSCHEDULABLE_FLUSH, routine=True)
    # 3. A node fits: bind and say so, as DefaultBinder and the event recorder do.
    if decision.node is not None:
        return Result([
            Bind(key.namespace, key.name, meta.get("uid", ""), decision.node),
            RecordEvent(involved=ref_of(pod), type="Normal", reason="Scheduled",
                        message=f"Successfully assigned {key.namespace}/{key.name} to {decision.node}",
                        component=SCHEDULER_NAME)])
    # 3. Nothing fits: preempt when that helps (victims first), then PodScheduled=False with the
    #    nomination (lastTransitionTime kept while the status stays False, as UpdatePodCondition
    #    does; written only on change), a FailedScheduling event per attempt, and park the pod.
    actions: list = []
    nominate = decision.nomination
    if nominate is not None:
        actions += preemption.preempt_actions(pod, nominate, view, _rfc3339(now), SCHEDULER_NAME)
    conditions = (pod.get("status") or {}).get("conditions") or []
    old = next((c for c in conditions if c.get("type") == "PodScheduled"), None)
    condition = {"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                 "message": decision.message, "lastProbeTime": None,
                 "lastTransitionTime": old.get("lastTransitionTime") if old is not None
                 and old.get("status") == "False" else _rfc3339(now)}
    nominated = (pod.get("status") or {}).get("nominatedNodeName")
    wanted_nomination = nominate.node if nominate is not None else nominated
    if old is None or any(old.get(f) != condition[f] for f in condition) or wanted_nomination != nominated:
        updated = values.clone(pod)
        status = updated.setdefault("status", {})
        status["conditions"] = [c for c in status.get("conditions") or [] if c.get("type") != "PodScheduled"]
        status["conditions"].append(condition)
        status.setdefault("phase", "Pending")
        if wanted_nomination:
            status["nominatedNodeName"] = wanted_nomination
        actions.append(UpdateStatus(updated))
    note = decision.message
    if len(note) > _EVENT_NOTE_MAX:
        note = note[:_EVENT_NOTE_MAX - 4] + " ..."
    actions.append(RecordEvent(involved=ref_of(pod), type="Warning", reason="FailedScheduling",
                               message=note, component=SCHEDULER_NAME))
    # Looking again after the flush interval is routine: settling does not wait for it.
    return Result(actions, requeue_after=UNSCHEDULABLE_FLUSH, routine=True, park=decision.park)


# -- what to look at again --------------------------------------------------------------

def _pod_changed(obj: dict, view) -> builtins.list[Key]:
    """An unbound pod to place (activeQ); a parked one waits for its wake events instead."""
    if (obj.get("spec") or {}).get("nodeName") or _ignored(obj):
        return []
    return [key_of(obj)]


def _claim_changed(obj: dict, view) -> builtins.list[Key]:
    meta = obj.get("metadata") or {}
    return volumebinding.claim_pods(meta.get("namespace", ""), meta.get("name", ""), view)


COMPONENT = Component(name="scheduler", reconcile=reconcile,
                      watches={"Pod": _pod_changed, "PersistentVolumeClaim": _claim_changed}, primary="Pod",
                      wakes={"Pod": queueing.pod_wakes, "Node": queueing.node_wakes,
                             "PersistentVolumeClaim": volumebinding.claim_wakes,
                             "PersistentVolume": volumebinding.volume_wakes},
                      backoff=(INITIAL_BACKOFF, MAX_BACKOFF))
