"""The CronJob controller v2 as a pure function, and its schedule arithmetic (upstream's utils_test.go tables)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from litekube.model import cron, durations
from litekube.reconcile.base import Create, Delete, Key, RecordEvent, UpdateStatus
from litekube.reconcile.cronjob import controller, schedules
from litekube.reconcile.views import MemoryView

TOP = datetime(2016, 5, 19, 10, 0, tzinfo=timezone.utc).timestamp()  # topOfTheHour, a Thursday
HOUR, MINUTE = 3600, 60
UID = "u-cj"


def ts(seconds: float) -> str:
    return durations.format_time(datetime.fromtimestamp(seconds, timezone.utc))


def cronjob(schedule: str = "0 * * * *", created: float = TOP, last: float | None = None, **spec) -> dict:
    status = {"lastScheduleTime": ts(last)} if last is not None else {}
    body = {"schedule": schedule, "concurrencyPolicy": "Allow", "suspend": False, "successfulJobsHistoryLimit": 3,
            "failedJobsHistoryLimit": 1,
            "jobTemplate": {"metadata": {"labels": {"app": "hello"}},
                            "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "busybox"}],
                                                           "restartPolicy": "OnFailure"}}}}}
    body.update(spec)
    return {"apiVersion": "batch/v1", "kind": "CronJob",
            "metadata": {"name": "hello", "namespace": "default", "uid": UID, "resourceVersion": "4",
                         "creationTimestamp": ts(created)},
            "spec": body, "status": status}


class TestMostRecentScheduleTime:
    """TestMostRecentScheduleTime: (earliest, most recent, missed) as upstream's table has them."""

    @pytest.mark.parametrize("schedule,created,last,deadline,include,now,earliest,recent,missed,error", [
        ("0 * * * *", TOP, None, None, False, TOP + 30, TOP, None, "NONE", False),
        ("0 * * * *", TOP, None, None, False, TOP + 61 * MINUTE, TOP, TOP + HOUR, "NONE", False),
        ("0 * * * *", TOP + 10, None, None, False, TOP + 301 * MINUTE, TOP + 10, TOP + 300 * MINUTE, "FEW", False),
        ("30 6-16/4 * * 1-5", TOP, TOP + 30 * MINUTE, None, False, TOP + 24 * HOUR + 31 * MINUTE, TOP + 30 * MINUTE,
         TOP + 24 * HOUR + 30 * MINUTE, "FEW", False),
        ("30 10,11,12 * * 1-5", TOP, TOP + 30 * MINUTE, None, False, TOP + 30 * HOUR + 30 * MINUTE,
         TOP + 30 * MINUTE, None, "FEW", False),
        ("30 6-16/4 * * 1-5", TOP, TOP + 30 * MINUTE, None, False, TOP + 96 * HOUR + 31 * MINUTE, TOP + 30 * MINUTE,
         TOP + 96 * HOUR + 30 * MINUTE, "FEW", False),
        ("30 6-16/4 * * 1-5", TOP, None, None, False, TOP + 24 * HOUR + 31 * MINUTE, TOP,
         TOP + 24 * HOUR + 30 * MINUTE, "FEW", False),
        ("@every 1h", TOP - 59 * MINUTE, TOP + MINUTE, 10, False, TOP + 7 * 24 * HOUR, TOP + MINUTE,
         TOP + 6 * 24 * HOUR + 23 * HOUR + MINUTE, "MANY", False),
        ("59 23 31 2 *", TOP + 10, None, None, False, TOP + HOUR, None, None, None, True),
        ("0 * * * *", TOP, TOP, None, False, TOP + 30, TOP, None, "NONE", False),
        ("*/5 * * * *", TOP, TOP + 30 * MINUTE, None, False, TOP + 31 * MINUTE, TOP + 30 * MINUTE, None, "NONE",
         False),
        ("*/5 * * * *", TOP, TOP + 30 * MINUTE, 60, False, TOP + 31 * MINUTE, TOP + 30 * MINUTE, None, "NONE", False),
        ("*/5 * * * *", TOP, TOP + 30 * MINUTE, 60, True, TOP + 32 * MINUTE, TOP + 31 * MINUTE, None, "NONE", False),
    ])
    def test_table(self, schedule, created, last, deadline, include, now, earliest, recent, missed, error):
        cj = cronjob(schedule, created, last, **({"startingDeadlineSeconds": deadline} if deadline else {}))
        sched = cron.parse(schedule)
        if error:
            with pytest.raises(schedules.ScheduleError):
                schedules.most_recent_schedule_time(cj, now, sched, include)
            return
        got = schedules.most_recent_schedule_time(cj, now, sched, include)
        assert got == (earliest, recent, schedules.Missed[missed])

    @pytest.mark.parametrize("schedule,last,now,delay", [
        ("30 6-16/4 * * 1-5", TOP + 30 * MINUTE, TOP + 24 * HOUR + 31 * MINUTE, 3 * HOUR + 59 * MINUTE),
        ("30 10,11,12 * * 1-5", TOP + 30 * MINUTE, TOP + 30 * HOUR + 30 * MINUTE, 66 * HOUR),
        ("0 12 * * 4", TOP + 2 * HOUR, TOP + 19 * 24 * HOUR + HOUR + 30 * MINUTE, 48 * HOUR + 30 * MINUTE),
        ("0 12 * * 5", None, TOP + 6 * HOUR, 20 * HOUR),
    ])
    def test_next_schedule_delay(self, schedule, last, now, delay):
        """TestNextScheduleTimeDuration: the wait until the next fire time, plus 100 ms."""
        assert schedules.next_schedule_delay(cronjob(schedule, TOP, last), now, cron.parse(schedule)) == \
            pytest.approx(delay + 0.1)

    def test_job_name_is_minutes_since_the_epoch(self):
        assert schedules.job_name(cronjob(), TOP) == f"hello-{int(TOP) // 60}"

    @pytest.mark.parametrize("zone,stamp", [(None, "2016-05-19T10:00:00Z"), ("UTC", "2016-05-19T10:00:00Z"),
                                            ("Europe/Rome", "2016-05-19T12:00:00+02:00")])
    def test_scheduled_timestamp_annotation(self, zone, stamp):
        """TestGetJobFromTemplate2: the annotation is the scheduled time in the CronJob's zone, RFC 3339."""
        cj = cronjob(**({"timeZone": zone} if zone else {}))
        cj["spec"]["jobTemplate"]["metadata"]["annotations"] = {"x": "y"}
        made = schedules.job_from_template(cj, TOP)
        assert made["metadata"]["annotations"] == {"x": "y", schedules.SCHEDULED_TIMESTAMP: stamp}
        assert made["metadata"]["labels"] == {"app": "hello"}
        assert made["metadata"]["ownerReferences"] == [{"apiVersion": "batch/v1", "kind": "CronJob", "name": "hello",
                                                        "uid": UID, "controller": True, "blockOwnerDeletion": True}]


