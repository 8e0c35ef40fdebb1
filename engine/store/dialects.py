"""The database dialects the store runs on: SQLite (the default) and PostgreSQL.

This module does I/O. Everything that differs between the two backends is
here and nowhere else in the store: how a driver connection is opened and
configured, how read and write transactions begin, the parameter style,
which driver errors mean a unique violation, whether a table exists, and
the few SQL fragments that are spelled differently (scalar GREATEST, JSON
paths, index hints). The store writes its statements with `?`
placeholders; the PostgreSQL dialect turns them into psycopg's `%s` once
per statement text.

SQLite: one file, WAL, `BEGIN IMMEDIATE` for writes (one writer at a time),
deferred snapshots for reads. PostgreSQL (psycopg 3): autocommit driver
connections that litekube begins itself; a write transaction takes the
store's advisory lock at its first write (or when the code asks for it,
`Writer.lock`, before a read it decides from), holds it to COMMIT, so writers
commit in revision order and a watcher polling `rev > cursor` never skips
one (a plain sequence is not gap-free under concurrent commits), while what
writers do before their first write runs in parallel; reads are REPEATABLE
READ READ ONLY snapshots. The triggers (triggers.py) keep the one-row revision counter, as
on SQLite, so a rolled-back write leaves no hole. Wake-ups: the triggers
NOTIFY `litekube_changelog`; `Listener` waits for it.

Durable commits without the flush under the lock (`flush="after-lock"`, the
default). A transaction's advisory lock is released only after its COMMIT
returns, and a synchronous COMMIT returns after its WAL flush, so with plain
commits the writers would commit one flush after another. Instead a write
transaction runs with `SET LOCAL synchronous_commit = off`: its COMMIT
inserts the commit record, becomes visible and releases the lock without
waiting. In the same round trip, after the COMMIT, the session runs
`BARRIER`, a tiny transaction that writes a WAL record and commits with the
session's own synchronous_commit (the server's setting, `on` by default), so
it waits for the WAL to be flushed up to its own commit record, which comes
after the write's: the write is on disk (and on a synchronous standby, when
the server has one) before `Store.write` returns, i.e. before anything is
acknowledged (a transaction that wrote nothing, only locked and read, has
nothing to wait for: no barrier, `COMMIT_WRITE`). Concurrent barriers share
one flush (PostgreSQL's group commit), so writers no longer wait for each
other's fsync. The barrier must write WAL: PostgreSQL flushes at commit only
for a transaction that has an xid *and* wrote WAL before its commit record
(xact.c, RecordTransactionCommit), so a bare `SELECT pg_current_xact_id()`
commits asynchronously and waits for nothing (checked on PostgreSQL 15);
`pg_logical_emit_message(true, ...)` takes an xid and writes one small record
(decoders of a logical slot see a 'litekube' message with no content; any
user may call it). Polling `pg_current_wal_flush_lsn()` up to the commit's
LSN would wait for the WAL writer instead (up to `wal_writer_delay`, 200 ms).

The window this opens: between a write's COMMIT and its flush (about one
fsync) other sessions see it. A server crash in that window loses it, and a
reader may have seen it; nothing acknowledged is lost (the writer had not
returned), and a write decided from what a transaction saw commits after it,
so its own barrier flushes both. The changelog reads (`Store.changes`, the
watch primitive) close the window for watchers: after a read that returned
rows they run the barrier too (`commit(flush=True)`), so a watcher never
hands out a revision that a crash could take back and then reuse. Other
reads (get, list) may show such a write for that moment.
`flush="under-lock"`: plain COMMITs, the flush under the lock (as before; the
benchmark compares).
"""
from __future__ import annotations

import functools
import sqlite3
import time
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

__all__ = ["Dialect", "SQLite", "PostgreSQL", "for_url", "SQLITE", "CHANNEL", "WRITE_LOCK", "is_postgres_url"]

CHANNEL = "litekube_changelog"  # NOTIFY channel the triggers signal on every committed change
WRITE_LOCK = 0x6C6B7374  # pg_advisory_xact_lock key of the store's writers ("lkst")
MIGRATE_LOCK = 0x6C6B6D67  # ... and of migrations, so two processes opening a new database do not race
# After an asynchronous COMMIT: a transaction that takes an xid and writes one WAL record (a logical-decoding
# message with no content), so its synchronous commit flushes the WAL up to past the earlier commit record.
BARRIER_CALL = "pg_logical_emit_message(true, 'litekube', '')"
BARRIER = "SELECT " + BARRIER_CALL
# A write transaction's COMMIT and then the barrier, in one round trip, the barrier only when the transaction
# wrote (has an xid; one that only took the lock and read, as an unchanged apply, wrote nothing to wait for):
# a session setting carries that across the COMMIT.
COMMIT_WRITE = ("SELECT set_config('litekube.wrote', (pg_current_xact_id_if_assigned() IS NOT NULL)::text, false); "
                f"COMMIT; SELECT CASE WHEN current_setting('litekube.wrote')::boolean THEN {BARRIER_CALL} END")
