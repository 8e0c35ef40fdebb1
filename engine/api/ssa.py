"""Server-side apply and field ownership: what kube-apiserver's fieldmanager does.

No I/O happens here: the caller passes the live object, the time and the
manager. Every write records in `metadata.managedFields` which manager owns
which fields (litekube.model.fieldpath encodes them):

- `update(live, new, ...)`: a create, update or patch (operation Update).
  The writer takes the fields it added or changed, from whoever owned them,
  and every manager loses the fields the write removed. A write that changes
  nothing leaves the entries as they were.
- `apply(live, config, ...)`: an apply (operation Apply). The configuration
  is merged into the object (litekube.model.structured), the applier owns
  exactly the fields its configuration names, fields it applied before and
  no longer names are removed unless another manager owns them, and a
  change to a field another manager owns is an ApplyConflict unless
  `force` takes the field over. Two managers applying the same value share
  the field.

As upstream, metadata's bookkeeping fields (name, uid, resourceVersion, ...)
are owned by nobody, at most 10 Update entries are kept (the oldest merge
into `ancient-changes`), and the `kubectl` manager upgrades an object made
by client-side apply: a conflict on a field whose live value still is the
one in the last-applied annotation is no conflict, and the annotation
follows what `kubectl` applies.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace

from litekube import errors
from litekube.model import fieldpath, structured
from litekube.model.fieldpath import FieldSet

__all__ = ["APPLY", "UPDATE", "Entry", "decode", "encode", "update", "apply", "managed_fields",
           "without_managed_fields", "MAX_UPDATE_MANAGERS", "LAST_APPLIED", "print_manager"]

APPLY, UPDATE = "Apply", "Update"
MAX_UPDATE_MANAGERS = 10
ANCIENT = "ancient-changes"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
_SERVER_SIDE = "kubectl"  # the manager whose applies upgrade client-side apply's objects


def _strip_set() -> FieldSet:
    s: FieldSet = {}
    for path in (("f:apiVersion",), ("f:kind",), ("f:metadata",)) + tuple(
            ("f:metadata", "f:" + name) for name in (
                "name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName", "generation",
                "managedFields", "resourceVersion")):
        fieldpath.insert(s, path)
    return s


_STRIP = _strip_set()


@dataclass(frozen=True)
class Entry:
    """One managedFields entry, its fields as a set."""

    manager: str
    operation: str
    api_version: str
    fields: FieldSet
    time: str | None = None
    subresource: str = ""

    @property
    def identity(self) -> tuple[str, str, str, str]:
        """Upstream's manager identifier: an applier is one manager whatever version it applied."""
        return (self.manager, self.operation, "" if self.operation == APPLY else self.api_version,
                self.subresource)

    def to_json(self) -> dict:
        out = {"manager": self.manager, "operation": self.operation, "apiVersion": self.api_version}
        if self.time is not None:
            out["time"] = self.time
        out["fieldsType"] = "FieldsV1"
        out["fieldsV1"] = fieldpath.to_fields_v1(self.fields)
        if self.subresource:
            out["subresource"] = self.subresource
        return out


def print_manager(entry: Entry) -> str:
    """How a conflict names a manager: `"kubectl-edit" using apps/v1`, `"kubelet" with subresource "status"`."""
    text = json.dumps(entry.manager, ensure_ascii=False)
    if entry.subresource:
        text += f" with subresource {json.dumps(entry.subresource)}"
    if entry.operation == UPDATE:
        text += f" using {entry.api_version}"
    return text


def decode(obj: dict | None) -> list[Entry]:
    """The entries of an object's managedFields; none for a missing or malformed list (upstream resets it)."""
    raw = ((obj or {}).get("metadata") or {}).get("managedFields")
    if not isinstance(raw, list):
        return []
    out = []
    try:
        for item in raw:
            if not isinstance(item, dict) or item.get("operation") not in (APPLY, UPDATE):
                return []
            if item.get("fieldsType", "FieldsV1") != "FieldsV1":
                return []
            out.append(Entry(str(item.get("manager") or ""), item["operation"], str(item.get("apiVersion") or ""),
                             fieldpath.from_fields_v1(item.get("fieldsV1") or {}), item.get("time"),
                             str(item.get("subresource") or "")))
    except ValueError:
        return []
    return out


def _time_key(entry: Entry) -> str:
    return entry.time or ""


def encode(entries: list[Entry]) -> list[dict]:
    """managedFields as upstream orders them: Apply before Update, then by time, manager, version, subresource."""
    ordered = sorted(entries, key=lambda e: (e.operation, _time_key(e), e.manager, e.api_version, e.subresource))
    return [e.to_json() for e in ordered]


def without_managed_fields(obj: dict) -> dict:
    """A shallow copy of `obj` whose metadata has no managedFields."""
    meta = obj.get("metadata")
    if not isinstance(meta, dict) or "managedFields" not in meta:
        return obj
    return {**obj, "metadata": {k: v for k, v in meta.items() if k != "managedFields"}}


