"""The simulated output of a container: what `kubectl logs` (and a pods/log endpoint) show.

This module does I/O through the store (the pod's changelog history). No
container runs, so a container's log is its lifecycle as the simulated
kubelet recorded it, one line per event, at the time it happened:

    Started container app (image nginx:1.27)
    <the lines of the pod's sim.litekube.io/log annotation>
    Readiness probe succeeded: container app is ready   (or `Container app is ready` without a probe)
    Readiness probe failed: container app is not ready
    Container app exited with code 1 (Error)

Each run of a container (its restarts are new runs) has its own log: the
current one, or with `previous` the run before (lastState.terminated).
Errors are BadRequest with the kubelet's wording.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from litekube import errors
from litekube.api.server import Api, timestamp
from litekube.model import durations

__all__ = ["LogLine", "LOG_ANNOTATION", "container_names", "default_container", "pod_log", "synthesize",
           "pod_for_logs", "containers_of", "since_filter"]

LOG_ANNOTATION = "sim.litekube.io/log"
DEFAULT_CONTAINER = "kubectl.kubernetes.io/default-container"


@dataclass(frozen=True)
class LogLine:
    """One line of a container's log: its time (RFC 3339) and text."""

    time: str
    text: str


@dataclass
class _Run:
    started: str
    image: str = ""
    events: list[LogLine] = field(default_factory=list)
    finished: LogLine | None = None


def containers_of(pod: dict) -> tuple[list[str], list[str]]:
    """(init container names, container names)."""
    spec = pod.get("spec") or {}
    return ([c["name"] for c in spec.get("initContainers") or []],
            [c["name"] for c in spec.get("containers") or []])


def container_names(pod: dict) -> list[str]:
    init, regular = containers_of(pod)
    return regular + init


def default_container(pod: dict) -> tuple[str, str | None]:
    """The container kubectl logs picks without -c, and its `Defaulted container ...` note (None for one)."""
    init, regular = containers_of(pod)
    chosen = ((pod.get("metadata") or {}).get("annotations") or {}).get(DEFAULT_CONTAINER)
    if not chosen or chosen not in regular + init:
        chosen = regular[0] if regular else (init[0] if init else "")
    if len(regular) + len(init) <= 1:
        return chosen, None
    listed = ", ".join(regular + [f"{name} (init)" for name in init])
    return chosen, f'Defaulted container "{chosen}" out of: {listed}'


def _status_of(pod: dict, container: str) -> dict | None:
    status = pod.get("status") or {}
    for entry in (status.get("containerStatuses") or []) + (status.get("initContainerStatuses") or []):
        if entry.get("name") == container:
            return entry
    return None


def _iso(seconds: float) -> str:
    return timestamp(seconds)


def synthesize(history: list[tuple[float, dict]], container: str) -> list[_Run]:
    """The runs of `container` reconstructed from the pod as it was at each changelog time, oldest first."""
    runs: dict[str, _Run] = {}
    ready: dict[str, bool] = {}
    for when, pod in history:
        status = _status_of(pod, container)
        if status is None:
            continue
        for terminated in ((status.get("lastState") or {}).get("terminated"),
                           (status.get("state") or {}).get("terminated")):
            if terminated and terminated.get("startedAt"):
                run = runs.setdefault(terminated["startedAt"], _Run(terminated["startedAt"], status.get("image", "")))
                if run.finished is None and terminated.get("finishedAt"):
                    reason = terminated.get("reason") or ("Completed" if not terminated.get("exitCode") else "Error")
                    run.finished = LogLine(terminated["finishedAt"], f"Container {container} exited with code "
                                                                    f"{terminated.get('exitCode', 0)} ({reason})")
        running = (status.get("state") or {}).get("running")
        if running and running.get("startedAt"):
            started = running["startedAt"]
            run = runs.setdefault(started, _Run(started, status.get("image", "")))
            is_ready = bool(status.get("ready"))
            if ready.get(started, False) != is_ready:
                run.events.append(LogLine(_iso(when), _readiness(pod, container, is_ready)))
                ready[started] = is_ready
    return sorted(runs.values(), key=lambda r: r.started)


