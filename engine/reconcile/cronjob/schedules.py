"""When a CronJob is due, and the Job it makes: pkg/controller/cronjob/utils.go (v2 controller).

No I/O happens here. `most_recent_schedule_time` is upstream's
mostRecentScheduleTime: from the last schedule time (or the CronJob's
creation), raised to `now - startingDeadlineSeconds` when that is set, the
latest fire time not after `now`, and how many were missed (more than 100
is "many": the controller warns, and still starts the latest one).
`next_schedule_delay` is nextScheduleTimeDuration: the wait until the next
fire time, plus 100 ms against clock skew. Times are seconds since the
epoch.
"""
from __future__ import annotations

from datetime import datetime
from enum import IntEnum

from litekube.model import cron, values
from litekube.reconcile.common import pod_ranking, scheduled

__all__ = ["NEXT_SCHEDULE_DELTA", "MANY_MISSED", "Missed", "ScheduleError", "most_recent_schedule_time",
           "next_schedule_delay", "job_name", "job_from_template", "formatted_schedule", "SCHEDULED_TIMESTAMP"]

NEXT_SCHEDULE_DELTA = 0.1
MANY_MISSED = 100
SCHEDULED_TIMESTAMP = scheduled.SCHEDULED_TIMESTAMP


class Missed(IntEnum):
    NONE = 0
    FEW = 1
    MANY = 2


class ScheduleError(ValueError):
    """A schedule that parses but never fires twice a second apart (`59 23 31 2 *`)."""


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def most_recent_schedule_time(cj: dict, now: float, schedule: cron.Schedule,
                              with_starting_deadline: bool) -> tuple[float, int | None, Missed]:
    """(earliest time considered, the most recent fire time due or None, how many were missed).

    Raises ScheduleError when two consecutive fire times are less than a second apart.
    """
    earliest = pod_ranking.timestamp(_meta(cj).get("creationTimestamp")) or 0.0
    last = pod_ranking.timestamp((cj.get("status") or {}).get("lastScheduleTime"))
    if last is not None:
        earliest = last
    deadline = (cj.get("spec") or {}).get("startingDeadlineSeconds")
    if with_starting_deadline and deadline is not None:
        earliest = max(earliest, now - int(deadline))
    t1 = schedule.next(earliest)
    t2 = schedule.next(t1) if t1 is not None else None
    if t1 is not None and now < t1:
        return earliest, None, Missed.NONE
    if t1 is not None and t2 is not None and now < t2:
        return earliest, t1, Missed.NONE
    between = 0 if t1 is None or t2 is None else round(t2 - t1)
    if between < 1:
        raise ScheduleError("time difference between two schedules is less than 1 second")
    assert t1 is not None
    missed = int(now - t1) // between + 1
    # Start two intervals back from the estimate, so that irregular schedules
    # (`30 6-16/4 * * 1-5`) land on their own last fire time.
    most_recent: int | None = None
    t = schedule.next(t1 + (missed - 2) * between)
    while t is not None and t <= now:
        most_recent = t
        t = schedule.next(t)
    kind = Missed.MANY if missed > MANY_MISSED else Missed.FEW if missed > 0 else Missed.NONE
    return earliest, most_recent, kind


def next_schedule_delay(cj: dict, now: float, schedule: cron.Schedule) -> float | None:
    """nextScheduleTimeDuration: seconds until the next fire time after the most recent one, plus 100 ms."""
    try:
        earliest, most_recent, missed = most_recent_schedule_time(cj, now, schedule, False)
        base = float(most_recent) if most_recent is not None else (earliest if missed == Missed.NONE else now)
    except ScheduleError:
        base = now
    upcoming = schedule.next(base)
    if upcoming is None:
        return None
    return upcoming + NEXT_SCHEDULE_DELTA - now


def formatted_schedule(cj: dict) -> str:
    """formatSchedule: the timeZone becomes a `TZ=` prefix (unless the schedule names one itself)."""
    spec = cj.get("spec") or {}
    schedule = spec.get("schedule") or ""
    if "TZ" in schedule:
        return schedule
    zone = spec.get("timeZone")
    if zone is not None:
        try:
            cron.load_location(zone)
        except cron.CronError:
            return schedule
        return f"TZ={zone} {schedule}"
    return schedule


def job_name(cj: dict, scheduled: float) -> str:
    """getJobName: `<cronjob>-<minutes since the epoch of the scheduled time>`."""
    return f"{_meta(cj).get('name', '')}-{int(scheduled) // 60}"


def job_from_template(cj: dict, scheduled: float) -> dict:
    """getJobFromTemplate2: the template's labels and annotations, the scheduled time, a controller ref."""
    meta = _meta(cj)
    template = (cj.get("spec") or {}).get("jobTemplate") or {}
    template_meta = template.get("metadata") or {}
    annotations = dict(template_meta.get("annotations") or {})
    location = cron.load_location((cj.get("spec") or {}).get("timeZone") or "")
    annotations[SCHEDULED_TIMESTAMP] = datetime.fromtimestamp(int(scheduled), location).isoformat().replace(
        "+00:00", "Z")
    job_meta: dict = {"name": job_name(cj, scheduled), "namespace": meta.get("namespace", "")}
    if template_meta.get("labels"):
        job_meta["labels"] = dict(template_meta["labels"])
    job_meta["annotations"] = annotations
    job_meta["ownerReferences"] = [{"apiVersion": "batch/v1", "kind": "CronJob", "name": meta.get("name", ""),
                                    "uid": meta.get("uid", ""), "controller": True, "blockOwnerDeletion": True}]
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": job_meta,
            "spec": values.clone(template.get("spec") or {})}
