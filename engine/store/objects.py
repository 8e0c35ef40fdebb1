"""The store: current objects with compare-and-swap, the changelog, compaction.

This module does I/O. Objects are stored as canonical JSON without
`metadata.resourceVersion`; the resource version lives in its own column,
assigned by the triggers, and is put back into the body on every read.
Every write happens inside `Store.write()`, one `BEGIN IMMEDIATE`
transaction; reads happen inside `Store.read()`, a short snapshot. The
statements go to the driver's cursor as written, inside SQLAlchemy's
transaction: on the hot path a statement costs what SQLite charges.
"""
from __future__ import annotations

import builtins
import functools
import json
import os
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

import sqlalchemy.exc
from sqlalchemy import Connection

from litekube import errors
from litekube.model import kinds
from litekube.store import database, locking

__all__ = ["Store", "Reader", "Writer", "Stored", "Change", "encode", "decode"]

DEFAULT_HISTORY = 10_000
DEFAULT_MIN_AGE = 300.0
COMPACT_BATCH = 1_000


MAX_OBJECT_BYTES = 1536 * 1024  # etcd's default --max-request-bytes (1.5 MiB)

# Kinds whose objects the store expires, with their time to live in cluster
# seconds: kube-apiserver's --event-ttl (default 1h) puts every Event written
# to etcd on a lease of that length, renewed by each write of the Event.
DEFAULT_TTLS = {"Event": 3600.0}


def history_from_env(default: int = DEFAULT_HISTORY) -> int:
    """LITEKUBE_HISTORY, the changelog revisions compaction keeps; ValueError when it is not a count."""
    text = os.environ.get("LITEKUBE_HISTORY")
    if text is None or text == "":
        return default
    if not text.strip().isdigit() or len(text.strip()) > 12:
        raise ValueError(f'invalid LITEKUBE_HISTORY "{text}": want a whole number of revisions (e.g. 10000)')
    return int(text)


def encode(body: dict) -> str:
    """Canonical JSON of a body without its resourceVersion: equal objects, equal text.

    Raises StorageError past etcd's 1.5 MiB request limit, as an etcd-backed apiserver does.
    """
    meta = body.get("metadata")
    if meta and "resourceVersion" in meta:
        body = {**body, "metadata": {k: v for k, v in meta.items() if k != "resourceVersion"}}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    if len(text) > MAX_OBJECT_BYTES and len(text.encode()) > MAX_OBJECT_BYTES:
        raise errors.StorageError("etcdserver: request is too large")
    return text


def decode(text_: str, rv: int) -> dict:
    """The body with `metadata.resourceVersion` set to `rv` as Kubernetes' decimal string."""
    body = json.loads(text_)
    body.setdefault("metadata", {})["resourceVersion"] = str(rv)
    return body


@dataclass(frozen=True)
class Stored:
    """One current object as read from the store."""

    kind: str
    namespace: str
    name: str
    uid: str
    resource_version: int
    body: dict


@dataclass
class Change:
    """One changelog row: what one revision did (ADDED, MODIFIED or DELETED).

    The body (the object as written, resourceVersion = revision) is decoded
    on first use: a reader that already holds the object need not pay for it.
    """

    revision: int
    type: str
    kind: str
    namespace: str
    name: str
    uid: str
    text: str = field(repr=False)
    prev_revision: int | None
    time: float

    @functools.cached_property
    def body(self) -> dict:
        return decode(self.text, self.revision)


def _resource(kind: str) -> str:
    try:
        return kinds.lookup(kind).resource
    except errors.ManifestError:
        return kind.lower()


