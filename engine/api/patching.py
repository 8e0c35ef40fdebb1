"""`patch`, `edit` and `diff` on the API: what kubectl sends and what the server answers.

This module does I/O through the API. `patch_object` applies a strategic,
merge or JSON patch to one object (or its status or scale subresource);
`edit_patch` computes and sends the two-way strategic merge patch kubectl
sends after an edit; `merged` is what `kubectl diff` compares the live
object with: the server's dry-run answer to applying the manifest.
"""
from __future__ import annotations

import json
from typing import Any

from litekube import errors
from litekube.api import applying
from litekube.api.server import Api, Transaction
from litekube.model import conversion, kinds, patching, selectors, values

__all__ = ["patch_object", "two_way_patch", "scale_view", "merged", "PatchResult"]


class PatchResult:
    """The object after a patch, and whether the patch changed it."""

    def __init__(self, obj: dict, changed: bool) -> None:
        self.obj, self.changed = obj, changed


def scale_view(obj: dict) -> dict:
    """The autoscaling/v1 Scale of a scalable object, as the scale subresource shows it."""
    status: dict[str, Any] = {"replicas": int((obj.get("status") or {}).get("replicas") or 0)}
    selector = (obj.get("spec") or {}).get("selector")
    if selector:
        status["selector"] = str(selectors.from_label_selector(selector))
    meta = obj["metadata"]
    return {"apiVersion": "autoscaling/v1", "kind": "Scale",
            "metadata": {k: meta[k] for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
                         if k in meta},
            "spec": {"replicas": int((obj.get("spec") or {}).get("replicas") or 0)}, "status": status}


def _patched(current: dict, patch: Any, patch_type: str, kind: str) -> Any:
    if patch_type == "json":
        if not isinstance(patch, list):
            raise errors.BadRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch")
        try:
            return patching.json_patch(current, patch)
        except ValueError as exc:
            raise errors.BadRequest(str(exc)) from None
    if not isinstance(patch, dict):
        raise errors.BadRequest(f"json: cannot unmarshal {_json_kind(patch)} into Go value of type "
                                f"map[string]interface {{}}")
    if patch_type == "merge":
        return patching.merge_patch(current, patch)
    return patching.strategic_merge(current, patch, kind)


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return "null"


def patch_in(tx: Transaction, kind: kinds.Kind, namespace: str, name: str, patch: Any, patch_type: str,
             subresource: str | None = None, served: str | None = None) -> PatchResult:
    """Patch one object inside a transaction; the stored object (or its Scale) and whether it changed.

    `served`: the apiVersion the patch is written against (autoscaling/v1), when it is not the stored one:
    the patch applies to the object converted to it, and the result is converted back on admission."""
    # The patch applies to the object as of the last commit, written with its resourceVersion: on
    # PostgreSQL (late lock) a read before the writers' lock could be stale, and a control-plane write
    # in between made the patch a Conflict, which kube-apiserver never answers to a patch without one.
    tx._lock()
    current = tx.get(kind.kind, namespace, name)
    if subresource == "scale":
        if "scale" not in kind.subresources:
            raise errors.NotFound(f'{kind.resource} "{name}" not found')
        scale = scale_view(current)
        new_scale = _patched(scale, patch, patch_type, "Scale")
        replicas = (new_scale.get("spec") or {}).get("replicas")
        if not isinstance(replicas, int) or isinstance(replicas, bool):
            raise errors.BadRequest("json: cannot unmarshal into Go struct field ScaleSpec.spec.replicas of type int32")
        new = values.clone(current)
        new.setdefault("spec", {})["replicas"] = replicas
        stored = tx.update(new, namespace=namespace, record_as="scale")
        after = scale_view(stored if stored is not None else new)
        return PatchResult(after, after["spec"] != scale["spec"])
    view = conversion.to_version(current, served) if served else current
    new = _patched(view, patch, patch_type, current["kind"])
    if not isinstance(new, dict):
        raise errors.BadRequest("the patch must produce an object")
    new.setdefault("metadata", {})["resourceVersion"] = current["metadata"]["resourceVersion"]
    stored = tx.update(new, namespace=namespace, subresource=subresource)
    if stored is None:  # the patch removed the last finalizer of an object being deleted
        return PatchResult(new, True)
    return PatchResult(stored, stored["metadata"].get("resourceVersion") != current["metadata"]["resourceVersion"])


def patch_object(api: Api, kind: kinds.Kind, namespace: str, name: str, patch: Any, patch_type: str = "strategic",
                 subresource: str | None = None, dry_run: bool = False) -> PatchResult:
    """kubectl patch TYPE NAME: raises NotFound, BadRequest, Invalid."""
    with api.write(dry_run=dry_run) as tx:
        return patch_in(tx, kind, namespace, name, patch, patch_type, subresource)


def two_way_patch(original: dict, edited: dict) -> dict:
    """CreateTwoWayMergePatch(original, edited): what kubectl edit sends."""
    return patching.three_way_patch(original, edited, original, original.get("kind", ""))


def merged(tx: Transaction, kind: kinds.Kind, obj: dict, namespace: str) -> tuple[dict | None, dict]:
    """(live, merged) for kubectl diff: the object now and after a dry-run apply of `obj` (in `tx`, rolled back)."""
    name = (obj.get("metadata") or {}).get("name", "")
    ns = namespace if kind.namespaced else ""
    live = tx.find(kind.kind, ns, name)
    if live is None:  # kubectl dry-run creates its object as it is (no last-applied annotation)
        created = tx.create(values.clone(obj), namespace=ns or "default")
        created["metadata"].pop("resourceVersion", None)  # a dry run stores nothing: no resource version
        return None, created
    modified = values.clone(obj)
    modified.setdefault("metadata", {}).setdefault("annotations", {})[applying.LAST_APPLIED] = \
        applying.last_applied(obj)
    annotation = (live["metadata"].get("annotations") or {}).get(applying.LAST_APPLIED)
    original = json.loads(annotation) if annotation else None
    patch = patching.three_way_patch(original, modified, live, kind.kind)
    if not patch:
        return live, live
    result = patch_in(tx, kind, ns, name, patch, "strategic")
    after = values.clone(result.obj)
    # a dry run is not persisted: the server keeps the resource version it had
    after["metadata"]["resourceVersion"] = live["metadata"]["resourceVersion"]
    return live, after
