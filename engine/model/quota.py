"""ResourceQuota evaluation: what an object uses, which quotas it counts against, and admission.

No I/O happens here. Follows pkg/quota/v1/evaluator/core (pods, services,
persistentvolumeclaims, and the generic object-count evaluator for
`count/<resource>` and the legacy names `configmaps`, `secrets`, ...) and
plugin/pkg/admission/resourcequota/controller.go (checkRequest): the quota
controller sums `usage` over a namespace; admission adds an object's usage
to each matching quota's status.used and refuses it with upstream's
`exceeded quota` or `must specify` message.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction

from litekube.model import kinds, resourcelists

__all__ = [
    "QuotaRefusal",
    "admit",
    "is_terminal_for_quota",
    "matches",
    "matching_resources",
    "namespace_usage",
    "quota_kinds",
    "usage",
]

# Resources the pod evaluator can count, besides requests.<extended> and hugepages.
_POD_RESOURCES = frozenset({
    "pods", "count/pods", "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory",
    "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage"})
# Resources each container must state when a quota limits them (the validation set).
_MUST_SPECIFY = frozenset({"cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"})
_SERVICE_RESOURCES = frozenset({"services", "count/services", "services.nodeports", "services.loadbalancers"})
_CLAIM_RESOURCES = frozenset({"persistentvolumeclaims", "count/persistentvolumeclaims", "requests.storage"})
_LEGACY_COUNTS = {"configmaps": "ConfigMap", "secrets": "Secret", "replicationcontrollers": "ReplicationController",
                  "resourcequotas": "ResourceQuota"}
_ONE = Fraction(1)


class QuotaRefusal(Exception):
    """An object the quota admission refuses; the message is upstream's."""


def _count_kind(name: str) -> kinds.Kind | None:
    """The kind behind `count/deployments.apps` (or None for an unknown resource)."""
    if not name.startswith("count/"):
        return None
    try:
        found = kinds.resolve(name[len("count/"):])
    except Exception:
        return None
    kind = found[0] if found else None
    return kind if kind is not None and kind.resource == name[len("count/"):] else None


def matching_resources(kind: str, names: Iterable[str]) -> list[str]:
    """MatchingResources: the quota resource names the evaluator of `kind` counts."""
    out = []
    for name in names:
        counted = _count_kind(name)
        if counted is not None and counted.kind == kind or kind == "Pod" and (name in _POD_RESOURCES or name.startswith(("requests.", "hugepages-"))
                                and name != "requests.storage" and not name.endswith("/requests.storage")) or kind == "Service" and name in _SERVICE_RESOURCES or kind == "PersistentVolumeClaim" and (name in _CLAIM_RESOURCES or name.endswith(
                (".storageclass.storage.k8s.io/requests.storage", ".storageclass.storage.k8s.io/persistentvolumeclaims"))) or _LEGACY_COUNTS.get(name) == kind:
            out.append(name)
    return sorted(out)


def quota_kinds(names: Iterable[str]) -> set[str]:
    """Every kind some of these resource names count."""
    out = set()
    for name in names:
        counted = _count_kind(name)
        if counted is not None:
            out.add(counted.kind)
        elif name in _SERVICE_RESOURCES:
            out.add("Service")
        elif name in _CLAIM_RESOURCES or ".storageclass.storage.k8s.io/" in name:
            out.add("PersistentVolumeClaim")
        elif name in _LEGACY_COUNTS:
            out.add(_LEGACY_COUNTS[name])
        else:
            out.add("Pod")
    return out


# -- usage -----------------------------------------------------------------------------

def is_terminal_for_quota(pod: Mapping, now: float, deletion_at: float | None) -> bool:
    """QuotaV1Pod's negation: finished pods, and deleted pods past their grace, use no compute."""
    if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
        return True
    return deletion_at is not None and now > deletion_at


def _compute(requests: Mapping[str, Fraction], limits: Mapping[str, Fraction]) -> dict[str, Fraction]:
    """podComputeUsageHelper."""
    out = {"pods": _ONE}
    for base in ("cpu", "memory", "ephemeral-storage"):
        if base in requests:
            out[base] = requests[base]
            out[f"requests.{base}"] = requests[base]
        if base in limits:
            out[f"limits.{base}"] = limits[base]
    for name, value in requests.items():
        if name.startswith("hugepages-") or "/" in name:
            out[f"requests.{name}"] = value
    return out


