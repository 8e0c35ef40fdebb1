"""The Job controller as a pure function: upstream's TestControllerSyncJob table and the rules it follows.

The table is job_controller_test.go's, with the feature gates v1.32 runs
with (PodReplacementPolicy and ManagedBy on: terminating pods are counted
and the terminal conditions wait for FailureTarget / SuccessCriteriaMet).
Counts: pods created, deleted, patched (finalizer removals), and the status
written last.
"""
from __future__ import annotations

import pytest

from litekube.reconcile.base import Update, UpdateStatus
from litekube.reconcile.job import indexes
from litekube.reconcile.job.common import TRACKING_FINALIZER
from tests.reconcile.job_fixtures import (
    NOW,
    UID,
    conditions,
    created,
    deleted,
    events,
    final_status,
    job,
    of,
    patched,
    pod,
    run,
    ts,
)

OLD = NOW - 3600  # failures this old are out of back-off

SCM = ("SuccessCriteriaMet", "True", "CompletionsReached", "Reached expected number of succeeded pods")
COMPLETE = ("Complete", "True", "CompletionsReached", "Reached expected number of succeeded pods")
BACKOFF = ("FailureTarget", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit")
BACKOFF_FAILED = ("Failed", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit")


def pods(pending=0, active=0, succeeded=0, failed=0, terminating=0, ready=0, indexed=()):
    out = [pod("Pending") for _ in range(pending)]
    out += [pod("Running", ready=i < ready) for i in range(active)]
    out += [pod("Succeeded") for _ in range(succeeded)]
    out += [pod("Failed", finished=OLD) for _ in range(failed)]
    out += [pod("Running", deleting=True) for _ in range(terminating)]
    out += [pod(phase, index=index, finished=OLD) for index, phase in indexed]
    return out


CASES = {
    "job start": (dict(parallelism=2, completions=5), {}, dict(creations=2, active=2)),
    "WQ job start": (dict(parallelism=2, completions=None), {}, dict(creations=2, active=2)),
    "pending pods": (dict(parallelism=2, completions=5), dict(pending=2), dict(active=2)),
    "correct # of pods": (dict(parallelism=3, completions=5), dict(active=3, ready=2), dict(active=3, ready=2)),
    "too few active pods": (dict(parallelism=2, completions=5), dict(active=1, succeeded=1),
                            dict(creations=1, active=2, succeeded=1, patches=1)),
    "WQ job: recreate pods when failed": (
        dict(parallelism=1, completions=None, podReplacementPolicy="Failed"), dict(active=1, failed=1, terminating=1),
        dict(terminating=1, patches=1, failed=1, active=1)),
    "WQ job: recreate pods when terminating or failed": (
        dict(parallelism=1, completions=None, podReplacementPolicy="TerminatingOrFailed"),
        dict(active=1, failed=1, terminating=1), dict(terminating=1, active=1, patches=2, failed=2)),
    "more terminating pods than parallelism": (
        dict(parallelism=1, completions=1, podReplacementPolicy="Failed"), dict(active=2, terminating=4),
        dict(terminating=5, active=1, deletions=1, patches=1)),
    "too few active pods with a dynamic job": (dict(parallelism=2, completions=None), dict(active=1),
                                               dict(creations=1, active=2)),
    "too many active pods": (dict(parallelism=2, completions=5), dict(active=3),
                             dict(deletions=1, active=2, patches=1, terminating=1)),
    "count ready pods when too many active pods": (dict(parallelism=2, completions=5), dict(active=3, ready=3),
                                                   dict(deletions=1, active=2, patches=1, ready=2, terminating=1)),
    "failed + succeed pods: reset backoff delay": (
        dict(parallelism=2, completions=5), dict(active=1, succeeded=1, failed=1),
        dict(creations=1, active=2, succeeded=1, failed=1, patches=2)),
    "new failed pod": (dict(parallelism=2, completions=5), dict(active=1, failed=1),
                       dict(creations=1, active=2, failed=1, patches=1)),
    "job finish": (dict(parallelism=2, completions=5), dict(succeeded=5),
                   dict(succeeded=5, patches=5, conditions=[SCM, COMPLETE])),
    "WQ job finishing": (dict(parallelism=2, completions=None), dict(active=1, succeeded=1),
                         dict(active=1, succeeded=1, patches=1)),
    "WQ job all finished": (dict(parallelism=2, completions=None), dict(succeeded=2),
                            dict(succeeded=2, patches=2, conditions=[SCM, COMPLETE])),
    "WQ job all finished despite one failure": (
        dict(parallelism=2, completions=None), dict(succeeded=1, failed=1),
        dict(succeeded=1, failed=1, patches=2, conditions=[SCM, COMPLETE])),
    "more active pods than parallelism": (dict(parallelism=2, completions=5), dict(active=10),
                                          dict(deletions=8, active=2, patches=8, terminating=8)),
    "more active pods than remaining completions": (
        dict(parallelism=3, completions=4), dict(active=3, succeeded=2),
        dict(deletions=1, active=2, succeeded=2, patches=3, terminating=1)),
    "status change": (dict(parallelism=2, completions=5), dict(active=2, succeeded=2),
                      dict(active=2, succeeded=2, patches=2)),
    "too many job failures": (dict(parallelism=2, completions=5, backoff_limit=0), dict(failed=1),
                              dict(failed=1, patches=1, conditions=[BACKOFF, BACKOFF_FAILED])),
    "indexed job start": (dict(parallelism=2, completions=5, mode="Indexed"), {},
                          dict(creations=2, active=2, indexes=[0, 1])),
    "indexed job with some pods deleted, podReplacementPolicy Failed": (
        dict(parallelism=2, completions=5, mode="Indexed", podReplacementPolicy="Failed"), dict(terminating=1),
        dict(creations=1, active=1, indexes=[0], terminating=1)),
    "indexed job with some pods deleted, podReplacementPolicy TerminatingOrFailed": (
        dict(parallelism=2, completions=5, mode="Indexed", podReplacementPolicy="TerminatingOrFailed"),
        dict(terminating=1), dict(creations=2, active=2, indexes=[0, 1], terminating=1, patches=1)),
    "indexed job completed": (
        dict(parallelism=2, completions=3, mode="Indexed"),
        dict(indexed=[("0", "Succeeded"), ("1", "Failed"), ("1", "Succeeded"), ("2", "Succeeded")]),
        dict(succeeded=3, failed=1, completed="0-2", patches=4, conditions=[SCM, COMPLETE])),
    "indexed job failed": (
        dict(parallelism=2, completions=3, backoff_limit=0, mode="Indexed"),
        dict(indexed=[("0", "Succeeded"), ("1", "Failed"), ("2", "Running")]),
        dict(succeeded=1, failed=2, completed="0", patches=3, deletions=1, terminating=1, conditions=[BACKOFF])),
    "count ready pods when job fails": (
        dict(parallelism=2, completions=3, backoff_limit=0), dict(active=2, ready=2, failed=1),
        dict(failed=3, patches=3, deletions=2, terminating=2, conditions=[BACKOFF])),
    "indexed job repeated completed index": (
        dict(parallelism=2, completions=3, mode="Indexed"),
        dict(indexed=[("0", "Succeeded"), ("1", "Succeeded"), ("1", "Succeeded")]),
        dict(creations=1, active=1, succeeded=2, completed="0,1", indexes=[2], patches=3)),
    "indexed job some running and completed pods": (
        dict(parallelism=8, completions=20, mode="Indexed"),
        dict(indexed=[("0", "Running"), ("2", "Succeeded"), ("3", "Pending"), ("4", "Succeeded"), ("5", "Succeeded"),
                      ("7", "Succeeded"), ("8", "Succeeded"), ("9", "Succeeded")]),
        dict(creations=6, active=8, succeeded=6, completed="2,4,5,7-9", indexes=[1, 6, 10, 11, 12, 13], patches=6)),
    "indexed job some failed pods": (
        dict(parallelism=3, completions=4, mode="Indexed"),
        dict(indexed=[("0", "Failed"), ("1", "Pending"), ("2", "Failed")]),
        dict(creations=2, active=3, failed=2, indexes=[0, 2], patches=2)),
    "indexed job some pods without index": (
        dict(parallelism=2, completions=5, mode="Indexed"),
        dict(active=1, succeeded=1, failed=1,
             indexed=[("invalid", "Running"), ("invalid", "Succeeded"), ("invalid", "Failed"), ("invalid", "Pending"),
                      ("0", "Succeeded"), ("1", "Running"), ("2", "Running")]),
        dict(deletions=3, active=2, succeeded=1, completed="0", patches=8, terminating=3)),
    "indexed job repeated indexes": (
        dict(parallelism=5, completions=5, mode="Indexed"),
        dict(succeeded=1, failed=1, indexed=[("invalid", "Running"), ("0", "Succeeded"), ("1", "Running"),
                                             ("2", "Running"), ("2", "Pending")]),
        dict(deletions=2, active=2, succeeded=1, completed="0", patches=5, terminating=2)),
    "indexed job with indexes outside of range": (
        dict(parallelism=2, completions=5, mode="Indexed"),
        dict(indexed=[("0", "Succeeded"), ("5", "Running"), ("6", "Succeeded"), ("7", "Pending"), ("8", "Failed")]),
        dict(succeeded=1, deletions=2, completed="0", patches=5, terminating=2)),
    "suspending a job": (
        dict(parallelism=2, completions=4, suspend=True), dict(active=2),
        dict(deletions=2, patches=2, terminating=2,
             conditions=[("Suspended", "True", "JobSuspended", "Job suspended")])),
    "count ready pods when suspending a job": (
        dict(parallelism=2, completions=4, suspend=True), dict(active=2, ready=2),
        dict(deletions=2, patches=2, terminating=2, ready=0,
             conditions=[("Suspended", "True", "JobSuspended", "Job suspended")])),
}


@pytest.mark.parametrize("name", list(CASES), ids=list(CASES))
def test_sync_job(name):
    spec, pod_counts, want = CASES[name]
    parallelism, completions = spec.pop("parallelism"), spec.pop("completions")
    backoff_limit = spec.pop("backoff_limit", 6)
    mode = spec.pop("mode", None)
    obj = job(parallelism, completions, backoff_limit, mode, **spec)
    result = run(obj, *pods(**pod_counts))
    status = final_status(result, obj)
    got = dict(creations=len(created(result)), deletions=len(deleted(result)), patches=len(patched(result)),
               active=status.get("active", 0), ready=status.get("ready"), succeeded=status.get("succeeded", 0),
               failed=status.get("failed", 0), terminating=status.get("terminating"),
               completed=status.get("completedIndexes", ""), conditions=conditions(result, obj),
               indexes=sorted(int(p["metadata"]["annotations"][indexes.COMPLETION_INDEX]) for p in created(result))
               if mode == "Indexed" else [])
    expected = dict(creations=0, deletions=0, patches=0, active=0, ready=0, succeeded=0, failed=0, terminating=0,
                    completed="", conditions=[], indexes=[])
    expected.update(want)
    assert got == expected


def test_resuming_a_suspended_job_resets_the_start_time():
    suspended = {"type": "Suspended", "status": "True", "reason": "JobSuspended", "message": "Job suspended",
                 "lastProbeTime": ts(NOW - 60), "lastTransitionTime": ts(NOW - 60)}
    obj = job(2, 4, status={"startTime": ts(NOW - 600), "conditions": [suspended]})
    result = run(obj)
    assert len(created(result)) == 2
    assert conditions(result, obj) == [("Suspended", "False", "JobResumed", "Job resumed")]
    assert final_status(result, obj)["startTime"] == ts(NOW)
    assert ("Normal", "Resumed", "Job resumed") in events(result)


def test_a_suspended_job_never_starts():
    obj = job(2, 4, suspend=True)
    status = final_status(run(obj), obj)
    assert "startTime" not in status


def test_a_suspended_job_being_deleted_keeps_its_pods():
    obj = job(2, 4, suspend=True)
    obj["metadata"]["deletionTimestamp"] = ts(NOW - 1)
    result = run(obj, *pods(active=2))
    assert (deleted(result), len(patched(result))) == ([], 2)  # finalizers released, pods left to the GC
    assert final_status(result, obj)["active"] == 2


def test_manually_added_false_failure_target_is_ignored():
    false = {"type": "FailureTarget", "status": "False", "reason": "ConditionAddedManually", "message": "Testing"}
    obj = job(1, 1, status={"active": 1, "startTime": ts(NOW - 10), "conditions": [false]})
    result = run(obj, *pods(active=1, ready=1))
    assert conditions(result, obj) == [("FailureTarget", "False", "ConditionAddedManually", "Testing")]
    assert final_status(result, obj)["ready"] == 1


class TestPods:
    """What the Job's pods look like (GetPodFromTemplate plus the Job's additions)."""

    def test_non_indexed_pod(self):
        result = run(job(1, 1))
        made = created(result)[0]
        assert made["metadata"]["generateName"] == "pi-"
        assert "name" not in made["metadata"]
        assert made["metadata"]["finalizers"] == [TRACKING_FINALIZER]
        assert made["metadata"]["ownerReferences"] == [{"apiVersion": "batch/v1", "kind": "Job", "name": "pi",
                                                        "uid": UID, "controller": True, "blockOwnerDeletion": True}]
        assert made["metadata"]["labels"]["batch.kubernetes.io/job-name"] == "pi"
        assert "hostname" not in made["spec"]
        assert events(result)[0] == ("Normal", "SuccessfulCreate", "Created pod: {name}")

    def test_indexed_pod(self):
        made = created(run(job(1, 3, mode="Indexed")))[0]
        assert made["metadata"]["generateName"] == "pi-0-"
        assert made["metadata"]["annotations"][indexes.COMPLETION_INDEX] == "0"
        assert made["metadata"]["labels"][indexes.COMPLETION_INDEX] == "0"
        assert made["spec"]["hostname"] == "pi-0"
        assert made["spec"]["containers"][0]["env"] == [{"name": "JOB_COMPLETION_INDEX", "valueFrom": {"fieldRef": {
            "fieldPath": "metadata.labels['batch.kubernetes.io/job-completion-index']"}}}]

    def test_long_names_keep_the_index(self):
        assert indexes.generate_name_with_index("a" * 60, 12) == "a" * 54 + "-12-"
        assert indexes.generate_name_with_index("a" * 54, 12) == "a" * 54 + "-12-"

    def test_at_most_500_pods_a_pass(self):
        result = run(job(600, 1000))
        assert len(created(result)) == 500
        assert final_status(result, job(600, 1000))["active"] == 500

    def test_first_status_write(self):
        obj = job(1, 1)
        writes = of(run(obj), UpdateStatus)
        assert len(writes) == 1
        assert writes[0].obj["metadata"]["resourceVersion"] == "10"  # compare-and-swap on what was read
        assert writes[0].obj["status"] == {"startTime": ts(NOW), "active": 1, "terminating": 0,
                                           "uncountedTerminatedPods": {}, "ready": 0}


class TestTracking:
    """uncountedTerminatedPods and the tracking finalizer: each finished pod counted once."""

    def test_the_three_writes_of_a_completion(self):
        obj = job(1, 1, status={"startTime": ts(NOW - 20), "active": 1, "ready": 0, "terminating": 0,
                                "uncountedTerminatedPods": {}})
        done = pod("Succeeded", name="pi-done")
        result = run(obj, done)
        kinds = [(type(a).__name__, a.obj.get("kind")) for a in result.actions if isinstance(a, (UpdateStatus, Update))]
        assert kinds == [("UpdateStatus", "Job"), ("Update", "Pod"), ("UpdateStatus", "Job")]
        first, last = of(result, UpdateStatus)
        assert first.obj["status"]["uncountedTerminatedPods"] == {"succeeded": ["u-pi-done"]}
        assert "succeeded" not in first.obj["status"]
        assert "resourceVersion" not in last.obj["metadata"]  # follows the first in the same transaction
        assert last.obj["status"]["succeeded"] == 1 and last.obj["status"]["uncountedTerminatedPods"] == {}
        assert last.obj["status"]["completionTime"] == ts(NOW)
        assert "finalizers" not in of(result, Update)[0].obj["metadata"]
        assert events(result)[-1] == ("Normal", "Completed", "Job completed")

    def test_an_uncounted_pod_whose_finalizer_is_gone_is_counted(self):
        obj = job(2, 5, status={"startTime": ts(NOW - 20), "uncountedTerminatedPods": {"failed": ["u-gone"]},
                                "failed": 2})
        status = final_status(run(obj), obj)
        assert status["failed"] == 3 and status["uncountedTerminatedPods"] == {}

    def test_a_counted_pod_is_not_counted_again(self):
        obj = job(1, 2, status={"startTime": ts(NOW - 20), "succeeded": 1, "ready": 0, "terminating": 0,
                                "active": 1, "uncountedTerminatedPods": {}})
        result = run(obj, pod("Succeeded", finalizer=False), pod("Running"))
        assert of(result, UpdateStatus) == [] and patched(result) == []

    def test_at_most_500_uncounted(self):
        obj = job(1, 1000, status={"startTime": ts(NOW - 20)})
        result = run(obj, *[pod("Succeeded") for _ in range(501)])
        first = of(result, UpdateStatus)[0].obj["status"]
        assert len(first["uncountedTerminatedPods"]["succeeded"]) == 500
        assert len(patched(result)) == 500


class TestFailure:
    @pytest.mark.parametrize("failures,fails", [(6, False), (7, True)])
    def test_backoff_limit_is_exceeded_by_one_more_failure(self, failures, fails):
        obj = job(1, 1, backoff_limit=6, status={"startTime": ts(NOW - 9999), "failed": failures - 1})
        got = conditions(run(obj, pod("Failed", finished=OLD)), obj)
        assert (BACKOFF in got) is fails

    @pytest.mark.parametrize("limit,restarts,fails", [(0, 0, False), (0, 1, True), (2, 1, False), (2, 2, True)])
    def test_restarts_count_with_on_failure(self, limit, restarts, fails):
        obj = job(1, 1, backoff_limit=limit, restart="OnFailure", status={"startTime": ts(NOW - 10)})
        assert (BACKOFF in conditions(run(obj, pod("Running", restarts=restarts)), obj)) is fails

    def test_failed_waits_for_terminating_pods(self):
        obj = job(1, 1, backoff_limit=0, status={"startTime": ts(NOW - 10)})
        first = run(obj, pod("Failed", finished=OLD), pod("Running", name="pi-run"))
        assert conditions(first, obj) == [BACKOFF] and deleted(first) == ["pi-run"]
        written = of(first, UpdateStatus)[-1].obj
        written["metadata"]["resourceVersion"] = "11"
        second = run(written, pod("Running", deleting=True, finalizer=False))
        assert conditions(second, written) == [BACKOFF]  # a pod still terminates
        third = run(written)
        assert conditions(third, written) == [BACKOFF, BACKOFF_FAILED]
        assert ("Warning", "BackoffLimitExceeded", "Job has reached the specified backoff limit") in events(third)

    @pytest.mark.parametrize("elapsed,fails", [(99, False), (100, True)])
    def test_active_deadline_is_reached_at_the_exact_second(self, elapsed, fails):
        obj = job(1, 1, activeDeadlineSeconds=100, status={"startTime": ts(NOW - elapsed)})
        result = run(obj, pod("Running"))
        deadline = ("FailureTarget", "True", "DeadlineExceeded", "Job was active longer than specified deadline")
        assert (deadline in conditions(result, obj)) is fails
        if not fails:
            assert result.requeue_after == 1

    def test_deadline_does_not_run_while_suspended(self):
        obj = job(1, 1, activeDeadlineSeconds=10, suspend=True, status={"startTime": ts(NOW - 100)})
        assert not any(c[0] == "FailureTarget" for c in conditions(run(obj), obj))


class TestBackoff:
    """Pod failure back-off: 10 s doubling to 10 min, from the last failure."""

    @pytest.mark.parametrize("failures,ago,wait", [
        (1, 0, 10), (1, 9, 1), (1, 10, None), (2, 0, 20), (3, 0, 40), (6, 0, 320), (7, 0, 600), (8, 0, 600),
        (7, 599, 1), (7, 600, None),
    ])
    def test_recreation_waits(self, failures, ago, wait):
        failed = [pod("Failed", finished=NOW - ago) for _ in range(failures)]
        obj = job(1, 1, backoff_limit=100, status={"startTime": ts(NOW - 9999)})
        result = run(obj, *failed)
        if wait is None:
            assert len(created(result)) == 1
        else:
            assert created(result) == [] and result.requeue_after == wait
            assert final_status(result, obj).get("active", 0) == 0  # upstream reports 0 active while backing off

    def test_a_success_resets_the_count(self):
        obj = job(1, 3, backoff_limit=100, status={"startTime": ts(NOW - 9999)})
        result = run(obj, pod("Failed", finished=NOW - 30), pod("Succeeded", finished=NOW - 20),
                     pod("Failed", finished=NOW - 5))
        assert result.requeue_after == 5  # one failure since the success: 10 s from 5 s ago


class TestPodFailurePolicy:
    RULES = [{"action": "FailJob", "onExitCodes": {"containerName": "pi", "operator": "In", "values": [42]}},
             {"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget", "status": "True"}]},
             {"action": "Count", "onExitCodes": {"operator": "NotIn", "values": [0]}}]

    def _job(self, **status):
        return job(1, 3, backoff_limit=0, podFailurePolicy={"rules": self.RULES},
                   status={"startTime": ts(NOW - 50), **status})

    def test_fail_job(self):
        obj = self._job()
        result = run(obj, pod("Failed", exit_code=42, name="pi-bad", finished=OLD))
        message = "Container pi for pod default/pi-bad failed with exit code 42 matching FailJob rule at index 0"
        assert conditions(result, obj) == [("FailureTarget", "True", "PodFailurePolicy", message),
                                           ("Failed", "True", "PodFailurePolicy", message)]

    def test_ignore_does_not_count(self):
        obj = self._job()
        disrupted = pod("Failed", exit_code=137, finished=OLD,
                        conditions=[{"type": "DisruptionTarget", "status": "True"}])
        result = run(obj, disrupted)
        status = final_status(result, obj)
        assert "failed" not in status and len(created(result)) == 1 and len(patched(result)) == 1

    def test_count(self):
        obj = self._job()
        assert BACKOFF in conditions(run(obj, pod("Failed", exit_code=3, finished=OLD)), obj)

    def test_terminating_pods_are_not_replaced(self):
        """With a pod failure policy only Failed pods are replaced (podReplacementPolicy Failed)."""
        obj = self._job()
        result = run(obj, pod("Running", deleting=True))
        assert created(result) == [] and final_status(result, obj)["terminating"] == 1


