"""The TTL-after-finished controller: a finished Job is deleted (foreground) once its TTL has passed."""
from __future__ import annotations

import pytest

from litekube.reconcile.base import Delete, Key
from litekube.reconcile.ttl_after_finished import controller
from litekube.reconcile.views import MemoryView
from tests.reconcile.job_fixtures import NOW, job, ts

KEY = Key("Job", "default", "pi")


def finished(kind: str = "Complete", at: float = NOW - 100, ttl: int | None = 100, status: str = "True") -> dict:
    obj = job(1, 1, **({"ttlSecondsAfterFinished": ttl} if ttl is not None else {}))
    obj["status"] = {"conditions": [{"type": kind, "status": status, "lastTransitionTime": ts(at)}]}
    return obj


@pytest.mark.parametrize("elapsed,deleted", [(99, False), (100, True), (101, True)])
def test_deleted_when_the_ttl_has_passed(elapsed, deleted):
    result = controller.reconcile(KEY, MemoryView([finished(at=NOW - elapsed)]), NOW)
    if deleted:
        assert result.actions == [Delete("Job", "default", "pi", "u-job", propagation="Foreground")]
    else:
        assert result.actions == [] and result.requeue_after == 100 - elapsed and result.routine


def test_failed_jobs_too():
    assert controller.reconcile(KEY, MemoryView([finished("Failed")]), NOW).actions


@pytest.mark.parametrize("obj", [finished(ttl=None), finished(status="False"), finished("SuccessCriteriaMet"),
                                 job(1, 1, ttlSecondsAfterFinished=0)],
                         ids=["no ttl", "not true", "interim", "running"])
def test_not_cleaned_up(obj):
    assert controller.reconcile(KEY, MemoryView([obj]), NOW) == controller.Result()


def test_being_deleted_is_left():
    obj = finished(ttl=0)
    obj["metadata"]["deletionTimestamp"] = ts(NOW - 1)
    assert controller.reconcile(KEY, MemoryView([obj]), NOW).actions == []


def test_ttl_zero_deletes_at_once():
    assert controller.reconcile(KEY, MemoryView([finished(ttl=0, at=NOW)]), NOW).actions