def job(name: str, *, finished: str | None = None, start: float | None = None, completion: float | None = None,
        owner: bool = True) -> dict:
    meta = {"name": name, "namespace": "default", "uid": f"u-{name}", "resourceVersion": "9",
            "creationTimestamp": ts(start or TOP)}
    if owner:
        meta["ownerReferences"] = [{"apiVersion": "batch/v1", "kind": "CronJob", "name": "hello", "uid": UID,
                                    "controller": True}]
    status: dict = {}
    if start is not None:
        status["startTime"] = ts(start)
    if finished:
        status["conditions"] = [{"type": finished, "status": "True"}]
        if finished == "Complete":
            status["completionTime"] = ts(completion or (start or TOP) + 10)
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": meta, "spec": {}, "status": status}


def ref(j: dict) -> dict:
    return {"apiVersion": "batch/v1", "kind": "Job", "name": j["metadata"]["name"], "namespace": "default",
            "uid": j["metadata"]["uid"], "resourceVersion": "9"}


def run(*objects: dict, now: float):
    return controller.reconcile(Key("CronJob", "default", "hello"), MemoryView(objects), now)


def events(result) -> list[tuple[str, str, str]]:
    """Events in action order; one riding on a Create names the Job (CronJob Jobs have fixed names)."""
    found = []
    for action in result.actions:
        if isinstance(action, RecordEvent):
            found.append((action.type, action.reason, action.message))
        elif isinstance(action, Create) and action.event is not None:
            name = action.obj["metadata"]["name"]
            found.append((action.event.type, action.event.reason, action.event.message.replace("{name}", name)))
    return found