WAL_LIMIT = 8 * 1024 * 1024  # SQLite: a checkpointed WAL is truncated to this size when it restarts


def sqlite_settings(connection: sqlite3.Connection, busy_timeout: float) -> None:
    """The store's SQLite settings: WAL, synchronous=NORMAL, the busy timeout, a bounded WAL."""
    connection.isolation_level = None  # litekube owns BEGIN
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
    cursor.execute(f"PRAGMA journal_size_limit={WAL_LIMIT}")
    cursor.close()


def sqlite_connect(path: str, busy_timeout: float = 30.0) -> sqlite3.Connection:
    """An sqlite3 connection with the store's settings (no SQLAlchemy to import)."""
    connection = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None, check_same_thread=False)
    sqlite_settings(connection, busy_timeout)
    return connection


class Dialect:
    """What the store needs from a backend; SQLite's spelling unless overridden."""

    name = "sqlite"
    # Whether projected reads evaluate their JSON paths in SQL (SQLite's multi-path json_extract,
    # PostgreSQL's jsonb_build_array of `#>` paths); elsewhere the store decodes the body and picks
    # the fields (objects.project).
    json_projection = True
    greatest = "MAX"  # the scalar maximum of two values
    least = "MIN"
    returning_rv = ""  # SQLite's AFTER triggers set the revision: RETURNING would not see it
    # Whether `total_changes(raw)` counts the rows the triggers wrote too (sqlite3_total_changes does):
    # an UPDATE that moved only its own row made no revision (the update trigger did not fire).
    counts_trigger_changes = True
    integrity_errors: tuple[type[BaseException], ...] = (sqlite3.IntegrityError,)
    driver_errors: tuple[type[BaseException], ...] = (sqlite3.Error,)

    def execute(self, raw, sql: str, params: Any = ()):
        return raw.execute(sql, params)

    def executemany(self, raw, sql: str, rows: list) -> None:
        raw.executemany(sql, rows)

    def total_changes(self, raw) -> int:
        """Rows inserted, updated or deleted on this connection so far, triggers' rows included."""
        return raw.total_changes

    def after_copy(self, raw) -> None:
        """After rows were copied in with their ids (`litekube migrate`): nothing on SQLite (rowids)."""

    def indexed_by(self, index: str) -> str:
        """An index hint (SQLite's planner needs it for the object-history reads)."""
        return f" INDEXED BY {index}"

    # -- JSON in the body column (text) ------------------------------------------------------

    def json_exists(self) -> str:
        """SQL true when the JSON path parameter exists in `body` (JSON null counts as present)."""
        return "json_type(body, ?) IS NOT NULL"

    def json_text(self) -> str:
        """SQL for the value at the JSON path parameter in `body`."""
        return "json_extract(body, ?)"

    def label_path(self, key: str) -> Any:
        return f'$.metadata.labels."{key}"'

    def projection_sql(self, count: int) -> str:
        """SQL for one JSON array text of `body`'s kind and then the value at each of `count` path
        parameters (`projection_path`), null where absent."""
        return f"json_extract(body, '$.kind', {', '.join('?' for _ in range(count))})"

    def projection_path(self, path: tuple[str, ...]) -> Any:
        return "$" + "".join(f'."{key}"' for key in path)

    # Whether a projection reads an array's length in SQL (`length_sql`, one column after the
    # projection's): elsewhere the array is read whole and counted.
    projection_lengths = True

    def length_sql(self) -> str:
        """SQL for the length of the array at a path (`length_params`), null where it is no array."""
        return "CASE json_type(body, ?) WHEN 'array' THEN json_array_length(body, ?) END"

    def length_params(self, path: tuple[str, ...]) -> tuple:
        return (self.projection_path(path),) * 2

    def field_path(self, field: str) -> Any:
        return "$." + field

    def find_event_sql(self) -> str:
        return (
            "SELECT name FROM objects WHERE kind = 'Event' AND namespace = ? AND name > ? AND name < ? "
            "AND json_extract(body, '$.reason') = ? AND json_extract(body, '$.message') = ? "
            "AND json_extract(body, '$.type') = ? AND json_extract(body, '$.involvedObject.kind') IS ? "
            "AND json_extract(body, '$.involvedObject.name') IS ? AND json_extract(body, '$.involvedObject.uid') IS ? "
            "AND json_extract(body, '$.source.component') IS ? "
            "AND coalesce(json_extract(body, '$.source.host'), '') = ? LIMIT 1")

    # -- connections and transactions --------------------------------------------------------

    def connect(self):  # pragma: no cover - every dialect overrides
        raise NotImplementedError

    def lost(self, raw) -> bool:
        """Whether a driver connection is gone (the server restarted or ended it): reconnect. SQLite: never."""
        return False

    def reconnect(self, timeout: float):
        """A new connection after one was lost, waiting up to `timeout` seconds for the server to take one."""
        return self.connect()

    def begin_read(self, raw) -> None:
        raw.execute("BEGIN")

    # Whether a write transaction takes the writers' lock late (`lock_write`, at its first write) rather
    # than at `begin_write`; SQLite's BEGIN IMMEDIATE takes it at once.
    late_lock = False

    def begin_write(self, raw, wall: Callable[[], float] | None = None) -> bool:
        """Begin a write transaction; True when it also moved the clock to the wall (Writer.follow_wall)."""
        raw.execute("BEGIN IMMEDIATE")
        return False

    def lock_write(self, raw, wall: Callable[[], float]) -> None:
        """With `late_lock`: begin the transaction, take the writers' lock (held to its end) and move the
        clock to the wall (Writer.follow_wall); nothing elsewhere."""

    def commit(self, raw, flush: bool = False) -> None:
        """COMMIT; with `flush` (a changelog read that found rows) return only once what the transaction
        saw is durable (PostgreSQL's barrier; SQLite's commits already are)."""
        raw.execute("COMMIT")

    def commit_write(self, raw) -> None:
        """COMMIT a write transaction, returning once what it wrote is durable."""
        raw.execute("COMMIT")

    def rollback(self, raw) -> None:
        raw.execute("ROLLBACK")

    def table_exists(self, raw, name: str) -> bool:
        return raw.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)).fetchone() is not None

    def triggers(self, raw) -> set[str]:
        """The names of the triggers on `objects` (tests check that migrations keep them)."""
        return {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}

    def checkpoint(self, raw) -> None:
        """Keep the log bounded (SQLite's WAL); nothing on servers that do it themselves."""
        raw.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def listener(self) -> "Listener | None":
        """A wake-up channel for committed changes, or None (SQLite: the poller polls)."""
        return None


