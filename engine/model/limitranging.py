"""The LimitRanger admission plugin's arithmetic: defaults applied, min/max/ratio enforced.

No I/O happens here. Follows plugin/pkg/admission/limitranger/admission.go:
`default_pod` is mergePodResourceRequirements for every Container-type
item (and the `kubernetes.io/limit-ranger` annotation it writes);
`verify_pod` is PodValidateLimitFunc (Container and Pod items) and
`verify_claim` PersistentVolumeClaimValidateLimitFunc. A verify function
returns upstream's error messages for one LimitRange, [] when it allows
the object. Keys of a ResourceList are visited in sorted order (Go visits
maps at random, so upstream's order is not fixed).
"""
from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from litekube.model import quantities, resourcelists

__all__ = ["ANNOTATION", "default_pod", "pod_limits", "pod_requests", "verify_claim", "verify_pod"]

ANNOTATION = "kubernetes.io/limit-ranger"
_MAX_MILLI_VALUE = (2 ** 63 - 1) // 1000


def _items(limit_range: Mapping, kind: str) -> list[dict]:
    return [i for i in (limit_range.get("spec") or {}).get("limits") or [] if i.get("type") == kind]


def _merge(container: dict, limits: Mapping[str, object], requests: Mapping[str, object], prefix: str,
           notes: list[str]) -> None:
    """mergeContainerResources: fill in what the container does not set, and say so."""
    resources = container.setdefault("resources", {})
    have_limits, have_requests = resources.setdefault("limits", {}), resources.setdefault("requests", {})
    set_limits = [k for k in limits if k not in have_limits]
    set_requests = [k for k in requests if k not in have_requests]
    for key in set_limits:
        have_limits[key] = limits[key]
    for key in set_requests:
        have_requests[key] = requests[key]
    if not have_limits:
        resources.pop("limits")
    if not have_requests:
        resources.pop("requests")
    if set_requests:
        notes.append(", ".join(sorted(set_requests)) + f" request for {prefix} {container.get('name', '')}")
    if set_limits:
        notes.append(", ".join(sorted(set_limits)) + f" limit for {prefix} {container.get('name', '')}")


def default_pod(pod: dict, limit_range: Mapping) -> None:
    """Apply one LimitRange's Container defaults to `pod` in place (LimitRanger.Admit)."""
    limits: dict[str, object] = {}
    requests: dict[str, object] = {}
    for item in _items(limit_range, "Container"):
        limits.update(item.get("default") or {})
        requests.update(item.get("defaultRequest") or {})
    if not limits and not requests:
        return
    spec = pod.setdefault("spec", {})
    notes: list[str] = []
    for container in spec.get("containers") or []:
        _merge(container, limits, requests, "container", notes)
    for container in spec.get("initContainers") or []:
        _merge(container, limits, requests, "init container", notes)
    if notes:
        annotations = pod.setdefault("metadata", {}).setdefault("annotations", {})
        annotations[ANNOTATION] = "LimitRanger plugin set: " + "; ".join(notes)


def _observed(request: object | None, limit: object | None, enforced: object) -> tuple[int, int, int]:
    """requestLimitEnforcedValues: milli-units when all three fit, else whole units (both rounded up)."""
    def whole(v: object | None) -> int:
        return 0 if v is None else quantities.to_int(v)  # type: ignore[arg-type]

    req, lim, enf = whole(request), whole(limit), whole(enforced)
    if req < _MAX_MILLI_VALUE and lim < _MAX_MILLI_VALUE and enf < _MAX_MILLI_VALUE:
        def milli(v: object | None) -> int:
            return 0 if v is None else quantities.cpu_millis(v)  # type: ignore[arg-type]
        return milli(request), milli(limit), milli(enforced)
    return req, lim, enf


def _min(kind: str, name: str, enforced: object, requests: Mapping, limits: Mapping) -> str | None:
    shown = resourcelists.canonical(enforced)  # type: ignore[arg-type]
    if name not in requests:
        return f"minimum {name} usage per {kind} is {shown}.  No request is specified"
    req, lim, enf = _observed(requests[name], limits.get(name), enforced)
    if req < enf:
        return (f"minimum {name} usage per {kind} is {shown}, but request is "
                f"{resourcelists.canonical(requests[name])}")
    if name in limits and lim < enf:
        return f"minimum {name} usage per {kind} is {shown}, but limit is {resourcelists.canonical(limits[name])}"
    return None


