"""Whether work was started by a CronJob's schedule: periodic work, which settling does not wait for.

No I/O happens here. A settle runs the cluster until only routine work is
left (heartbeats, crash loops, timers). A CronJob's next run is such a
timer, and the Job it starts on schedule, with its pods, is the same
periodic work: a settle after `apply` or at the end of `advance` does not
wait for it to finish (`advance` itself runs it as time passes). A Job
made by hand from a CronJob (`create job --from`) is not on schedule.
"""
from __future__ import annotations

__all__ = ["SCHEDULED_TIMESTAMP", "job_on_schedule", "pod_on_schedule"]

SCHEDULED_TIMESTAMP = "batch.kubernetes.io/cronjob-scheduled-timestamp"


def _controller(obj: dict) -> dict | None:
    return next((r for r in (obj.get("metadata") or {}).get("ownerReferences") or [] if r.get("controller")), None)


def job_on_schedule(job: dict) -> bool:
    """A Job that a CronJob controls and started at a scheduled time."""
    owner = _controller(job)
    return (owner is not None and owner.get("kind") == "CronJob"
            and SCHEDULED_TIMESTAMP in ((job.get("metadata") or {}).get("annotations") or {}))


def pod_on_schedule(pod: dict, view) -> bool:
    """A pod of a Job that a CronJob started on schedule."""
    owner = _controller(pod)
    if owner is None or owner.get("kind") != "Job":
        return False
    job = view.get("Job", (pod.get("metadata") or {}).get("namespace", ""), owner.get("name", ""))
    return job is not None and job_on_schedule(job)
