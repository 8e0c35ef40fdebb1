"""A de-duplicating work queue of (component, key) with due times.

No I/O happens here. A key waits at most once per component: adding it
again keeps the earlier due time, as client-go's delaying queue does.
Routine items (heartbeats, health checks) are tracked apart so that
settling can tell "only routine work left" from "work in progress".
"""
from __future__ import annotations

import heapq
import itertools
from typing import Callable, NamedTuple

from litekube.reconcile.base import Key

__all__ = ["WorkQueue", "Item"]


class Item(NamedTuple):
    """A component's key. A tuple, so that hashing and comparing it (every queue, park and
    retry lookup) runs in C rather than through a dataclass's generated methods."""

    component: str
    key: Key


class WorkQueue:
    """Items with due times; `pop_due(now)` returns the items due, earliest first.

    Items due at the same time come out by their component's rank, then in
    the order they were added: so a ReplicaSet controller that deletes an old
    pod runs before the Deployment controller that would scale up the new
    ReplicaSet, and a rollout never shows more pods than maxSurge allows.
    """

    def __init__(self, ranks: dict[str, int] | None = None) -> None:
        self._due: dict[Item, tuple[float, bool]] = {}
        self._heap: list[tuple[float, int, int, Item]] = []
        self._seq = itertools.count()
        self._ranks = ranks or {}

    def __len__(self) -> int:
        return len(self._due)

    def add(self, item: Item, due: float, routine: bool = False) -> None:
        """Schedule `item` at `due` unless it is already scheduled earlier.

        An item is routine only if every request for it was routine.
        """
        current = self._due.get(item)
        if current is not None:
            when, was_routine = current
            routine = routine and was_routine
            if when <= due:
                if routine != was_routine:
                    self._due[item] = (when, routine)
                return
        self._due[item] = (due, routine)
        heapq.heappush(self._heap, (due, self._ranks.get(item.component, 0), next(self._seq), item))

    def pop_due(self, now: float, limit: int) -> list[Item]:
        """Up to `limit` items due at or before `now`, removed from the queue."""
        out: list[Item] = []
        while self._heap and len(out) < limit:
            due, _, _, item = self._heap[0]
            if due > now:
                break
            heapq.heappop(self._heap)
            current = self._due.get(item)
            if current is None or current[0] != due:
                continue  # superseded by an earlier schedule
            del self._due[item]
            out.append(item)
        return out

    def next_due(self, routine: bool | None = None) -> float | None:
        """The earliest due time (of routine or non-routine items only, when given)."""
        if routine is None:
            self._clean()
            return self._heap[0][0] if self._heap else None
        times = [when for when, r in self._due.values() if r == routine]
        return min(times) if times else None

    def _clean(self) -> None:
        while self._heap:
            due, _, _, item = self._heap[0]
            current = self._due.get(item)
            if current is not None and current[0] == due:
                return
            heapq.heappop(self._heap)

    def drop(self, which: Callable[[Item], bool]) -> int:
        """Remove the items `which` answers True for; how many."""
        gone = [item for item in self._due if which(item)]
        for item in gone:
            del self._due[item]  # its heap entry is skipped as superseded
        return len(gone)

    def pending(self) -> list[tuple[Item, float, bool]]:
        return [(item, when, routine) for item, (when, routine) in self._due.items()]
