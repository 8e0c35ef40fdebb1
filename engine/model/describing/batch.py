"""`kubectl describe` for batch/v1: Job and CronJob.

No I/O happens here. Mirrors describe.go's describeJob (v1.32: pod counts
with Ready, the Completed Indexes of an Indexed Job, capped near 50
characters) and describeCronJob with describeJobTemplate and
printActiveJobs. `DESCRIBERS` maps each kind to its describer for
`litekube.model.describing`.
"""
from __future__ import annotations

from datetime import datetime
from typing import Callable

from litekube.model import durations, tables
from litekube.model.describing.pods import (
    describe_pod_template,
    print_annotations,
    print_header,
    print_labels,
)
from litekube.model.tabwriting import PrefixWriter

__all__ = ["DESCRIBERS", "cap_indexes"]


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def _controller(obj: dict) -> str:
    owner = next((o for o in _meta(obj).get("ownerReferences") or [] if o.get("controller")), None)
    return f"{owner.get('kind', '')}/{owner.get('name', '')}" if owner else ""


def cap_indexes(indexes: str, soft_limit: int = 50) -> str:
    """capIndexesListOrNone: up to the first comma at or after `soft_limit` characters, then `...`."""
    if not indexes:
        return "<none>"
    cut = indexes.find(",", soft_limit)
    return indexes if cut < 0 else indexes[:cut + 1] + "..."


def _bool_pointer(value: object) -> str:
    """printBoolPtr: True, False or <unset>."""
    return "<unset>" if value is None else ("True" if value else "False")


def _job(w: PrefixWriter, obj: dict, now: datetime, related: dict) -> None:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    print_header(w, obj)
    w.write(0, f"Selector:\t{tables.selector_string(spec.get('selector'))}\n")
    print_labels(w, "Labels", _meta(obj).get("labels"))
    print_annotations(w, "Annotations", _meta(obj).get("annotations"))
    if _controller(obj):
        w.write(0, f"Controlled By:\t{_controller(obj)}\n")
    if spec.get("parallelism") is not None:
        w.write(0, f"Parallelism:\t{spec['parallelism']}\n")
    w.write(0, f"Completions:\t{spec['completions'] if spec.get('completions') is not None else '<unset>'}\n")
    if spec.get("completionMode"):
        w.write(0, f"Completion Mode:\t{spec['completionMode']}\n")
    if spec.get("suspend") is not None:
        w.write(0, f"Suspend:\t{'true' if spec['suspend'] else 'false'}\n")
    if spec.get("backoffLimit") is not None:
        w.write(0, f"Backoff Limit:\t{spec['backoffLimit']}\n")
    if spec.get("ttlSecondsAfterFinished") is not None:
        w.write(0, f"TTL Seconds After Finished:\t{spec['ttlSecondsAfterFinished']}\n")
    if status.get("startTime"):
        w.write(0, f"Start Time:\t{durations.format_rfc1123z(status['startTime'])}\n")
    if status.get("completionTime"):
        w.write(0, f"Completed At:\t{durations.format_rfc1123z(status['completionTime'])}\n")
    if status.get("startTime") and status.get("completionTime"):
        took = durations.parse_time(status["completionTime"]) - durations.parse_time(status["startTime"])
        w.write(0, f"Duration:\t{durations.human_duration(took.total_seconds())}\n")
    if spec.get("activeDeadlineSeconds") is not None:
        w.write(0, f"Active Deadline Seconds:\t{spec['activeDeadlineSeconds']}s\n")
    active, done, failed = (status.get(k) or 0 for k in ("active", "succeeded", "failed"))
    ready = "" if status.get("ready") is None else f" ({status['ready']} Ready)"
    w.write(0, f"Pods Statuses:\t{active} Active{ready} / {done} Succeeded / {failed} Failed\n")
    if spec.get("completionMode") == "Indexed":
        w.write(0, f"Completed Indexes:\t{cap_indexes(status.get('completedIndexes') or '')}\n")
    describe_pod_template(w, spec.get("template"))


def _job_template(w: PrefixWriter, template: dict) -> None:
    """describeJobTemplate."""
    spec = template.get("spec") or {}
    if spec.get("selector") is not None:
        w.write(0, f"Selector:\t{tables.selector_string(spec['selector'])}\n")
    else:
        w.write(0, "Selector:\t<unset>\n")
    for key, title in (("parallelism", "Parallelism"), ("completions", "Completions")):
        value = spec.get(key)
        w.write(0, f"{title}:\t{'<unset>' if value is None else value}\n")
    if spec.get("activeDeadlineSeconds") is not None:
        w.write(0, f"Active Deadline Seconds:\t{spec['activeDeadlineSeconds']}s\n")
    describe_pod_template(w, spec.get("template"))


def _cron_job(w: PrefixWriter, obj: dict, now: datetime, related: dict) -> None:
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    print_header(w, obj)
    print_labels(w, "Labels", _meta(obj).get("labels"))
    print_annotations(w, "Annotations", _meta(obj).get("annotations"))
    w.write(0, f"Schedule:\t{spec.get('schedule', '')}\n")
    w.write(0, f"Concurrency Policy:\t{spec.get('concurrencyPolicy', '')}\n")
    w.write(0, f"Suspend:\t{_bool_pointer(spec.get('suspend'))}\n")
    for key, title in (("successfulJobsHistoryLimit", "Successful Job History Limit"),
                       ("failedJobsHistoryLimit", "Failed Job History Limit")):
        value = spec.get(key)
        w.write(0, f"{title}:\t{'<unset>' if value is None else value}\n")
    deadline = spec.get("startingDeadlineSeconds")
    w.write(0, f"Starting Deadline Seconds:\t{'<unset>' if deadline is None else f'{deadline}s'}\n")
    _job_template(w, spec.get("jobTemplate") or {})
    last = status.get("lastScheduleTime")
    w.write(0, f"Last Schedule Time:\t{durations.format_rfc1123z(last) if last else '<unset>'}\n")
    active = status.get("active") or []
    w.write(0, "Active Jobs:\t")
    w.write_line(", ".join(ref.get("name", "") for ref in active) if active else "<none>")


DESCRIBERS: dict[str, Callable[[PrefixWriter, dict, datetime, dict], None]] = {
    "Job": _job,
    "CronJob": _cron_job,
}
