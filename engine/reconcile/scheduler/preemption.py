"""DefaultPreemption (PostFilter): evict lower-priority pods so that a pod that fits nowhere can run.

No I/O happens here. As pkg/scheduler/framework/plugins/defaultpreemption and
framework/preemption in v1.32, once per failed scheduling attempt:

1. PodEligibleToPreemptOthers: not with preemptionPolicy Never, nor while a
   lower-priority pod on its nominated node is terminating because of a
   preemption (unless that node is now UnschedulableAndUnresolvable);
2. the candidates: the nodes rejected as Unschedulable (never those rejected
   as UnschedulableAndUnresolvable), dry-run from an offset, stopping once
   max(10% of them, 100) candidates are found (minCandidateNodesPercentage,
   minCandidateNodesAbsolute) and one of them violates no PodDisruptionBudget;
3. SelectVictimsOnNode: remove every pod of lower priority; if the pod fits,
   reprieve as many as possible, most important first (PDB-violating ones
   first), the rest are the victims;
4. pickOneNodeForPreemption: fewest PDB violations, lowest highest victim
   priority, lowest priority sum, fewest victims, latest start of the
   highest-priority victims, then the first;
5. the victims get the DisruptionTarget condition (PreemptionByScheduler)
   and are deleted, each with a `Preempted` event; lower-priority pods
   nominated to the node lose their nomination; the pod is nominated.

Choices where upstream is random: the dry run's offset is a CRC32 of the
pod's namespace/name, and ties in step 4 go to the first candidate found.
A node with no pod of lower priority costs O(1) (the view's
`min_priority`), so a cluster of equal priorities never walks its pods.
"""
from __future__ import annotations

import builtins
import zlib
from dataclasses import dataclass, field
from typing import Callable

from litekube import errors
from litekube.model import resources, selectors, values
from litekube.reconcile.base import Delete, RecordEvent, UpdateStatus, ref_of
from litekube.reconcile.common import pod_ranking
from litekube.reconcile.scheduler.filters import Code, Reason, Status
from litekube.reconcile.scheduler.nodeinfo import NodeFacts, PodFacts

__all__ = ["MIN_CANDIDATE_NODES_PERCENTAGE", "MIN_CANDIDATE_NODES_ABSOLUTE", "TERMINATING_NOMINATED",
           "Outcome", "num_candidates", "post_filter", "preempt_actions", "WithoutPods", "priority"]

MIN_CANDIDATE_NODES_PERCENTAGE = 10
MIN_CANDIDATE_NODES_ABSOLUTE = 100
TERMINATING_NOMINATED = "not eligible due to a terminating pod on the nominated node."
PREEMPTION_REASON = "PreemptionByScheduler"


def priority(pod: dict) -> int:
    return int((pod.get("spec") or {}).get("priority") or 0)


def num_candidates(num_nodes: int) -> int:
    """calculateNumCandidates: 10% of the nodes, at least 100, at most all of them."""
    n = num_nodes * MIN_CANDIDATE_NODES_PERCENTAGE // 100
    return min(max(n, MIN_CANDIDATE_NODES_ABSOLUTE), num_nodes)


class WithoutPods:
    """The view with some pods gone from their nodes (preemption's dry run removes the victims)."""

    def __init__(self, view, pods: list[dict]) -> None:
        self._view = view
        self._uids = {(p.get("metadata") or {}).get("uid") for p in pods}
        self._removed = pods

    def __getattr__(self, name: str):
        return getattr(self._view, name)

    def _keep(self, obj: dict) -> bool:
        return obj.get("kind") != "Pod" or (obj.get("metadata") or {}).get("uid") not in self._uids

    def get(self, kind: str, namespace: str, name: str) -> dict | None:
        obj = self._view.get(kind, namespace, name)
        return obj if obj is not None and self._keep(obj) else None

    def list(self, kind: str, namespace: str | None = None) -> builtins.list[dict]:
        return [o for o in self._view.list(kind, namespace) if self._keep(o)]

    def pods_on_node(self, node: str) -> builtins.list[dict]:
        return [o for o in self._view.pods_on_node(node) if self._keep(o)]

    def pods_with_affinity(self) -> builtins.list[dict]:
        return [o for o in self._view.pods_with_affinity() if self._keep(o)]

    def node_usage(self, node: str) -> tuple[resources.Requests, resources.Requests]:
        real, non_zero = self._view.node_usage(node)
        for p in self._removed:
            if p["spec"].get("nodeName") == node and not resources.is_terminal(p):
                real, non_zero = real - resources.pod_requests(p), non_zero - resources.pod_requests(p, True)
        return real, non_zero


