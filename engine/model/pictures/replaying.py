"""The cluster at any revision, replayed from the changelog: the web view's time slider.

No I/O happens here. A `Timeline` starts from the objects as they were at
one revision (the baseline: the changelog's compaction point) and takes
the changelog's rows in order (`append`). `state_at(revision)` is the set
of objects after that revision's write. Every `every` rows it keeps a
keyframe (a shallow copy of the state: the bodies are shared, never
mutated), so answering costs one copy and fewer than `every` rows
replayed, whatever the length of the log. Events are kept apart, as a log
to read beside the picture (`events_at`).
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Mapping

__all__ = ["Step", "Timeline", "ObjectKey", "DEFAULT_EVERY"]

DEFAULT_EVERY = 256
ObjectKey = tuple[str, str, str]  # kind, namespace, name


@dataclass(frozen=True)
class Step:
    """One changelog row: what the write at `revision` did to which object."""

    revision: int
    time: float
    type: str  # ADDED, MODIFIED or DELETED
    kind: str
    namespace: str
    name: str

    @property
    def key(self) -> ObjectKey:
        return (self.kind, self.namespace, self.name)


def _apply(state: dict[ObjectKey, dict], step: Step, body: dict | None) -> None:
    if step.type == "DELETED" or body is None:
        state.pop(step.key, None)
    else:
        state[step.key] = body


class Timeline:
    """The objects at every revision from `start` on, with keyframes every `every` rows."""

    def __init__(self, start: int, start_time: float, baseline: Mapping[ObjectKey, dict], *,
                 every: int = DEFAULT_EVERY, approximate_until: int = 0) -> None:
        if every < 1:
            raise ValueError("every must be at least 1")
        self.start = start
        self.start_time = start_time
        # Up to this revision, objects whose older versions were compacted show their oldest kept version.
        self.approximate_until = approximate_until
        self.every = every
        self.steps: list[Step] = []
        self._revisions: list[int] = []
        self._bodies: list[dict | None] = []
        self._live: dict[ObjectKey, dict] = {k: v for k, v in baseline.items() if k[0] != "Event"}
        self._keyframes: list[dict[ObjectKey, dict]] = [dict(self._live)]
        self._events: list[tuple[int, ObjectKey, dict | None]] = []
        self._event_revisions: list[int] = []

    @property
    def head(self) -> int:
        """The newest revision replayed."""
        return self._revisions[-1] if self._revisions else self.start

    def __len__(self) -> int:
        return len(self.steps)

    def append(self, step: Step, body: dict | None) -> None:
        """Take the next changelog row (revisions strictly increasing). Raises ValueError otherwise."""
        if step.revision <= self.head:
            raise ValueError(f"revision {step.revision} is not after {self.head}")
        self.steps.append(step)
        self._revisions.append(step.revision)
        if step.kind == "Event":
            self._events.append((step.revision, step.key, None if step.type == "DELETED" else body))
            self._event_revisions.append(step.revision)
            self._bodies.append(None)
        else:
            self._bodies.append(body)
            _apply(self._live, step, body)
        if len(self.steps) % self.every == 0:
            self._keyframes.append(dict(self._live))

    def state_at(self, revision: int) -> dict[ObjectKey, dict]:
        """The objects (Events aside) after the write at `revision`; the baseline before the first row."""
        count = bisect.bisect_right(self._revisions, revision)
        frame = count // self.every
        state = dict(self._keyframes[frame])
        for i in range(frame * self.every, count):
            step = self.steps[i]
            if step.kind != "Event":
                _apply(state, step, self._bodies[i])
        return state

    def events_at(self, revision: int, limit: int = 12) -> list[dict]:
        """The latest Events written at or before `revision`, newest first, each Event once."""
        end = bisect.bisect_right(self._event_revisions, revision)
        out: list[dict] = []
        seen: set[ObjectKey] = set()
        for i in range(end - 1, -1, -1):
            _, key, body = self._events[i]
            if key in seen:
                continue
            seen.add(key)
            if body is not None:
                out.append(body)
                if len(out) == limit:
                    break
        return out

    def index_of(self, revision: int) -> int:
        """How many rows are replayed to reach `revision`."""
        return bisect.bisect_right(self._revisions, revision)