class Reader:
    """Reads inside one snapshot (a transaction) of the store.

    Statements go straight to the driver's cursor: the transaction is the
    SQLAlchemy connection's, the per-statement cost is SQLite's alone.
    """

    def __init__(self, connection: Connection, wall: Callable[[], float]) -> None:
        self.connection = connection
        raw = connection.connection.dbapi_connection
        assert raw is not None, "an open connection has a DBAPI connection"
        self._raw = raw
        self._wall = wall

    def _q(self, sql: str, params: dict | tuple = ()):  # -> sqlite3.Cursor
        return self._raw.execute(sql, params)

    def revision(self) -> int:
        """The newest revision: the resourceVersion a list is consistent at."""
        return self._q("SELECT rev FROM revision WHERE id = 1").fetchone()[0]

    def now(self) -> float:
        """The cluster clock: the stored clock in virtual time, else the wall clock plus the
        offset `run` started with, never behind the stored clock."""
        now, virtual, offset = self._q('SELECT now, virtual, "offset" FROM clock WHERE id = 1').fetchone()
        return now if virtual else max(now, self._wall() + offset)

    def get(self, kind: str, namespace: str, name: str) -> Stored | None:
        row = self._q("SELECT uid, resource_version, body FROM objects "
                      "WHERE kind = ? AND namespace = ? AND name = ?", (kind, namespace, name)).fetchone()
        if row is None:
            return None
        return Stored(kind, namespace, name, row[0], row[1], decode(row[2], row[1]))

    def list(self, kind: str, namespace: str | None = None) -> builtins.list[Stored]:
        """Every object of a kind, optionally in one namespace, ordered by namespace and name."""
        if namespace is None:
            rows = self._q("SELECT namespace, name, uid, resource_version, body FROM objects "
                           "WHERE kind = ? ORDER BY namespace, name", (kind,))
        else:
            rows = self._q("SELECT namespace, name, uid, resource_version, body FROM objects "
                           "WHERE kind = ? AND namespace = ? ORDER BY namespace, name", (kind, namespace))
        return [Stored(kind, ns, name, uid, rv, decode(body, rv)) for ns, name, uid, rv, body in rows]

    def list_all(self) -> builtins.list[Stored]:
        """Every object of every kind: the initial list of an informer cache."""
        rows = self._q("SELECT kind, namespace, name, uid, resource_version, body FROM objects ORDER BY id")
        return [Stored(kind, ns, name, uid, rv, decode(body, rv)) for kind, ns, name, uid, rv, body in rows]


    def controller_states(self) -> builtins.list[tuple[str, str, str, str, dict]]:
        """Every controller's kept state: (component, kind, namespace, name, state)."""
        rows = self._q("SELECT component, kind, namespace, name, body FROM controller_state "
                       "ORDER BY component, kind, namespace, name")
        return [(c, k, ns, n, json.loads(body)) for c, k, ns, n, body in rows]


class Writer(Reader):
    """Writes inside one BEGIN IMMEDIATE transaction; every write is one revision.

    Objects of a kind with a time to live (`ttls`, cluster seconds) get
    `expires` set to the cluster clock plus it on every write, as etcd leases
    are renewed by each write; `Store.expire` deletes them when it passes.
    """

    def __init__(self, connection: Connection, wall: Callable[[], float],
                 ttls: dict[str, float] | None = None) -> None:
        super().__init__(connection, wall)
        self._ttls = ttls or {}

    def create(self, kind: str, namespace: str, name: str, uid: str, body: dict) -> int:
        """Insert a new object; its revision. Raises AlreadyExists."""
        ttl = self._ttls.get(kind)
        try:
            if ttl is None:
                self._q("INSERT INTO objects (kind, namespace, name, uid, body) VALUES (?, ?, ?, ?, ?)",
                        (kind, namespace, name, uid, encode(body)))
            else:
                self._q("INSERT INTO objects (kind, namespace, name, uid, body, expires) VALUES "
                        "(?, ?, ?, ?, ?, (SELECT now FROM clock WHERE id = 1) + ?)",
                        (kind, namespace, name, uid, encode(body), ttl))
        except sqlite3.IntegrityError:
            raise errors.AlreadyExists.of(_resource(kind), name) from None
        return self.revision()  # one writer at a time: the insert's trigger took the newest revision

    def update(self, kind: str, namespace: str, name: str, body: dict, expected: int) -> int:
        """Compare-and-swap on the resource version; the (possibly unchanged) revision.

        Raises NotFound when the object is gone and Conflict when `expected` is stale.
        A body equal to the stored one creates no revision.
        """
        ttl = self._ttls.get(kind)
        if ttl is None:
            cursor = self._q("UPDATE objects SET body = ? WHERE kind = ? AND namespace = ? AND name = ? "
                             "AND resource_version = ?", (encode(body), kind, namespace, name, expected))
        else:
            cursor = self._q("UPDATE objects SET body = ?, expires = (SELECT now FROM clock WHERE id = 1) + ? "
                             "WHERE kind = ? AND namespace = ? AND name = ? AND resource_version = ?",
                             (encode(body), ttl, kind, namespace, name, expected))
        if cursor.rowcount == 0:
            self._missing_or_conflict(kind, namespace, name)
        return self._rv(kind, namespace, name)

    def delete(self, kind: str, namespace: str, name: str, expected: int | None = None) -> int:
        """Remove an object (a DELETED changelog row); the revision of the removal."""
        if expected is None:
            cursor = self._q("DELETE FROM objects WHERE kind = ? AND namespace = ? AND name = ?",
                             (kind, namespace, name))
        else:
            cursor = self._q("DELETE FROM objects WHERE kind = ? AND namespace = ? AND name = ? "
                             "AND resource_version = ?", (kind, namespace, name, expected))
        if cursor.rowcount == 0:
            self._missing_or_conflict(kind, namespace, name)
        return self.revision()

    def save_controller_state(self, component: str, kind: str, namespace: str, name: str,
                              state: dict | None) -> None:
        """Keep (or, with None, forget) a controller's state for one key; no revision, no changelog row."""
        if state is None:
            self._q("DELETE FROM controller_state WHERE component = ? AND kind = ? AND namespace = ? AND name = ?",
                    (component, kind, namespace, name))
            return
        self._q("INSERT INTO controller_state (component, kind, namespace, name, body) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (component, kind, namespace, name) DO UPDATE SET body = excluded.body",
                (component, kind, namespace, name, json.dumps(state, sort_keys=True, separators=(",", ":"))))

    def set_clock(self, now: float, virtual: bool | None = None) -> None:
        """Move the cluster clock forward to `now` (never back); optionally switch its mode."""
        self._q("UPDATE clock SET now = MAX(now, ?) WHERE id = 1", (now,))
        if virtual is not None:
            self._q("UPDATE clock SET virtual = ? WHERE id = 1", (int(virtual),))

    def follow_wall(self) -> None:
        """In wall-clock mode, move the cluster clock up to the wall clock (plus offset) before writing."""
        self._q('UPDATE clock SET now = MAX(now, ? + "offset") WHERE id = 1 AND virtual = 0', (self._wall(),))

    def wall_clock(self) -> float:
        """Switch to wall-clock mode (`litekube run`); the offset of the cluster clock from the wall.

        A cluster clock that `advance` moved ahead keeps its lead as an offset,
        so the cluster goes on from where it was instead of stopping until the
        wall clock catches up.
        """
        wall = self._wall()
        self._q('UPDATE clock SET "offset" = MAX(0, now - ?), virtual = 0 WHERE id = 1', (wall,))
        self._q('UPDATE clock SET now = MAX(now, ? + "offset") WHERE id = 1', (wall,))
        return self._q('SELECT "offset" FROM clock WHERE id = 1').fetchone()[0]

    def virtual_clock(self) -> None:
        """Back to virtual time, from the cluster time the wall clock reached."""
        self._q('UPDATE clock SET now = MAX(now, ? + "offset"), virtual = 1 WHERE id = 1', (self._wall(),))

    def _rv(self, kind: str, namespace: str, name: str) -> int:
        # RETURNING does not see what AFTER triggers wrote, so read it back.
        return self._q("SELECT resource_version FROM objects WHERE kind = ? AND namespace = ? AND name = ?",
                       (kind, namespace, name)).fetchone()[0]

    def _missing_or_conflict(self, kind: str, namespace: str, name: str) -> None:
        if self.get(kind, namespace, name) is None:
            raise errors.NotFound.of(_resource(kind), name)
        raise errors.Conflict.of(_resource(kind), name)


