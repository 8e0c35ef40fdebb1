"""Jobs and their pods as plain dicts, for the Job controller's pure tests."""
from __future__ import annotations

from datetime import datetime, timezone

from litekube.model import defaults, durations
from litekube.reconcile.base import Create, Delete, Key, RecordEvent, Update, UpdateStatus
from litekube.reconcile.job import controller as job_controller
from litekube.reconcile.job import indexes
from litekube.reconcile.job.common import TRACKING_FINALIZER
from litekube.reconcile.views import MemoryView

NOW = 1_800_000_000.0
UID = "u-job"
KEY = Key("Job", "default", "pi")
LABELS = {"batch.kubernetes.io/controller-uid": UID, "batch.kubernetes.io/job-name": "pi",
          "controller-uid": UID, "job-name": "pi"}


def ts(seconds: float) -> str:
    return durations.format_time(datetime.fromtimestamp(seconds, timezone.utc))


def job(parallelism: int | None = 2, completions: int | None = 5, backoff_limit: int | None = 6,
        mode: str | None = None, status: dict | None = None, restart: str = "Never", **spec) -> dict:
    body: dict = {"selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": UID}},
                  "template": {"metadata": {"labels": dict(LABELS)},
                               "spec": {"containers": [{"name": "pi", "image": "perl:5.34.0"}],
                                        "restartPolicy": restart}}}
    if parallelism is not None:
        body["parallelism"] = parallelism
    if completions is not None:
        body["completions"] = completions
    if backoff_limit is not None:
        body["backoffLimit"] = backoff_limit
    if mode is not None:
        body["completionMode"] = mode
    body.update(spec)
    obj = {"apiVersion": "batch/v1", "kind": "Job",
           "metadata": {"name": "pi", "namespace": "default", "uid": UID, "resourceVersion": "10", "generation": 1,
                        "creationTimestamp": ts(NOW - 100), "labels": dict(LABELS)},
           "spec": body}
    obj = defaults.apply_defaults(obj)
    if completions is None:
        obj["spec"].pop("completions", None)
    obj["status"] = status if status is not None else {}
    return obj


_counter = iter(range(10_000))


def pod(phase: str = "Running", *, ready: bool = False, index: str | None = None, deleting: bool = False,
        finalizer: bool = True, finished: float | None = None, exit_code: int | None = None,
        restarts: int = 0, name: str | None = None, conditions: list | None = None, owner: bool = True,
        annotations: dict | None = None, container: str = "pi") -> dict:
    n = next(_counter)
    name = name or f"pi-{n:04d}"
    meta: dict = {"name": name, "namespace": "default", "uid": f"u-{name}", "resourceVersion": "5",
                  "creationTimestamp": ts(NOW - 50), "labels": dict(LABELS)}
    if owner:
        meta["ownerReferences"] = [{"apiVersion": "batch/v1", "kind": "Job", "name": "pi", "uid": UID,
                                    "controller": True, "blockOwnerDeletion": True}]
    if finalizer:
        meta["finalizers"] = [TRACKING_FINALIZER]
    if deleting:
        meta["deletionTimestamp"] = ts(NOW - 1)
        meta["deletionGracePeriodSeconds"] = 30
    if index is not None or annotations:
        meta["annotations"] = dict(annotations or {})
        if index is not None:
            meta["annotations"][indexes.COMPLETION_INDEX] = index
    state: dict = {"running": {"startedAt": ts(NOW - 40)}}
    if phase in ("Succeeded", "Failed"):
        code = exit_code if exit_code is not None else (0 if phase == "Succeeded" else 1)
        state = {"terminated": {"exitCode": code, "finishedAt": ts(finished if finished is not None else NOW - 5),
                                "startedAt": ts(NOW - 40), "reason": "Completed" if code == 0 else "Error"}}
    status = {"phase": phase,
              "conditions": (conditions or []) + [{"type": "Ready", "status": "True" if ready else "False",
                                                   "lastTransitionTime": ts(NOW - 30)}],
              "containerStatuses": [{"name": container, "restartCount": restarts, "state": state}]}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": {"nodeName": "node-1", "containers": [{"name": "pi", "image": "perl:5.34.0"}]}, "status": status}


def run(*objects: dict, now: float = NOW):
    return job_controller.reconcile(KEY, MemoryView(objects), now)


def of(result, kind: type) -> list:
    return [a for a in result.actions if isinstance(a, kind)]


def created(result) -> list[dict]:
    return [a.obj for a in of(result, Create)]


def deleted(result) -> list[str]:
    return [a.name for a in of(result, Delete)]


def patched(result) -> list[dict]:
    return [a.obj for a in of(result, Update) if a.obj.get("kind") == "Pod"]


def final_status(result, original: dict) -> dict:
    writes = [a.obj for a in of(result, UpdateStatus)]
    return (writes[-1] if writes else original).get("status") or {}


def conditions(result, original: dict) -> list[tuple[str, str, str, str]]:
    return [(c["type"], c["status"], c.get("reason", ""), c.get("message", ""))
            for c in final_status(result, original).get("conditions") or []]


def events(result) -> list[tuple[str, str, str]]:
    """Events in action order, those riding on a Create (message still holding `{name}`) included."""
    found = []
    for action in result.actions:
        event = action if isinstance(action, RecordEvent) else getattr(action, "event", None)
        if isinstance(event, RecordEvent):
            found.append((event.type, event.reason, event.message))
    return found
