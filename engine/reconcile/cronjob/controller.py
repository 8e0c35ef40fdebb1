"""The CronJob controller (v2): make a Job at each scheduled time, keep a bounded history.

No I/O happens here. `reconcile` is cronjob_controllerv2.go's `sync`:
first `cleanupFinishedJobs` (the oldest finished Jobs past
successfulJobsHistoryLimit / failedJobsHistoryLimit are deleted, in
background), then `syncCronJob`:

1. the active list follows the owned Jobs: finished ones leave it
   (SawCompletedJob), missing ones too (MissingJob), an unfinished Job it
   does not list is reported (UnexpectedJob); lastSuccessfulTime follows
   completions;
2. a CronJob being deleted, with an unknown timeZone, suspended, or with a
   schedule that does not parse, makes no Job (and is not requeued);
3. the most recent unmet fire time (at most one Job a pass, never a
   back-fill; more than 100 missed times warns TooManyMissedTimes); past
   startingDeadlineSeconds it is MissSchedule;
4. concurrencyPolicy: Forbid skips while a Job is active
   (JobAlreadyActive), Replace deletes the active Jobs first;
5. the Job `<name>-<minutes since the epoch>` is created (SuccessfulCreate),
   listed as active, and lastScheduleTime set;
6. the CronJob is requeued just after its next fire time (routine work: a
   settle does not wait for the next scheduled run; `advance` does).

The Jobs considered are those whose controller reference is this CronJob
(by uid; upstream compares the name only).
"""
from __future__ import annotations

import functools
from datetime import datetime, timezone

from litekube.model import cron, durations, values
from litekube.reconcile.base import (
    Component,
    Create,
    Delete,
    Key,
    RecordEvent,
    Result,
    UpdateStatus,
    View,
    controller_key,
    ref_of,
    self_key,
)
from litekube.reconcile.common import pod_ranking
from litekube.reconcile.cronjob import schedules

__all__ = ["COMPONENT", "EVENT_SOURCE", "reconcile"]

EVENT_SOURCE = "cronjob-controller"


def _meta(obj: dict) -> dict:
    return obj.get("metadata") or {}


def _finished(job: dict) -> str | None:
    """getFinishedStatus: "Complete" or "Failed" when that condition is True."""
    for c in (job.get("status") or {}).get("conditions") or []:
        if c.get("type") in ("Complete", "Failed") and c.get("status") == "True":
            return c["type"]
    return None


def _succeeded(job: dict) -> bool:
    return any(c.get("type") == "Complete" and c.get("status") == "True"
               for c in (job.get("status") or {}).get("conditions") or [])


class _Pass:
    """One sync of one CronJob: its status copy, the actions, whether the status changed."""

    def __init__(self, cj: dict, jobs: list[dict], now: float) -> None:
        self.cj = values.clone(cj)
        self.status = self.cj.setdefault("status", {})
        self.jobs = jobs
        self.now = now
        self.actions: list = []
        self.changed = False

    def event(self, kind: str, reason: str, message: str) -> None:
        self.actions.append(RecordEvent(ref_of(self.cj), kind, reason, message, EVENT_SOURCE))

    def active(self) -> list[dict]:
        return list(self.status.get("active") or [])

    def drop_active(self, uid: str) -> None:
        self.status["active"] = [ref for ref in self.active() if ref.get("uid") != uid]

    def delete_job(self, job: dict) -> None:
        """deleteJob: the Job (background propagation) and its place in the active list."""
        meta = _meta(job)
        self.actions.append(Delete("Job", meta.get("namespace", ""), meta.get("name", ""), meta.get("uid", ""),
                                   propagation="Background"))
        self.drop_active(meta.get("uid", ""))
        self.event("Normal", "SuccessfulDelete", f"Deleted job {meta.get('name', '')}")
        self.changed = True


# -- cleanupFinishedJobs ------------------------------------------------------------

