"""The simulation contract: annotations that tell the simulated kubelet how a pod or node behaves.

No I/O happens here. Annotations go on the Pod, or on a pod template so that
every pod created from it carries them. Durations are Go durations (`500ms`,
`30s`, `1m30s`); a value that does not parse is ignored (the default applies).

| Annotation | On | Value | Effect |
|---|---|---|---|
| `sim.litekube.io/start-delay` | Pod | Go duration, default `1s` | Time a scheduled pod spends in ContainerCreating before its containers run (each init container also runs this long). |
| `sim.litekube.io/ready-after` | Pod | Go duration | Time after a container starts until it is Ready (default: the container's `readinessProbe.initialDelaySeconds`, or 0 without a probe). |
| `sim.litekube.io/never-ready` | Pod | `"true"` | The readiness probe never succeeds. |
| `sim.litekube.io/exit-after` | Pod | Go duration; default `5s` for a pod controlled by a Job (unless `crash-after` is set), none otherwise | Every regular container exits after running this long, with `sim.litekube.io/exit-code` (Job-style pods). |
| `sim.litekube.io/exit-code` | Pod | integer, default `"0"` | Exit code used by `exit-after` (0: reason Completed, otherwise Error). |
| `sim.litekube.io/crash-after` | Pod | Go duration | Every regular container crashes (exit code 1, reason Error) each time after running this long. |
| `sim.litekube.io/unready` | Pod | `"true"` | Fault (`litekube fault`): readiness fails until the annotation is removed. |
| `sim.litekube.io/crash` | Pod | RFC 3339 time | Fault (`litekube fault`): each container running at that time crashes once then (exit code 1, reason Error). |
| `sim.litekube.io/down` | Node | `"true"` | The node's kubelet is dead: no heartbeats, no pod status updates, no pod removal. |
| `sim.litekube.io/internal-ip` | Node | IPv4 address | The node's InternalIP (default: derived from its pod CIDR, 10.244.n.0/24 -> 172.18.0.n+2). |
| `sim.litekube.io/cpu-usage` | Pod (template) or workload | `250m`, `80%` (of the container's request), or per container `app=250m,sidecar=10m` (a bare value covers the others) | CPU each running container uses (default `1m`), as metrics-server reports it. On a workload (Deployment, ReplicaSet, StatefulSet, ReplicationController, DaemonSet, Job: the top of a pod's controller chain; `litekube set load --cpu-per-pod`) it overrides its pods' own value, without a rollout. |
| `sim.litekube.io/memory-usage` | Pod (template) or workload | as `cpu-usage`, in bytes (`200Mi`, `50%`) | Memory (working set) each running container uses (default `4Mi`). |
| `sim.litekube.io/cpu-load` | Workload | quantity (`600m`) | Total CPU demand offered to the workload (its traffic), shared equally by its Running and Ready pods on top of their own usage; within a pod it goes to the containers in proportion to their CPU requests, and no container goes past its CPU limit. Set with `litekube set load --cpu`. |
| `sim.litekube.io/memory-load` | Workload | quantity (`1Gi`) | The same for memory. Set with `litekube set load --memory`. |
| `sim.litekube.io/cpu-usage` | Node | quantity, default `100m` | What the node itself uses outside pods (system daemons); its NodeMetrics add its pods' usage. |
| `sim.litekube.io/memory-usage` | Node | quantity, default `512Mi` | The same for memory. |

Metrics are served as metrics-server v0.7 serves them: it scrapes every node
every 15 s of cluster time (at multiples of 15 s); a container has metrics
from the first scrape at least 10 s after it started (window: the time since
it started, under 15 s) or else from its second scrape (window 15s); a pod
has metrics while it is Running and some container has; a node whose kubelet
is down has none, and neither have its pods. A load change shows from the
latest scrape on (the simulation keeps no history of loads).
"""
from __future__ import annotations

import functools
import ipaddress
from dataclasses import dataclass
from enum import StrEnum

from litekube.model import durations

__all__ = ["Annotation", "PodSimulation", "DEFAULT_START_DELAY", "DEFAULT_JOB_POD_RUN", "for_pod", "node_is_down",
           "node_internal_ip"]

DEFAULT_START_DELAY = 1.0
# A Job's pod without exit-after or crash-after runs this long and succeeds,
# so that the documentation's Job examples (pi, ...) complete.
DEFAULT_JOB_POD_RUN = 5.0


class Annotation(StrEnum):
    """Annotation keys of the simulation contract."""

    START_DELAY = "sim.litekube.io/start-delay"
    READY_AFTER = "sim.litekube.io/ready-after"
    NEVER_READY = "sim.litekube.io/never-ready"
    EXIT_AFTER = "sim.litekube.io/exit-after"
    EXIT_CODE = "sim.litekube.io/exit-code"
    CRASH_AFTER = "sim.litekube.io/crash-after"
    UNREADY = "sim.litekube.io/unready"
    CRASH = "sim.litekube.io/crash"
    DOWN = "sim.litekube.io/down"
    INTERNAL_IP = "sim.litekube.io/internal-ip"
    CPU_USAGE = "sim.litekube.io/cpu-usage"
    MEMORY_USAGE = "sim.litekube.io/memory-usage"
    CPU_LOAD = "sim.litekube.io/cpu-load"
    MEMORY_LOAD = "sim.litekube.io/memory-load"