def status(result) -> dict:
    writes = [a for a in result.actions if isinstance(a, UpdateStatus)]
    return writes[-1].obj["status"] if writes else {}


class TestSync:
    def test_creates_the_job_of_the_fire_time(self):
        result = run(cronjob(), now=TOP + HOUR + 0.1)
        made = [a.obj for a in result.actions if isinstance(a, Create)]
        name = f"hello-{int(TOP + HOUR) // 60}"
        assert [m["metadata"]["name"] for m in made] == [name]
        assert events(result) == [("Normal", "SuccessfulCreate", f"Created job {name}")]
        update = [a for a in result.actions if isinstance(a, UpdateStatus)][0]
        assert update.resolve_refs == ("status.active",)
        assert status(result) == {"active": [{"apiVersion": "batch/v1", "kind": "Job", "name": name,
                                              "namespace": "default"}], "lastScheduleTime": ts(TOP + HOUR)}
        assert result.requeue_after == pytest.approx(HOUR - 0.1 + 0.1) and result.routine

    def test_nothing_due_requeues_at_the_next_fire_time(self):
        result = run(cronjob(), now=TOP + 20 * MINUTE)
        assert result.actions == [] and result.requeue_after == pytest.approx(40 * MINUTE + 0.1)

    def test_already_scheduled_time_is_not_repeated(self):
        result = run(cronjob(last=TOP + HOUR), now=TOP + HOUR + 30)
        assert result.actions == []

    def test_never_backfills_but_warns_when_more_than_100_were_missed(self):
        result = run(cronjob("*/1 * * * *"), now=TOP + 102 * MINUTE + 5)
        assert events(result)[0] == ("Warning", "TooManyMissedTimes", "too many missed start times. Set or decrease "
                                     ".spec.startingDeadlineSeconds or check clock skew")
        assert len([a for a in result.actions if isinstance(a, Create)]) == 1

    @pytest.mark.parametrize("missed,warns", [(100, False), (101, True)])
    def test_the_many_missed_threshold(self, missed, warns):
        result = run(cronjob("*/1 * * * *"), now=TOP + missed * MINUTE + 5)
        assert any(e[1] == "TooManyMissedTimes" for e in events(result)) is warns

    @pytest.mark.parametrize("late,starts", [(29, True), (30, False)])
    def test_starting_deadline(self, late, starts):
        """A fire time can start until startingDeadlineSeconds after it, not at that second: the window's start
        (now - deadline) then lands on the fire time, and the next fire time is strictly after it. (So v2's
        MissSchedule branch, scheduledTime + deadline < now, cannot be reached.)"""
        result = run(cronjob(startingDeadlineSeconds=30, last=TOP), now=TOP + HOUR + late)
        assert any(isinstance(a, Create) for a in result.actions) is starts
        assert events(result) == ([("Normal", "SuccessfulCreate", f"Created job hello-{int(TOP + HOUR) // 60}")]
                                  if starts else [])

    def test_forbid_skips_while_a_job_runs(self):
        running = job("hello-1", start=TOP)
        cj = cronjob(concurrencyPolicy="Forbid", last=TOP)
        cj["status"]["active"] = [ref(running)]
        result = run(cj, running, now=TOP + HOUR + 0.1)
        assert events(result) == [("Normal", "JobAlreadyActive", "Not starting job because prior execution is "
                                   "running and concurrency policy is Forbid")]
        assert not any(isinstance(a, Create) for a in result.actions)

    def test_replace_deletes_the_running_job_first(self):
        running = job("hello-1", start=TOP)
        cj = cronjob(concurrencyPolicy="Replace", last=TOP)
        cj["status"]["active"] = [ref(running)]
        result = run(cj, running, now=TOP + HOUR + 0.1)
        deletes = [a for a in result.actions if isinstance(a, Delete)]
        assert [(d.name, d.propagation) for d in deletes] == [("hello-1", "Background")]
        assert [e[1] for e in events(result)] == ["SuccessfulDelete", "SuccessfulCreate"]
        assert [r["name"] for r in status(result)["active"]] == [f"hello-{int(TOP + HOUR) // 60}"]

    def test_suspended_makes_nothing(self):
        assert run(cronjob(suspend=True), now=TOP + 5 * HOUR).actions == []

    def test_unknown_time_zone(self):
        result = run(cronjob(timeZone="Mars/Olympus"), now=TOP + HOUR)
        assert events(result) == [("Warning", "UnknownTimeZone", 'invalid timeZone: "Mars/Olympus": unknown time zone '
                                   'Mars/Olympus')]

    def test_time_zone_shifts_the_schedule(self):
        # 9:00 in Tokyo is 00:00 UTC.
        cj = cronjob("0 9 * * *", created=TOP, timeZone="Asia/Tokyo")
        result = run(cj, now=TOP + 14 * HOUR + 1)
        made = [a.obj for a in result.actions if isinstance(a, Create)][0]
        assert made["metadata"]["annotations"][schedules.SCHEDULED_TIMESTAMP] == "2016-05-20T09:00:00+09:00"

    def test_completed_job_leaves_the_active_list_then_sets_last_successful_time(self):
        done = job("hello-1", finished="Complete", start=TOP, completion=TOP + 30)
        cj = cronjob(last=TOP)
        cj["status"]["active"] = [ref(done)]
        first = run(cj, done, now=TOP + 40)
        assert events(first) == [("Normal", "SawCompletedJob", "Saw completed job: hello-1, status: Complete")]
        assert "active" not in status(first) and "lastSuccessfulTime" not in status(first)
        after = cronjob(last=TOP)
        second = run(after, done, now=TOP + 41)
        assert status(second)["lastSuccessfulTime"] == ts(TOP + 30)

    def test_missing_and_unexpected_jobs(self):
        cj = cronjob(last=TOP)
        cj["status"]["active"] = [{"apiVersion": "batch/v1", "kind": "Job", "name": "gone", "namespace": "default",
                                   "uid": "u-gone"}]
        stray = job("manual", start=TOP)
        result = run(cj, stray, now=TOP + 60)
        assert events(result) == [("Warning", "UnexpectedJob", "Saw a job that the controller did not create or "
                                   "forgot: manual"), ("Normal", "MissingJob", "Active job went missing: gone")]


