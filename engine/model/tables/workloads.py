"""Workload printers: Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob.

No I/O happens here. Rows follow upstream printers.go; `PRINTERS` maps each
kind to its row printer for `litekube.model.tables`.
"""
from __future__ import annotations

from datetime import datetime
from typing import Callable

from litekube.model import durations
from litekube.model.tables.cells import (
    age,
    container_cells,
    format_label_selector,
    format_labels,
    has_condition,
    meta,
    selector_string,
)

__all__ = ["PRINTERS"]


def _deployment(obj: dict, now: datetime) -> list:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    names, images = container_cells(spec.get("template"))
    return [meta(obj).get("name", ""), f"{status.get('readyReplicas') or 0}/{spec.get('replicas') or 0}",
            status.get("updatedReplicas") or 0, status.get("availableReplicas") or 0, age(obj, now),
            names, images, selector_string(spec.get("selector"))]


def _replicaset(obj: dict, now: datetime) -> list:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    names, images = container_cells(spec.get("template"))
    return [meta(obj).get("name", ""), spec.get("replicas") or 0, status.get("replicas") or 0,
            status.get("readyReplicas") or 0, age(obj, now), names, images,
            format_label_selector(spec.get("selector"))]


def _statefulset(obj: dict, now: datetime) -> list:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    names, images = container_cells(spec.get("template"))
    return [meta(obj).get("name", ""), f"{status.get('readyReplicas') or 0}/{spec.get('replicas') or 0}",
            age(obj, now), names, images]


def _daemonset(obj: dict, now: datetime) -> list:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    names, images = container_cells(spec.get("template"))
    node_selector = ((spec.get("template") or {}).get("spec") or {}).get("nodeSelector")
    return [meta(obj).get("name", ""), *(status.get(k) or 0 for k in (
        "desiredNumberScheduled", "currentNumberScheduled", "numberReady", "updatedNumberScheduled",
        "numberAvailable")), format_labels(node_selector), age(obj, now), names, images,
        format_label_selector(spec.get("selector"))]


def _job(obj: dict, now: datetime) -> list:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    succeeded = status.get("succeeded") or 0
    if spec.get("completions") is not None:
        completions = f"{succeeded}/{spec['completions']}"
    elif (spec.get("parallelism") or 0) > 1:
        completions = f"{succeeded}/1 of {spec['parallelism']}"
    else:
        completions = f"{succeeded}/1"
    duration = ""
    if status.get("startTime"):
        end = durations.parse_time(status["completionTime"]) if status.get("completionTime") else now
        duration = durations.human_duration((end - durations.parse_time(status["startTime"])).total_seconds())
    conditions = status.get("conditions")
    if has_condition(conditions, "Complete"):
        state = "Complete"
    elif has_condition(conditions, "Failed"):
        state = "Failed"
    elif meta(obj).get("deletionTimestamp"):
        state = "Terminating"
    elif has_condition(conditions, "Suspended"):
        state = "Suspended"
    elif has_condition(conditions, "FailureTarget"):
        state = "FailureTarget"
    else:
        state = "Running"
    names, images = container_cells(spec.get("template"))
    return [meta(obj).get("name", ""), state, completions, duration, age(obj, now), names, images,
            format_label_selector(spec.get("selector"))]


def _cronjob(obj: dict, now: datetime) -> list:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    last = status.get("lastScheduleTime")
    job_spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    names, images = container_cells(job_spec.get("template"))
    suspend = spec.get("suspend")
    return [meta(obj).get("name", ""), spec.get("schedule", ""),
            "<none>" if spec.get("timeZone") is None else spec["timeZone"],
            "<unset>" if suspend is None else ("True" if suspend else "False"),
            len(status.get("active") or []), durations.age(last, now) if last else "<none>", age(obj, now),
            names, images, format_label_selector(job_spec.get("selector"))]


PRINTERS: dict[str, Callable[[dict, datetime], list]] = {
    "Deployment": _deployment,
    "ReplicaSet": _replicaset,
    "StatefulSet": _statefulset,
    "DaemonSet": _daemonset,
    "Job": _job,
    "CronJob": _cronjob,
}