def _by_start_time(a: dict, b: dict) -> int:
    """byJobStartTime: started before not started, earlier first, then by name."""
    sa = pod_ranking.timestamp((a.get("status") or {}).get("startTime"))
    sb = pod_ranking.timestamp((b.get("status") or {}).get("startTime"))
    if sa is None and sb is not None:
        return 1
    if sa is not None and sb is None:
        return -1
    if sa == sb:
        na, nb = _meta(a).get("name", ""), _meta(b).get("name", "")
        return -1 if na < nb else 1 if na > nb else 0
    return -1 if sa < sb else 1  # type: ignore[operator]


def _cleanup(p: _Pass) -> None:
    spec = p.cj.get("spec") or {}
    successful_limit, failed_limit = spec.get("successfulJobsHistoryLimit"), spec.get("failedJobsHistoryLimit")
    if successful_limit is None and failed_limit is None:
        return
    done = [j for j in p.jobs if _finished(j) == "Complete"]
    failed = [j for j in p.jobs if _finished(j) == "Failed"]
    for jobs, limit in ((done, successful_limit), (failed, failed_limit)):
        if limit is None or len(jobs) - int(limit) <= 0:
            continue
        for job in sorted(jobs, key=functools.cmp_to_key(_by_start_time))[:len(jobs) - int(limit)]:
            p.delete_job(job)


# -- syncCronJob ------------------------------------------------------------------------

def _follow_jobs(p: _Pass) -> None:
    """The active list against the Jobs that exist; lastSuccessfulTime."""
    listed = {ref.get("uid") for ref in p.active()}
    children = set()
    for job in p.jobs:
        meta = _meta(job)
        children.add(meta.get("uid"))
        found = meta.get("uid") in listed
        finished = _finished(job)
        if not found and finished is None:
            p.event("Warning", "UnexpectedJob",
                    f"Saw a job that the controller did not create or forgot: {meta.get('name', '')}")
        elif found and finished is not None:
            p.drop_active(meta.get("uid", ""))
            p.event("Normal", "SawCompletedJob", f"Saw completed job: {meta.get('name', '')}, status: {finished}")
            p.changed = True
        elif _succeeded(job):
            # A Job need not be listed to count: its completion moves lastSuccessfulTime.
            completed = (job.get("status") or {}).get("completionTime")
            if p.status.get("lastSuccessfulTime") is None:
                p.status["lastSuccessfulTime"] = completed
                p.changed = True
            last = p.status.get("lastSuccessfulTime")
            if completed is not None and durations.parse_time(completed) > durations.parse_time(last):
                p.status["lastSuccessfulTime"] = completed
                p.changed = True
    for ref in p.active():
        if ref.get("uid") in children:
            continue
        p.event("Normal", "MissingJob", f"Active job went missing: {ref.get('name', '')}")
        p.drop_active(ref.get("uid", ""))
        p.changed = True


def _rfc1123z(t: float) -> str:
    return datetime.fromtimestamp(int(t), tz=timezone.utc).strftime("%a, %d %b %Y %H:%M:%S +0000")


