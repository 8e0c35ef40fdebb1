"""The pod garbage collector's gcOrphaned: pods bound to a node that no longer exists are deleted.

No I/O happens here. pkg/controller/podgc deletes a pod whose spec.nodeName
names a Node that is gone, once the node has been missing for the
quarantine time (40 s, re-checked against the API as upstream does): a pod
not yet terminal is first marked Failed with the condition DisruptionTarget
(reason DeletionByPodGC, message "PodGC: node no longer exists"), then
deleted with no grace.

Differences from upstream, on purpose:
- Only gcOrphaned. The terminated-pod threshold (12500 by default) and
  unscheduled terminating pods are not collected.
- The quarantine starts when this component first sees the pod's node
  missing (kept with SaveState); upstream checks every 20 s, so its delete
  lands 40 to 60 s after the node went.
"""
from __future__ import annotations

from typing import Iterable

from litekube.model import durations, values
from litekube.reconcile.base import Component, Delete, Key, Result, SaveState, UpdateStatus, View

__all__ = ["COMPONENT", "NAME", "QUARANTINE", "reconcile"]

NAME = "pod-garbage-collector"
QUARANTINE = 40.0  # quarantineTime


def _timestamp(now: float) -> str:
    from datetime import datetime, timezone
    return durations.format_time(datetime.fromtimestamp(now, timezone.utc))


def reconcile(key: Key, view: View, now: float) -> Result:
    """gcOrphaned for one pod."""
    pod = view.get("Pod", key.namespace, key.name)
    node = ((pod or {}).get("spec") or {}).get("nodeName")
    kept = view.state(NAME, key)
    if pod is None or not node or view.get("Node", "", node) is not None:
        return Result([SaveState(NAME, key, None)] if kept else [])
    since = float((kept or {}).get("missing_since", now))
    if now - since < QUARANTINE:
        actions = [] if kept else [SaveState(NAME, key, {"missing_since": now})]
        return Result(actions, requeue_after=since + QUARANTINE - now, routine=True)
    meta = pod.get("metadata") or {}
    actions: list = []
    phase = (pod.get("status") or {}).get("phase")
    if phase not in ("Succeeded", "Failed"):
        failed = values.clone(pod)
        status = failed.setdefault("status", {})
        status["phase"] = "Failed"
        conditions = [c for c in status.get("conditions") or [] if c.get("type") != "DisruptionTarget"]
        conditions.append({"type": "DisruptionTarget", "status": "True", "reason": "DeletionByPodGC",
                           "message": "PodGC: node no longer exists", "lastTransitionTime": _timestamp(now)})
        status["conditions"] = conditions
        actions.append(UpdateStatus(failed))
    actions.append(Delete("Pod", meta.get("namespace", ""), meta.get("name", ""), meta.get("uid", ""),
                          grace_period=0))
    actions.append(SaveState(NAME, key, None))
    return Result(actions)


def _pods_of_missing_node(node: dict, view: View) -> Iterable[Key]:
    name = (node.get("metadata") or {}).get("name", "")
    if view.get("Node", "", name) is not None:
        return ()
    return [Key("Pod", (p.get("metadata") or {}).get("namespace", ""), (p.get("metadata") or {}).get("name", ""))
            for p in view.pods_on_node(name)]


def _pod_on_missing_node(pod: dict, view: View) -> Iterable[Key]:
    node = (pod.get("spec") or {}).get("nodeName")
    if not node or view.get("Node", "", node) is not None:
        return ()
    meta = pod.get("metadata") or {}
    return (Key("Pod", meta.get("namespace", ""), meta.get("name", "")),)


COMPONENT = Component(name=NAME, reconcile=reconcile,
                      watches={"Node": _pods_of_missing_node, "Pod": _pod_on_missing_node}, primary="Pod")
