"""ControllerRevisions, as pkg/controller/history keeps them for StatefulSets and DaemonSets. No I/O happens here.

Kind-agnostic: a controller builds the revision's `data` (its template patch,
see `template_patch`), and this module names, hashes, matches, numbers and
truncates the revisions.

- `hash_revision` is HashControllerRevision: FNV-1 32-bit (Go's
  `fnv.New32`, not the `a` variant) over the data's bytes as
  `json.Marshal` writes them (keys sorted, HTML characters escaped), then the
  collision count written as its decimal text, the sum rendered by
  `rand.SafeEncodeString` of its decimal text.
- `new_revision` is NewControllerRevision: the template's labels plus
  `controller.kubernetes.io/hash`, a controller ownerReference, name
  `<parent>-<hash>` (the parent's name cut to 223 bytes).
- `resolve_update_revision` is the part of getStatefulSetRevisions and the
  DaemonSet's constructHistory that decides between keeping the newest
  revision, renumbering an equal older one (a rollback) and creating one;
  upstream's CreateControllerRevision retries a name taken by other data with
  the collision count bumped, which is done here against the view.
- `revisions_to_truncate` is the StatefulSet's truncateHistory and the
  DaemonSet's cleanupHistory: the oldest revisions beyond the history limit,
  never the current or update revision nor one a live pod still runs.
"""
from __future__ import annotations

from typing import Iterable

from litekube.model import gofmt, selectors, values

__all__ = ["HASH_LABEL", "DEFAULT_HISTORY_LIMIT", "revision_name", "raw", "hash_revision", "new_revision",
           "sort_revisions", "equal_revision", "find_equal_revisions", "next_revision", "owned_revisions",
           "resolve_update_revision", "revisions_to_truncate", "template_patch", "safe_encode", "number"]

HASH_LABEL = "controller.kubernetes.io/hash"
DEFAULT_HISTORY_LIMIT = 10
_FNV_OFFSET = 0x811C9DC5
_FNV_PRIME = 0x01000193
_ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789"


def safe_encode(text: str) -> str:
    """rand.SafeEncodeString: each byte mapped into a vowel-free alphabet."""
    return "".join(_ALPHANUMS[b % len(_ALPHANUMS)] for b in text.encode())


def revision_name(prefix: str, hash_: str) -> str:
    """ControllerRevisionName: `prefix-hash`, the prefix cut to 223 bytes so the name stays within 253."""
    if len(prefix.encode()) > 223:
        prefix = prefix.encode()[:223].decode(errors="ignore")
    return f"{prefix}-{hash_}"


def raw(data: object) -> bytes:
    """The revision's Data.Raw: the data as Go's json.Marshal writes a decoded map (sorted keys, compact)."""
    return gofmt.marshal(data).encode()


def _fnv1_32(data: bytes, h: int = _FNV_OFFSET) -> int:
    for byte in data:
        h = ((h * _FNV_PRIME) & 0xFFFFFFFF) ^ byte
    return h


def hash_revision(data: object, collision_count: int | None = None) -> str:
    """HashControllerRevision of a revision holding `data`, with `collision_count` as the probe."""
    h = _fnv1_32(raw(data))
    if collision_count is not None:
        h = _fnv1_32(str(int(collision_count)).encode(), h)
    return safe_encode(str(h))


def template_patch(template: dict) -> dict:
    """`{"spec": {"template": {..., "$patch": "replace"}}}`: the StatefulSet's and DaemonSet's getPatch.

    `template` is the pod template as the API serves it; the fields Go's encoder
    writes even when empty are added as it writes them (`metadata.creationTimestamp:
    null`, each container's `resources: {}`), so the bytes, and the hash, are upstream's.
    """
    t = values.clone(template or {})
    meta = t.setdefault("metadata", {})
    meta.setdefault("creationTimestamp", None)
    spec = t.get("spec") or {}
    for field in ("initContainers", "containers", "ephemeralContainers"):
        for container in spec.get(field) or []:
            container.setdefault("resources", {})
    t["$patch"] = "replace"
    return {"spec": {"template": t}}


def new_revision(parent: dict, template_labels: dict | None, data: object, revision: int,
                 collision_count: int | None, annotations: dict | None = None) -> dict:
    """NewControllerRevision: the ControllerRevision `parent` (a StatefulSet or DaemonSet) would create."""
    meta = parent["metadata"]
    h = hash_revision(data, collision_count)
    labels = dict(template_labels or {})
    labels[HASH_LABEL] = h
    cr_meta: dict = {"name": revision_name(meta["name"], h), "namespace": meta.get("namespace", ""),
                     "labels": labels,
                     "ownerReferences": [{"apiVersion": parent.get("apiVersion", "apps/v1"), "kind": parent["kind"],
                                          "name": meta["name"], "uid": meta.get("uid", ""), "controller": True,
                                          "blockOwnerDeletion": True}]}
    if annotations:
        cr_meta["annotations"] = dict(annotations)
    return {"apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": cr_meta,
            "data": values.clone(data), "revision": int(revision)}


