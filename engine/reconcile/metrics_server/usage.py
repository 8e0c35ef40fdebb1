"""How much cpu and memory each simulated container uses, from the load annotations.

No I/O happens here. The contract is in `litekube.reconcile.kubelet.simulation`:

- The workload of a pod is the top of its controller chain (a Deployment,
  not its ReplicaSet: the deployment controller copies a Deployment's
  annotations onto its ReplicaSets and never removes them, so theirs are
  not read).
- `sim.litekube.io/cpu-usage` / `memory-usage` give a container's own usage
  (`250m`, `80%` of its request, or per container `app=250m,sidecar=10m`).
  They are looked up on the workload, then on the pod itself (so `set load`
  on a workload overrides its template without a rollout); a container no
  source names uses `DEFAULT_CPU` / `DEFAULT_MEMORY`.
- `sim.litekube.io/cpu-load` / `memory-load` on the workload are a demand
  shared equally by its Running and Ready pods (not being deleted), split
  inside a pod in proportion to its containers' requests of the resource
  (equally when none requests it).
- No container's total goes past its limit of the resource.

CPU is counted in nanocores and memory in bytes (integers, rounded down),
as the kubelet reports them. A `Load` reads its workloads once per pass,
so a pass over many pods of one workload stays linear.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from litekube.model import quantities
from litekube.reconcile.base import View
from litekube.reconcile.common import pod_ranking
from litekube.reconcile.kubelet.simulation import Annotation

__all__ = ["Load", "parse_usage", "UsageSpec", "DEFAULT_CPU", "DEFAULT_MEMORY", "NODE_CPU", "NODE_MEMORY",
           "running_containers", "is_serving", "USAGE", "LOAD"]

NANO = 10 ** 9
DEFAULT_CPU = NANO // 1000  # 1m
DEFAULT_MEMORY = 4 * 1024 * 1024  # 4Mi
NODE_CPU = 100 * NANO // 1000  # 100m
NODE_MEMORY = 512 * 1024 * 1024  # 512Mi
USAGE = {"cpu": Annotation.CPU_USAGE, "memory": Annotation.MEMORY_USAGE}
LOAD = {"cpu": Annotation.CPU_LOAD, "memory": Annotation.MEMORY_LOAD}
_MAX_CHAIN = 4  # pod -> ReplicaSet -> Deployment, with room to spare


@dataclass(frozen=True)
class UsageSpec:
    """A parsed usage annotation: a value for every container and values for named ones.

    A value is ("abs", amount) in units (nanocores or bytes) or ("pct", percent of the request).
    """

    default: tuple[str, Fraction] | None = None
    named: dict[str, tuple[str, Fraction]] = field(default_factory=dict)

    def lookup(self, container: str) -> tuple[str, Fraction] | None:
        return self.named.get(container, self.default)


def _value(text: str, resource: str) -> tuple[str, Fraction]:
    """`250m` -> ("abs", 250000000 nanocores); `80%` -> ("pct", 80). Raises ValueError."""
    text = text.strip()
    if text.endswith("%"):
        number = Fraction(text[:-1].strip())
        if number < 0:
            raise ValueError(f"negative percentage {text!r}")
        return "pct", number
    amount = quantities.parse(text)
    if amount < 0:
        raise ValueError(f"negative quantity {text!r}")
    return "abs", amount * NANO if resource == "cpu" else amount


def parse_usage(text: str, resource: str) -> UsageSpec:
    """Parse `250m`, `80%`, `app=250m,sidecar=10m` or `200m,sidecar=10m`. Raises ValueError."""
    default: tuple[str, Fraction] | None = None
    named: dict[str, tuple[str, Fraction]] = {}
    parts = [p for p in str(text).split(",") if p.strip()]
    if not parts:
        raise ValueError("empty usage")
    for part in parts:
        name, sep, value = part.partition("=")
        if sep:
            if not name.strip():
                raise ValueError(f"missing container name in {part!r}")
            named[name.strip()] = _value(value, resource)
        elif default is not None:
            raise ValueError(f"two values for every container in {text!r}")
        else:
            default = _value(part, resource)
    return UsageSpec(default, named)


def _parse_amount(text: str, resource: str) -> int | None:
    try:
        kind, amount = _value(str(text), resource)
    except (ValueError, ZeroDivisionError):
        return None
    return int(amount) if kind == "abs" else None


def _amount(container: dict, resource: str, group: str) -> int | None:
    """The container's request or limit of the resource, in units; None when it has none."""
    value = ((container.get("resources") or {}).get(group) or {}).get(resource)
    if value is None:
        return None
    try:
        amount = quantities.parse(value)
    except ValueError:
        return None
    return int(amount * NANO) if resource == "cpu" else int(amount)