def _pod_totals(pod: Mapping, which: str) -> dict[str, Fraction]:
    spec = pod.get("spec") or {}
    total: dict[str, Fraction] = {}
    for container in spec.get("containers") or []:
        total = resourcelists.add(total, resourcelists.amounts((container.get("resources") or {}).get(which)))
    for init in spec.get("initContainers") or []:
        for name, amount in resourcelists.amounts((init.get("resources") or {}).get(which)).items():
            total[name] = max(total.get(name, Fraction(0)), amount)
    for name, amount in resourcelists.amounts(spec.get("overhead") or {}).items():
        total[name] = total.get(name, Fraction(0)) + amount
    return total


def usage(obj: Mapping, now: float = 0.0, deletion_at: float | None = None) -> dict[str, Fraction]:
    """Usage: what one object counts against a quota, by resource name."""
    kind = obj.get("kind", "")
    found = kinds.lookup(kind)
    out: dict[str, Fraction] = {f"count/{found.resource}": _ONE}
    legacy = {v: k for k, v in _LEGACY_COUNTS.items()}.get(kind)
    if legacy:
        out[legacy] = _ONE
    if kind == "Pod":
        if is_terminal_for_quota(obj, now, deletion_at):
            return out
        out.update(_compute(_pod_totals(obj, "requests"), _pod_totals(obj, "limits")))
    elif kind == "Service":
        spec = obj.get("spec") or {}
        ports = len(spec.get("ports") or [])
        out.update({"services": _ONE, "services.loadbalancers": Fraction(0), "services.nodeports": Fraction(0)})
        if spec.get("type") == "NodePort":
            out["services.nodeports"] = Fraction(ports)
        elif spec.get("type") == "LoadBalancer":
            if spec.get("allocateLoadBalancerNodePorts") is False:
                out["services.nodeports"] = Fraction(sum(1 for p in spec.get("ports") or [] if p.get("nodePort")))
            else:
                out["services.nodeports"] = Fraction(ports)
            out["services.loadbalancers"] = _ONE
    elif kind == "PersistentVolumeClaim":
        spec = obj.get("spec") or {}
        out["persistentvolumeclaims"] = _ONE
        storage = resourcelists.amounts((spec.get("resources") or {}).get("requests")).get("storage")
        cls = spec.get("storageClassName")
        if cls:
            out[f"{cls}.storageclass.storage.k8s.io/persistentvolumeclaims"] = _ONE
        if storage is not None:
            out["requests.storage"] = storage
            if cls:
                out[f"{cls}.storageclass.storage.k8s.io/requests.storage"] = storage
    return out


# -- scopes ------------------------------------------------------------------------------

def _scope_selectors(quota: Mapping) -> list[dict]:
    """getScopeSelectorsFromQuota: spec.scopes as Exists requirements, then the scopeSelector."""
    spec = quota.get("spec") or {}
    out = [{"scopeName": s, "operator": "Exists"} for s in spec.get("scopes") or []]
    out += list((spec.get("scopeSelector") or {}).get("matchExpressions") or [])
    return out


def _best_effort(pod: Mapping) -> bool:
    spec = pod.get("spec") or {}
    for container in [*(spec.get("containers") or []), *(spec.get("initContainers") or [])]:
        resources = container.get("resources") or {}
        for which in ("requests", "limits"):
            if any(name in ("cpu", "memory") for name in resources.get(which) or {}):
                return False
    return True


def _cross_namespace(pod: Mapping) -> bool:
    affinity = (pod.get("spec") or {}).get("affinity") or {}
    for kind in ("podAffinity", "podAntiAffinity"):
        rules = affinity.get(kind) or {}
        terms = list(rules.get("requiredDuringSchedulingIgnoredDuringExecution") or [])
        terms += [t.get("podAffinityTerm") or {} for t in rules.get("preferredDuringSchedulingIgnoredDuringExecution") or []]
        if any(t.get("namespaces") or t.get("namespaceSelector") is not None for t in terms):
            return True
    return False


def _pod_matches_scope(selector: Mapping, pod: Mapping) -> bool:
    """podMatchesScopeFunc."""
    scope = selector.get("scopeName")
    spec = pod.get("spec") or {}
    if scope == "Terminating":
        return spec.get("activeDeadlineSeconds") is not None and spec["activeDeadlineSeconds"] >= 0
    if scope == "NotTerminating":
        return spec.get("activeDeadlineSeconds") is None
    if scope == "BestEffort":
        return _best_effort(pod)
    if scope == "NotBestEffort":
        return not _best_effort(pod)
    if scope == "CrossNamespacePodAffinity":
        return _cross_namespace(pod)
    if scope == "PriorityClass":
        name = spec.get("priorityClassName") or ""
        operator, values = selector.get("operator"), selector.get("values") or []
        if operator == "Exists":
            return bool(name)
        if operator == "DoesNotExist":
            return not name
        if operator == "In":
            return name in values
        if operator == "NotIn":
            return name not in values
    return False