class TestPerIndex:
    def test_backoff_limit_per_index_and_max_failed_indexes(self):
        obj = job(2, 3, backoff_limit=None, mode="Indexed", backoffLimitPerIndex=1, maxFailedIndexes=0,
                  status={"startTime": ts(NOW - 50)})
        failed_twice = pod("Failed", index="1", finished=OLD, annotations={indexes.INDEX_FAILURE_COUNT: "1"})
        result = run(obj, pod("Running", index="0"), failed_twice)
        status = final_status(result, obj)
        assert status["failedIndexes"] == "1"
        assert ("FailureTarget", "True", "MaxFailedIndexesExceeded",
                "Job has exceeded the specified maximal number of failed indexes") in conditions(result, obj)

    def test_failed_indexes(self):
        obj = job(2, 2, backoff_limit=None, mode="Indexed", backoffLimitPerIndex=0,
                  status={"startTime": ts(NOW - 50)})
        result = run(obj, pod("Succeeded", index="0"), pod("Failed", index="1", finished=OLD))
        assert ("FailureTarget", "True", "FailedIndexes", "Job has failed indexes") in conditions(result, obj)

    def test_a_retried_index_carries_its_failure_count(self):
        obj = job(1, 2, backoff_limit=None, mode="Indexed", backoffLimitPerIndex=3,
                  status={"startTime": ts(NOW - 50)})
        result = run(obj, pod("Failed", index="0", finished=OLD, annotations={indexes.INDEX_FAILURE_COUNT: "1"}))
        made = created(result)
        assert [p["metadata"]["annotations"][indexes.COMPLETION_INDEX] for p in made] == ["0"]
        assert made[0]["metadata"]["annotations"][indexes.INDEX_FAILURE_COUNT] == "2"
        assert patched(result) == []  # the failed pod keeps its finalizer until the replacement exists

    def test_fail_index_rule(self):
        rules = [{"action": "FailIndex", "onExitCodes": {"operator": "In", "values": [7]}}]
        obj = job(1, 2, backoff_limit=None, mode="Indexed", backoffLimitPerIndex=5, podFailurePolicy={"rules": rules},
                  status={"startTime": ts(NOW - 50)})
        result = run(obj, pod("Failed", index="1", exit_code=7, finished=OLD))
        assert final_status(result, obj)["failedIndexes"] == "1"


