"""Which pods a workload controller deletes first: upstream's `ActivePodsWithRanks`.

No I/O happens here. `pods_to_delete` is replica_set.go's `getPodsToDelete`:
when only some pods go, they are ranked by `getPodsRankedByRelatedPodsOnSameNode`
(rank = active related pods on the same node) and sorted by
controller_utils.go's `ActivePodsWithRanks.Less`, first match wins:

1. unassigned (no spec.nodeName) before assigned;
2. phase Pending < Unknown < Running (any other phase counts as Pending);
3. not Ready before Ready;
4. lower `controller.kubernetes.io/pod-deletion-cost` first (PodDeletionCost, on);
5. higher rank first (more colocated related pods);
6. both Ready: became Ready more recently first, no ready time first;
7. higher maximum container restart count first;
8. newer creationTimestamp first, no timestamp first.

Rules 6 and 8 are LogarithmicScaleDown (GA): times fall in buckets of
floor(log2(nanoseconds since the time)) and equal buckets are ordered by
pod uid, a pseudo-random but stable order. The pod predicates it needs
(`is_active`, `is_ready`, `ready_time`) are exported for the controllers.
"""
from __future__ import annotations

import functools
import math
import re
from collections import Counter
from typing import Callable, Iterable, NamedTuple

from litekube.model import durations

__all__ = ["DELETION_COST_ANNOTATION", "is_active", "is_ready", "ready_time", "timestamp", "deletion_cost",
           "max_restarts", "ranks_by_related_pods_on_node", "sort_for_deletion", "pods_to_delete",
           "unranked_facts"]

DELETION_COST_ANNOTATION = "controller.kubernetes.io/pod-deletion-cost"
_PHASE_ORDINAL = {"Pending": 0, "Unknown": 1, "Running": 2}
_INT32 = (-(2 ** 31), 2 ** 31 - 1)


def timestamp(text: str | None) -> float | None:
    """Seconds since the epoch of an RFC 3339 time; None for a missing (zero) or malformed one."""
    if not text:
        return None
    try:
        return durations.parse_time(text).timestamp()
    except ValueError:
        return None


def is_active(pod: dict) -> bool:
    """IsPodActive: not Succeeded or Failed, and not terminating."""
    return ((pod.get("status") or {}).get("phase") not in ("Succeeded", "Failed")
            and not (pod.get("metadata") or {}).get("deletionTimestamp"))


def _ready_condition(pod: dict) -> dict | None:
    for condition in (pod.get("status") or {}).get("conditions") or ():
        if condition.get("type") == "Ready":
            return condition
    return None


def is_ready(pod: dict) -> bool:
    """IsPodReady: the Ready condition is True."""
    condition = _ready_condition(pod)
    return condition is not None and condition.get("status") == "True"


def ready_time(pod: dict) -> float | None:
    """When a Ready pod became Ready (its condition's lastTransitionTime); None if not Ready or unknown."""
    condition = _ready_condition(pod)
    if condition is None or condition.get("status") != "True":
        return None
    return timestamp(condition.get("lastTransitionTime"))


def deletion_cost(pod: dict) -> int:
    """GetDeletionCostFromPodAnnotations: an int32 without '+' or leading zeros; 0 when absent or invalid."""
    value = ((pod.get("metadata") or {}).get("annotations") or {}).get(DELETION_COST_ANNOTATION)
    if not isinstance(value, str) or not value:
        return 0
    # validFirstDigit, then strconv.ParseInt(value, 10, 32): no '+', no leading zeros.
    if not (value == "0" or re.fullmatch(r"-?[0-9]+", value)) or value[0] == "0":
        return 0
    cost = int(value)
    return cost if _INT32[0] <= cost <= _INT32[1] else 0


def max_restarts(pod: dict) -> int:
    """The highest restartCount among the pod's containers (not its init containers)."""
    return max((int(s.get("restartCount") or 0) for s in (pod.get("status") or {}).get("containerStatuses") or []),
               default=0)


