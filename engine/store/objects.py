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
import gc
import json
import json.encoder
import os
import threading
import time
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Collection, Iterable, Iterator

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine
    from sqlalchemy.engine import URL

from litekube import errors
from litekube.model import kinds
from litekube.store import allocations, database, dialects, locking
from litekube.store.history import DEFAULT_HISTORY, history_from_env

__all__ = ["Store", "Reader", "Writer", "Stored", "Change", "encode", "decode", "project"]

DEFAULT_MIN_AGE = 300.0
COMPACT_BATCH = 1_000


# Bytes of cache snapshot chunks written in one transaction (Store.save_snapshot): a small snapshot is
# one write, a big one holds no more than this (and one chunk) encoded at once.
SNAPSHOT_WRITE = 4 << 20
MAX_OBJECT_BYTES = 1536 * 1024  # etcd's default --max-request-bytes (1.5 MiB)

# Kinds whose objects the store expires, with their time to live in cluster
# seconds: kube-apiserver's --event-ttl (default 1h) puts every Event written
# to etcd on a lease of that length, renewed by each write of the Event.
DEFAULT_TTLS = {"Event": 3600.0}


def _not_serializable(value: object) -> object:
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


# What json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False) builds on every call (the C
# encoder), made once: the same text, without a JSONEncoder and a C encoder per write. No circular-reference
# markers (a shared table would not be thread-safe; objects are trees).
_CANONICAL = json.encoder.c_make_encoder(  # type: ignore[attr-defined]
    None, _not_serializable, json.encoder.encode_basestring, None, ":", ",", True, False, True) \
    if getattr(json.encoder, "c_make_encoder", None) is not None else None


def _canonical(body: dict) -> str:
    if _CANONICAL is None:  # an interpreter without the C accelerator
        return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "".join(_CANONICAL(body, 0))


def encode(body: dict) -> str:
    """Canonical JSON of a body without its resourceVersion: equal objects, equal text.

    Raises StorageError past etcd's 1.5 MiB request limit, as an etcd-backed apiserver does.
    """
    meta = body.get("metadata")
    if meta and "resourceVersion" in meta:
        body = {**body, "metadata": {k: v for k, v in meta.items() if k != "resourceVersion"}}
    text = _canonical(body)
    if len(text) > MAX_OBJECT_BYTES and len(text.encode()) > MAX_OBJECT_BYTES:
        raise errors.StorageError("etcdserver: request is too large")
    return text


# Rows read from the store by this process (object bodies decoded, changelog rows fetched):
# tests assert that a settle's reads grow linearly with the cluster.
READS = {"objects": 0, "changes": 0}


def decode(text_: str, rv: int) -> dict:
    """The body with `metadata.resourceVersion` set to `rv` as Kubernetes' decimal string."""
    READS["objects"] += 1
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


# Whether the database evaluates JSON paths itself (SQLite's json_extract): projected reads then
# decode only the fields asked for; elsewhere they decode the body and pick the fields (`project`).
JSON_PROJECTION = True


def _sql_paths(paths: tuple[tuple[str, ...], ...]) -> bool:
    """Whether SQLite's JSON path syntax can name every key (`$."key"` has no escape for a quote)."""
    return all('"' not in key and key for path in paths for key in path)


# A projected path whose last key is LENGTH reads only the length of the JSON array at the keys
# before it: the projected body holds that many empty objects there (`len` answers as on the whole
# body; none of the elements' fields is read). A value there that is not an array is left out.
LENGTH = "#"


@functools.lru_cache(maxsize=64)
def _split(paths: tuple[tuple[str, ...], ...]) -> tuple[tuple[tuple[str, ...], ...], tuple[tuple[str, ...], ...]]:
    """(the paths whose values are read, the arrays' paths whose lengths are read)."""
    return (tuple(p for p in paths if p[-1] != LENGTH), tuple(p[:-1] for p in paths if p[-1] == LENGTH))


def _elements(value: object) -> list | None:
    """A LENGTH path's projected value: as many empty objects as the array has elements."""
    return [{} for _ in value] if isinstance(value, list) else None


@functools.lru_cache(maxsize=64)
def _shape(paths: tuple[tuple[str, ...], ...]) -> tuple[tuple[tuple[str, ...], tuple[tuple[int, str], ...]], ...]:
    """The paths grouped by their parent: ((parent keys, ((index in the values, key), ...)), ...)."""
    groups: dict[tuple[str, ...], list[tuple[int, str]]] = {}
    for index, path in enumerate(paths, start=1):  # the values start with $.kind
        groups.setdefault(path[:-1], []).append((index, path[-1]))
    return tuple((parent, tuple(items)) for parent, items in groups.items())


def _rebuild(kind: str, namespace: str, name: str, rv: int, paths: tuple[tuple[str, ...], ...],
             values_text: str, lengths: tuple = (), arrays: int = 0) -> dict:
    """The projected body from the values of `paths` (after the kind). LENGTH paths come last in
    `paths`, without their LENGTH key: their arrays' lengths are `lengths` (null: not an array), or,
    where the database read those `arrays` whole, they are the last values."""
    READS["objects"] += 1
    values = json.loads(values_text)
    if lengths:
        values.extend(None if n is None else [{} for _ in range(n)] for n in lengths)
    elif arrays:
        values[-arrays:] = [_elements(v) for v in values[-arrays:]]
    meta = {"name": name, "resourceVersion": str(rv)}
    if namespace:
        meta["namespace"] = namespace
    body: dict = {"kind": kind, "metadata": meta}
    for parent, items in _shape(paths):
        node: dict | None = None
        for index, key in items:
            value = values[index]
            if value is None:
                continue
            if node is None:
                node = body
                for step in parent:
                    node = node.setdefault(step, {})
            node[key] = value
    return body