class TestSuccessPolicy:
    def test_succeeded_indexes(self):
        policy = {"rules": [{"succeededIndexes": "0,2", "succeededCount": 1}]}
        obj = job(3, 3, mode="Indexed", successPolicy=policy, status={"startTime": ts(NOW - 50)})
        result = run(obj, pod("Succeeded", index="2"), pod("Running", index="1", name="pi-1"))
        assert deleted(result) == ["pi-1"]
        assert conditions(result, obj) == [("SuccessCriteriaMet", "True", "SuccessPolicy", "Matched rules at index 0")]


class TestClaiming:
    def test_orphans_matching_the_selector_are_adopted_with_the_finalizer(self):
        orphan = pod("Running", owner=False, finalizer=False, name="stray")
        result = run(job(1, 1), orphan)
        adopted = patched(result)[0]
        assert adopted["metadata"]["finalizers"] == [TRACKING_FINALIZER]
        assert adopted["metadata"]["ownerReferences"][0]["uid"] == UID
        assert created(result) == []

    def test_pods_that_stop_matching_are_released_without_the_finalizer(self):
        stray = pod("Running", name="stray")
        stray["metadata"]["labels"] = {"other": "x"}
        released = patched(run(job(1, 1), stray))[0]
        assert "ownerReferences" not in released["metadata"] and "finalizers" not in released["metadata"]

    def test_another_controllers_job_is_skipped(self):
        obj = job(1, 1, managedBy="example.com/queue")
        assert run(obj).actions == []

    def test_finished_jobs_are_left_alone(self):
        obj = job(1, 1, status={"conditions": [dict(zip(("type", "status"), COMPLETE[:2]))]})
        assert run(obj, pod("Running")).actions == []


class TestOrphanPods:
    from litekube.reconcile.job import orphans as _controller

    def _orphan(self, *objects):
        from litekube.reconcile.base import Key
        from litekube.reconcile.views import MemoryView
        return self._controller.reconcile_orphan(Key("Pod", "default", "orphan"), MemoryView(objects), NOW)

    def test_finalizer_of_a_pod_whose_job_is_gone_is_removed(self):
        result = self._orphan(pod("Running", name="orphan"))
        assert "finalizers" not in of(result, Update)[0].obj["metadata"]

    def test_pod_of_a_running_job_is_left(self):
        assert self._orphan(job(1, 1), pod("Running", name="orphan")).actions == []

    def test_pod_of_a_finished_job_is_released(self):
        done = job(1, 1, status={"conditions": [{"type": "Complete", "status": "True"}]})
        assert len(of(self._orphan(done, pod("Succeeded", name="orphan")), Update)) == 1
