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
from litekube.store.objects import Reader, Stored, decode

__all__ = ["list_at", "compaction_point", "FUTURE_REVISION"]

FUTURE_REVISION = "etcdserver: mvcc: required revision is a future revision"  # etcd's rpctypes.ErrFutureRev

def compaction_point(reader: Reader) -> int:
    return reader._q("SELECT rev FROM compaction WHERE id = 1").fetchone()[0]


def list_at(reader: Reader, kind: str, namespace: str | None, revision: int) -> list[Stored]:
    """The objects of `kind` (in `namespace`, or all when None) as they were at `revision`,
    ordered by namespace and name, each with the resource version it had then.

    Raises Expired when `revision` is older than the compaction point, or when an object's
    version at `revision` was written at or before it and overwritten since (the changelog no
    longer holds that body); ApiError (500, etcd's words) when `revision` is newer than the store's.
    """
    compacted = compaction_point(reader)
    head = reader.revision()
    if revision < compacted:
        raise errors.Expired(f"too old resource version: {revision} ({compacted})")
    if revision > head:
        raise errors.ApiError(FUTURE_REVISION)
    current = reader.list(kind, namespace)
    if revision == head:
        return current
    sql = "SELECT rev, op, namespace, name, uid, body, prev_rev FROM changelog WHERE kind = ? AND rev > ?"
    params: list = [kind, revision]
    if namespace is not None:
        sql += " AND namespace = ?"
        params.append(namespace)
    first: dict[tuple[str, str], tuple] = {}
    for row in reader._q(sql + " ORDER BY rev", tuple(params)):
        first.setdefault((row[2], row[3]), row)
    if not first:
        return current
    objects = {(s.namespace, s.name): s for s in current}
    for key, (_, op, ns, name, uid, body, prev) in first.items():
        if op == "ADDED" or prev is None:  # created after `revision`: absent then
            objects.pop(key, None)
            continue
        if op != "DELETED":  # MODIFIED: the body at `prev` is that revision's own row
            found = reader._q("SELECT uid, body FROM changelog WHERE rev = ?", (prev,)).fetchone()
            if found is None:
                raise errors.Expired(f"too old resource version: {revision} ({compacted}): the version {prev} of "
                                     f"{kind} {ns}/{name} is compacted")
            uid, body = found
        objects[key] = Stored(kind, ns, name, uid, prev, decode(body, prev))
    return [objects[key] for key in sorted(objects)]