def ranks_by_related_pods_on_node(pods: list[dict], related: Iterable[dict]) -> list[int]:
    """getPodsRankedByRelatedPodsOnSameNode: per pod, the active related pods on its node ("" counts too)."""
    on_node = Counter((p.get("spec") or {}).get("nodeName") or "" for p in related if is_active(p))
    return [on_node[(p.get("spec") or {}).get("nodeName") or ""] for p in pods]


class _Facts(NamedTuple):
    """What `Less` looks at, computed once per pod instead of once per comparison."""

    node: str
    phase: int
    ready: bool
    cost: int
    rank: int
    ready_time: float | None
    restarts: int
    created: float | None
    uid: str


def _facts(pod: dict, rank: int) -> _Facts:
    meta = pod.get("metadata") or {}
    return _Facts(node=(pod.get("spec") or {}).get("nodeName") or "",
                  phase=_PHASE_ORDINAL.get((pod.get("status") or {}).get("phase", ""), 0),
                  ready=is_ready(pod), cost=deletion_cost(pod), rank=rank, ready_time=ready_time(pod),
                  restarts=max_restarts(pod), created=timestamp(meta.get("creationTimestamp")),
                  uid=meta.get("uid", ""))


def unranked_facts(pod: dict) -> _Facts:
    """`_facts` with rank 0: all that depends on the pod alone (a view may remember it per pod)."""
    return _facts(pod, 0)


def _bucket(t: float, now: float) -> int:
    """floor(log2(now - t)) with the difference in nanoseconds, as Go's time.Duration; -1 if not positive."""
    nanos = round((now - t) * 1e9)
    return int(math.log2(nanos)) if nanos > 0 else -1


def _newer_first(t1: float | None, t2: float | None, uid1: str, uid2: str, now: float | None) -> bool:
    """Rules 6 and 8 for two different times: is the first one deleted first?"""
    if t1 is None or t2 is None:
        return t1 is None  # afterOrZero: a zero time counts as the newest
    if now is None:
        return t1 > t2
    diff = _bucket(t1, now) - _bucket(t2, now)
    return uid1 < uid2 if diff == 0 else diff < 0


def _less(a: _Facts, b: _Facts, now: float | None) -> bool:
    """ActivePodsWithRanks.Less: should `a` be deleted before `b`?"""
    if a.node != b.node and (not a.node or not b.node):
        return not a.node
    if a.phase != b.phase:
        return a.phase < b.phase
    if a.ready != b.ready:
        return not a.ready
    if a.cost != b.cost:
        return a.cost < b.cost
    if a.rank != b.rank:
        return a.rank > b.rank
    if a.ready and b.ready and a.ready_time != b.ready_time:
        return _newer_first(a.ready_time, b.ready_time, a.uid, b.uid, now)
    if a.restarts != b.restarts:
        return a.restarts > b.restarts
    if a.created != b.created:
        return _newer_first(a.created, b.created, a.uid, b.uid, now)
    return False


def sort_for_deletion(pods: list[dict], ranks: list[int], now: float | None,
                      unranked: Callable[[dict], _Facts] = unranked_facts) -> list[dict]:
    """The pods in deletion order (a new list); `now` None compares times without log buckets.
    `unranked` is `unranked_facts` or a function equal to it (one that remembers it per pod)."""
    facts = [(unranked(pod)._replace(rank=rank), pod) for pod, rank in zip(pods, ranks)]

    def compare(x: tuple[_Facts, dict], y: tuple[_Facts, dict]) -> int:
        return -1 if _less(x[0], y[0], now) else 1 if _less(y[0], x[0], now) else 0

    return [pod for _, pod in sorted(facts, key=functools.cmp_to_key(compare))]


def pods_to_delete(pods: list[dict], related: Iterable[dict], count: int, now: float | None,
                   unranked: Callable[[dict], _Facts] = unranked_facts) -> list[dict]:
    """getPodsToDelete: the first `count` of `pods` in deletion order (no sort when all of them go)."""
    if count < len(pods):
        pods = sort_for_deletion(pods, ranks_by_related_pods_on_node(pods, related), now, unranked)
    return pods[:count]