class SQLite(Dialect):
    """One database file through the sqlite3 driver (see database.connect_raw for the settings)."""

    def __init__(self, path: str | None = None, busy_timeout: float = 30.0) -> None:
        self.path = path
        self.busy_timeout = busy_timeout

    def connect(self) -> sqlite3.Connection:
        assert self.path is not None
        return sqlite_connect(self.path, self.busy_timeout)


SQLITE = SQLite()


@functools.lru_cache(maxsize=4096)
def _pyformat(sql: str) -> str:
    """`?` placeholders as psycopg's `%s` (a literal `%` doubled); the store's SQL has no `?` in literals."""
    return sql.replace("%", "%%").replace("?", "%s")


class PostgreSQL(Dialect):
    """A PostgreSQL database through psycopg 3 (imported only when one is used)."""

    name = "postgresql"
    greatest = "GREATEST"
    least = "LEAST"
    returning_rv = " RETURNING resource_version"  # set by the BEFORE trigger, so RETURNING sees it
    counts_trigger_changes = False

    def __init__(self, conninfo: str = "", busy_timeout: float = 30.0, write_lock: str = "first-write",
                 flush: str = "after-lock") -> None:
        import psycopg

        self.conninfo = conninfo
        # "first-write" (the default): a write transaction takes the writers' advisory lock at its
        # first write statement, or earlier when the code calls Writer.lock() before a read it
        # decides from (the API's write requests do, so do the allocators, admission's quota,
        # name and uid generation, the lease fence); held to COMMIT, so revisions stay gap-free and
        # in commit order. The transaction itself begins there too: the reads before it are
        # autocommit statements (READ COMMITTED's per-statement snapshots all the same), and a
        # write transaction that writes nothing costs no round trip for BEGIN and COMMIT.
        # "begin": writers queue at BEGIN, as on SQLite (BEGIN IMMEDIATE) (bench_postgres compares).
        if write_lock not in ("begin", "first-write"):
            raise ValueError(f"unknown write lock {write_lock!r}")
        self.write_lock = write_lock
        # "after-lock" (the default): a write commits asynchronously, releasing the lock at once, and then
        # waits for the WAL flush (BARRIER, module docstring) outside the lock. "under-lock": a plain
        # COMMIT, waiting for the flush with the lock held (writers then commit at the flush rate).
        if flush not in ("after-lock", "under-lock"):
            raise ValueError(f"unknown flush mode {flush!r}")
        self.flush = flush
        self.busy_timeout = busy_timeout
        self.integrity_errors = (psycopg.errors.IntegrityError,)
        self.driver_errors = (psycopg.Error,)

    def execute(self, raw, sql: str, params: Any = ()):
        if not params:
            return raw.execute(sql)
        return raw.execute(_pyformat(sql), params)

    def executemany(self, raw, sql: str, rows: list) -> None:
        raw.cursor().executemany(_pyformat(sql), rows)

    def after_copy(self, raw) -> None:
        """The objects' id sequence goes on after the copied ids."""
        raw.execute("SELECT setval(pg_get_serial_sequence('objects', 'id'), "
                    "coalesce((SELECT max(id) FROM objects), 0) + 1, false)")

    def indexed_by(self, index: str) -> str:
        return ""

    def json_exists(self) -> str:
        return "(body::jsonb #> ?) IS NOT NULL"

    def json_text(self) -> str:
        return "(body::jsonb #>> ?)"

    def label_path(self, key: str) -> Any:
        return ["metadata", "labels", key]

    def projection_sql(self, count: int) -> str:
        paths = "".join(", j #> ?::text[]" for _ in range(count))
        return f"(SELECT jsonb_build_array(j -> 'kind'{paths})::text FROM (SELECT body::jsonb AS j) s)"

    def projection_path(self, path: tuple[str, ...]) -> Any:
        return list(path)

    projection_lengths = False  # the arrays are read whole in the projection and counted

    def field_path(self, field: str) -> Any:
        return field.split(".")

    def find_event_sql(self) -> str:
        return (
            "SELECT name FROM (SELECT name, body::jsonb AS j FROM objects WHERE kind = 'Event' AND namespace = ? "
            "AND name > ? AND name < ?) o WHERE j->>'reason' = ? AND j->>'message' = ? AND j->>'type' = ? "
            "AND (j #>> '{involvedObject,kind}') IS NOT DISTINCT FROM ?::text "
            "AND (j #>> '{involvedObject,name}') IS NOT DISTINCT FROM ?::text "
            "AND (j #>> '{involvedObject,uid}') IS NOT DISTINCT FROM ?::text "
            "AND (j #>> '{source,component}') IS NOT DISTINCT FROM ?::text "
            "AND coalesce(j #>> '{source,host}', '') = ? LIMIT 1")

    def connect(self):
        import psycopg

        try:
            return psycopg.connect(self.conninfo, autocommit=True, connect_timeout=max(1, int(self.busy_timeout)),
                                   application_name="litekube")
        except psycopg.OperationalError as exc:
            # libpq's message spans lines ('connection to server ... failed: ...\n\tIs the server running'):
            # one line for the user
            raise ConnectionError(" ".join(str(exc).split())) from None

    def lost(self, raw) -> bool:
        return bool(raw.closed or raw.broken)

    def reconnect(self, timeout: float):
        """Connect again, retrying while the server is down or starting up (a restart takes seconds)."""
        deadline = time.monotonic() + timeout
        delay = 0.05
        while True:
            try:
                return self.connect()
            except ConnectionError:
                if time.monotonic() + delay > deadline:
                    raise
                time.sleep(delay)
                delay = min(1.0, delay * 2)

    def begin_read(self, raw) -> None:
        raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    @property
    def late_lock(self) -> bool:  # type: ignore[override]
        return self.write_lock == "first-write"

    def begin_write(self, raw, wall: Callable[[], float] | None = None) -> bool:
        if self.late_lock:
            return True  # BEGIN, the lock and the clock come together at the first write (lock_write)
        return self._begin_locked(raw, wall)

    def lock_write(self, raw, wall: Callable[[], float]) -> None:
        if self.late_lock:
            self._begin_locked(raw, wall)

    def _begin_locked(self, raw, wall: Callable[[], float] | None) -> bool:
        # One simple-protocol round trip: BEGIN, the writers' lock (held until COMMIT/ROLLBACK) and
        # Writer.follow_wall's statement, the wall time a float literal (repr round-trips exactly).
        lock = f"; SELECT pg_advisory_xact_lock({WRITE_LOCK})"
        if self.flush == "after-lock":  # the COMMIT does not wait for the flush: commit() waits after it
            lock = "; SET LOCAL synchronous_commit = off" + lock
        if wall is None:
            raw.execute("BEGIN" + lock)
            return False
        now = float(wall())
        raw.execute(f"BEGIN{lock}; UPDATE clock SET now = GREATEST(now, '{now!r}'::float8 + \"offset\") "
                    "WHERE id = 1 AND virtual = 0")
        return True

    def commit(self, raw, flush: bool = False) -> None:
        # One round trip: the COMMIT, then the barrier, which returns once the WAL is flushed past it.
        raw.execute("COMMIT; " + BARRIER if flush and self.flush == "after-lock" else "COMMIT")

    def commit_write(self, raw) -> None:
        if self.flush != "after-lock":
            raw.execute("COMMIT")
            return
        # The COMMIT is asynchronous (the lock is released here), then the barrier (COMMIT_WRITE).
        try:
            raw.execute(COMMIT_WRITE)
        except self.driver_errors:
            # Failed before its COMMIT (an aborted transaction): end it, as a failed COMMIT would have.
            if not self.lost(raw) and raw.info.transaction_status != raw.info.transaction_status.IDLE:
                raw.execute("ROLLBACK")
            raise

    def table_exists(self, raw, name: str) -> bool:
        return raw.execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()[0]

    def triggers(self, raw) -> set[str]:
        return {r[0] for r in raw.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass('objects') AND NOT tgisinternal")}

    def checkpoint(self, raw) -> None:
        return None  # PostgreSQL checkpoints and vacuums on its own

    def listener(self) -> "Listener":
        return Listener(self)


class Listener:
    """LISTEN on the changelog channel: `wait(timeout)` returns when a change commits (or on timeout).

    A notification is only a hint: the poller still reads the changelog by
    cursor after every wake-up, so a lost one costs at most `timeout`.
    """

    def __init__(self, dialect: PostgreSQL) -> None:
        self._dialect = dialect
        self._raw = None

    def _connection(self):
        if self._raw is None or self._raw.closed:
            self._raw = self._dialect.connect()
            self._raw.execute(f"LISTEN {CHANNEL}")
        return self._raw

    def wait(self, timeout: float) -> bool:
        """True when woken by a commit, False on timeout. Drains what has queued up meanwhile."""
        import psycopg

        try:
            raw = self._connection()
            woken = False
            for _ in raw.notifies(timeout=max(0.0, timeout), stop_after=1):
                woken = True
            if woken:  # fold the ones already queued into this wake-up
                for _ in raw.notifies(timeout=0.0):
                    pass
            return woken
        except (psycopg.Error, ConnectionError):
            self.close()  # reconnected on the next wait; the server may be restarting: wait out the time
            time.sleep(max(0.0, min(timeout, 1.0)))
            return False

    def close(self) -> None:
        if self._raw is not None:
            try:
                self._raw.close()
            except Exception:  # noqa: BLE001 - closing a broken connection
                pass
            self._raw = None


def is_postgres_url(db: str) -> bool:
    return db.split("://", 1)[0].split("+", 1)[0] in ("postgresql", "postgres")


def conninfo(url: "URL") -> str:
    """A libpq connection URI for an SQLAlchemy URL (`postgresql+psycopg://...` without the driver)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def for_url(url: "URL", sqlite_path: str | None, busy_timeout: float = 30.0) -> Dialect:
    """The dialect of a database URL; NotImplementedError for backends the store does not support."""
    backend = url.get_backend_name()
    if backend == "sqlite":
        return SQLite(sqlite_path, busy_timeout)
    if backend == "postgresql":
        driver = url.get_driver_name()
        if driver not in ("psycopg", "psycopg2"):  # psycopg2 is SQLAlchemy's default name: psycopg 3 serves it
            raise NotImplementedError(f"litekube talks to PostgreSQL through psycopg, not {driver}")
        return PostgreSQL(conninfo(url), busy_timeout)
    raise NotImplementedError(f"litekube's store does not support {backend}")

