"""The control-plane loop: poll the changelog, keep the cache, reconcile due keys, write.

This module does I/O. One poller feeds the informer cache (a MemoryView)
and the work queue; due keys are reconciled in batches, and each batch's
actions are written in one transaction. In virtual time the loop settles:
it runs until nothing is due, then moves the cluster clock to the next due
item. The cursor and pending timers are saved, so a later control plane
resumes where this one stopped.
"""
from __future__ import annotations

import gc
import json
import logging
import marshal
import sys
import threading
import traceback
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterator

from litekube import errors
from litekube.api.server import Api
from litekube.reconcile import sharing
from litekube.reconcile.base import Component, Create, Key, Update, UpdateStatus, key_of
from litekube.reconcile import views
from litekube.reconcile.views import MemoryView
from litekube.runtime import progress
from litekube.runtime.components import field_manager
from litekube.runtime.executing import EventIndex, execute
from litekube.runtime.queue import Item, WorkQueue

__all__ = ["ControlPlane", "Settled"]

log = logging.getLogger("litekube.controlplane")

_RETRY_BASE, _RETRY_MAX = 0.005, 60.0
# Kinds the controllers' cache leaves out: no reconciler reads Events (the recorder aggregates in memory).
UNCACHED = frozenset({"Event"})
# The cache snapshot's format: marshal's, which only this Python version reads back, and the layout of
# MemoryView.pieces: chunks of a bounded number of objects, each marshaled on its own (decoded when first
# read), and of the indexes as positions, so that loading it decodes no object and rebuilds no index,
# and neither saving nor loading holds the whole cache encoded at once.
SNAPSHOT_FORMAT = (f"marshal-{marshal.version}-py{sys.version_info[0]}.{sys.version_info[1]}"
                   f"-view{views.SNAPSHOT_VERSION}")
SNAPSHOT_EVERY = 1000  # changelog rows since the last snapshot before a settle writes a new one
SNAPSHOT_SMALL = 2000  # a cache this small is snapshotted after every change (it costs milliseconds)
_REFUSED = (errors.StorageError, errors.RequestEntityTooLarge, errors.Invalid, errors.BadRequest)


@dataclass
class Settled:
    """How a settle ended: `settled` False means a livelock was cut off."""

    settled: bool
    steps: int
    started: float
    ended: float
    busy: list[str] = field(default_factory=list)
    stopped: str = ""  # why the caller's `keep_going` ended the settle, if it did

    def message(self) -> str:
        busy = ", ".join(self.busy[:5]) + (" ..." if len(self.busy) > 5 else "")
        if self.stopped:
            pending = f"; still pending: {len(self.busy)} keys ({busy})" if self.busy else ""
            return f"warning: {self.stopped} after {self.steps} reconciles{pending}; the next command continues"
        return (f"warning: the cluster did not settle after {self.steps} reconciles and "
                f"{self.ended - self.started:.0f}s of cluster time; still busy: {busy}")


# The cyclic collector's thresholds while settling. A settle allocates millions of short-lived dicts
# (decoded and copied objects, field sets) beside a cache of long-lived ones that holds no cycles;
# with the default thresholds (700, 10, 10) the collector walks the young objects every 700
# allocations and the whole cache again and again (a tenth of a 10,000-pod settle's CPU time).
# Collections still happen, only less often (full ones a hundred times less); the previous
# thresholds come back at the end.
SETTLE_GC_THRESHOLDS = (50_000, 50, 1000)