@dataclass
class Outcome:
    """PostFilter's answer: the message to append (without the final full stop), or a nomination."""

    message: str = ""
    node: str | None = None
    victims: list[dict] = field(default_factory=list)


@dataclass
class _Candidate:
    node: str
    victims: list[dict]  # most important first
    violations: int


def _start_time(pod: dict) -> float:
    started = pod_ranking.timestamp((pod.get("status") or {}).get("startTime"))
    return float("inf") if started is None else started


def _importance(pod: dict) -> tuple:
    """MoreImportantPod as a sort key: higher priority first, then the earlier start."""
    return (-priority(pod), _start_time(pod))


def _terminating_by_preemption(pod: dict) -> bool:
    if not (pod.get("metadata") or {}).get("deletionTimestamp"):
        return False
    for condition in (pod.get("status") or {}).get("conditions") or []:
        if condition.get("type") == "DisruptionTarget":
            return condition.get("status") == "True" and condition.get("reason") == PREEMPTION_REASON
    return False


def _pdb_violations(victims: list[dict], view) -> tuple[list[dict], list[dict]]:
    """filterPodsWithPDBViolation: (violating, non-violating), each keeping the order it was given."""
    allowed: dict[tuple[str, str], int] = {}
    violating, fine = [], []
    for pod in victims:
        meta = pod.get("metadata") or {}
        violated = False
        if meta.get("labels"):
            for pdb in view.list("PodDisruptionBudget", meta.get("namespace", "")):
                try:
                    selector = selectors.from_label_selector((pdb.get("spec") or {}).get("selector"))
                except errors.LitekubeError:
                    continue
                if selector.empty or not selector.matches(meta.get("labels")):
                    continue
                status = pdb.get("status") or {}
                if meta.get("name") in (status.get("disruptedPods") or {}):
                    continue
                at = (pdb["metadata"].get("namespace", ""), pdb["metadata"]["name"])
                allowed[at] = allowed.get(at, int(status.get("disruptionsAllowed") or 0)) - 1
                if allowed[at] < 0:
                    violated = True
        (violating if violated else fine).append(pod)
    return violating, fine


Filter = Callable[[NodeFacts, object], "Status | None"]


def _select_victims(facts: PodFacts, node: NodeFacts, view, fits: Filter) -> tuple[list[dict], int, Status | None]:
    """SelectVictimsOnNode: (victims, PDB violations, None) or ([], 0, the node's status)."""
    lowest = view.min_priority(node.name) if hasattr(view, "min_priority") else None
    potential = [] if lowest is not None and lowest >= facts.priority else [
        p for p in view.pods_on_node(node.name) if not resources.is_terminal(p) and priority(p) < facts.priority]
    if not potential:
        return [], 0, Status(Code.UNRESOLVABLE, (Reason.NO_VICTIMS,))
    status = fits(node, WithoutPods(view, potential))
    if status is not None:
        return [], 0, status
    potential.sort(key=_importance)
    violating, fine = _pdb_violations(potential, view)
    removed = list(potential)
    victims: list[dict] = []
    violations = 0
    for group, counts in ((violating, True), (fine, False)):
        for pod in group:
            removed.remove(pod)
            if fits(node, WithoutPods(view, removed)) is None:
                continue  # reprieved
            removed.append(pod)
            victims.append(pod)
            violations += int(counts)
    if violating and fine:
        victims.sort(key=_importance)
    return victims, violations, None