def project(body: dict, paths: tuple[tuple[str, ...], ...]) -> dict:
    """The fields of `body` at `paths` (and its kind, name, namespace and resourceVersion), in a new
    dict shaped like the body; a path that is absent or null is left out (a LENGTH path: see LENGTH)."""
    meta = body.get("metadata") or {}
    out: dict = {"kind": body.get("kind"), "metadata": {"name": meta.get("name"),
                                                       "resourceVersion": meta.get("resourceVersion")}}
    if meta.get("namespace"):
        out["metadata"]["namespace"] = meta["namespace"]
    for path in paths:
        length = path[-1] == LENGTH
        if length:
            path = path[:-1]
        value: object = body
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
            if value is None:
                break
        if length:
            value = _elements(value)
        if value is None:
            continue
        node = out
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value
    return out


@contextmanager
def _no_collection() -> Iterator[None]:
    """Decoding JSON makes no reference cycles: the cyclic collector, which would otherwise walk
    every dict decoded so far again and again while thousands are decoded, is paused meanwhile."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _successor(prefix: str) -> str:
    """The least string greater than every string starting with `prefix` (for index ranges)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1) if prefix else "\U0010ffff"


def _resource(kind: str) -> str:
    try:
        return kinds.lookup(kind).resource
    except errors.ManifestError:
        return kind.lower()


def start_condition(start: tuple[str, str], namespace: str | None = None) -> tuple[str, builtins.list]:
    """SQL (` AND ...`) and its parameters for the keys (namespace, name) at or after `start`,
    within `namespace` when given. A start with a NUL (a continue token's `name\x00`, the least
    key after `name`) is a strict comparison with what precedes the NUL: no key holds a NUL, and
    PostgreSQL's text cannot."""
    ns, name = start
    if "\x00" in ns:
        ns, name, strict_ns = ns[:ns.index("\x00")], "", True
    else:
        strict_ns = False
    strict = "\x00" in name
    if strict:
        name = name[:name.index("\x00")]
    if namespace is not None:
        if ns > namespace or (ns == namespace and strict_ns):
            return " AND 1 = 0", []
        if ns < namespace:
            return "", []
        return (" AND name > ?" if strict else " AND name >= ?"), [name]
    if strict_ns:
        return " AND namespace > ?", [ns]
    return (" AND (namespace, name) > (?, ?)" if strict else " AND (namespace, name) >= (?, ?)"), [ns, name]


def _keyset(sql: str, params: builtins.list, namespace: str | None, start: tuple[str, str] | None,
            limit: int | None, order: bool = True) -> tuple[str, builtins.list]:
    """`sql` narrowed to the keys (namespace, name) at or after `start`, ordered by key, at most
    `limit` rows. In one namespace the range is on the name alone; across namespaces it is a
    row-value comparison, which SQLite and PostgreSQL both answer from the key's index."""
    if start is not None:
        condition, values = start_condition(start, namespace)
        sql += condition
        params += values
    if order:
        sql += " ORDER BY namespace, name"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return sql, params