def _max(kind: str, name: str, enforced: object, requests: Mapping, limits: Mapping) -> str | None:
    shown = resourcelists.canonical(enforced)  # type: ignore[arg-type]
    if name not in limits:
        return f"maximum {name} usage per {kind} is {shown}.  No limit is specified"
    req, lim, enf = _observed(requests.get(name), limits[name], enforced)
    if lim > enf:
        return f"maximum {name} usage per {kind} is {shown}, but limit is {resourcelists.canonical(limits[name])}"
    if name in requests and req > enf:
        return (f"maximum {name} usage per {kind} is {shown}, but request is "
                f"{resourcelists.canonical(requests[name])}")
    return None


def _ratio(kind: str, name: str, enforced: object, requests: Mapping, limits: Mapping) -> str | None:
    shown = resourcelists.canonical(enforced)  # type: ignore[arg-type]
    req, lim, _ = _observed(requests.get(name), limits.get(name), enforced)
    if name not in requests or req == 0:
        return (f"{name} max limit to request ratio per {kind} is {shown}, but no request is specified or "
                "request is 0")
    if name not in limits or lim == 0:
        return (f"{name} max limit to request ratio per {kind} is {shown}, but no limit is specified or "
                "limit is 0")
    observed = lim / req
    display = observed
    maximum = float(quantities.to_int(enforced))  # type: ignore[arg-type]
    if quantities.to_int(enforced) <= _MAX_MILLI_VALUE:  # type: ignore[arg-type]
        observed *= 1000
        maximum = float(quantities.cpu_millis(enforced))  # type: ignore[arg-type]
    if observed > maximum:
        return f"{name} max limit to request ratio per {kind} is {shown}, but provided ratio is {display:f}"
    return None


def _check(kind: str, item: Mapping, requests: Mapping, limits: Mapping, out: list[str]) -> None:
    for field, check in (("min", _min), ("max", _max), ("maxLimitRequestRatio", _ratio)):
        constraints = item.get(field) or {}
        for name in sorted(constraints):
            message = check(kind, name, constraints[name], requests, limits)
            if message:
                out.append(message)


def _sum(values: list[Mapping[str, object]]) -> dict[str, Fraction]:
    total: dict[str, Fraction] = {}
    for resources in values:
        total = resourcelists.add(total, resourcelists.amounts(resources))
    return total


def _pod_total(pod: Mapping, which: str) -> dict[str, str]:
    """podRequests / podLimits: max(sum of containers, each init container), as quantities."""
    spec = pod.get("spec") or {}
    total = _sum([(c.get("resources") or {}).get(which) or {} for c in spec.get("containers") or []])
    for init in spec.get("initContainers") or []:
        for name, amount in resourcelists.amounts((init.get("resources") or {}).get(which) or {}).items():
            if amount > total.get(name, Fraction(0)):
                total[name] = amount
    return resourcelists.render(total)


def pod_requests(pod: Mapping) -> dict[str, str]:
    return _pod_total(pod, "requests")


def pod_limits(pod: Mapping) -> dict[str, str]:
    return _pod_total(pod, "limits")


def verify_pod(pod: Mapping, limit_range: Mapping) -> list[str]:
    """PodValidateLimitFunc: every violated constraint of one LimitRange, in upstream's order."""
    out: list[str] = []
    spec = pod.get("spec") or {}
    for item in (limit_range.get("spec") or {}).get("limits") or []:
        if item.get("type") == "Container":
            for container in [*(spec.get("containers") or []), *(spec.get("initContainers") or [])]:
                resources = container.get("resources") or {}
                _check("Container", item, resources.get("requests") or {}, resources.get("limits") or {}, out)
        elif item.get("type") == "Pod":
            _check("Pod", item, pod_requests(pod), pod_limits(pod), out)
    return out


def verify_claim(claim: Mapping, limit_range: Mapping) -> list[str]:
    """PersistentVolumeClaimValidateLimitFunc: storage requests against min and max."""
    out: list[str] = []
    requests = ((claim.get("spec") or {}).get("resources") or {}).get("requests") or {}
    for item in _items(limit_range, "PersistentVolumeClaim"):
        for name in sorted(item.get("min") or {}):
            message = _min("PersistentVolumeClaim", name, item["min"][name], requests, {})
            if message:
                out.append(message)
        for name in sorted(item.get("max") or {}):
            enforced = item["max"][name]
            shown = resourcelists.canonical(enforced)
            if name not in requests:
                out.append(f"maximum {name} usage per PersistentVolumeClaim is {shown}.  No request is specified")
                continue
            req, _, enf = _observed(requests[name], None, enforced)
            if req > enf:
                out.append(f"maximum {name} usage per PersistentVolumeClaim is {shown}, but request is "
                           f"{resourcelists.canonical(requests[name])}")
    return out