@contextmanager
def _frozen() -> Iterator[None]:
    """The objects alive when a settle starts (the cache, mostly) left out of the cyclic collector's
    full collections meanwhile: they hold no cycles that settling could make garbage (cached objects
    are plain JSON values, replaced, never mutated), and walking all of them again on every full
    collection was a sixth of a rolling update's time. They are handed back, and the collector's
    thresholds (SETTLE_GC_THRESHOLDS meanwhile) restored, when the outermost settle ends."""
    global _FREEZES
    with _FREEZING:
        if not _FREEZES:
            gc.freeze()
            _SAVED[:] = gc.get_threshold()
            gc.set_threshold(*(max(a, b) for a, b in zip(SETTLE_GC_THRESHOLDS, _SAVED)))
        _FREEZES += 1
    try:
        yield
    finally:
        with _FREEZING:
            _FREEZES -= 1
            if not _FREEZES:
                gc.set_threshold(*_SAVED)
                gc.unfreeze()


_FREEZES = 0  # settles under way in this process (an advance settles at its end; `serve` has threads)
_FREEZING = threading.Lock()
_SAVED: list = []


def _encode(obj: dict) -> bytes:
    """One cached object for the snapshot (marshal's bytes)."""
    try:
        return marshal.dumps(obj)
    except ValueError:  # LITEKUBE_FROZEN_SHARED=1's FrozenDict and FrozenList, or a str subclass (an enum)
        pass
    try:
        return marshal.dumps(sharing.plain(obj))
    except ValueError:  # an enum somewhere in a reconciler's object: plain JSON values
        return marshal.dumps(json.loads(json.dumps(obj)))