def _sync(p: _Pass, view: View) -> float | None:
    """syncCronJob; returns the requeue delay, or None when the CronJob waits for a change."""
    cj, now = p.cj, p.now
    spec = cj.get("spec") or {}
    _follow_jobs(p)
    if _meta(cj).get("deletionTimestamp"):
        return None
    zone = spec.get("timeZone")
    if zone is not None:
        try:
            cron.load_location(zone)
        except cron.CronError as exc:
            p.event("Warning", "UnknownTimeZone", f'invalid timeZone: "{zone}": {exc}')
            return None
    if spec.get("suspend"):
        return None
    formatted = schedules.formatted_schedule(cj)
    if "TZ" in (spec.get("schedule") or ""):
        p.event("Warning", "UnsupportedSchedule", f'CRON_TZ or TZ used in schedule "{spec.get("schedule")}" is not '
                "officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ "
                "for more details")
    try:
        schedule = cron.parse(formatted)
    except cron.CronError as exc:
        p.event("Warning", "UnparseableSchedule", f'unparseable schedule: "{spec.get("schedule", "")}" : {exc}')
        return None
    # The most recent unmet fire time.
    try:
        _, scheduled, missed = schedules.most_recent_schedule_time(cj, now, schedule, True)
    except schedules.ScheduleError as exc:
        p.event("Warning", "InvalidSchedule", f"invalid schedule: {spec.get('schedule', '')} : {exc}")
        return None
    if scheduled is not None and scheduled <= now and missed == schedules.Missed.MANY:
        p.event("Warning", "TooManyMissedTimes",
                "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew")
    if scheduled is None or scheduled > now:
        return schedules.next_schedule_delay(cj, now, schedule)
    deadline = spec.get("startingDeadlineSeconds")
    if deadline is not None and scheduled + int(deadline) < now:
        p.event("Warning", "MissSchedule", f"Missed scheduled time to start a job: {_rfc1123z(scheduled)}")
        return schedules.next_schedule_delay(cj, now, schedule)
    name = schedules.job_name(cj, scheduled)
    last = pod_ranking.timestamp(p.status.get("lastScheduleTime"))
    if any(ref.get("name") == name for ref in p.active()) or last == scheduled:
        return schedules.next_schedule_delay(cj, now, schedule)
    if spec.get("concurrencyPolicy") == "Forbid" and p.active():
        p.event("Normal", "JobAlreadyActive",
                "Not starting job because prior execution is running and concurrency policy is Forbid")
        return schedules.next_schedule_delay(cj, now, schedule)
    namespace = _meta(cj).get("namespace", "")
    if spec.get("concurrencyPolicy") == "Replace":
        for ref in p.active():
            job = view.get("Job", ref.get("namespace") or namespace, ref.get("name", ""))
            if job is None:
                p.event("Warning", "FailedGet", f'Get job: jobs.batch "{ref.get("name", "")}" not found')
                return 1.0  # upstream returns the error: the key is retried
            p.delete_job(job)
    existing = view.get("Job", namespace, name)
    if existing is None:
        p.actions.append(Create(schedules.job_from_template(cj, scheduled), event=RecordEvent(
            ref_of(cj), "Normal", "SuccessfulCreate", "Created job {name}", EVENT_SOURCE)))
    else:
        # AlreadyExists: ours but not listed (created before a crash) is listed now; anyone else's is left.
        owner = next((r for r in _meta(existing).get("ownerReferences") or [] if r.get("controller")), None)
        if owner is None or owner.get("uid") != _meta(cj).get("uid"):
            return None
        if any(ref.get("uid") == _meta(existing).get("uid") for ref in p.active()):
            return None
    p.status["active"] = p.active() + [{"apiVersion": "batch/v1", "kind": "Job", "name": name,
                                        "namespace": namespace,
                                        **({"resourceVersion": _meta(existing).get("resourceVersion", ""),
                                            "uid": _meta(existing).get("uid", "")} if existing is not None else {})}]
    p.status["lastScheduleTime"] = datetime.fromtimestamp(int(scheduled), tz=timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    p.changed = True
    return schedules.next_schedule_delay(p.cj, now, schedule)


def _written(status: dict) -> dict:
    """CronJobStatus as Go serializes it: an empty active list and unset times omitted."""
    return {k: v for k, v in status.items() if v not in (None, [], "")}


def reconcile(key: Key, view: View, now: float) -> Result:
    """Sync the CronJob `key`: clean up finished Jobs, then maybe start one."""
    cj = view.get("CronJob", key.namespace, key.name)
    if cj is None:
        return Result()
    uid = _meta(cj).get("uid", "")
    jobs = [j for j in view.owned_by(uid, "Job")
            if any(r.get("controller") and r.get("uid") == uid for r in _meta(j).get("ownerReferences") or [])]
    p = _Pass(cj, jobs, now)
    _cleanup(p)
    requeue = _sync(p, view)
    if p.changed:
        obj = values.clone(p.cj)
        obj["status"] = _written(p.status)
        p.actions.append(UpdateStatus(obj, resolve_refs=("status.active",)))
    return Result(actions=p.actions, requeue_after=None if requeue is None else max(requeue, 0.0), routine=True)


COMPONENT = Component(name="cronjob", reconcile=reconcile,
                      watches={"CronJob": self_key, "Job": controller_key("CronJob")}, primary="CronJob",
                      periodic=True)
