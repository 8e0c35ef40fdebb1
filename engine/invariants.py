"""Invariants: predicates over the cluster as it was at one changelog revision.

This module does I/O only in `Replay`, which reads the changelog. An
invariant is checked at every revision between the steps of a check (the
changelog rows replayed one by one), not only at the end:

    available_at_least("deployment/web", 2)   available pods of the Deployment never below 2
    pods_at_most("deployment/web", 5)         pods (not terminating, not terminal) never above 5
    pdb_respected()                           every PodDisruptionBudget's healthy pods >= its desired healthy
    replicas_within("hpa/web")                the HPA target's spec.replicas within [minReplicas, maxReplicas]
    service_has_ready_endpoint("svc/web")     the Service has a ready endpoint (Endpoints or EndpointSlices)
    predicate("name", fn)                     a user predicate: fn(view) -> bool (or a message when broken)

Each answers `check(view)` with None when it holds, else the message that
says how it broke. The pod facts follow Kubernetes' definitions
(podutil.IsPodAvailable, controller.FilterActivePods).
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Iterable

__all__ = ["View", "Invariant", "Replay", "available_at_least", "pods_at_most", "pdb_respected", "replicas_within",
           "service_has_ready_endpoint", "predicate", "parse", "Broken"]

SKIPPED_KINDS = frozenset({"Event", "Lease"})  # what no invariant reads: not replayed


class View:
    """The cluster at one revision, read-only: `get`, `list`, `revision`, `time` (seconds)."""

    def __init__(self) -> None:
        self.objects: dict[str, dict[tuple[str, str], dict]] = defaultdict(dict)
        self.revision = 0
        self.time = 0.0

    def get(self, kind: str, namespace: str, name: str) -> dict | None:
        return self.objects[kind].get((namespace, name))

    def list(self, kind: str, namespace: str | None = None) -> list[dict]:
        items = self.objects[kind]
        if namespace is None:
            return list(items.values())
        return [o for (ns, _), o in items.items() if ns == namespace]


def _target(text: str, kinds: dict[str, str]) -> tuple[str, str]:
    kind, sep, name = text.partition("/")
    if not sep or not name:
        raise ValueError(f"expected TYPE/NAME, got {text!r}")
    resolved = kinds.get(kind.lower())
    if resolved is None:
        raise ValueError(f"unsupported resource type {kind!r} in {text!r}: want one of {', '.join(sorted(kinds))}")
    return resolved, name


_WORKLOADS = {"deployment": "Deployment", "deployments": "Deployment", "deploy": "Deployment",
              "replicaset": "ReplicaSet", "rs": "ReplicaSet", "statefulset": "StatefulSet", "sts": "StatefulSet"}
_HPAS = {"hpa": "HorizontalPodAutoscaler", "horizontalpodautoscaler": "HorizontalPodAutoscaler"}
_SERVICES = {"svc": "Service", "service": "Service", "services": "Service"}


# -- pod facts ------------------------------------------------------------------------------------

def _condition(obj: dict, kind: str) -> dict | None:
    return next((c for c in (obj.get("status") or {}).get("conditions") or [] if c.get("type") == kind), None)


def _seconds(timestamp: str) -> float:
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp()


def is_active(pod: dict) -> bool:
    """controller.FilterActivePods: neither terminating nor Succeeded/Failed."""
    return not (pod.get("metadata") or {}).get("deletionTimestamp") and \
        (pod.get("status") or {}).get("phase") not in ("Succeeded", "Failed")


def is_ready(pod: dict) -> bool:
    ready = _condition(pod, "Ready")
    return ready is not None and ready.get("status") == "True"


def is_available(pod: dict, min_ready_seconds: int, now: float) -> bool:
    """podutil.IsPodAvailable (of an active pod): Ready, for minReadySeconds before now."""
    if not is_active(pod) or not is_ready(pod):
        return False
    if min_ready_seconds <= 0:
        return True
    since = (_condition(pod, "Ready") or {}).get("lastTransitionTime")
    return bool(since) and _seconds(since) + min_ready_seconds <= now


def _controller_uid(obj: dict) -> str | None:
    for ref in (obj.get("metadata") or {}).get("ownerReferences") or []:
        if ref.get("controller"):
            return ref.get("uid")
    return None


def _matches(selector: dict | None, labels: dict) -> bool:
    """A LabelSelector (matchLabels, matchExpressions) against labels; an empty one matches everything."""
    if selector is None:
        return False
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def workload_pods(view: View, kind: str, namespace: str, name: str) -> tuple[dict | None, list[dict]]:
    """The workload and the pods it controls (a Deployment's through its ReplicaSets)."""
    obj = view.get(kind, namespace, name)
    if obj is None:
        return None, []
    uid = obj["metadata"]["uid"]
    owners = {uid}
    if kind == "Deployment":
        owners |= {rs["metadata"]["uid"] for rs in view.list("ReplicaSet", namespace) if _controller_uid(rs) == uid}
    return obj, [p for p in view.list("Pod", namespace) if _controller_uid(p) in owners]


# -- invariants -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Broken:
    """Where an invariant first broke: the revision, the cluster time, and how."""

    invariant: str
    revision: int
    time: float
    message: str


@dataclass
class Invariant:
    """A named predicate over a View: `check(view)` is None when it holds, else how it broke.

    `kinds` are the kinds it reads: it is re-checked only at revisions that change one of them
    (and, for `timed` ones, whenever the cluster time moved).
    """

    name: str
    check: Callable[[View], str | None]
    kinds: frozenset[str] = field(default_factory=frozenset)
    timed: bool = False

    def __str__(self) -> str:
        return self.name


def available_at_least(target: str, count: int, namespace: str = "default") -> Invariant:
    """The workload's available pods (Ready for minReadySeconds, not terminating) never below `count`."""
    kind, name = _target(target, _WORKLOADS)

    def check(view: View) -> str | None:
        obj, pods = workload_pods(view, kind, namespace, name)
        if obj is None:
            return None
        min_ready = int((obj.get("spec") or {}).get("minReadySeconds") or 0)
        available = sum(is_available(p, min_ready, view.time) for p in pods)
        return None if available >= count else f"{available} available pods of {target}, want at least {count}"
    return Invariant(f"available_at_least({target}, {count})", check,
                     frozenset({kind, "ReplicaSet", "Pod"}), timed=True)


def pods_at_most(target: str, count: int, namespace: str = "default") -> Invariant:
    """The workload's pods that are neither terminating nor terminal never above `count`."""
    kind, name = _target(target, _WORKLOADS)

    def check(view: View) -> str | None:
        obj, pods = workload_pods(view, kind, namespace, name)
        active = sum(is_active(p) for p in pods)
        return None if active <= count else f"{active} pods of {target}, want at most {count}"
    return Invariant(f"pods_at_most({target}, {count})", check, frozenset({kind, "ReplicaSet", "Pod"}))


def _scaled(value, total: int) -> int:
    """intstr.GetScaledValueFromIntOrPercent with roundUp, as the disruption controller uses it."""
    if isinstance(value, str) and value.endswith("%"):
        return math.ceil(int(value[:-1]) * total / 100)
    return int(value)


def _expected(view: View, pdb: dict, namespace: str) -> int:
    """The pods the budget's selector expects: the replicas of the controllers of its pods."""
    selector = pdb["spec"].get("selector")
    total, counted = 0, set()
    for pod in view.list("Pod", namespace):
        if not _matches(selector, (pod.get("metadata") or {}).get("labels") or {}):
            continue
        owner = _controller_uid(pod)
        if owner is None:
            total += 1
            continue
        if owner in counted:
            continue
        counted.add(owner)
        for kind in ("ReplicaSet", "StatefulSet", "ReplicationController"):
            found = next((o for o in view.list(kind, namespace) if o["metadata"]["uid"] == owner), None)
            if found is not None:
                total += int((found.get("spec") or {}).get("replicas", 1))
                break
    if not counted:
        return total
    # a Deployment mid-rollout has several ReplicaSets: the Deployment's replicas is what is expected
    for dep in view.list("Deployment", namespace):
        rss = {rs["metadata"]["uid"] for rs in view.list("ReplicaSet", namespace)
               if _controller_uid(rs) == dep["metadata"]["uid"]}
        if rss & counted:
            extra = sum(int(rs["spec"].get("replicas") or 0) for rs in view.list("ReplicaSet", namespace)
                        if rs["metadata"]["uid"] in rss & counted)
            total += int(dep["spec"].get("replicas", 1)) - extra
    return total


def pdb_respected(namespace: str | None = None) -> Invariant:
    """Every PodDisruptionBudget: its healthy pods (Ready, not terminating) at least its desired healthy.

    Desired healthy is minAvailable, or expected pods - maxUnavailable (percentages of the
    expected pods rounded up), as the disruption controller computes it.
    """
    def check(view: View) -> str | None:
        for pdb in view.list("PodDisruptionBudget", namespace):
            ns = pdb["metadata"]["namespace"]
            spec = pdb.get("spec") or {}
            selector = spec.get("selector")
            pods = [p for p in view.list("Pod", ns) if _matches(selector, (p.get("metadata") or {}).get("labels") or {})]
            healthy = sum(is_active(p) and is_ready(p) for p in pods)
            expected = _expected(view, pdb, ns)
            if "minAvailable" in spec:
                desired = _scaled(spec["minAvailable"], expected)
            elif "maxUnavailable" in spec:
                desired = max(0, expected - _scaled(spec["maxUnavailable"], expected))
            else:
                continue
            if healthy < desired:
                return (f"PodDisruptionBudget {ns}/{pdb['metadata']['name']}: {healthy} healthy pods, "
                        f"desired {desired}")
        return None
    return Invariant("pdb_respected()", check,
                     frozenset({"PodDisruptionBudget", "Pod", "ReplicaSet", "Deployment", "StatefulSet"}))


def replicas_within(target: str, namespace: str = "default") -> Invariant:
    """The HPA's scale target keeps spec.replicas within [minReplicas (default 1), maxReplicas]."""
    _, name = _target(target, _HPAS)

    def check(view: View) -> str | None:
        hpa = view.get("HorizontalPodAutoscaler", namespace, name)
        if hpa is None:
            return None
        spec = hpa.get("spec") or {}
        ref = spec.get("scaleTargetRef") or {}
        obj = view.get(ref.get("kind", ""), namespace, ref.get("name", ""))
        if obj is None:
            return None
        replicas = int((obj.get("spec") or {}).get("replicas", 1))
        low, high = int(spec.get("minReplicas", 1)), int(spec.get("maxReplicas", 0))
        if low <= replicas <= high or replicas == 0:  # 0: scaled to zero by hand, the HPA is idle
            return None
        return f"{ref.get('kind')}/{ref.get('name')} has {replicas} replicas, {target} allows {low} to {high}"
    return Invariant(f"replicas_within({target})", check,
                     frozenset({"HorizontalPodAutoscaler", "Deployment", "ReplicaSet", "StatefulSet"}))


SERVICE_NAME_LABEL = "kubernetes.io/service-name"


def _ready_endpoints(view: View, namespace: str, name: str) -> int | None:
    """Ready endpoints of a Service from its EndpointSlices (if any), else its Endpoints; None if neither."""
    slices = [s for s in view.list("EndpointSlice", namespace)
              if ((s.get("metadata") or {}).get("labels") or {}).get(SERVICE_NAME_LABEL) == name]
    if slices:
        # discovery/v1: a nil `ready` is to be read as true
        return sum(1 for s in slices for e in s.get("endpoints") or []
                   if (e.get("conditions") or {}).get("ready") is not False and e.get("addresses"))
    endpoints = view.get("Endpoints", namespace, name)
    if endpoints is None:
        return None
    return sum(len(subset.get("addresses") or []) for subset in endpoints.get("subsets") or [])


def service_has_ready_endpoint(target: str, namespace: str = "default") -> Invariant:
    """The Service always has at least one ready endpoint (EndpointSlices, else Endpoints)."""
    _, name = _target(target, _SERVICES)

    def check(view: View) -> str | None:
        if view.get("Service", namespace, name) is None:
            return None
        ready = _ready_endpoints(view, namespace, name)
        if ready is None:
            return f"service {namespace}/{name} has no Endpoints or EndpointSlice"
        return None if ready else f"service {namespace}/{name} has no ready endpoint"
    return Invariant(f"service_has_ready_endpoint({target})", check,
                     frozenset({"Service", "Endpoints", "EndpointSlice"}))


def predicate(name: str, fn: Callable[[View], object], kinds: Iterable[str] = ()) -> Invariant:
    """A user predicate over the View: True (or None) holds; False or a message breaks it.

    Without `kinds` it is checked at every revision.
    """
    def check(view: View) -> str | None:
        answer = fn(view)
        if answer is True or answer is None:
            return None
        return answer if isinstance(answer, str) else f"{name} is false"
    return Invariant(name, check, frozenset(kinds), timed=not kinds)


_BUILDERS: dict[str, Callable[..., Invariant]] = {
    "available_at_least": available_at_least, "pods_at_most": pods_at_most, "pdb_respected": pdb_respected,
    "replicas_within": replicas_within, "service_has_ready_endpoint": service_has_ready_endpoint,
}


def parse(text: str, namespace: str = "default") -> Invariant:
    """`available_at_least(deployment/web, 3)` (checks.yaml's form) → the Invariant."""
    head, sep, rest = text.strip().partition("(")
    if not sep or not rest.endswith(")") or head.strip() not in _BUILDERS:
        raise ValueError(f"unknown invariant {text!r}: want one of {', '.join(f'{b}(...)' for b in _BUILDERS)}")
    args: list = []
    for raw in (a.strip().strip("'\"") for a in rest[:-1].split(",")):
        if raw:
            args.append(int(raw) if raw.lstrip("-").isdigit() else raw)
    builder = _BUILDERS[head.strip()]
    try:
        if builder is pdb_respected:
            return builder(*args) if args else builder()
        return builder(*args, namespace=namespace)
    except TypeError:
        raise ValueError(f"wrong arguments in {text!r}") from None


class Replay:
    """A View moved forward through the changelog, checking invariants at every revision.

    It starts from the store's current objects at `start` (no row before it is read).
    """

    def __init__(self, store, invariants: list[Invariant]) -> None:
        self.store = store
        self.invariants = invariants
        self.view = View()
        with store.read() as reader:
            self.view.revision = reader.revision()
            self.view.time = reader.now()
            for stored in reader.list_all(skip=SKIPPED_KINDS):
                self.view.objects[stored.kind][(stored.namespace, stored.name)] = stored.body
        self.broken: Broken | None = None
        self.revisions = 0
        self._check(None, first=True)

    def _check(self, kind: str | None, first: bool = False, timed: bool = False) -> None:
        for invariant in self.invariants:
            if first or kind in invariant.kinds or (timed and invariant.timed) or not invariant.kinds:
                message = invariant.check(self.view)
                if message is not None:
                    self.broken = Broken(invariant.name, self.view.revision, self.view.time, message)
                    return

    def follow(self) -> Broken | None:
        """Replay every row after the cursor; the first broken invariant (and stop there), else None."""
        while self.broken is None:
            skip = None
            rows = self.store.changes(self.view.revision, limit=2000)
            if not rows:
                return None
            for change in rows:
                moved = change.time != self.view.time
                self.view.revision, self.view.time = change.revision, change.time
                self.revisions += 1
                if change.kind in SKIPPED_KINDS:
                    skip = change.kind
                    if moved:
                        self._check(skip, timed=True)
                else:
                    items = self.view.objects[change.kind]
                    key = (change.namespace, change.name)
                    if change.type == "DELETED":
                        items.pop(key, None)
                    else:
                        items[key] = change.body
                    self._check(change.kind, timed=moved)
                if self.broken is not None:
                    return self.broken
        return self.broken