def _cap(entries: list[Entry], api_version: str, now: str) -> list[Entry]:
    """At most MAX_UPDATE_MANAGERS Update entries: the oldest merge into `ancient-changes`."""
    updates = [e for e in entries if e.operation == UPDATE]
    if len(updates) <= MAX_UPDATE_MANAGERS:
        return entries
    updates.sort(key=_time_key)
    excess = updates[:len(updates) - MAX_UPDATE_MANAGERS + 1]
    merged: FieldSet = {}
    for entry in excess:
        merged = fieldpath.union(merged, entry.fields)
    gone = {e.identity for e in excess}
    kept = [e for e in entries if e.identity not in gone]
    ancient = next((e for e in kept if e.manager == ANCIENT and e.operation == UPDATE), None)
    if ancient is not None:
        kept.remove(ancient)
        merged = fieldpath.union(ancient.fields, merged)
    return kept + [Entry(ANCIENT, UPDATE, api_version, merged, excess[-1].time or now)]


def _take(entries: list[Entry], changed: FieldSet, removed: FieldSet, skip: tuple | None = None) -> list[Entry]:
    """Every entry (but `skip`) without the fields the write changed or removed; empty entries go."""
    out = []
    for entry in entries:
        if entry.identity == skip:
            out.append(entry)
            continue
        rest = fieldpath.difference(fieldpath.difference(entry.fields, changed), removed)
        if rest is not entry.fields:
            if fieldpath.empty(rest):
                continue
            entry = replace(entry, fields=rest)
        out.append(entry)
    return out


def _valid(raw: object) -> list[dict]:
    """The managedFields entries as stored, or none for a malformed list (upstream resets it)."""
    if not isinstance(raw, list):
        return []
    for item in raw:
        if not isinstance(item, dict) or item.get("operation") not in (APPLY, UPDATE) \
                or not isinstance(item.get("fieldsV1", {}), dict) or item.get("fieldsType", "FieldsV1") != "FieldsV1":
            return []
    return raw


def _identity(item: dict) -> tuple[str, str, str, str]:
    operation = item.get("operation", "")
    return (str(item.get("manager") or ""), operation, "" if operation == APPLY else str(item.get("apiVersion") or ""),
            str(item.get("subresource") or ""))


def _decoded(item: dict) -> Entry:
    return Entry(str(item.get("manager") or ""), item["operation"], str(item.get("apiVersion") or ""),
                 fieldpath.from_fields_v1(item.get("fieldsV1") or {}), item.get("time"),
                 str(item.get("subresource") or ""))


def _order(item: dict) -> tuple:
    return (item.get("operation", ""), item.get("time") or "", item.get("manager", ""), item.get("apiVersion", ""),
            item.get("subresource", ""))


def update(live: dict | None, new: dict, manager: str, *, kind: str, api_version: str, now: str,
           subresource: str = "", entries: list[dict] | None = None, trusted: bool = False) -> list[dict]:
    """The managedFields of `new` after an Update by `manager` (`live` None: a create).

    `entries` are the managedFields before the write (default: `live`'s). Entries the
    write does not touch are kept as they are stored, not decoded again. `trusted`
    entries (the control plane's writes: what the store holds, valid) are not decoded
    at all where the write only adds to its manager's entry or misses another's.
    """
    try:
        raw = _valid(((live or {}).get("metadata") or {}).get("managedFields") if entries is None else entries)
        if live is None:
            changed, removed = fieldpath.created(without_managed_fields(new), kind), {}
        else:
            comparison = fieldpath.compare(without_managed_fields(live), without_managed_fields(new), kind)
            if comparison.same:
                return raw
            changed, removed = fieldpath.union(comparison.modified, comparison.added), comparison.removed
        changed, removed = fieldpath.difference(changed, _STRIP), fieldpath.difference(removed, _STRIP)
        if not changed and not removed:  # only bookkeeping moved (resourceVersion, generation)
            return raw
        touched = set(changed) | set(removed)
        identity = (manager, UPDATE, api_version, subresource)
        out: list[dict] = []
        mine = changed
        mine_v1: dict | None = None  # `mine` as FieldsV1, when made without decoding
        for item in raw:
            fields_v1 = item.get("fieldsV1") or {}
            if _identity(item) == identity and not fieldpath.empty(changed):
                if trusted:
                    mine_v1 = fieldpath.v1_union(fieldpath.v1_difference(fields_v1, removed), changed)
                    continue
                previous = fieldpath.difference(_decoded(item).fields, removed)
                mine = fieldpath.union(previous, mine)  # the entry moves to now, with what it had
                continue
            if touched.isdisjoint(fields_v1) or (trusted and not fieldpath.v1_intersects(fields_v1, changed)
                                                 and not fieldpath.v1_intersects(fields_v1, removed)):
                out.append(item)
                continue
            entry = _decoded(item)
            rest = fieldpath.difference(fieldpath.difference(entry.fields, changed), removed)
            if not fieldpath.empty(rest):
                out.append(replace(entry, fields=rest).to_json())
    except ValueError:  # a malformed FieldsV1: upstream starts over
        return update(live, new, manager, kind=kind, api_version=api_version, now=now, subresource=subresource,
                      entries=[]) if entries != [] else []
    if mine_v1 is not None:
        entry_json = {"manager": manager, "operation": UPDATE, "apiVersion": api_version, "time": now,
                      "fieldsType": "FieldsV1", "fieldsV1": mine_v1}
        if subresource:
            entry_json["subresource"] = subresource
        out.append(entry_json)
    elif not fieldpath.empty(mine):
        out.append(Entry(manager, UPDATE, api_version, mine, now, subresource).to_json())
    if sum(1 for item in out if item.get("operation") == UPDATE) > MAX_UPDATE_MANAGERS:
        out = [e.to_json() for e in _cap([_decoded(item) for item in out], api_version, now)]
    return sorted(out, key=_order)