def running_containers(pod: dict) -> list[tuple[dict, dict]]:
    """(container spec, status) of the pod's running regular and sidecar containers, in spec order."""
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    statuses = {s.get("name"): s for s in (status.get("containerStatuses") or [])}
    statuses.update({s.get("name"): s for s in (status.get("initContainerStatuses") or [])})
    containers = list(spec.get("containers") or [])
    containers += [c for c in spec.get("initContainers") or [] if c.get("restartPolicy") == "Always"]
    out = []
    for container in containers:
        st = statuses.get(container.get("name"))
        if st is not None and (st.get("state") or {}).get("running") is not None:
            out.append((container, st))
    return out


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def _controller(obj: dict) -> dict | None:
    return next((r for r in _meta(obj).get("ownerReferences") or [] if r.get("controller")), None)


class Load:
    """The usage of containers in one metrics pass over a view (memoizing workloads' sharing groups)."""

    def __init__(self, view: View) -> None:
        self.view = view
        self._serving: dict[str, int] = {}

    def owners(self, pod: dict) -> list[dict]:
        """The pod's controllers, nearest first (ReplicaSet, then its Deployment)."""
        chain: list[dict] = []
        current = pod
        for _ in range(_MAX_CHAIN):
            ref = _controller(current)
            owner = self.view.by_uid(ref.get("uid", "")) if ref else None
            if owner is None:
                break
            chain.append(owner)
            current = owner
        return chain

    def _pods_of(self, workload: dict) -> list[dict]:
        """Pods whose controller chain reaches `workload` (through at most one ReplicaSet)."""
        uid = _meta(workload).get("uid", "")
        pods = [p for p in self.view.owned_by(uid, "Pod") if (_controller(p) or {}).get("uid") == uid]
        for child in self.view.owned_by(uid, "ReplicaSet"):
            child_uid = _meta(child).get("uid", "")
            if (_controller(child) or {}).get("uid") == uid:
                pods += [p for p in self.view.owned_by(child_uid, "Pod")
                         if (_controller(p) or {}).get("uid") == child_uid]
        return pods

    def serving(self, workload: dict) -> int:
        """How many of the workload's pods share its load: Running, Ready and not being deleted."""
        uid = _meta(workload).get("uid", "")
        if uid not in self._serving:
            self._serving[uid] = sum(1 for p in self._pods_of(workload) if is_serving(p))
        return self._serving[uid]

    def workload(self, pod: dict) -> dict | None:
        """The top of the pod's controller chain, or None for a pod no controller owns."""
        chain = self.owners(pod)
        return chain[-1] if chain else None

    def container_usage(self, pod: dict, container: dict, resource: str) -> int:
        """What `container` of `pod` uses of `resource` (nanocores or bytes)."""
        top = self.workload(pod)
        owners = [top] if top is not None else []
        base = self._own(pod, owners, container, resource)
        total = base + self._share(pod, owners, container, resource)
        limit = _amount(container, resource, "limits")
        return min(total, limit) if limit is not None else total

    def _own(self, pod: dict, owners: list[dict], container: dict, resource: str) -> int:
        name = container.get("name", "")
        for source in [*owners, pod]:
            text = (_meta(source).get("annotations") or {}).get(USAGE[resource])
            if text is None:
                continue
            try:
                value = parse_usage(str(text), resource).lookup(name)
            except (ValueError, ZeroDivisionError):
                continue  # a value that does not parse is ignored, as every simulation annotation
            if value is None:
                continue
            kind, amount = value
            if kind == "abs":
                return int(amount)
            return int((_amount(container, resource, "requests") or 0) * amount / 100)
        return DEFAULT_CPU if resource == "cpu" else DEFAULT_MEMORY

    def _share(self, pod: dict, owners: list[dict], container: dict, resource: str) -> int:
        for owner in owners:
            text = (_meta(owner).get("annotations") or {}).get(LOAD[resource])
            if text is None:
                continue
            load = _parse_amount(str(text), resource)
            if load is None:
                continue
            if not is_serving(pod):
                return 0
            serving = self.serving(owner)
            if serving == 0:
                return 0
            per_pod = Fraction(load, serving)
            peers = [c for c, _ in running_containers(pod)]
            weights = [_amount(c, resource, "requests") or 0 for c in peers]
            mine = _amount(container, resource, "requests") or 0
            if sum(weights) == 0:
                return int(per_pod / max(len(peers), 1))
            return int(per_pod * mine / sum(weights))
        return 0

    def node_system(self, node: dict, resource: str) -> int:
        """What the node uses outside pods: its own usage annotation, else the default."""
        text = (_meta(node).get("annotations") or {}).get(USAGE[resource])
        if text is not None:
            amount = _parse_amount(str(text), resource)
            if amount is not None:
                return amount
        return NODE_CPU if resource == "cpu" else NODE_MEMORY


def is_serving(pod: dict) -> bool:
    """Whether a pod takes its share of its workload's load (as a Service's ready endpoint would)."""
    return ((pod.get("status") or {}).get("phase") == "Running" and pod_ranking.is_ready(pod)
            and not _meta(pod).get("deletionTimestamp"))
