"""Replaying the changelog into per-revision states, and the pod facts the invariants read.

This module reads the store (I/O) but never writes it. A `Replay` keeps the
current objects as of one revision; `Replay.follow()` applies every
changelog row after its cursor, one revision at a time, and hands each
change to the caller after applying it, so an invariant sees the cluster
exactly as it was at that revision. The pod predicates below are written
from the Kubernetes definitions, not imported from the engine, so that they
check the engine instead of repeating it.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Iterator

from litekube.store import Change, Store

__all__ = ["Replay", "controller_uid", "is_terminating", "is_terminal", "is_active", "is_ready",
           "is_available", "condition", "seconds"]

_BATCH = 2_000


class Replay:
    """The cluster as of `revision`, rebuilt from the changelog (starting from revision 0)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.revision = 0
        self.time = 0.0
        self.objects: dict[str, dict[tuple[str, str], dict]] = defaultdict(dict)
        self.previous: dict | None = None  # the changed object as it was before the last change

    def get(self, kind: str, namespace: str, name: str) -> dict | None:
        return self.objects[kind].get((namespace, name))

    def list(self, kind: str) -> list[dict]:
        return list(self.objects[kind].values())

    def apply(self, change: Change) -> None:
        """Move to `change.revision`; revisions must follow one another with no gap."""
        assert change.revision == self.revision + 1, (
            f"changelog gap: revision {change.revision} after {self.revision}")
        assert change.time >= self.time, f"cluster clock went back at revision {change.revision}"
        key = (change.namespace, change.name)
        self.previous = self.objects[change.kind].get(key)
        if change.type == "DELETED":
            assert key in self.objects[change.kind], f"DELETED of an absent {change.kind} {key}"
            del self.objects[change.kind][key]
        else:
            assert (change.type == "ADDED") == (key not in self.objects[change.kind]), (
                f"{change.type} of {change.kind} {key} at revision {change.revision}")
            self.objects[change.kind][key] = change.body
        self.revision, self.time = change.revision, change.time

    def follow(self) -> Iterator[Change]:
        """Apply every change after the cursor, yielding after each one (the state is then at its revision)."""
        while True:
            changes = self.store.changes(self.revision, limit=_BATCH)
            if not changes:
                return
            for change in changes:
                self.apply(change)
                yield change


# -- pod facts, from the Kubernetes definitions -------------------------------------------------

def controller_uid(obj: dict) -> str | None:
    """The uid of the object's controller ownerReference, if any."""
    for ref in (obj.get("metadata") or {}).get("ownerReferences") or []:
        if ref.get("controller"):
            return ref.get("uid")
    return None


def is_terminating(pod: dict) -> bool:
    return bool((pod.get("metadata") or {}).get("deletionTimestamp"))


def is_terminal(pod: dict) -> bool:
    return (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")


def is_active(pod: dict) -> bool:
    """controller.FilterActivePods: neither terminating nor terminal."""
    return not is_terminating(pod) and not is_terminal(pod)


def condition(obj: dict, kind: str) -> dict | None:
    return next((c for c in (obj.get("status") or {}).get("conditions") or [] if c.get("type") == kind), None)


def seconds(timestamp: str) -> float:
    """An RFC 3339 time (`2023-11-14T22:13:20Z`) as seconds since the epoch."""
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00")).timestamp()


def is_ready(pod: dict) -> bool:
    ready = condition(pod, "Ready")
    return ready is not None and ready.get("status") == "True"


def is_available(pod: dict, min_ready_seconds: int, now: float) -> bool:
    """podutil.IsPodAvailable: Ready, and for minReadySeconds > 0 Ready since strictly before now - minReadySeconds."""
    if not is_ready(pod):
        return False
    if min_ready_seconds <= 0:
        return True
    since = (condition(pod, "Ready") or {}).get("lastTransitionTime")
    return bool(since) and seconds(since) + min_ready_seconds < now
