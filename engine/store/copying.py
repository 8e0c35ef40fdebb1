"""Copying a cluster from one database to another with its history (`litekube migrate`).

This module does I/O. Everything is read in one read snapshot of the source
and written in one transaction on the target, so the copy is all or
nothing and consistent at one revision. The rows are copied as they are:
the objects with their resource versions, the whole kept changelog (its
revisions, times and previous revisions), the revision counter, the
compaction point, the cluster clock, the controllers' state, the Services'
allocation tables and the control plane's cursor, timers and cache
snapshot. The target's triggers are dropped for the copy and recreated in
the same transaction, so copying neither spends revisions nor writes
changelog rows of its own. The control plane lock is not copied: its
holder is a process on the source.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from litekube import errors
from litekube.store import database, dialects, schema, triggers
from litekube.store.objects import Store

__all__ = ["copy", "Copied", "BATCH", "display"]

BATCH = 2000
# Parents before children would matter with foreign keys; there are none. Single-row tables first.
TABLES = ("revision", "compaction", "clock", "controlplane", "controller_state", "snapshot", "snapshot_chunk",
          "objects", "changelog", "allocations", "allocation_hints")
_NOT_COPIED = {"controlplane": {"holder", "expires"}}


@dataclass(frozen=True)
class Copied:
    """What a copy moved: the objects, the changelog rows, the revision the copy is consistent at."""

    objects: int
    changes: int
    revision: int
    compacted: int


def display(db: str) -> str:
    """`--db` as given, but with a password in it masked."""
    if "://" not in db:
        return db
    url = database.url_for(db)
    return db if url.password is None else url.render_as_string(hide_password=True)


def _open_source(db: str) -> Store:
    path = database.sqlite_file(db) if not dialects.is_postgres_url(db) else None
    if path is not None and not os.path.exists(path):
        raise errors.ManifestError(f"the database {display(db)} does not exist")
    store = Store(db)
    if store.revision() == 0:
        store.close()
        raise errors.ManifestError(f"the database {display(db)} holds no cluster")
    return store


def copy(source_db: str, target_db: str) -> Copied:
    """Copy the cluster in `source_db` into `target_db`, which must hold none; what was copied.

    Raises ManifestError (one line, naming the database) when the source is
    missing or empty, or the target already holds a cluster; StoreUnavailable
    when either cannot be opened.
    """
    source = _open_source(source_db)
    try:
        target = Store(target_db)
        try:
            return _copy(source, target, target_db)
        finally:
            target.close()
    finally:
        source.close()


def _copy(source: Store, target: Store, target_db: str) -> Copied:
    with target.read() as reader:
        holds = reader.revision() != 0 or reader._q("SELECT 1 FROM objects LIMIT 1").fetchone() is not None
    if holds:
        raise errors.ManifestError(f"the database {display(target_db)} already holds a cluster; "
                                   "migrate copies into an empty database")
    counts = {"objects": 0, "changelog": 0}
    dst = target.dialect
    with source.read() as reader, target.write() as writer:
        for statement in triggers.statements(dst.name, triggers.DROP):
            writer._q(statement)
        for table in TABLES:
            columns = [c.name for c in schema.metadata.tables[table].columns
                       if c.name not in _NOT_COPIED.get(table, ())]
            names = ", ".join(f'"{c}"' for c in columns)
            writer._q(f"DELETE FROM {table}")
            rows = reader._q(f"SELECT {names} FROM {table}")
            insert = f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' for _ in columns)})"
            while True:
                batch = rows.fetchmany(BATCH)
                if not batch:
                    break
                dst.executemany(writer._raw, insert, [tuple(_value(v) for v in row) for row in batch])
                if table in counts:
                    counts[table] += len(batch)
        if "holder" in _NOT_COPIED["controlplane"]:
            writer._q("UPDATE controlplane SET holder = NULL, expires = NULL WHERE id = 1")
        dst.after_copy(writer._raw)
        for statement in triggers.statements(dst.name):
            writer._q(statement)
        revision = writer.revision()
        compacted = writer._q("SELECT rev FROM compaction WHERE id = 1").fetchone()[0]
    return Copied(counts["objects"], counts["changelog"], revision, compacted)


def _value(value):
    return bytes(value) if isinstance(value, memoryview) else value