class Store(locking.ControlPlaneLock):
    """A litekube database: open it, then read, write, watch and compact.

    `wall` is the wall clock (injectable for tests); the cluster clock is the
    stored clock, moved forward to the wall clock by every write.
    """

    def __init__(self, url: str, *, wall: Callable[[], float] = time.time,
                 busy_timeout: float = 30.0, history: int = DEFAULT_HISTORY,
                 min_age: float = DEFAULT_MIN_AGE, ttls: dict[str, float] | None = None) -> None:
        self.wall = wall
        # The changelog history kept by compaction: LITEKUBE_HISTORY revisions, default 10,000.
        self.history = history_from_env(history)
        self.min_age = min_age
        self.ttls = dict(DEFAULT_TTLS if ttls is None else ttls)
        created = False
        try:
            self.url = database.url_for(url)
            self.path = database.sqlite_path(self.url)
            if self.path is not None and not os.path.isdir(os.path.dirname(self.path) or "."):
                raise ValueError("unable to open database file")  # what SQLite says, before any file exists
            created = self.path is not None and database.create_private(self.path)
            self._writer, self._reader = database.open_engines(self.url, busy_timeout)
            database.migrate(self._writer, self._reader)
        except (NotImplementedError, ValueError, OSError) as exc:
            self._forget(created)
            reason = exc.strerror.lower() if isinstance(exc, OSError) and exc.strerror else exc
            raise errors.StoreUnavailable(f'cannot open the database "{url}": {reason}') from None
        except sqlalchemy.exc.DBAPIError as exc:
            self._forget(created)
            raise errors.StoreUnavailable(f'cannot open the database "{url}": {exc.orig}') from None
        except BaseException:
            self._forget(created)
            raise

    def _forget(self, created: bool) -> None:
        """After a failed open: no engines left open, no empty file left behind."""
        for name in ("_writer", "_reader"):
            engine = getattr(self, name, None)
            if engine is not None:
                engine.dispose()
        if created and self.path is not None:
            database.remove_new(self.path)

    def close(self) -> None:
        self._writer.dispose()
        self._reader.dispose()

    @contextmanager
    def read(self) -> Iterator[Reader]:
        with self._reader.begin() as connection:
            yield Reader(connection, self.wall)

    @contextmanager
    def write(self) -> Iterator[Writer]:
        """One IMMEDIATE transaction: everything inside commits together or not at all."""
        with self._writer.begin() as connection:
            writer = Writer(connection, self.wall, self.ttls)
            writer.follow_wall()
            yield writer

    def revision(self) -> int:
        with self.read() as reader:
            return reader.revision()

    def now(self) -> float:
        with self.read() as reader:
            return reader.now()

    def load_state(self) -> tuple[int | None, str | None]:
        """The control plane's persisted (cursor, timers JSON)."""
        with self.read() as reader:
            row = reader.connection.exec_driver_sql(("SELECT cursor, timers FROM controlplane WHERE id = 1")).one()
            return row.cursor, row.timers

    def save_state(self, cursor: int, timers: str) -> None:
        with self.write() as writer:
            writer.connection.exec_driver_sql(("UPDATE controlplane SET cursor = :c, timers = :t WHERE id = 1"),
                                      {"c": cursor, "t": timers})

    def compacted(self) -> int:
        """The compaction point: reading changes from before it fails with Expired."""
        with self.read() as reader:
            return reader.connection.exec_driver_sql(("SELECT rev FROM compaction WHERE id = 1")).scalar_one()

    def changes(self, since: int, limit: int = 1000, kinds_: Iterable[str] | None = None) -> builtins.list[Change]:
        """Changelog rows after revision `since`, oldest first (the watch primitive).

        Raises Expired when `since` is older than the compaction point.
        """
        with self.read() as reader:
            compacted = reader.connection.exec_driver_sql(
                "SELECT rev FROM compaction WHERE id = 1").scalar_one()
            if since < compacted:
                raise errors.Expired(f"too old resource version: {since} ({compacted})")
            sql = ("SELECT rev, op, kind, namespace, name, uid, body, prev_rev, ts FROM changelog "
                   "WHERE rev > :since")
            params: dict = {"since": since, "limit": limit}
            wanted = list(kinds_ or ())
            if wanted:
                sql += " AND kind IN (" + ", ".join(f":k{i}" for i in range(len(wanted))) + ")"
                params.update({f"k{i}": k for i, k in enumerate(wanted)})
            rows = reader.connection.exec_driver_sql((sql + " ORDER BY rev LIMIT :limit"), params)
            return [Change(r.rev, r.op, r.kind, r.namespace, r.name, r.uid, r.body,
                           r.prev_rev, r.ts) for r in rows]

    def object_history(self, kind: str, namespace: str, name: str, uid: str | None = None) -> builtins.list[Change]:
        """The kept changelog rows of one object (of one incarnation with `uid`), oldest first.

        Reads the kind's rows from the compaction point (the kind/revision index),
        so it costs what the kept history of that kind holds; `logs` uses it.
        """
        with self.read() as reader:
            sql = ("SELECT rev, op, kind, namespace, name, uid, body, prev_rev, ts FROM changelog "
                   "WHERE kind = :kind AND namespace = :ns AND name = :name")
            params: dict = {"kind": kind, "ns": namespace, "name": name}
            if uid:
                sql += " AND uid = :uid"
                params["uid"] = uid
            rows = reader.connection.exec_driver_sql(sql + " ORDER BY rev", params)
            return [Change(r.rev, r.op, r.kind, r.namespace, r.name, r.uid, r.body, r.prev_rev, r.ts)
                    for r in rows]

    def compact(self, history: int | None = None, min_age: float | None = None,
                batch: int = COMPACT_BATCH) -> int:
        """Delete changelog rows older than the kept history, in small transactions.

        Keeps the newest `history` revisions and every revision younger than
        `min_age` seconds. Returns the new compaction point.
        """
        history = self.history if history is None else history
        min_age = self.min_age if min_age is None else min_age
        while True:
            with self.write() as writer:
                conn = writer.connection
                head = writer.revision()
                done = conn.exec_driver_sql(("SELECT rev FROM compaction WHERE id = 1")).scalar_one()
                cutoff = writer.now() - min_age
                young = conn.exec_driver_sql(("SELECT MIN(rev) FROM changelog WHERE ts > :cutoff"),
                                     {"cutoff": cutoff}).scalar()
                target = head - history
                if young is not None:
                    target = min(target, young - 1)
                step = min(target, done + batch)
                if step <= done:
                    break
                conn.exec_driver_sql(("DELETE FROM changelog WHERE rev <= :step"), {"step": step})
                conn.exec_driver_sql(("UPDATE compaction SET rev = :step WHERE id = 1"), {"step": step})
        self.checkpoint()
        return done

    def checkpoint(self) -> None:
        """A PASSIVE WAL checkpoint, outside any transaction, so the file stays bounded."""
        raw = self._writer.raw_connection()
        try:
            raw.cursor().execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            raw.close()