def number(cr: dict) -> int:
    """The revision's `.revision`."""
    return int(cr.get("revision") or 0)


def sort_revisions(revisions: Iterable[dict]) -> list[dict]:
    """SortControllerRevisions: by revision, then creation time, then name (stable)."""
    return sorted(revisions, key=lambda cr: (number(cr), cr["metadata"].get("creationTimestamp") or "",
                                             cr["metadata"].get("name", "")))


def _label_hash(cr: dict) -> int | None:
    text = ((cr.get("metadata") or {}).get("labels") or {}).get(HASH_LABEL)
    if text is None:
        return None
    try:
        value = int(text, 10)
    except ValueError:
        return None
    return value & 0xFFFFFFFF if -(2 ** 31) <= value < 2 ** 31 else None


def equal_revision(lhs: dict | None, rhs: dict | None) -> bool:
    """EqualRevision: both None, or the same data (a hash label that parses as an int32 must agree first)."""
    if lhs is None or rhs is None:
        return lhs is rhs
    a, b = _label_hash(lhs), _label_hash(rhs)
    if a is not None and b is not None and a != b:
        return False
    return raw(lhs.get("data")) == raw(rhs.get("data"))


def find_equal_revisions(revisions: Iterable[dict], needle: dict) -> list[dict]:
    """FindEqualRevisions: the revisions equal to `needle`, in their order."""
    return [cr for cr in revisions if equal_revision(cr, needle)]


def next_revision(revisions: list[dict]) -> int:
    """nextRevision: one more than the last of the sorted revisions, 1 when there are none."""
    return number(revisions[-1]) + 1 if revisions else 1


def owned_revisions(view, parent: dict, selector: dict | None) -> list[dict]:
    """ListControllerRevisions: the namespace's revisions the selector matches, controlled by `parent` or by none."""
    meta = parent["metadata"]
    sel = selectors.from_label_selector(selector)
    if sel.matches_nothing:
        return []
    out = []
    for cr in view.list("ControllerRevision", meta.get("namespace", "")):
        if not sel.matches((cr["metadata"].get("labels") or {})):
            continue
        ref = next((r for r in cr["metadata"].get("ownerReferences") or [] if r.get("controller")), None)
        if ref is None or ref.get("uid") == meta.get("uid"):
            out.append(cr)
    return out


def resolve_update_revision(view, parent: dict, revisions: list[dict], candidate_for, collision_count: int
                            ) -> tuple[dict, str, int]:
    """Which revision is the update revision: (revision, what to do with it, collision count).

    `revisions` are the parent's, sorted; `candidate_for(revision, collision_count)`
    builds the revision the parent's spec makes (`new_revision` with its data).
    What to do is "keep" (the newest revision already holds this data), "update"
    (an older equal revision is renumbered to the next revision: a rollback) or
    "create" (a new revision; a name another revision already holds with other
    data bumps the collision count, as CreateControllerRevision retries).
    """
    candidate = candidate_for(next_revision(revisions), collision_count)
    equal = find_equal_revisions(revisions, candidate)
    if equal and equal_revision(revisions[-1], equal[-1]):
        return revisions[-1], "keep", collision_count
    if equal:
        renumbered = values.clone(equal[-1])
        renumbered["revision"] = candidate["revision"]
        return renumbered, "update", collision_count
    namespace = parent["metadata"].get("namespace", "")
    while True:
        taken = view.get("ControllerRevision", namespace, candidate["metadata"]["name"])
        if taken is None:
            return candidate, "create", collision_count
        if raw(taken.get("data")) == raw(candidate.get("data")):
            return taken, "keep", collision_count
        collision_count += 1
        candidate = candidate_for(candidate["revision"], collision_count)


def revisions_to_truncate(revisions: list[dict], keep: Iterable[str], limit: int | None) -> list[dict]:
    """The revisions to delete: beyond `limit` (default 10) of those not named in `keep`, oldest first.

    `revisions` are sorted; `keep` names the current and update revisions and
    those live pods still run (their controller-revision-hash).
    """
    kept = set(keep)
    history = [cr for cr in revisions if cr["metadata"]["name"] not in kept]
    limit = DEFAULT_HISTORY_LIMIT if limit is None else max(int(limit), 0)
    if len(history) <= limit:
        return []
    return history[:len(history) - limit]
