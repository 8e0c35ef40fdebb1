"""The Pod printer: printPod's READY, STATUS and RESTARTS computation.

No I/O happens here. `pod_status` reads a pod's container statuses the way
upstream printers.go does (init containers, restartable sidecars, waiting and
terminated reasons, Terminating), and `PRINTERS` holds the Pod row printer
`litekube.model.tables` dispatches to.
"""
from __future__ import annotations

from datetime import datetime
from typing import Callable

from litekube.model import durations
from litekube.model.tables.cells import age, has_condition, meta

__all__ = ["pod_status", "PRINTERS", "READS"]


def _later(a: str | None, b: str | None) -> str | None:
    if not b:
        return a
    if not a or durations.parse_time(a) < durations.parse_time(b):
        return b
    return a


def pod_status(pod: dict) -> tuple[int, int, str, int, str | None]:
    """printPod's computation: (ready, total, STATUS reason, restarts, last restart finishedAt)."""
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    phase = status.get("phase", "")
    reason = status.get("reason") or phase
    for condition in status.get("conditions") or []:
        if condition.get("type") == "PodScheduled" and condition.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"
    init_containers = spec.get("initContainers")
    sidecar: set = set()
    if init_containers:
        init_specs = {c.get("name"): c for c in init_containers}
        sidecar = {name for name, c in init_specs.items() if c.get("restartPolicy") == "Always"}
    total = len(spec.get("containers") or []) + len(sidecar)
    ready = restarts = sidecar_restarts = 0
    last: str | None = None
    last_sidecar: str | None = None
    later = _later

    initializing = False
    init_statuses = status.get("initContainerStatuses") or []
    for i, cs in enumerate(init_statuses):
        finished = ((cs.get("lastState") or {}).get("terminated") or {}).get("finishedAt")
        restarts += int(cs.get("restartCount") or 0)
        last = later(last, finished)
        if cs.get("name") in sidecar:
            sidecar_restarts += int(cs.get("restartCount") or 0)
            last_sidecar = later(last_sidecar, finished)
        state = cs.get("state") or {}
        terminated, waiting = state.get("terminated"), state.get("waiting")
        if terminated is not None and int(terminated.get("exitCode") or 0) == 0:
            continue
        if cs.get("name") in sidecar and cs.get("started"):
            ready += 1 if cs.get("ready") else 0
            continue
        if terminated is not None:
            if not terminated.get("reason"):
                signal = int(terminated.get("signal") or 0)
                reason = (f"Init:Signal:{signal}" if signal
                          else f"Init:ExitCode:{int(terminated.get('exitCode') or 0)}")
            else:
                reason = "Init:" + terminated["reason"]
        elif waiting is not None and waiting.get("reason") and waiting["reason"] != "PodInitializing":
            reason = "Init:" + waiting["reason"]
        else:
            reason = f"Init:{i}/{len(spec.get('initContainers') or [])}"
        initializing = True
        break

    if not initializing or has_condition(status.get("conditions"), "Initialized"):
        restarts, last = sidecar_restarts, last_sidecar
        has_running = False
        for cs in reversed(status.get("containerStatuses") or []):
            restarts += int(cs.get("restartCount") or 0)
            last = later(last, ((cs.get("lastState") or {}).get("terminated") or {}).get("finishedAt"))
            state = cs.get("state") or {}
            waiting, terminated = state.get("waiting"), state.get("terminated")
            if waiting is not None and waiting.get("reason"):
                reason = waiting["reason"]
            elif terminated is not None and terminated.get("reason"):
                reason = terminated["reason"]
            elif terminated is not None:
                signal = int(terminated.get("signal") or 0)
                reason = f"Signal:{signal}" if signal else f"ExitCode:{int(terminated.get('exitCode') or 0)}"
            elif cs.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            reason = "Running" if has_condition(status.get("conditions"), "Ready") else "NotReady"

    deleting = bool(meta(pod).get("deletionTimestamp"))
    if deleting and status.get("reason") == "NodeLost":
        reason = "Unknown"
    elif deleting and phase not in ("Failed", "Succeeded"):
        reason = "Terminating"
    return ready, total, reason, restarts, last


def _pod(obj: dict, now: datetime) -> list:
    ready, total, reason, restarts, last = pod_status(obj)
    restarts_cell = str(restarts)
    if restarts and last:
        restarts_cell = f"{restarts} ({durations.age(last, now)} ago)"
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    pod_ips = status.get("podIPs") or []
    ip = (pod_ips[0].get("ip") if pod_ips else status.get("podIP")) or "<none>"
    gates = spec.get("readinessGates") or []
    gates_cell = "<none>"
    if gates:
        true = 0
        for gate in gates:
            for condition in status.get("conditions") or []:
                if condition.get("type") == gate.get("conditionType"):
                    true += condition.get("status") == "True"
                    break
        gates_cell = f"{true}/{len(gates)}"
    return [meta(obj).get("name", ""), f"{ready}/{total}", reason, restarts_cell, age(obj, now),
            ip, spec.get("nodeName") or "<none>", status.get("nominatedNodeName") or "<none>", gates_cell]


PRINTERS: dict[str, Callable[[dict, datetime], list]] = {"Pod": _pod}

# Every field of a Pod that its row (with -o wide, labels and the object's kind) reads: a table of
# pods can be printed from these alone (a projection: the store decodes nothing else). A last key
# `#` asks only for an array's length (the store's LENGTH): the row counts the containers and reads
# none of their fields, so they come as that many empty objects.
READS: dict[str, tuple[tuple[str, ...], ...]] = {"Pod": tuple(tuple(path.split(".")) for path in (
    "metadata.creationTimestamp", "metadata.deletionTimestamp", "metadata.labels",
    "spec.containers.#", "spec.initContainers", "spec.nodeName", "spec.readinessGates",
    "status.phase", "status.reason", "status.conditions", "status.initContainerStatuses",
    "status.containerStatuses", "status.podIP", "status.podIPs", "status.nominatedNodeName"))}
