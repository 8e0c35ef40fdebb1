"""Watches fed from the changelog: one poller for every watch, as the apiserver's watch cache. This module does I/O.

`Hub.poll` reads the changelog after its cursor (on the worker thread),
keeps the last `window` changes in memory and hands each new change to
every watcher. A watcher that starts at resourceVersion N first reads the
changes after N that the hub no longer holds from the store itself, then
the hub's window, then live ones, so a client that reconnects with the
last resourceVersion it saw resumes without a gap; N older than the
compaction point is an ERROR event with a 410 Expired Status. Each
watcher has a bounded queue: one that cannot keep up (its client stopped
reading) is closed, as the apiserver's cacheWatcher is terminated when
its buffer is full, and its client re-watches from where it was.
"""
from __future__ import annotations

import asyncio
import collections
import json
import logging
from typing import Any, Awaitable, Callable

from litekube import errors
from litekube.model import selectors
from litekube.store.objects import Change
from litekube.ui.kubeapi.routes import Target

__all__ = ["Hub", "Watcher", "event_line"]

log = logging.getLogger("litekube.serve")

Run = Callable[..., Awaitable[Any]]


def event_line(type_: str, obj: dict) -> bytes:
    return json.dumps({"type": type_, "object": obj}, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"


class Watcher:
    """One watch: which objects it wants and the changes waiting for its client."""

    def __init__(self, hub: "Hub", target: Target, label_selector: str | None, field_selector: str | None,
                 capacity: int) -> None:
        self.hub = hub
        self.kind = target.kind.kind
        self.namespace = target.namespace if target.kind.namespaced else None
        self.labels = selectors.parse(label_selector) if label_selector else None
        # As the list converts them (a Pod's spec.host is spec.nodeName); app.py refused a bad one already.
        self.fields = (selectors.check_supported(self.kind, selectors.parse_fields(field_selector))
                       if field_selector else None)
        self.queue: collections.deque[Change] = collections.deque()
        self.capacity = capacity
        self.wake = asyncio.Event()
        self.closed = False  # the hub dropped it: it fell `capacity` changes behind
        self.matched: set[tuple[str, str]] = set()  # keys seen matching the selectors (DELETED on leaving)
        self.unmatched: set[tuple[str, str]] = set()  # keys seen not matching them (ADDED on entering)

    def wants(self, change: Change) -> bool:
        return change.kind == self.kind and (self.namespace is None or change.namespace == self.namespace)

    def offer(self, change: Change) -> None:
        if self.closed or not self.wants(change):
            return
        if len(self.queue) >= self.capacity:
            self.closed = True
            self.queue.clear()
            log.info("watch of %s dropped: its client fell %d events behind", self.kind, self.capacity)
        else:
            self.queue.append(change)
        self.wake.set()

    def event(self, change: Change) -> tuple[str, dict] | None:
        """The event this watcher's client gets for `change` (None: not for it).

        With selectors, an object that starts matching arrives ADDED and one that stops matching
        DELETED, as the apiserver decides from the old and new objects; the old one is known here
        from what this watcher saw (an object first seen changing is taken to have matched before
        when it matches now).
        """
        if self.labels is None and self.fields is None:
            return change.type, change.body
        obj = change.body
        key = (change.namespace, change.name)
        passes = (self.labels is None or self.labels.matches((obj.get("metadata") or {}).get("labels") or {})) and \
                 (self.fields is None or selectors.match_fields(obj, self.fields))
        had = key in self.matched
        if change.type == "DELETED":
            self.matched.discard(key)
            self.unmatched.discard(key)
            return ("DELETED", obj) if passes or had else None
        if passes:
            self.matched.add(key)
            if key in self.unmatched:
                self.unmatched.discard(key)
                return "ADDED", obj
            return change.type, obj
        self.unmatched.add(key)
        if had:
            self.matched.discard(key)
            return "DELETED", obj
        return None


class Hub:
    """The changelog poller and its watchers."""

    def __init__(self, store, run: Run, *, window: int = 10_000, capacity: int = 10_000,
                 interval: float = 0.05) -> None:
        self.store = store
        self.run = run  # runs a blocking call on the worker threads
        self.window: collections.deque[Change] = collections.deque(maxlen=window)
        self.capacity = capacity
        self.interval = interval
        self.cursor = 0
        self.watchers: set[Watcher] = set()
        self._task: asyncio.Task | None = None
        self.started = asyncio.Event()

    async def start(self) -> None:
        self.cursor = await self.run(self.store.revision)
        self._task = asyncio.get_running_loop().create_task(self._loop())
        self.started.set()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass

    async def _loop(self) -> None:
        while True:
            try:
                got = await self.poll()
            except asyncio.CancelledError:
                raise
            except Exception:  # the store busy or briefly unavailable: try again
                log.exception("changelog poll failed")
                got = 0
            if got < 1000:
                await asyncio.sleep(self.interval)

    async def poll(self) -> int:
        """Read the changes after the cursor and hand them out; how many there were."""
        try:
            changes = await self.run(self.store.changes, self.cursor, 1000)
        except errors.Expired:  # compacted past the cursor (nothing read for long): start again from now
            self.window.clear()
            for watcher in list(self.watchers):
                watcher.closed = True
                watcher.wake.set()
            self.cursor = await self.run(self.store.revision)
            return 0
        for change in changes:
            self.window.append(change)
            for watcher in self.watchers:
                watcher.offer(change)
        if changes:
            self.cursor = changes[-1].revision
        return len(changes)

    def subscribe(self, target: Target, label_selector: str | None, field_selector: str | None) -> Watcher:
        return Watcher(self, target, label_selector, field_selector, self.capacity)

    async def attach(self, watcher: Watcher, since: int) -> None:
        """Queue every change after `since` for `watcher`, then keep it fed; raises Expired."""
        compacted = await self.run(self.store.compacted)
        if since < compacted:  # the store's history is the contract, even where the window still holds it
            raise errors.Expired(f"too old resource version: {since} ({compacted})")
        while True:
            oldest = self.window[0].revision if self.window else self.cursor + 1
            if since >= oldest - 1:
                break
            # older than the hub's window: read the store up to the window (or the cursor)
            batch = await self.run(self.store.changes, since, 1000, [watcher.kind])
            batch = [c for c in batch if c.revision < oldest]
            for change in batch:
                if watcher.wants(change):
                    watcher.queue.append(change)
            if len(batch) < 1000 or not batch:
                since = oldest - 1
                break
            since = batch[-1].revision
            if len(watcher.queue) > watcher.capacity:
                watcher.closed = True
                watcher.queue.clear()
                return
        # no await from here on: the window's tail and the live feed meet without a gap
        for change in self.window:
            if change.revision > since and watcher.wants(change):
                watcher.queue.append(change)
        self.watchers.add(watcher)
        watcher.wake.set()

    def detach(self, watcher: Watcher) -> None:
        self.watchers.discard(watcher)
