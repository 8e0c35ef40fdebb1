"""What a pod asks of a node: cpu, memory, pods, host ports. No I/O happens here.

A pod's request is max(sum of app containers, max of init containers) plus
overhead, as the scheduler computes it (`pkg/api/v1/resource` PodRequests).
The non-zero variant substitutes 100m cpu and 200Mi memory for containers
that request none: the scheduler's scoring uses it, its filters do not.
"""
from __future__ import annotations

from dataclasses import dataclass

from litekube.model import quantities

__all__ = ["Requests", "pod_requests", "host_ports", "is_terminal", "DEFAULT_MILLI_CPU", "DEFAULT_MEMORY"]

DEFAULT_MILLI_CPU = 100
DEFAULT_MEMORY = 200 * 1024 * 1024


@dataclass(frozen=True)
class Requests:
    """Resources in integer units: milli-cpu, bytes of memory, and a count of pods."""

    cpu: int = 0
    memory: int = 0
    pods: int = 0

    def __add__(self, other: "Requests") -> "Requests":
        return Requests(self.cpu + other.cpu, self.memory + other.memory, self.pods + other.pods)

    def __sub__(self, other: "Requests") -> "Requests":
        return Requests(self.cpu - other.cpu, self.memory - other.memory, self.pods - other.pods)


def _container(container: dict, non_zero: bool) -> tuple[int, int]:
    requests = (container.get("resources") or {}).get("requests") or {}
    cpu = quantities.cpu_millis(requests["cpu"]) if "cpu" in requests else None
    memory = quantities.to_int(requests["memory"]) if "memory" in requests else None
    if non_zero:
        cpu = DEFAULT_MILLI_CPU if cpu is None else cpu
        memory = DEFAULT_MEMORY if memory is None else memory
    return cpu or 0, memory or 0


def pod_requests(pod: dict, non_zero: bool = False) -> Requests:
    """The pod's effective request (one pod slot included)."""
    spec = pod.get("spec") or {}
    cpu = memory = 0
    for container in spec.get("containers") or []:
        c, m = _container(container, non_zero)
        cpu, memory = cpu + c, memory + m
    for container in spec.get("initContainers") or []:
        c, m = _container(container, non_zero)
        cpu, memory = max(cpu, c), max(memory, m)
    overhead = spec.get("overhead") or {}
    if "cpu" in overhead:
        cpu += quantities.cpu_millis(overhead["cpu"])
    if "memory" in overhead:
        memory += quantities.to_int(overhead["memory"])
    return Requests(cpu, memory, 1)


def host_ports(pod: dict) -> set[tuple[str, str, int]]:
    """(hostIP, protocol, hostPort) triples the pod needs on its node."""
    ports = set()
    for container in (pod.get("spec") or {}).get("containers") or []:
        for port in container.get("ports") or []:
            if port.get("hostPort"):
                ports.add((port.get("hostIP") or "0.0.0.0", port.get("protocol") or "TCP", int(port["hostPort"])))
    return ports


def is_terminal(pod: dict) -> bool:
    return (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")
