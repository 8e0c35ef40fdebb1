"""Reading the objects of a kind as they were at a past revision. This module does I/O (through a Reader).

etcd answers a range read at any revision at or after its compaction
point; litekube rebuilds that state from the current objects and the
changelog after it, inside one read snapshot: every object the
changelog rows after `revision` touched is put back as it was (an
object ADDED after it is left out; one MODIFIED or DELETED after it
is the version `prev_rev` names: the DELETED row's own body, or the
changelog row of that revision). Paginated lists (`continue`) and
`resourceVersionMatch=Exact` read this way.

The changelog holds each write's new body, so a version written at or
before the compaction point and overwritten after `revision` cannot be
rebuilt: such a read raises Expired as a compacted one does (etcd would
still have that version; see `list_at`).
"""
from __future__ import annotations

from litekube import errors
from litekube.store.objects import Reader, Stored, decode, start_condition

__all__ = ["list_at", "count_at", "compaction_point", "FUTURE_REVISION"]

FUTURE_REVISION = "etcdserver: mvcc: required revision is a future revision"  # etcd's rpctypes.ErrFutureRev

def compaction_point(reader: Reader) -> int:
    return reader._q("SELECT rev FROM compaction WHERE id = 1").fetchone()[0]


def list_at(reader: Reader, kind: str, namespace: str | None, revision: int,
            start: tuple[str, str] | None = None, limit: int | None = None) -> list[Stored]:
    """The objects of `kind` (in `namespace`, or all when None) as they were at `revision`,
    ordered by namespace and name, each with the resource version it had then.

    `start` (namespace, name) keeps those at or after that key and `limit` the first so many:
    a page reads the changelog rows after `revision` from its start key, and the current
    objects of its own range (plus one per such row, that the rows may take out).

    Raises Expired when `revision` is older than the compaction point, or when an object's
    version at `revision` was written at or before it and overwritten since (the changelog no
    longer holds that body); ApiError (500, etcd's words) when `revision` is newer than the store's.
    """
    _check(reader, revision)
    first = _first_changes(reader, kind, namespace, revision, start)
    current = reader.list(kind, namespace, start=start, limit=None if limit is None else limit + len(first))
    if not first:
        return current
    objects = {(s.namespace, s.name): s for s in current}
    for key, (_, op, ns, name, uid, body, prev) in first.items():
        if op == "ADDED" or prev is None:  # created after `revision`: absent then
            objects.pop(key, None)
            continue
        objects[key] = _past(reader, kind, revision, ns, name, op, uid, body, prev)
    keys = sorted(objects)
    if limit is not None and current and len(current) == limit + len(first):
        # Past the last current row read, the objects not read yet come first: keep only the keys before it.
        last = (current[-1].namespace, current[-1].name)
        keys = [k for k in keys if k <= last]
    return [objects[key] for key in keys[:limit]]


def count_at(reader: Reader, kind: str, namespace: str | None, revision: int,
             start: tuple[str, str] | None = None) -> int:
    """How many objects `list_at` would give (at or after `start`), without reading their bodies:
    the current count corrected by the changelog rows after `revision`. Raises as `list_at`."""
    _check(reader, revision)
    total = reader.count(kind, namespace, start)
    for (ns, name), (_, op, *_rest, prev) in _first_changes(reader, kind, namespace, revision, start).items():
        now = reader._q("SELECT 1 FROM objects WHERE kind = ? AND namespace = ? AND name = ?",
                        (kind, ns, name)).fetchone() is not None
        then = op != "ADDED" and prev is not None
        total += int(then) - int(now)
    return total


def _check(reader: Reader, revision: int) -> None:
    compacted = compaction_point(reader)
    if revision < compacted:
        raise errors.Expired(f"too old resource version: {revision} ({compacted})")
    if revision > reader.revision():
        raise errors.ApiError(FUTURE_REVISION)


def _first_changes(reader: Reader, kind: str, namespace: str | None, revision: int,
                   start: tuple[str, str] | None) -> dict[tuple[str, str], tuple]:
    """The first changelog row after `revision` of each object of the range (none at the head)."""
    sql = "SELECT rev, op, namespace, name, uid, body, prev_rev FROM changelog WHERE kind = ? AND rev > ?"
    params: list = [kind, revision]
    if namespace is not None:
        sql += " AND namespace = ?"
        params.append(namespace)
    if start is not None:
        condition, values = start_condition(start, namespace)
        sql += condition
        params += values
    first: dict[tuple[str, str], tuple] = {}
    for row in reader._q(sql + " ORDER BY rev", tuple(params)):
        first.setdefault((row[2], row[3]), row)
    return first


def _past(reader: Reader, kind: str, revision: int, ns: str, name: str, op: str, uid: str, body: str,
          prev: int) -> Stored:
    """The object as it was at `revision`, from its first changelog row after it."""
    if op != "DELETED":  # MODIFIED: the body at `prev` is that revision's own row
        found = reader._q("SELECT uid, body FROM changelog WHERE rev = ?", (prev,)).fetchone()
        if found is None:
            raise errors.Expired(f"too old resource version: {revision} ({compaction_point(reader)}): the version "
                                 f"{prev} of {kind} {ns}/{name} is compacted")
        uid, body = found
    return Stored(kind, ns, name, uid, prev, decode(body, prev))