class TestHistoryLimits:
    @pytest.mark.parametrize("limit,kept", [(0, 0), (3, 3), (4, 4), (5, 4)])
    def test_successful_jobs(self, limit, kept):
        jobs = [job(f"hello-{i}", finished="Complete", start=TOP + i) for i in range(4)]
        result = run(cronjob(last=TOP + HOUR, successfulJobsHistoryLimit=limit), *jobs, now=TOP + HOUR + 1)
        removed = [a.name for a in result.actions if isinstance(a, Delete)]
        assert removed == [f"hello-{i}" for i in range(4 - kept)]  # the oldest by start time go first

    def test_failed_jobs_keep_one_by_default_and_unstarted_go_last(self):
        jobs = [job("hello-b", finished="Failed", start=TOP + 5), job("hello-a", finished="Failed"),
                job("hello-c", finished="Failed", start=TOP + 1)]
        result = run(cronjob(last=TOP + HOUR), *jobs, now=TOP + HOUR + 1)
        assert [a.name for a in result.actions if isinstance(a, Delete)] == ["hello-c", "hello-b"]

    def test_by_start_time_ties_break_by_name(self):
        """TestByJobStartTime."""
        a, b = job("a", start=TOP), job("b", start=TOP)
        a_nil, b_nil, later = job("a"), job("b"), job("a", start=TOP + 10)
        import functools
        order = functools.cmp_to_key(controller._by_start_time)
        assert sorted([b_nil, a_nil], key=order) == [a_nil, b_nil]
        assert sorted([a_nil, b], key=order) == [b, a_nil]
        assert sorted([b, a], key=order) == [a, b]
        assert sorted([later, b], key=order) == [b, later]