def _readiness(pod: dict, container: str, ready: bool) -> str:
    spec = pod.get("spec") or {}
    probed = any(c.get("name") == container and c.get("readinessProbe") for c in spec.get("containers") or [])
    if not probed:
        return f"Container {container} is ready" if ready else f"Container {container} is not ready"
    if ready:
        return f"Readiness probe succeeded: container {container} is ready"
    return f"Readiness probe failed: container {container} is not ready"


def _lines(run: _Run, container: str, pod: dict) -> list[LogLine]:
    lines = [LogLine(run.started, f"Started container {container} (image {run.image})")]
    text = ((pod.get("metadata") or {}).get("annotations") or {}).get(LOG_ANNOTATION) or ""
    lines += [LogLine(run.started, line) for line in text.splitlines()]
    lines += run.events
    if run.finished is not None:
        lines.append(run.finished)
    return lines


def pod_log(api: Api, namespace: str, name: str, container: str, previous: bool = False) -> list[LogLine]:
    """The log of one run of `container` in pod `name`; BadRequest as the kubelet answers."""
    with api.read() as tx:
        pod = tx.get("Pod", namespace, name)
    if container not in container_names(pod):
        raise errors.BadRequest(f"container {container} is not valid for pod {name}")
    status = _status_of(pod, container) or {}
    state = status.get("state") or {}
    last = (status.get("lastState") or {}).get("terminated")
    if previous:
        if not last:
            raise errors.BadRequest(f'previous terminated container "{container}" in pod "{name}" not found')
        wanted = last.get("startedAt")
    elif "running" in state or "terminated" in state:
        wanted = (state.get("running") or state.get("terminated") or {}).get("startedAt")
    elif last:  # waiting to restart (CrashLoopBackOff): the kubelet serves the last run
        wanted = last.get("startedAt")
    else:
        reason = (state.get("waiting") or {}).get("reason") or "ContainerCreating"
        raise errors.BadRequest(f'container "{container}" in pod "{name}" is waiting to start: {reason}')
    uid = pod["metadata"].get("uid")
    history = [(c.time, c.body) for c in api.store.object_history("Pod", namespace, name, uid)]
    if not history or history[-1][1].get("metadata", {}).get("resourceVersion") != \
            pod["metadata"].get("resourceVersion"):
        history.append((api.store.now(), pod))
    run = next((r for r in synthesize(history, container) if r.started == wanted), None)
    if run is None:  # compacted away: what the current status still tells
        run = _Run(wanted or "", status.get("image", ""))
    return _lines(run, container, pod)


def pod_for_logs(pods: list[dict]) -> dict | None:
    """The pod kubectl logs picks for a workload (podutils.ByLogging): scheduled, running, ready, restarted."""
    phase_rank = {"Running": 0, "Unknown": 1, "Pending": 2}

    def key(pod: dict):
        status = pod.get("status") or {}
        statuses = status.get("containerStatuses") or []
        return (not (pod.get("spec") or {}).get("nodeName"), phase_rank.get(status.get("phase", ""), 3),
                not all(s.get("ready") for s in statuses) if statuses else True,
                -max([int(s.get("restartCount") or 0) for s in statuses] or [0]),
                pod["metadata"].get("creationTimestamp") or "", pod["metadata"]["name"])
    return min(pods, key=key) if pods else None


def since_filter(lines: list[LogLine], now: float, since: float | None, since_time: str | None) -> list[LogLine]:
    """--since (seconds before now) and --since-time (RFC 3339) keep the lines at or after that time."""
    if since is not None:
        cutoff = now - since
        lines = [ln for ln in lines if durations.parse_time(ln.time).timestamp() >= cutoff]
    if since_time:
        cutoff = durations.parse_time(since_time).timestamp()
        lines = [ln for ln in lines if durations.parse_time(ln.time).timestamp() >= cutoff]
    return lines