@dataclass(frozen=True)
class PodSimulation:
    """How one pod behaves, read from its annotations (times in seconds; `crash_at` since the epoch).

    `ready_after` None means "use the container's readinessProbe.initialDelaySeconds".
    """

    start_delay: float = DEFAULT_START_DELAY
    ready_after: float | None = None
    never_ready: bool = False
    exit_after: float | None = None
    exit_code: int = 0
    crash_after: float | None = None
    unready: bool = False
    crash_at: float | None = None

    def ready_delay(self, container: dict) -> float:
        """Seconds from the container's start until it is Ready."""
        if self.ready_after is not None:
            return self.ready_after
        probe = container.get("readinessProbe") or {}
        return float(probe.get("initialDelaySeconds") or 0)


def _duration(annotations: dict, key: str) -> float | None:
    value = annotations.get(key)
    if value is None:
        return None
    try:
        seconds = durations.parse_duration(str(value))
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


def _true(annotations: dict, key: str) -> bool:
    return str(annotations.get(key, "")).strip().lower() == "true"


def for_pod(pod: dict) -> PodSimulation:
    """Parse a pod's simulation annotations; invalid values fall back to the defaults."""
    annotations = (pod.get("metadata") or {}).get("annotations") or {}
    if not any(key.startswith(_PREFIX) for key in annotations):  # none of the contract's: the defaults
        return _JOB_DEFAULTS if _controlled_by_job(pod) else _DEFAULTS
    return _parsed(pod, annotations)


def _parsed(pod: dict, annotations: dict) -> PodSimulation:
    """for_pod by reading every annotation of the contract."""
    start = _duration(annotations, Annotation.START_DELAY)
    try:
        exit_code = int(str(annotations.get(Annotation.EXIT_CODE, "0")).strip())
    except ValueError:
        exit_code = 0
    crash_at: float | None = None
    if annotations.get(Annotation.CRASH):
        try:
            crash_at = durations.parse_time(str(annotations[Annotation.CRASH])).timestamp()
        except ValueError:
            crash_at = None
    exit_after = _duration(annotations, Annotation.EXIT_AFTER)
    crash_after = _duration(annotations, Annotation.CRASH_AFTER)
    if exit_after is None and crash_after is None and _controlled_by_job(pod):
        exit_after = DEFAULT_JOB_POD_RUN
    return PodSimulation(
        start_delay=DEFAULT_START_DELAY if start is None else start,
        ready_after=_duration(annotations, Annotation.READY_AFTER),
        never_ready=_true(annotations, Annotation.NEVER_READY),
        exit_after=exit_after,
        exit_code=exit_code,
        crash_after=crash_after,
        unready=_true(annotations, Annotation.UNREADY),
        crash_at=crash_at,
    )


_PREFIX = "sim.litekube.io/"  # every annotation for_pod reads
_DEFAULTS = PodSimulation()
_JOB_DEFAULTS = PodSimulation(exit_after=DEFAULT_JOB_POD_RUN)


def _controlled_by_job(pod: dict) -> bool:
    return any(ref.get("controller") and ref.get("kind") == "Job"
               and str(ref.get("apiVersion", "")).startswith("batch/")
               for ref in (pod.get("metadata") or {}).get("ownerReferences") or [])


def node_is_down(node: dict) -> bool:
    """Whether the node's simulated kubelet is dead (`sim.litekube.io/down: "true"`)."""
    return _true((node.get("metadata") or {}).get("annotations") or {}, Annotation.DOWN)


def node_internal_ip(node: dict) -> str:
    """The node's InternalIP: its `internal-ip` annotation, else status.addresses, else one derived
    from its pod CIDR (10.244.n.0/24 -> 172.18.0.n+2, like a kind cluster's), else ""."""
    annotated = ((node.get("metadata") or {}).get("annotations") or {}).get(Annotation.INTERNAL_IP)
    if annotated:
        return str(annotated)
    for address in (node.get("status") or {}).get("addresses") or []:
        if address.get("type") == "InternalIP" and address.get("address"):
            return str(address["address"])
    n = _subnet_number(str((node.get("spec") or {}).get("podCIDR") or ""))
    return "" if n is None else f"172.18.{n // 250}.{n % 250 + 2}"


_FLANNEL_BASE = int(ipaddress.IPv4Address("10.244.0.0"))


@functools.lru_cache(maxsize=65536)
def _subnet_number(cidr: str) -> int | None:
    """The node's number from its pod CIDR: n for 10.244.n.0/24; subnets of any other
    cluster CIDR are numbered from 10.244.0.0 in their own size (modulo 64,000 addresses)."""
    try:
        net = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return None
    if not isinstance(net, ipaddress.IPv4Network):
        return None
    return (((int(net.network_address) - _FLANNEL_BASE) % 2 ** 32) >> (32 - net.prefixlen)) % 64_000