class Reader:
    """Reads inside one snapshot (a transaction) of the store.

    Statements go straight to the driver's cursor: the transaction is the
    SQLAlchemy connection's, the per-statement cost is SQLite's alone.
    """

    def __init__(self, connection: "Connection | None", wall: Callable[[], float],
                 raw=None, dialect: dialects.Dialect = dialects.SQLITE) -> None:
        # `connection` is SQLAlchemy's (writes); the read path passes only the driver connection.
        self.connection = connection
        if raw is None:
            assert connection is not None
            raw = connection.connection.dbapi_connection
        assert raw is not None, "an open connection has a DBAPI connection"
        self._raw = raw
        self._wall = wall
        self._d = dialect
        # Set by a changelog read that found rows: Store.read's COMMIT then waits until what this snapshot
        # saw is durable (on PostgreSQL a commit is visible just before its WAL flush: dialects' docstring).
        self.flush = False

    def _q(self, sql: str, params: dict | tuple = ()):  # -> the driver's cursor
        return self._d.execute(self._raw, sql, params)

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

    def list(self, kind: str, namespace: str | None = None, labels: Iterable[tuple[str, tuple[str, ...] | None]] = (),
             fields: Iterable[tuple[str, str]] = (),
             paths: "tuple[tuple[str, ...], ...] | None" = None, start: tuple[str, str] | None = None,
             limit: int | None = None) -> builtins.list[Stored]:
        """Every object of a kind, optionally in one namespace, ordered by namespace and name.

        `start` (namespace, name) keeps the objects at or after that key and `limit` the first so
        many of them: a page of a paginated list reads its own rows (a keyset on the key's index).

        `labels` narrows to objects having each label key (with one of the values, unless None)
        and `fields` to objects whose string field (a dotted path) equals a value, both evaluated
        by SQLite on the stored JSON, so that rows that cannot match are never decoded. Callers
        still apply their selectors in full (these are only the parts SQL can decide).

        `paths` (each a tuple of keys, `("status", "phase")`) asks for a projection: each body
        holds only those fields (and kind, metadata.name, namespace and resourceVersion), read
        by SQLite's JSON functions without decoding the rest, or picked from the decoded body
        where the database has no such functions (`project`). A path ending in LENGTH reads only
        an array's length (SQLite counts it without reading the elements).
        """
        by_sql = paths is not None and JSON_PROJECTION and self._d.json_projection and _sql_paths(paths)
        body_sql, params, shape, lengths = "body", [kind], paths, False
        if by_sql and paths is not None:
            read, arrays = _split(paths)
            shape = read + arrays
            lengths = bool(arrays) and self._d.projection_lengths
            if not lengths:
                read = shape
            body_sql = self._d.projection_sql(len(read)) + "".join(", " + self._d.length_sql() for _ in arrays
                                                                   if lengths)
            params = [*(self._d.projection_path(p) for p in read),
                      *(param for p in arrays if lengths for param in self._d.length_params(p)), kind]
        sql = f"SELECT namespace, name, uid, resource_version, {body_sql} FROM objects WHERE kind = ?"
        if namespace is not None:
            sql += " AND namespace = ?"
            params.append(namespace)
        for key, values in labels:
            path = self._d.label_path(key)
            if values is None:
                sql += " AND " + self._d.json_exists()
                params.append(path)
            else:
                sql += f" AND {self._d.json_text()} IN ({', '.join('?' for _ in values)})"
                params += [path, *values]
        for field, value in fields:
            if field == "metadata.name":
                sql += " AND name = ?"
            elif field == "metadata.namespace":
                sql += " AND namespace = ?"
            else:
                sql += f" AND {self._d.json_text()} = ?"
                params.append(self._d.field_path(field))
            params.append(value)
        sql, params = _keyset(sql, params, namespace, start, limit)
        rows = self._q(sql, tuple(params))
        with _no_collection():
            if paths is None:
                return [Stored(kind, ns, name, uid, rv, decode(body, rv)) for ns, name, uid, rv, body in rows]
            if by_sql:
                # the rows are fetched first: decoding them while SQLite steps is slower (0.01 to 0.04 s
                # of a 10,000-pod table's 0.33 s, measured at load 6 to 9), and a projection's rows are small
                rows = rows.fetchall()
                if lengths:
                    return [Stored(kind, ns, name, uid, rv, _rebuild(kind, ns, name, rv, shape, values, counts))
                            for ns, name, uid, rv, values, *counts in rows]
                return [Stored(kind, ns, name, uid, rv, _rebuild(kind, ns, name, rv, shape, values, (), len(arrays)))
                        for ns, name, uid, rv, values in rows]
            return [Stored(kind, ns, name, uid, rv, project(decode(body, rv), paths))
                    for ns, name, uid, rv, body in rows]

    def count(self, kind: str, namespace: str | None = None, start: tuple[str, str] | None = None) -> int:
        """How many objects of a kind (in a namespace, or all when None) are at or after the key
        `start`: a page's remainingItemCount, counted on the key's index without reading a body."""
        sql, params = _keyset("SELECT COUNT(*) FROM objects WHERE kind = ?"
                              + (" AND namespace = ?" if namespace is not None else ""),
                              [kind] + ([namespace] if namespace is not None else []), namespace, start, None,
                              order=False)
        return self._q(sql, tuple(params)).fetchone()[0]

    def list_prefix(self, kind: str, namespace: str, prefix: str) -> builtins.list[Stored]:
        """The objects of a kind in a namespace whose name starts with `prefix` (an index range)."""
        rows = self._q("SELECT name, uid, resource_version, body FROM objects WHERE kind = ? AND namespace = ? "
                       "AND name >= ? AND name < ? ORDER BY name", (kind, namespace, prefix, _successor(prefix)))
        return [Stored(kind, namespace, name, uid, rv, decode(body, rv)) for name, uid, rv, body in rows]

    def find_event(self, namespace: str, key: tuple) -> tuple[str, str] | None:
        """(namespace, name) of the Event with this aggregation key (see model.events), if any.

        Reads only the Events named after the involved object (`<name>.<suffix>`,
        a range of the (kind, namespace, name) index), compared in SQL.
        """
        kind, _, name, uid, type_, reason, message, component, host = key
        row = self._q(
            self._d.find_event_sql(),
            (namespace, f"{name}.", _successor(f"{name}."), reason, message, type_, kind, name, uid, component or None,
             host or "")).fetchone()
        return None if row is None else (namespace, row[0])

    _keeps_hints = False  # a Writer moves the allocation hints (allocations.first_free)

    def allocated(self, kind: str, value: int, exclude: tuple[str, str] = ("", "")) -> bool:
        """Whether a Service but `exclude` (namespace, name) holds this ClusterIP (`ip`, the address
        as an integer) or nodePort (`port`): one probe of the allocation table (allocations.py)."""
        return allocations.held(self._q, kind, value, exclude)

    def first_unallocated(self, kind: str, start: int, stop: int, exclude: tuple[str, str] = ("", ""),
                          taken: Collection[int] = ()) -> int | None:
        """The lowest value in [start, stop) (a band) no Service but `exclude` holds and not in
        `taken`, None when all are: a walk of the allocation table's index from the band's hint
        to its first gap (a Writer moves the hint there)."""
        return allocations.first_free(self._q, kind, start, stop, exclude, taken, keep=self._keeps_hints)

    def list_all(self, skip: Iterable[str] = ()) -> builtins.list[Stored]:
        """Every object of every kind but `skip`: the initial list of an informer cache."""
        skipped = sorted(skip)
        where = f" WHERE kind NOT IN ({', '.join('?' for _ in skipped)})" if skipped else ""
        rows = self._q(f"SELECT kind, namespace, name, uid, resource_version, body FROM objects{where} ORDER BY id",
                       tuple(skipped))
        with _no_collection():
            return [Stored(kind, ns, name, uid, rv, decode(body, rv)) for kind, ns, name, uid, rv, body in rows]


    def controller_states(self) -> builtins.list[tuple[str, str, str, str, dict]]:
        """Every controller's kept state: (component, kind, namespace, name, state)."""
        rows = self._q("SELECT component, kind, namespace, name, body FROM controller_state "
                       "ORDER BY component, kind, namespace, name")
        return [(c, k, ns, n, json.loads(body)) for c, k, ns, n, body in rows]

    def controller_state(self, component: str, kind: str, namespace: str, name: str) -> dict | None:
        """One kept state (a primary-key read), or None."""
        row = self._q("SELECT body FROM controller_state WHERE component = ? AND kind = ? AND namespace = ? "
                      "AND name = ?", (component, kind, namespace, name)).fetchone()
        return None if row is None else json.loads(row[0])