class ControlPlane:
    """Every component, driven by one changelog poller over one API."""

    # Whether the components' writes are recorded in managedFields, each under its binary's
    # manager (kube-controller-manager, kubelet, kube-scheduler), as kube-apiserver records every
    # write. On by default (the trusted Updates' FieldsV1 algebra keeps the cost down); tests and
    # benchmarks may switch it off.
    record_managed_fields: bool = True

    def __init__(self, api: Api, components: list[Component], *, batch: int = 256,
                 active: set[str] | None = None) -> None:
        self.api = api
        self.store = api.store
        self.components = {c.name: c for c in components}
        self._managers = {c.name: field_manager(c.name) for c in components}  # their managedFields names
        # The components this control plane runs (None: all). A `litekube run` process runs those whose
        # Lease it holds; `fence`, when set, is asked inside each batch's transaction which of them it
        # still holds, and the items of the others are dropped unwritten (see runtime.leading).
        self.active: set[str] | None = None if active is None else set(active)
        self.fence: Callable[[object, set[str]], set[str]] | None = None
        self.watchers: dict[str, list[tuple[Component, object]]] = {}
        self.wakers: dict[str, list[tuple[Component, object]]] = {}
        self._route()
        # Parked keys (Result.park): item -> (wake events, consecutive parks, parked at).
        self.parked: dict[Item, tuple[frozenset[str], int, float]] = {}
        self._park_index: dict[tuple[str, str], set[Item]] = defaultdict(set)
        self._attempts: dict[Item, int] = {}
        # A component's status write of the very key it reconciled, by revision: that change is not
        # mapped back to the same component and key (nothing in it is news to that reconciler).
        self._own: dict[Item, int] = {}
        # Likewise its writes of its `quiet` kinds that map back to that key: every one of them
        # (a reconcile may write several), until its row is polled.
        self._quiet: dict[Item, set[int]] = {}
        # The last state of each object this control plane's own writes removed from the cache (a
        # pod's removal, a delete without grace), until its DELETED row is polled: the row's body
        # is that state (see `_tombstone`), so it need not be decoded to map the deletion.
        self._gone: dict[Key, dict] = {}
        self._executing = False  # whether the cache's changes now are a reconciler's writes
        self.reconciles: dict[str, int] = defaultdict(int)  # reconcile calls per component (tests, benchmarks)
        self.batch = batch
        self.view = MemoryView(skip=UNCACHED)
        self._quiet_until = 0  # changes up to this revision are replayed into the cache, not enqueued
        self._snapshot_revision = 0
        self.loaded = {"snapshot": 0, "replayed": 0, "listed": 0}  # how the cache was built (tests, benchmarks)
        self.queue = WorkQueue({c.name: rank for rank, c in enumerate(components)})
        self.cursor = 0
        self.now = 0.0
        self.failures: dict[Item, int] = {}
        self.errors: list[str] = []
        self.index = EventIndex()
        self.view.observer = self._observe

    def _route(self) -> None:
        """Map kinds to the active components' watches and wakes."""
        self.watchers, self.wakers = {}, {}
        for component in self.components.values():
            if self.active is not None and component.name not in self.active:
                continue
            for kind, mapper in component.watches.items():
                self.watchers.setdefault(kind, []).append((component, mapper))
            for kind, waker in component.wakes.items():
                self.wakers.setdefault(kind, []).append((component, waker))

    def _runs(self, component: str) -> bool:
        return component in self.components and (self.active is None or component in self.active)

    # -- components joining and leaving (leader election) -----------------------------
    def activate(self, names: set[str], resync: bool = True) -> None:
        """Run `names` too; with `resync`, every object they watch is enqueued for them, as a newly
        elected kube-controller-manager's informers list everything (what the previous leader had
        queued is not known)."""
        if self.active is None:
            return
        names = {n for n in names if n in self.components} - self.active
        self.active |= names
        self._route()
        if not resync:
            return
        for name in sorted(names, key=list(self.components).index):
            component = self.components[name]
            for kind, mapper in component.watches.items():
                for obj in self.view.list(kind):
                    for key in mapper(obj, self.view):  # type: ignore[operator]
                        self.queue.add(Item(name, key), self.now + component.delays.get(kind, 0.0))

    def deactivate(self, names: set[str]) -> None:
        """Stop running `names`: their queued, parked and retrying keys are dropped."""
        if self.active is None:
            return
        names = set(names) & self.active
        if not names:
            return
        self.active -= names
        self._route()
        self.queue.drop(lambda item: item.component in names)
        for item in [i for i in self.parked if i.component in names]:
            self._unpark(item, requeue=False)
        for kept in (self.failures, self._attempts, self._own, self._quiet):
            for item in [i for i in kept if i.component in names]:
                del kept[item]

    # -- start and resume --------------------------------------------------------
    def start(self) -> None:
        """Load the cache (a snapshot plus the changelog since, or a list), then enqueue what
        changed since the saved cursor (or everything, for a new cluster)."""
        cursor, timers = self.store.load_state()
        for component, kind, namespace, name, due, routine, *parked in json.loads(timers or "[]"):
            if self._runs(component):
                item = Item(component, Key(kind, namespace, name))
                self.queue.add(item, due, routine)
                if parked:
                    events, attempts, since = parked
                    self._park(item, frozenset(events), attempts, since)
        if cursor is not None and self._load_snapshot(cursor):
            self._quiet_until = cursor
            self.poll()  # replays up to the cursor quietly, then enqueues (and wakes) what came after
            self._quiet_until = 0
            return
        self._relist()
        if cursor is None:
            self._resync()
            return
        try:
            changes = self._changes_between(cursor, self.cursor)
        except errors.Expired:
            for item in list(self.parked):  # what could wake them is not known: all go back
                self._unpark(item)
            self._resync()
            return
        for change in changes:
            if change.type == "ADDED":
                self.index.fresh(change.kind, change.namespace, change.name)
            self._wake_from(change)
            self._enqueue(change.body)

    def _wake_from(self, change) -> None:
        """Wake events of a change seen without the cache's state before it (after a relist):
        an added, deleted or (as if added) modified object; a modified parked key goes back."""
        if not self.parked or change.kind in UNCACHED:
            return
        body = change.body
        self._observe(body, None) if change.type == "DELETED" else self._observe(None, body)
        if change.type == "MODIFIED":
            for name in self.components:
                item = Item(name, Key(change.kind, change.namespace, change.name))
                if item in self.parked:
                    self._unpark(item)

    def _load_snapshot(self, cursor: int) -> bool:
        """The cache from the stored snapshot, if it is usable: same format, not before the compaction point."""
        found = self.store.load_snapshot()
        if found is None:
            return False
        revision, form, chunks = found
        if form != SNAPSHOT_FORMAT or revision > cursor or revision < self.store.compacted():
            return False
        try:
            view = MemoryView.restore(chunks, marshal.loads)
        except ValueError as exc:  # torn (a chunk missing, a count or the checksum wrong): relist
            log.info("cache snapshot at revision %d not used: %s", revision, exc)
            return False
        if view.skip != UNCACHED:
            return False
        self.now = self.store.now()
        self._install(view, revision)
        self._snapshot_revision = revision
        self.loaded["snapshot"] = len(view)
        return True

    def _install(self, view: MemoryView, revision: int) -> None:
        with self.store.read() as reader:  # the controllers' kept state (base.SaveState) is not in the snapshot
            states = reader.controller_states()
        for component, kind, namespace, name, state in states:
            view.put_state(component, Key(kind, namespace, name), state)
        self.view = view
        self.view.observer = self._observe
        self._gone.clear()
        self.cursor = revision

    def _relist(self) -> None:
        with self.store.read() as reader:
            revision = reader.revision()
            self.now = reader.now()
            stored = reader.list_all(skip=UNCACHED)
        self._install(MemoryView((s.body for s in stored), skip=UNCACHED), revision)
        self.loaded["listed"] = len(stored)

    def save_snapshot(self) -> None:
        """Store the cache as of the cursor, so that the next control plane loads it and replays only what follows."""
        self.store.save_snapshot(self.cursor, SNAPSHOT_FORMAT, self.view.pieces(_encode))
        self._snapshot_revision = self.cursor

    def _changes_between(self, start: int, end: int) -> list:
        out: list = []
        since = start
        while since < end:
            batch = self.store.changes(since, limit=1000)
            if not batch:
                break
            out.extend(c for c in batch if c.revision <= end)
            since = batch[-1].revision
        return out

    def _resync(self) -> None:
        for kind in self.watchers:
            for obj in self.view.list(kind):
                self._enqueue(obj)

    def _enqueue(self, obj: dict, due: float | None = None, revision: int = 0) -> None:
        parked, own, quiet = self.parked, self._own, self._quiet
        kind = obj.get("kind", "")
        for component, mapper in self.watchers.get(kind, ()):
            when = (self.now if due is None else due) + component.delays.get(kind, 0.0)
            for key in mapper(obj, self.view):  # type: ignore[operator]
                item = Item(component.name, key)
                if own and own.get(item) == revision:
                    del own[item]
                    continue
                if quiet and revision in quiet.get(item, ()):
                    quiet[item].discard(revision)
                    if not quiet[item]:
                        del quiet[item]
                    continue
                if item not in parked:  # a parked key waits for its wake events
                    self.queue.add(item, when)

    # -- parking (kube-scheduler's unschedulable pool, generalized) -------------------
    def _park(self, item: Item, events: frozenset[str], attempts: int, since: float) -> None:
        self.parked[item] = (events, attempts, since)
        self._attempts[item] = attempts
        for event in events:
            self._park_index[(item.component, event)].add(item)

    def _unpark(self, item: Item, requeue: bool = True) -> None:
        events, attempts, since = self.parked.pop(item)
        for event in events:
            waiting = self._park_index.get((item.component, event))
            if waiting is not None:
                waiting.discard(item)
                if not waiting:
                    del self._park_index[(item.component, event)]
        if not requeue:
            return
        due = self.now
        backoff = self.components[item.component].backoff
        if backoff is not None:
            initial, maximum = backoff
            due = max(due, since + min(initial * 2 ** max(attempts - 1, 0), maximum))
        self.queue.add(item, due)

    def _observe(self, old: dict | None, new: dict | None) -> None:
        """A change in the cache: wake the parked keys its wake events concern."""
        if new is None and old is not None and self._executing:
            self._gone[key_of(old)] = old
        if not self.parked:
            return
        wakers = self.wakers.get((new or old or {}).get("kind", ""))
        if not wakers:
            return
        for component, waker in wakers:
            for wake in waker(old, new, self.view):  # type: ignore[operator]
                if isinstance(wake, str):
                    for item in list(self._park_index.get((component.name, wake), ())):
                        self._unpark(item)
                else:
                    item = Item(component.name, wake)
                    if item in self.parked:
                        self._unpark(item)

    # -- the loop ----------------------------------------------------------------
    def poll(self) -> int:
        """Apply new changelog rows to the cache and enqueue the keys they concern."""
        seen = 0
        while True:
            try:
                changes = self.store.changes(self.cursor, limit=1000)
            except errors.Expired:
                self._relist()
                self._resync()
                return seen
            if not changes:
                self._gone.clear()  # caught up: the removals written so far have all been polled
                return seen
            quiet = self._quiet_until
            for change in changes:
                key = Key(change.kind, change.namespace, change.name)
                if change.kind in UNCACHED:  # not cached, and no component watches them
                    self.cursor = change.revision
                    continue
                if change.revision <= quiet:
                    self.loaded["replayed"] += 1
                    self._replay(change, key)
                    self.cursor = change.revision
                    continue
                if change.type == "ADDED":
                    self.index.fresh(*key)
                cached = self.view.get(*key)
                cached_rv = int(cached["metadata"].get("resourceVersion") or 0) if cached else 0
                known = cached if cached is not None and cached_rv == change.revision else None
                if change.type == "DELETED":
                    if cached is not None and cached_rv <= change.revision:
                        self.view.discard(key)
                        if cached["metadata"].get("uid") == change.uid:
                            known = cached  # its last state: no need to decode the tombstone
                    elif cached is None:
                        known = self._tombstone(key, change)
                elif cached_rv < change.revision:
                    self.view.put(change.body)
                # Our own writes are in the cache already: map the cached object, skip decoding.
                self._enqueue(known if known is not None else change.body, revision=change.revision)
                self.cursor = change.revision
            seen += len(changes)

    def _tombstone(self, key: Key, change) -> dict | None:
        """The last state this control plane's write removed `key` at, if `change` (its DELETED
        row) is that removal: same uid, and the row's previous revision is that state's
        resourceVersion, so the row's body is that state (the changelog's DELETED row holds the
        object as it was). None otherwise: the body is decoded."""
        gone = self._gone.pop(key, None)
        if gone is None or change.prev_revision is None:
            return None
        meta = gone.get("metadata") or {}
        if meta.get("uid") != change.uid or meta.get("resourceVersion") != str(change.prev_revision):
            return None
        return gone

    def _replay(self, change, key: Key) -> None:
        cached = self.view.get(*key)
        cached_rv = int(cached["metadata"].get("resourceVersion") or 0) if cached else 0
        if change.type == "DELETED":
            if cached is not None and cached_rv <= change.revision:
                self.view.discard(key)
        elif cached_rv < change.revision:
            self.view.put(change.body)

    def step(self) -> int:
        """Reconcile the keys due now, writing their actions in one transaction."""
        items = self.queue.pop_due(self.now, self.batch)
        if not items:
            return 0
        if progress.HOOK is not None:
            progress.HOOK(self)
        try:
            with self.api.write(trusted=True) as tx:
                if self.fence is not None:
                    held = self.fence(tx, {item.component for item in items})
                    items = [item for item in items if item.component in held]
                for item in items:
                    self._reconcile(tx, item)
        except Exception:  # the batch did not commit: the cache may hold unwritten objects
            self.errors.append(traceback.format_exc())
            log.exception("a control-plane batch failed; relisting")
            self._relist()
            for item in items:
                self._retry(item)
        return len(items)

    def _reconcile(self, tx, item: Item) -> None:
        component = self.components[item.component]
        if item in self.parked:  # its flush came: it is looked at again now
            self._unpark(item, requeue=False)
        try:
            self.reconciles[item.component] += 1
            result = component.reconcile(item.key, self.view, self.now)
        except Exception:  # a reconciler bug must not stop the control plane: record it, back off
            self.errors.append(f"{item.component} {item.key}: {traceback.format_exc()}")
            log.exception("reconciling %s %s failed", item.component, item.key)
            self._retry(item)
            return
        tx.manager = self._managers[item.component] if self.record_managed_fields else None
        for action in result.actions:
            try:
                self._executing = True
                try:
                    execute(tx, action, self.view, self.index)
                finally:
                    self._executing = False
                if isinstance(action, UpdateStatus) and key_of(action.obj) == item.key:
                    written = self.view.get(*item.key)
                    if written is not None:
                        self._own[item] = int(written["metadata"].get("resourceVersion") or 0)
                elif component.quiet and isinstance(action, (Create, Update)) \
                        and action.obj.get("kind") in component.quiet:
                    written = key_of(action.obj)
                    mapper = component.watches.get(written.kind)
                    cached = self.view.get(*written)
                    if mapper is not None and cached is not None and item.key in mapper(cached, self.view):
                        self._quietly(item, cached)
            except (errors.Conflict, errors.NotFound, errors.AlreadyExists):
                self._retry(item)  # level-based: look again once the cache has caught up
                return
            except errors.Forbidden as exc:
                # Admission refused (a quota, a missing account): retry with back-off, but
                # as routine work, since only a change elsewhere can let it through.
                log.info("%s %s: %s", item.component, item.key, exc.render())
                self._retry(item, routine=True)
                return
            except errors.ApiError as exc:
                self.errors.append(f"{item.component} {item.key}: {exc.render()}")
                log.warning("%s %s: %s", item.component, item.key, exc.render())
                # a write the API refuses for good (too large, invalid) is retried, but
                # as routine work: settling does not wait for it to succeed
                self._retry(item, routine=isinstance(exc, _REFUSED))
                return
        self.failures.pop(item, None)
        if result.park is not None:
            self._park(item, result.park, self._attempts.get(item, 0) + 1, self.now)
        else:
            self._attempts.pop(item, None)
        if result.requeue_after is not None:
            routine = component.periodic if result.routine is None else result.routine
            self.queue.add(item, self.now + max(result.requeue_after, 0.0), routine)

    def _quietly(self, item: Item, written: dict) -> None:
        """`item`'s reconcile just wrote `written`, of one of its quiet kinds: that revision does not
        wake `item` again."""
        revision = int(written["metadata"].get("resourceVersion") or 0)
        if revision > self.cursor:  # a write that made a revision (an equal body made none): not polled yet
            cursor = self.cursor  # what was polled already will not come back
            self._quiet[item] = {r for r in self._quiet.get(item, ()) if r > cursor} | {revision}

    def _retry(self, item: Item, routine: bool = False) -> None:
        failures = min(self.failures.get(item, 0), 20)
        self.failures[item] = failures + 1
        self.queue.add(item, self.now + min(_RETRY_BASE * 2 ** failures, _RETRY_MAX), routine)

    # -- time --------------------------------------------------------------------
    def advance_to(self, when: float) -> None:
        """Move the (virtual) cluster clock forward."""
        if when <= self.now:
            return
        with self.store.write() as writer:
            writer.set_clock(when)
        self.now = when

    def settle(self, max_steps: int | None = None, horizon: float = 3600.0,
               keep_going: Callable[[], str] | None = None) -> Settled:
        """Run until only routine work is left, jumping virtual time to the next due item.

        Stops with settled=False when `max_steps` reconciles (by default 200,000
        plus 100 per object in the cluster) or `horizon` seconds of cluster
        time pass without settling (a livelock), or when `keep_going` (asked
        between batches) answers a reason to stop.
        """
        with _frozen():
            return self._settle(max_steps, horizon, keep_going)

    def _settle(self, max_steps: int | None, horizon: float, keep_going: Callable[[], str] | None) -> Settled:
        started, steps = self.now, 0
        max_steps = max_steps if max_steps is not None else 200_000 + 100 * len(self.view)
        while True:
            if keep_going is not None and (reason := keep_going()):
                return self._finish(False, steps, started, reason)
            self.poll()
            done = self.step()
            steps += done
            if done:
                if steps > max_steps:
                    return self._finish(False, steps, started)
                continue
            progress = self.queue.next_due(routine=False)
            if progress is None:
                return self._finish(True, steps, started)
            if progress - started > horizon:
                return self._finish(False, steps, started)
            self.advance_to(min(progress, self.queue.next_due() or progress))

    def advance(self, seconds: float, keep_going: Callable[[], str] | None = None, settle: bool = True) -> Settled:
        """Let `seconds` of cluster time pass, doing everything due on the way, then settle.

        With `settle=False` the clock stops at exactly `seconds` later, with what is due
        then done (a client that polls every few seconds, as kubectl drain's retries).
        """
        with _frozen():
            return self._advance(seconds, keep_going, settle)

    def _advance(self, seconds: float, keep_going: Callable[[], str] | None, settle: bool) -> Settled:
        target = self.now + seconds
        steps = 0
        while True:
            if keep_going is not None and (reason := keep_going()):
                return self._finish(False, steps, self.now, reason)
            self.poll()
            done = self.step()
            steps += done
            if done:
                continue
            upcoming = self.queue.next_due()
            if upcoming is None or upcoming > target:
                self.advance_to(target)
                break
            self.advance_to(upcoming)
        if not settle:
            return self._finish(self.queue.next_due(routine=False) is None, steps, target - seconds)
        return self.settle(keep_going=keep_going)

    def _finish(self, settled: bool, steps: int, started: float, stopped: str = "") -> Settled:
        self.save()
        self.compact()
        busy = sorted({f"{i.component} {i.key}" for i, _, routine in self.queue.pending() if not routine})
        return Settled(settled, steps, started, self.now, busy, stopped)

    def compact(self) -> None:
        """Compact the changelog once it holds a batch more than the kept history."""
        if self.cursor - self.store.compacted() > self.store.history + 1000:
            self.store.compact()

    def _merged(self, timers: list) -> Callable[[int | None, str | None], tuple[int, str]]:
        """How a control plane running some components saves: the other components' timers stay as
        their leader saved them, and the cursor never moves past what one of them may not have seen."""
        active = self.active or set()

        def merge(cursor: int | None, stored: str | None) -> tuple[int, str]:
            try:
                kept = [t for t in json.loads(stored or "[]") if t and t[0] not in active]
            except (ValueError, TypeError):
                kept = []
            return min(self.cursor, cursor if cursor is not None else self.cursor), json.dumps(kept + timers)
        return merge

    def save(self) -> None:
        """Persist the cursor and the pending timers for the next control plane."""
        if progress.HOOK is not None:
            progress.HOOK(self, done=True)
        timers = []
        for i, due, routine in self.queue.pending():
            timer: list = [i.component, i.key.kind, i.key.namespace, i.key.name, due, routine]
            if i in self.parked:
                events, attempts, since = self.parked[i]
                timer += [sorted(events), attempts, since]
            timers.append(timer)
        if self.active is None or self.active >= set(self.components):
            self.store.save_state(self.cursor, json.dumps(timers))
        else:
            self.store.merge_state(self._merged(timers))
        behind = self.cursor - self._snapshot_revision
        if behind >= SNAPSHOT_EVERY or (behind and len(self.view) <= SNAPSHOT_SMALL):
            self.save_snapshot()