def _pick(candidates: list[_Candidate]) -> _Candidate:
    """pickOneNodeForPreemption's criteria, in order; the first candidate among equals."""
    scores = (
        lambda c: -c.violations,
        lambda c: -priority(c.victims[0]),
        lambda c: -sum(priority(p) + 2 ** 31 for p in c.victims),
        lambda c: -len(c.victims),
        lambda c: min((_start_time(p) for p in c.victims if priority(p) == priority(c.victims[0])),
                      default=float("-inf")),
    )
    remaining = candidates
    for score in scores:
        best = max(score(c) for c in remaining)
        remaining = [c for c in remaining if score(c) == best]
        if len(remaining) == 1:
            break
    return remaining[0]


def post_filter(pod: dict, facts: PodFacts, view, all_nodes: list[NodeFacts], statuses: dict[str, Status],
                fits: Filter, fit_error: Callable[[int, dict[str, Status]], str]) -> Outcome:
    """DefaultPreemption.PostFilter for `pod` after every node rejected it with `statuses`."""
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    # 1. Eligibility.
    if spec.get("preemptionPolicy") == "Never":
        return Outcome(f"preemption: {Reason.NOT_ELIGIBLE}")
    nominated = status.get("nominatedNodeName")
    if nominated and (statuses.get(nominated) is None or statuses[nominated].code is not Code.UNRESOLVABLE):
        for p in view.pods_on_node(nominated):
            if priority(p) < facts.priority and _terminating_by_preemption(p):
                return Outcome(f"preemption: {TERMINATING_NOMINATED}")
    # 2. Candidates from the nodes where evicting could help, dry-run from an offset.
    potential = [n for n in all_nodes if (s := statuses.get(n.name)) is not None and s.code is Code.UNSCHEDULABLE]
    outcome: dict[str, Status] = {}
    candidates: list[_Candidate] = []
    if potential:
        wanted = num_candidates(len(potential))
        offset = zlib.crc32(f"{facts.namespace}/{facts.name}".encode()) % len(potential)
        non_violating = 0
        for i in range(len(potential)):
            node = potential[(offset + i) % len(potential)]
            victims, violations, rejected = _select_victims(facts, node, view, fits)
            if rejected is not None:
                outcome[node.name] = rejected
                continue
            candidates.append(_Candidate(node.name, victims, violations))
            non_violating += int(violations == 0)
            if non_violating and len(candidates) >= wanted:
                break
    if not candidates:
        absent = Status(Code.UNRESOLVABLE, (Reason.NOT_HELPFUL,))
        return Outcome("preemption: " + fit_error(len(all_nodes), {n.name: outcome.get(n.name, absent)
                                                                   for n in all_nodes}))
    best = _pick(candidates)
    return Outcome("", best.node, best.victims)


def preempt_actions(pod: dict, outcome: Outcome, view, stamp: str, scheduler: str) -> list:
    """prepareCandidate: DisruptionTarget and deletion of each victim (with its event), and the
    nominations of lower-priority pods on that node cleared."""
    actions: list = []
    uid = (pod.get("metadata") or {}).get("uid", "")
    condition = {"type": "DisruptionTarget", "status": "True", "lastProbeTime": None, "lastTransitionTime": stamp,
                 "reason": PREEMPTION_REASON,
                 "message": f"{(pod.get('spec') or {}).get('schedulerName') or scheduler}: "
                            "preempting to accommodate a higher priority pod"}
    for victim in outcome.victims:
        meta = victim.get("metadata") or {}
        if meta.get("deletionTimestamp"):
            continue  # graceful deletion already started
        updated = values.clone(victim)
        conditions = [c for c in (updated.get("status") or {}).get("conditions") or []
                      if c.get("type") != "DisruptionTarget"]
        updated.setdefault("status", {})["conditions"] = conditions + [dict(condition)]
        actions += [UpdateStatus(updated),
                    Delete("Pod", meta.get("namespace", ""), meta.get("name", ""), meta.get("uid", "")),
                    RecordEvent(ref_of(victim), "Normal", "Preempted",
                                f"Preempted by pod {uid} on node {outcome.node}", scheduler)]
    mine = priority(pod)
    for other in view.nominated_pods(outcome.node) if hasattr(view, "nominated_pods") else []:
        if priority(other) < mine and (other.get("metadata") or {}).get("uid") != uid:
            cleared = values.clone(other)
            cleared["status"].pop("nominatedNodeName", None)
            actions.append(UpdateStatus(cleared))
    return actions