def managed_fields(obj: dict) -> list[dict] | None:
    return (obj.get("metadata") or {}).get("managedFields")


def apply(live: dict | None, config: dict, manager: str, *, kind: str, now: str, force: bool = False,
          subresource: str = "") -> dict:
    """The object after `manager` applies `config` to `live` (None: the object is created), with its
    managedFields. Raises ApplyConflict, or BadRequest for a configuration that carries
    managedFields or a list element without its keys."""
    if (config.get("metadata") or {}).get("managedFields"):
        raise errors.BadRequest("metadata.managedFields must be nil")
    api_version = str(config.get("apiVersion") or "")
    config = without_managed_fields(config)
    entries = decode(live)
    base = None if live is None else without_managed_fields(live)
    try:
        merged = structured.merge(base, config, kind)
        applied = fieldpath.difference(fieldpath.of(config, kind), _STRIP)
        identity = (manager, APPLY, "", subresource)
        last = next((e for e in entries if e.identity == identity), None)
        others = [e for e in entries if e.identity != identity]
        if last is not None:
            merged = _prune(merged, last.fields, applied, others, kind)
        comparison = fieldpath.compare(base, merged, kind)
    except fieldpath.MissingKey as exc:
        raise errors.BadRequest(f"failed to create typed patch object ({kind}): {exc}") from None
    changed = fieldpath.union(comparison.modified, comparison.added)
    conflicts = _conflicts(others, changed)
    if conflicts and not force and manager == _SERVER_SIDE and base is not None:
        allowed = _allowed_by_last_applied(base, kind)
        conflicts = [(e, p) for e, p in conflicts if not _has(allowed, p)]
    if conflicts and not force:
        raise errors.ApplyConflict([(print_manager(e), fieldpath.describe(p)) for e, p in conflicts])
    when = now
    if comparison.same and last is not None and last.fields == applied and last.api_version == api_version:
        when = last.time  # an apply that changes nothing leaves the entry as it was
    entries = _take(others, changed, comparison.removed) + [Entry(manager, APPLY, api_version, applied, when,
                                                                  subresource)]
    if manager == _SERVER_SIDE and base is not None and LAST_APPLIED in (base["metadata"].get("annotations") or {}):
        from litekube.api import applying  # the annotation kubectl writes
        merged = {**merged, "metadata": {**merged["metadata"], "annotations": {
            **(merged["metadata"].get("annotations") or {}), LAST_APPLIED: applying.last_applied(config)}}}
    merged["metadata"] = {**merged.get("metadata", {}), "managedFields": encode(_cap(entries, api_version, now))}
    return merged


def _prune(merged: dict, last: FieldSet, applied: FieldSet, others: list[Entry], kind: str) -> dict:
    """Remove what the applier applied last time and no longer applies, unless someone owns it."""
    owned = applied
    for entry in others:
        owned = fieldpath.union(owned, entry.fields)
    merged_set = fieldpath.of(merged, kind)
    kept = fieldpath.of(structured.remove(merged, last, kind), kind)
    dropped = fieldpath.difference(merged_set, fieldpath.union(kept, owned))
    return structured.remove(merged, fieldpath.intersection(dropped, last), kind)


def _conflicts(entries: list[Entry], changed: FieldSet) -> list[tuple[Entry, tuple[str, ...]]]:
    """(entry, path) for each changed field another manager owns, managers in name order."""
    out = []
    for entry in sorted(entries, key=lambda e: (print_manager(e), e.identity)):
        for path in fieldpath.paths(fieldpath.intersection(entry.fields, changed)):
            out.append((entry, path))
    return out


def _has(s: FieldSet, path: tuple[str, ...]) -> bool:
    node = s
    for element in path:
        node = node.get(element)
        if node is None:
            return False
    return fieldpath.SELF in node


def _allowed_by_last_applied(live: dict, kind: str) -> FieldSet:
    """The fields of the last-applied annotation whose live value is still the one applied."""
    text = (live["metadata"].get("annotations") or {}).get(LAST_APPLIED)
    if not text:
        return {}
    try:
        last = json.loads(text)
        if not isinstance(last, dict):
            return {}
        applied = fieldpath.of(last, kind)
        comparison = fieldpath.compare(last, live, kind)
    except (ValueError, fieldpath.MissingKey):
        return {}
    return fieldpath.difference(fieldpath.difference(fieldpath.difference(applied, comparison.modified),
                                                     comparison.added), comparison.removed)
