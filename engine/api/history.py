"""The changelog as a timeline the web view can slide over, kept up to date. This module does I/O.

`History` reads the store once (the current objects and every changelog
row after the compaction point, of the kinds the pictures show), works
out the objects as they were at the compaction point, and replays the
rows into a `replaying.Timeline`; `refresh` appends what was written
since. The state at the compaction point is exact for objects untouched
since, created since, or deleted first thing; an object whose first kept
row is a MODIFIED shows that version from the start (its older versions
are gone), and `approximate_until` says up to which revision that
matters. On a cluster that never compacted (the last 10,000 revisions)
everything is exact. Frames (the `scenes.scene` of one revision and
namespace) are cached.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime, timezone

from litekube import errors
from litekube.api.server import Api
from litekube.model import durations
from litekube.model.pictures import replaying, scenes, statuses
from litekube.reconcile.views import MemoryView

__all__ = ["History", "KINDS"]

# What the web view draws, and the Events it lists beside the picture.
KINDS = ("Namespace", "Node", "Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "ControllerRevision",
         "ReplicationController", "Job", "CronJob", "PersistentVolumeClaim", "Service", "EndpointSlice", "Ingress",
         "Event")
_BATCH = 5000
_CACHED_FRAMES = 128


def _iso(seconds: float) -> str:
    return durations.format_time(datetime.fromtimestamp(seconds, tz=timezone.utc))


def _step(change) -> replaying.Step:
    return replaying.Step(change.revision, change.time, change.type, change.kind, change.namespace, change.name)


class History:
    """The cluster's timeline from the compaction point to now, read through the API's store."""

    def __init__(self, api: Api, *, every: int = replaying.DEFAULT_EVERY) -> None:
        self.api = api
        self.every = every
        self._lock = threading.Lock()
        self._frames: OrderedDict[tuple[int, str | None], dict] = OrderedDict()
        self.timeline = self._load()

    def _read(self, since: int) -> list:
        rows: list = []
        while True:
            batch = self.api.store.changes(since, limit=_BATCH, kinds_=KINDS)
            rows.extend(batch)
            if len(batch) < _BATCH:
                return rows
            since = batch[-1].revision

    def _load(self) -> replaying.Timeline:
        while True:
            compacted = self.api.store.compacted()
            with self.api.read() as tx:
                head = tx.reader.revision()
                current = {(k, o["metadata"].get("namespace") or "", o["metadata"]["name"]): o
                           for k in KINDS if k != "Event" for o in tx.list(k).items}
            try:
                rows = self._read(compacted)
            except errors.Expired:  # compacted meanwhile: read again from the new point
                continue
            break
        first: dict[replaying.ObjectKey, object] = {}
        for row in rows:
            if row.revision <= head:
                first.setdefault((row.kind, row.namespace, row.name), row)
        baseline = {k: o for k, o in current.items() if k not in first}
        approximate = 0
        for key, row in first.items():
            if key[0] == "Event" or row.type == "ADDED":
                continue
            body = row.body  # DELETED: as it was; MODIFIED: the oldest version kept
            if row.type == "DELETED" and row.prev_revision is not None:
                # the row carries the deleted object, stamped with the delete's revision; it was last written before
                body = {**body, "metadata": {**body["metadata"], "resourceVersion": str(row.prev_revision)}}
            baseline[key] = body
            if row.type == "MODIFIED":
                approximate = max(approximate, row.revision)
        start_time = rows[0].time if rows else self.api.store.now()
        timeline = replaying.Timeline(compacted, start_time, baseline, every=self.every,
                                      approximate_until=approximate)
        for row in rows:
            timeline.append(_step(row), None if row.type == "DELETED" else row.body)
        return timeline

    def refresh(self) -> int:
        """Append what was written since the last look; the head revision. Reloads if compaction overtook us."""
        with self._lock:
            try:
                rows = self._read(self.timeline.head)
            except errors.Expired:
                self.timeline = self._load()
                self._frames.clear()
                return self.timeline.head
            for row in rows:
                self.timeline.append(_step(row), None if row.type == "DELETED" else row.body)
            return self.timeline.head

    def steps(self, after: int | None = None) -> dict:
        """The slider's positions after revision `after` (all of them when None)."""
        with self._lock:
            timeline = self.timeline
            start = 0 if after is None else timeline.index_of(after)
            return {"palette": {"pods": {str(k): v for k, v in statuses.POD_COLORS.items()},
                                "nodes": {str(k): v for k, v in statuses.NODE_COLORS.items()}},
                    "start": timeline.start, "startTime": _iso(timeline.start_time),
                    "head": timeline.head, "approximateUntil": timeline.approximate_until,
                    "steps": [[s.revision, _iso(s.time), s.type, s.kind, s.namespace,
                               s.name] for s in timeline.steps[start:]]}

    def frame(self, revision: int, namespace: str | None = None) -> dict:
        """The picture at `revision` (clamped to the timeline), with the Events written up to it."""
        with self._lock:
            timeline = self.timeline
            revision = max(timeline.start, min(revision, timeline.head))
            cached = self._frames.get((revision, namespace))
            if cached is not None:
                self._frames.move_to_end((revision, namespace))
                return cached
            count = timeline.index_of(revision)
            step = timeline.steps[count - 1] if count else None
            view = MemoryView(timeline.state_at(revision).values())
            frame = scenes.scene(view, namespace)
            frame.update(revision=revision, position=count,
                         time=_iso(step.time if step else timeline.start_time),
                         step=[step.type, step.kind, step.namespace, step.name] if step else None,
                         approximate=revision <= timeline.approximate_until,
                         events=[_event(e) for e in timeline.events_at(revision)
                                 if namespace is None or (e.get("metadata") or {}).get("namespace") == namespace])
            self._frames[(revision, namespace)] = frame
            if len(self._frames) > _CACHED_FRAMES:
                self._frames.popitem(last=False)
            return frame


def _event(event: dict) -> dict:
    involved = event.get("involvedObject") or {}
    return {"type": event.get("type") or "", "reason": event.get("reason") or "",
            "object": f"{(involved.get('kind') or '').lower()}/{involved.get('name') or ''}",
            "namespace": (event.get("metadata") or {}).get("namespace") or "",
            "message": event.get("message") or "", "count": event.get("count") or 1,
            "time": event.get("lastTimestamp") or event.get("eventTime") or ""}