def matches(quota: Mapping, obj: Mapping) -> bool:
    """Matches: the quota counts at least one resource of the object and every scope selects it."""
    hard = (quota.get("status") or {}).get("hard") or (quota.get("spec") or {}).get("hard") or {}
    if not matching_resources(obj.get("kind", ""), hard):
        return False
    selectors = _scope_selectors(quota)
    if obj.get("kind") != "Pod":
        return not selectors
    return all(_pod_matches_scope(s, obj) for s in selectors)


# -- the controller's sum ------------------------------------------------------------------

def namespace_usage(quota: Mapping, objects: Iterable[tuple[Mapping, float | None]], now: float) -> dict[str, str]:
    """status.used for a quota: every hard resource, summed over the matching objects.

    `objects` pairs each candidate object with its deletion time (seconds) or None.
    """
    hard = (quota.get("spec") or {}).get("hard") or {}
    total = {name: Fraction(0) for name in hard}
    for obj, deletion_at in objects:
        if not matches({"spec": quota.get("spec") or {}}, obj):
            continue
        used = usage(obj, now, deletion_at)
        for name in hard:
            if name in used:
                total[name] += used[name]
    return _render_like(total, hard)


def _render_like(amounts: Mapping[str, Fraction], hard: Mapping[str, object]) -> dict[str, str]:
    """Used amounts printed in the format of the matching hard limit (`1Gi` hard shows `512Mi` used)."""
    out = {}
    for name, amount in amounts.items():
        text = str(hard.get(name, ""))
        binary = any(text.endswith(s) for s in ("Ki", "Mi", "Gi", "Ti", "Pi", "Ei"))
        out[name] = resourcelists.format_amount(amount, "binary" if binary else "decimal")
    return out


# -- admission -------------------------------------------------------------------------------

def _constraints(quota_name: str, restricted: Iterable[str], pod: Mapping) -> None:
    """podEvaluator.Constraints: with cpu or memory quota'd, every container must state them."""
    required = set(restricted) & _MUST_SPECIFY
    if not required:
        return
    missing: dict[str, set[str]] = {}
    spec = pod.get("spec") or {}
    for container in [*(spec.get("containers") or []), *(spec.get("initContainers") or [])]:
        resources = container.get("resources") or {}
        have = set(_compute(resourcelists.amounts(resources.get("requests")),
                            resourcelists.amounts(resources.get("limits"))))
        for name in required - have:
            missing.setdefault(name, set()).add(container.get("name", ""))
    if missing:
        text = "; ".join(f"{name} for: {','.join(sorted(missing[name]))}" for name in sorted(missing))
        raise QuotaRefusal(f"failed quota: {quota_name}: must specify {text}")


def admit(quota: Mapping, obj: Mapping, now: float = 0.0) -> dict[str, str] | None:
    """checkRequest for one quota and a created object: the quota's new status.used, or None.

    None means the quota does not concern the object (or its usage there is
    zero). Raises QuotaRefusal with upstream's message.
    """
    status = quota.get("status") or {}
    hard, used = status.get("hard") or {}, status.get("used") or {}
    name = (quota.get("metadata") or {}).get("name", "")
    if not hard or not matches(quota, obj):
        return None
    restricted = matching_resources(obj.get("kind", ""), hard)
    if obj.get("kind") == "Pod":
        _constraints(name, restricted, obj)
    missing = [r for r in restricted if r not in used]
    if missing:
        raise QuotaRefusal(f"status unknown for quota: {name}, resources: {','.join(sorted(missing))}")
    delta = resourcelists.remove_zeros(resourcelists.mask(usage(obj, now), hard))
    if not delta:
        return None
    hard_amounts, used_amounts = resourcelists.amounts(hard), resourcelists.amounts(used)
    new_used = resourcelists.add(used_amounts, delta)
    over = resourcelists.exceeded(resourcelists.mask(new_used, delta), hard_amounts)
    if over:
        requested = _render_like(resourcelists.mask(delta, over), hard)
        raise QuotaRefusal(
            f"exceeded quota: {name}, requested: {resourcelists.pretty(requested)}, "
            f"used: {resourcelists.pretty({k: resourcelists.canonical(used[k]) for k in over})}, "
            f"limited: {resourcelists.pretty({k: resourcelists.canonical(hard[k]) for k in over})}")
    return {**dict(used), **_render_like(resourcelists.mask(new_used, delta), hard)}