class Writer(Reader):
    """Writes inside one BEGIN IMMEDIATE transaction; every write is one revision.

    Objects of a kind with a time to live (`ttls`, cluster seconds) get
    `expires` set to the cluster clock plus it on every write, as etcd leases
    are renewed by each write; `Store.expire` deletes them when it passes.

    On PostgreSQL the writers' lock is taken late (dialects.PostgreSQL): at the
    first write statement, or at `lock()`. Code that reads and then decides
    what to write from it (an allocator's free address, a generated name or
    uid, a fence) calls `lock()` before that read; reads of an object it then
    writes with a compare-and-swap need not (a Conflict tells).
    """

    def __init__(self, connection: "Connection | None", wall: Callable[[], float],
                 raw=None, ttls: dict[str, float] | None = None,
                 dialect: dialects.Dialect = dialects.SQLITE, locked: bool = True,
                 renew: Callable[[], Any] | None = None) -> None:
        super().__init__(connection, wall, raw, dialect)
        self._ttls = ttls or {}
        self._keeps_hints = True
        self.locked = locked  # whether this transaction holds the writers' lock (SQLite: from BEGIN)
        # Before its first statement a late-locking transaction has done nothing: when that statement
        # finds the connection lost (the server restarted), `renew` connects again and it is retried.
        self._renew = None if locked else renew
        # What this transaction knows of the revision and of a virtual clock, read once: while it holds
        # the writers' lock nobody else changes them, and every statement but a SELECT forgets them
        # (create and update then set the revision they made; see _q).
        self._known_revision: int | None = None
        self._known_now: float | None = None
        self.written: dict[str, int] = {}  # objects created, updated or deleted in this transaction, by kind

    def lock(self) -> None:
        """Serialise from here: no other writer commits until this transaction ends, and every later read
        in it sees the last commit. Idempotent; SQLite's transactions hold the lock from BEGIN."""
        if not self.locked:
            self.locked = True  # set first: a failed BEGIN is still rolled back (Store.write)
            self._first(lambda: self._d.lock_write(self._raw, self._wall))

    def revision(self) -> int:
        known = self._known_revision
        if known is None:
            known = super().revision()
            if self.locked:
                self._known_revision = known
        return known

    def now(self) -> float:
        known = self._known_now
        if known is not None:
            return known
        now, virtual, offset = self._q('SELECT now, virtual, "offset" FROM clock WHERE id = 1').fetchone()
        if not virtual:
            return max(now, self._wall() + offset)
        if self.locked:
            self._known_now = now
        return now

    def _q(self, sql: str, params: dict | tuple = ()):
        if not sql.startswith("SELECT"):  # it may change the revision or the clock
            self._known_revision = self._known_now = None
        if not self.locked and not sql.lstrip()[:6].upper() == "SELECT":  # a write: the lock first
            self.lock()
        if self._renew is not None:
            return self._first(lambda: self._d.execute(self._raw, sql, params))
        return self._d.execute(self._raw, sql, params)

    def _first(self, statement: Callable[[], Any]) -> Any:
        renew, self._renew = self._renew, None
        if renew is None:
            return statement()
        try:
            return statement()
        except self._d.driver_errors:
            if not self._d.lost(self._raw):
                raise
            self._raw = renew()
            return statement()

    def create(self, kind: str, namespace: str, name: str, uid: str, body: dict) -> int:
        """Insert a new object; its revision. Raises AlreadyExists."""
        self.written[kind] = self.written.get(kind, 0) + 1
        ttl = self._ttls.get(kind)
        known, clock = self._known_revision, self._known_now
        # ON CONFLICT DO NOTHING rather than catching the unique violation: on PostgreSQL an error
        # aborts the whole transaction, and a caller may go on after AlreadyExists.
        returning = self._d.returning_rv  # PostgreSQL: the BEFORE trigger's revision, in the same round trip
        if ttl is None:
            cursor = self._q("INSERT INTO objects (kind, namespace, name, uid, body) VALUES (?, ?, ?, ?, ?) "
                             "ON CONFLICT (kind, namespace, name) DO NOTHING" + returning,
                             (kind, namespace, name, uid, encode(body)))
        else:
            cursor = self._q("INSERT INTO objects (kind, namespace, name, uid, body, expires) VALUES "
                             "(?, ?, ?, ?, ?, (SELECT now FROM clock WHERE id = 1) + ?) "
                             "ON CONFLICT (kind, namespace, name) DO NOTHING" + returning,
                             (kind, namespace, name, uid, encode(body), ttl))
        if cursor.rowcount == 0:
            raise errors.AlreadyExists.of(_resource(kind), name)
        rv = cursor.fetchone()[0] if returning else None
        if kind == "Service":
            allocations.insert(self._q, namespace, name, body)
        # one writer at a time: the insert's trigger took the newest revision, the one after what was known
        if rv is None:
            rv = known + 1 if known is not None else self.revision()
        if self.locked:
            self._known_revision, self._known_now = rv, clock  # an object's write leaves the clock as it was
        return rv

    def update(self, kind: str, namespace: str, name: str, body: dict, expected: int) -> int:
        """Compare-and-swap on the resource version; the (possibly unchanged) revision.

        Raises NotFound when the object is gone and Conflict when `expected` is stale.
        A body equal to the stored one creates no revision.
        """
        self.written[kind] = self.written.get(kind, 0) + 1
        ttl = self._ttls.get(kind)
        known, clock = self._known_revision, self._known_now
        returning = self._d.returning_rv
        # SQLite: the rows the statement and its trigger wrote tell whether it made a revision (the
        # update trigger writes three rows; an equal body, none), so the revision need not be read back.
        counted = known is not None and self.locked and self._renew is None and self._d.counts_trigger_changes
        before = self._d.total_changes(self._raw) if counted else 0
        if ttl is None:
            cursor = self._q("UPDATE objects SET body = ? WHERE kind = ? AND namespace = ? AND name = ? "
                             "AND resource_version = ?" + returning, (encode(body), kind, namespace, name, expected))
        else:
            cursor = self._q("UPDATE objects SET body = ?, expires = (SELECT now FROM clock WHERE id = 1) + ? "
                             "WHERE kind = ? AND namespace = ? AND name = ? AND resource_version = ?" + returning,
                             (encode(body), ttl, kind, namespace, name, expected))
        if cursor.rowcount == 0:
            self._missing_or_conflict(kind, namespace, name)
        rv = cursor.fetchone()[0] if returning else None
        if counted:
            rv = known + 1 if self._d.total_changes(self._raw) - before > 1 else expected
        if kind == "Service":
            allocations.replace(self._q, namespace, name, body)
        rv = rv if rv is not None else self._rv(kind, namespace, name)
        if self.locked:
            self._known_now = clock  # an object's write leaves the clock as it was
            if known is not None:  # a changed body took the next revision; an equal one none
                self._known_revision = max(known, rv)
        return rv

    def delete(self, kind: str, namespace: str, name: str, expected: int | None = None) -> int:
        """Remove an object (a DELETED changelog row); the revision of the removal."""
        self.written[kind] = self.written.get(kind, 0) + 1
        if expected is None:
            cursor = self._q("DELETE FROM objects WHERE kind = ? AND namespace = ? AND name = ?",
                             (kind, namespace, name))
        else:
            cursor = self._q("DELETE FROM objects WHERE kind = ? AND namespace = ? AND name = ? "
                             "AND resource_version = ?", (kind, namespace, name, expected))
        if cursor.rowcount == 0:
            self._missing_or_conflict(kind, namespace, name)
        if kind == "Service":
            allocations.remove(self._q, namespace, name)
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
        self._q(f"UPDATE clock SET now = {self._d.greatest}(now, ?) WHERE id = 1", (now,))
        if virtual is not None:
            self._q("UPDATE clock SET virtual = ? WHERE id = 1", (int(virtual),))

    def follow_wall(self) -> None:
        """In wall-clock mode, move the cluster clock up to the wall clock (plus offset) before writing."""
        self._q(f'UPDATE clock SET now = {self._d.greatest}(now, ? + "offset") WHERE id = 1 AND virtual = 0',
                (self._wall(),))

    def wall_clock(self) -> float:
        """Switch to wall-clock mode (`litekube run`); the offset of the cluster clock from the wall.

        A cluster clock that `advance` moved ahead keeps its lead as an offset,
        so the cluster goes on from where it was instead of stopping until the
        wall clock catches up.
        """
        wall = self._wall()
        self._q(f'UPDATE clock SET "offset" = {self._d.greatest}(0, now - ?), virtual = 0 WHERE id = 1', (wall,))
        self._q(f'UPDATE clock SET now = {self._d.greatest}(now, ? + "offset") WHERE id = 1', (wall,))
        return self._q('SELECT "offset" FROM clock WHERE id = 1').fetchone()[0]

    def virtual_clock(self) -> None:
        """Back to virtual time, from the cluster time the wall clock reached."""
        self._q(f'UPDATE clock SET now = {self._d.greatest}(now, ? + "offset"), virtual = 1 WHERE id = 1',
                (self._wall(),))

    def service_allocations(self, exclude: tuple[str, str] | None = None):
        """Reader.service_allocations, read under the writers' lock (an allocator decides from it)."""
        self.lock()
        return super().service_allocations(exclude)

    def hold(self, kind: str, namespace: str, name: str) -> Stored | None:
        """The object, read so that no other transaction changes it before this one ends (a fence).

        On SQLite the IMMEDIATE transaction already excludes every other writer; on PostgreSQL it
        takes the writers' lock first.
        """
        self.lock()
        return self.get(kind, namespace, name)

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
        self._busy_timeout = busy_timeout
        self._engines: tuple[Engine, Engine] | None = None
        self._local = threading.local()
        self._raws: list = []
        self._url_text = url
        self._url: URL | None = None
        self._listener: dialects.Listener | None = None
        created = False
        self.path: str | None = None
        self.dialect: dialects.Dialect = dialects.SQLITE
        # `_direct`: the store talks to the driver itself (an SQLite file, or PostgreSQL), else
        # through SQLAlchemy's connections (an SQLite URL with driver options).
        self._direct = False
        try:
            if dialects.is_postgres_url(url):
                self.dialect = dialects.for_url(self.url, None, busy_timeout)
                self._direct = True
            else:
                # a plain path needs no SQLAlchemy: the store talks to the sqlite3 driver
                self.path = database.sqlite_file(url)
                self._direct = self.path is not None
                self.dialect = dialects.SQLite(self.path, busy_timeout)
                if self.path is not None and not os.path.isdir(os.path.dirname(self.path) or "."):
                    raise ValueError("unable to open database file")  # what SQLite says, before any file exists
                created = self.path is not None and database.create_private(self.path)
            self._open()
        except (NotImplementedError, ValueError, OSError, *self.dialect.driver_errors) as exc:
            self._forget(created)
            reason = exc.strerror.lower() if isinstance(exc, OSError) and exc.strerror else exc
            raise errors.StoreUnavailable(f'cannot open the database "{url}": {reason}') from None
        except BaseException as exc:
            self._forget(created)
            orig = getattr(exc, "orig", None)  # SQLAlchemy's DBAPIError
            if orig is None:
                raise
            raise errors.StoreUnavailable(f'cannot open the database "{url}": {orig}') from None

    @property
    def url(self) -> "URL":
        """The SQLAlchemy URL of the database (built on first use: SQLAlchemy is imported then)."""
        if self._url is None:
            self._url = database.url_for(self._url_text)
        return self._url

    def _open(self) -> None:
        """A current database opens with the driver alone; otherwise SQLAlchemy and Alembic migrate it."""
        if self._direct and database.is_current(self._connection(), self.dialect):
            return
        database.migrate(self._writer, self._reader)

    def _forget(self, created: bool) -> None:
        """After a failed open: no connection left open, no empty file left behind."""
        self.close()
        if created and self.path is not None:
            database.remove_new(self.path)

    def _connection(self):
        raw = getattr(self._local, "raw", None)
        if raw is not None and self.dialect.lost(raw):
            raw = self._renew("raw")
        if raw is None:
            assert self._direct
            raw = self._local.raw = self.dialect.connect()
            self._raws.append(raw)
        return raw

    @property
    def _writer(self) -> "Engine":
        if self._engines is None:
            self._engines = database.open_engines(self.url, self._busy_timeout)
        return self._engines[0]

    @property
    def _reader(self) -> "Engine":
        self._writer  # noqa: B018 - opens both
        assert self._engines is not None
        return self._engines[1]

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        for raw in self._raws:
            raw.close()
        self._raws.clear()
        self._local = threading.local()
        if self._engines is not None:
            self._engines[0].dispose()
            self._engines[1].dispose()

    @contextmanager
    def read(self) -> Iterator[Reader]:
        """A short snapshot: a deferred transaction on the driver connection (no SQLAlchemy on this path)."""
        if not self._direct:
            with self._reader.begin() as connection:
                yield Reader(connection, self.wall)
            return
        raw, _ = self._begin("raw", self.dialect.begin_read)
        reader = Reader(None, self.wall, raw, self.dialect)
        try:
            yield reader
        except BaseException as exc:
            if self.dialect.lost(raw):
                self._lost(raw, exc)
                raise
            self._end_interrupted("raw", raw, self.dialect.commit)
            raise
        try:
            self.dialect.commit(raw, flush=reader.flush)
        except BaseException:
            self._end_interrupted("raw", raw, self.dialect.rollback)
            raise

    def _renew(self, which: str):
        """A new connection of this thread (`raw` for reads, `write`) in place of a lost one (the server
        restarted), waiting up to the busy timeout for the server to accept it."""
        old = getattr(self._local, which, None)
        if old is not None:
            setattr(self._local, which, None)
            if old in self._raws:
                self._raws.remove(old)
            try:
                old.close()
            except Exception:  # noqa: BLE001 - closing a lost connection
                pass
        try:
            raw = self.dialect.reconnect(self._busy_timeout)
        except ConnectionError as exc:
            raise errors.StoreUnavailable(f"lost the connection to the database: {exc}") from None
        setattr(self._local, which, raw)
        self._raws.append(raw)
        return raw

    def _begin(self, which: str, begin: Callable[[Any], Any]) -> tuple[Any, Any]:
        """(connection, what `begin` returned): the transaction's first statement, retried once on a new
        connection when the kept one turns out lost (nothing has happened in the transaction yet)."""
        raw = self._connection() if which == "raw" else self._write_connection()
        try:
            return raw, begin(raw)
        except self.dialect.driver_errors:
            if not self.dialect.lost(raw):
                raise
        except BaseException:  # a signal's exception, perhaps in the middle of the statement
            self._end_interrupted(which, raw, self.dialect.rollback)
            raise
        raw = self._renew(which)
        return raw, begin(raw)

    def _lost(self, raw, exc: BaseException) -> None:
        """Raise StoreUnavailable (one line) when a transaction failed because its connection was lost."""
        if isinstance(exc, self.dialect.driver_errors) and self.dialect.lost(raw):
            raise errors.StoreUnavailable("lost the connection to the database: " + " ".join(str(exc).split())) \
                from exc

    def _write_connection(self):
        raw = getattr(self._local, "write", None)
        if raw is not None and self.dialect.lost(raw):
            raw = self._renew("write")
        if raw is None:
            assert self._direct
            raw = self._local.write = self.dialect.connect()
            self._raws.append(raw)
        return raw

    @contextmanager
    def write(self) -> Iterator[Writer]:
        """One IMMEDIATE transaction: everything inside commits together or not at all.

        On an SQLite file this is the driver's own connection (no SQLAlchemy to import).
        """
        if not self._direct:
            with self._writer.begin() as connection:
                writer = Writer(connection, self.wall, ttls=self.ttls)
                writer.follow_wall()
                yield writer
            return
        if self.dialect.late_lock:  # nothing to send yet: the first statement begins (Writer.lock)
            raw, followed = self._write_connection(), True
        else:
            raw, followed = self._begin("write", lambda raw: self.dialect.begin_write(raw, self.wall))
        writer = Writer(None, self.wall, raw, self.ttls, self.dialect, locked=not self.dialect.late_lock,
                        renew=lambda: self._renew("write"))
        try:
            if not followed:
                writer.follow_wall()
            yield writer
        except BaseException as exc:
            raw = writer._raw  # renewed, if its first statement found the connection lost
            if self.dialect.lost(raw):
                self._lost(raw, exc)
                raise
            if writer.locked:  # else no transaction began (PostgreSQL's late lock begins it)
                self._end_interrupted("write", raw, self.dialect.rollback)
            elif not isinstance(exc, Exception):  # a signal's, perhaps in the middle of a read before the lock
                self._end_interrupted("write", raw, self.dialect.rollback)
            raise
        if writer.locked:
            try:
                # flush: returns once the write is durable (PostgreSQL: after the lock is released, see
                # dialects' docstring), so nothing is acknowledged before it is on disk
                self.dialect.commit_write(writer._raw)
            except BaseException as exc:
                self._lost(writer._raw, exc)
                self._end_interrupted("write", writer._raw, self.dialect.rollback)
                raise

    def _end_interrupted(self, which: str, raw, end: Callable[[Any], Any]) -> None:
        """End (`end`: commit or roll back) a transaction that an exception stopped; when that fails, close
        the connection (the server rolls back what it had begun) so that the next transaction opens a new one,
        and let the exception that stopped it go on.

        An exception a signal raises (SIGTERM's SystemExit, Ctrl-C) while the driver waits for a statement's
        answer leaves the connection in the middle of that statement: psycopg refuses any other with "another
        command is already in progress". Raising that instead would turn the signal into an ordinary error,
        which a control-plane batch catches and goes on from, and the lock would never be released.
        """
        try:
            end(raw)
        except self.dialect.driver_errors:
            if getattr(self._local, which, None) is raw:
                setattr(self._local, which, None)
            if raw in self._raws:
                self._raws.remove(raw)
            try:
                raw.close()
            except Exception:  # noqa: BLE001 - closing a connection already unusable
                pass

    def wait_for_change(self, timeout: float, stop: threading.Event | None = None) -> bool:
        """Wait up to `timeout` wall seconds for a commit; True when woken by one (or by `stop`).

        On PostgreSQL a LISTEN connection is woken by the triggers' NOTIFY; on
        SQLite there is no such signal, so this waits out the time (on `stop`,
        when given) and the poller polls. Either way the caller reads the
        changelog by cursor afterwards: a wake-up is only a hint.
        """
        if self._listener is None and self._direct:
            self._listener = self.dialect.listener()
        if self._listener is None:
            if stop is not None:
                return stop.wait(max(0.0, timeout))
            time.sleep(max(0.0, timeout))
            return False
        return self._listener.wait(timeout)

    def revision(self) -> int:
        with self.read() as reader:
            return reader.revision()

    def now(self) -> float:
        with self.read() as reader:
            return reader.now()

    def load_state(self) -> tuple[int | None, str | None]:
        """The control plane's persisted (cursor, timers JSON)."""
        with self.read() as reader:
            row = reader._q("SELECT cursor, timers FROM controlplane WHERE id = 1").fetchone()
            return row[0], row[1]

    def save_state(self, cursor: int, timers: str) -> None:
        with self.write() as writer:
            writer._q("UPDATE controlplane SET cursor = ?, timers = ? WHERE id = 1", (cursor, timers))

    def merge_state(self, merge: Callable[[int | None, str | None], tuple[int, str]]) -> None:
        """Replace the persisted (cursor, timers JSON) by `merge` of the stored ones, in one write transaction
        (control planes that run different components save their parts without losing each other's)."""
        with self.write() as writer:
            writer.lock()  # read, merge, write back: no other writer in between
            cursor, timers = writer._q("SELECT cursor, timers FROM controlplane WHERE id = 1").fetchone()
            writer._q("UPDATE controlplane SET cursor = ?, timers = ? WHERE id = 1", merge(cursor, timers))

    def load_snapshot(self) -> tuple[int, str, Iterator[bytes]] | None:
        """The control plane's cache snapshot: (revision, format, its chunks), or None.

        The chunks are read one at a time, each in its own short read, as they are taken. Taking one
        that is missing (a later save replaced them) or taking the last when their CRC-32 differs from
        the header's raises ValueError: the snapshot is torn, not to be trusted."""
        with self.read() as reader:
            row = reader._q("SELECT revision, format, token, chunks, checksum FROM snapshot WHERE id = 1").fetchone()
        if row is None:
            return None
        revision, form, token, count, checksum = row
        return revision, form, self._snapshot_chunks(token, count, checksum)

    def _snapshot_chunks(self, token: int, count: int, checksum: int) -> Iterator[bytes]:
        crc = 0
        for seq in range(count):
            with self.read() as reader:
                row = reader._q("SELECT body FROM snapshot_chunk WHERE token = ? AND seq = ?", (token, seq)).fetchone()
            if row is None:
                raise ValueError(f"snapshot chunk {seq} of {count} is missing")
            body = bytes(row[0])
            del row
            crc = zlib.crc32(body, crc)
            yield body
        if crc != checksum:
            raise ValueError(f"snapshot checksum {crc} is not the header's {checksum}")

    def save_snapshot(self, revision: int, form: str, chunks: Iterable[bytes]) -> None:
        """Replace the cache snapshot: the chunks under a new token, then the header naming them (and
        the chunks of any other token deleted) in the write of the last ones. Chunks are taken from
        `chunks` outside any transaction (making them holds no lock) and written once SNAPSHOT_WRITE
        bytes of them wait, each such batch in its own write: a snapshot smaller than that is one
        write, as the one-row snapshot was. A save that finds its chunks gone at the end (a
        concurrent save deleted them) keeps the other's snapshot and writes no header; one stopped
        half way leaves chunks no header names (the next save deletes them)."""
        token = int.from_bytes(os.urandom(7), "big")  # BIGINT on PostgreSQL; unique among concurrent saves
        insert = "INSERT INTO snapshot_chunk (token, seq, body) VALUES (?, ?, ?)"
        crc = seq = waiting = 0
        batch: builtins.list[tuple[int, int, bytes]] = []
        for body in chunks:
            crc = zlib.crc32(body, crc)
            batch.append((token, seq, body))
            seq += 1
            waiting += len(body)
            del body
            if waiting >= SNAPSHOT_WRITE:
                with self.write() as writer:
                    writer.lock()
                    writer._d.executemany(writer._raw, insert, batch)
                batch, waiting = [], 0
        with self.write() as writer:
            writer.lock()  # the last chunks, the count, the header: no other save in between
            if batch:
                writer._d.executemany(writer._raw, insert, batch)
            del batch
            (found,) = writer._q("SELECT count(*) FROM snapshot_chunk WHERE token = ?", (token,)).fetchone()
            if found != seq:
                writer._q("DELETE FROM snapshot_chunk WHERE token = ?", (token,))
                return
            writer._q("INSERT INTO snapshot (id, revision, format, token, chunks, checksum) VALUES (1, ?, ?, ?, ?, ?) "
                      "ON CONFLICT (id) DO UPDATE SET revision = excluded.revision, format = excluded.format, "
                      "token = excluded.token, chunks = excluded.chunks, checksum = excluded.checksum",
                      (revision, form, token, seq, crc))
            writer._q("DELETE FROM snapshot_chunk WHERE token <> ?", (token,))

    def compacted(self) -> int:
        """The compaction point: reading changes from before it fails with Expired."""
        with self.read() as reader:
            return reader._q("SELECT rev FROM compaction WHERE id = 1").fetchone()[0]

    def changes(self, since: int, limit: int = 1000, kinds_: Iterable[str] | None = None) -> builtins.list[Change]:
        """Changelog rows after revision `since`, oldest first (the watch primitive).

        Raises Expired when `since` is older than the compaction point.
        """
        with self.read() as reader:
            compacted = reader._q("SELECT rev FROM compaction WHERE id = 1").fetchone()[0]
            if since < compacted:
                raise errors.Expired(f"too old resource version: {since} ({compacted})")
            sql = "SELECT rev, op, kind, namespace, name, uid, body, prev_rev, ts FROM changelog WHERE rev > ?"
            params: list = [since]
            wanted = list(kinds_ or ())
            if wanted:
                sql += " AND kind IN (" + ", ".join("?" for _ in wanted) + ")"
                params += wanted
            rows = reader._q(sql + " ORDER BY rev LIMIT ?", (*params, limit)).fetchall()
            reader.flush = bool(rows)  # handed out only once durable: a crash cannot take them back
        READS["changes"] += len(rows)
        return [Change(*r) for r in rows]

    def object_changes(self, kind: str, namespace: str, name: str, since: int = 0, limit: int = 1000,
                       prefix: bool = False) -> builtins.list[Change]:
        """One object's changelog rows after `since`, oldest first, through the object-key index
        (kind, namespace, name, rev): they cost that object's rows, not the table's. With `prefix`,
        the rows of every object whose name starts with `name` (a range of the same index).

        Raises Expired when `since` is older than the compaction point.
        """
        with self.read() as reader:
            compacted = reader._q("SELECT rev FROM compaction WHERE id = 1").fetchone()[0]
            if since < compacted:
                raise errors.Expired(f"too old resource version: {since} ({compacted})")
            columns = "rev, op, kind, namespace, name, uid, body, prev_rev, ts"
            hint = reader._d.indexed_by("ix_changelog_object_rev")
            if prefix:
                rows = reader._q(f"SELECT {columns} FROM changelog{hint} "
                                 "WHERE kind = ? AND namespace = ? AND name >= ? AND name < ? AND rev > ? "
                                 "ORDER BY rev LIMIT ?",
                                 (kind, namespace, name, _successor(name), since, limit)).fetchall()
            else:
                rows = reader._q(f"SELECT {columns} FROM changelog{hint} "
                                 "WHERE kind = ? AND namespace = ? AND name = ? AND rev > ? ORDER BY rev LIMIT ?",
                                 (kind, namespace, name, since, limit)).fetchall()
            reader.flush = bool(rows)  # as in changes
        READS["changes"] += len(rows)
        return [Change(*r) for r in rows]

    def object_history(self, kind: str, namespace: str, name: str, uid: str | None = None) -> builtins.list[Change]:
        """The kept changelog rows of one object (of one incarnation with `uid`), oldest first.

        Reads through the object-key index (`object_changes`), from the compaction
        point, so it costs that object's kept rows; `logs` uses it.
        """
        out: builtins.list[Change] = []
        since = self.compacted()
        while True:
            try:
                batch = self.object_changes(kind, namespace, name, since=since)
            except errors.Expired:  # compacted meanwhile: what is kept starts later
                out, since = [], self.compacted()
                continue
            out.extend(c for c in batch if not uid or c.uid == uid)
            if len(batch) < 1000:
                return out
            since = batch[-1].revision

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
                head = writer.revision()
                done = writer._q("SELECT rev FROM compaction WHERE id = 1").fetchone()[0]
                cutoff = writer.now() - min_age
                young = writer._q("SELECT MIN(rev) FROM changelog WHERE ts > ?", (cutoff,)).fetchone()[0]
                target = head - history
                if young is not None:
                    target = min(target, young - 1)
                step = min(target, done + batch)
                if step <= done:
                    break
                writer._q("DELETE FROM changelog WHERE rev <= ?", (step,))
                writer._q("UPDATE compaction SET rev = ? WHERE id = 1", (step,))
        self.checkpoint()
        return done

    def checkpoint(self) -> None:
        """A PASSIVE WAL checkpoint, outside any transaction, so the file stays bounded."""
        if self._direct:
            self.dialect.checkpoint(self._write_connection())
            return
        raw = self._writer.raw_connection()
        try:
            self.dialect.checkpoint(raw.cursor())
        finally:
            raw.close()
