"""Server-side apply through the API: a PATCH of type application/apply-patch+yaml.

This module does I/O through the API. `apply_patch` is what the apiserver
does with an apply request: it checks the request against the URL, merges
the configuration into the live object (litekube.api.ssa) or creates the
object when there is none, and writes the result through the API layer
(admission, defaulting, validation), with the managedFields the merge
computed. An apply that changes nothing writes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass

from litekube import errors
from litekube.api import ssa
from litekube.api.server import Api, Transaction, timestamp
from litekube.model import conversion, kinds, values

__all__ = ["apply_patch", "apply_in", "Applied"]


@dataclass(frozen=True)
class Applied:
    """The object after the apply, and whether the apply created it (HTTP 201) or not (200)."""

    obj: dict
    created: bool
    changed: bool


def apply_patch(api: Api, kind: kinds.Kind, namespace: str, name: str, body: dict, *, field_manager: str,
                force: bool = False, dry_run: bool = False, subresource: str | None = None) -> Applied:
    """Apply `body` to the object `name` of `kind` (in `namespace`) as `field_manager`.

    Raises ApplyConflict (409), BadRequest (400: a body that is not an object, or
    names another object), Invalid (422, also for a missing field manager),
    NotFound (a subresource of a missing object), and what admission raises.
    """
    with api.write(dry_run=dry_run, manager=field_manager or None) as tx:
        return apply_in(tx, kind, namespace, name, body, field_manager=field_manager, force=force,
                        subresource=subresource)


def _checked(kind: kinds.Kind, namespace: str, name: str, body: object) -> dict:
    if not isinstance(body, dict):
        raise errors.BadRequest("error decoding YAML: the body of an apply patch must be an object")
    if body.get("kind") != kind.kind:
        raise errors.BadRequest(f"the kind in the data ({body.get('kind', '')}) does not match the expected "
                                f"kind ({kind.kind})")
    api_version = body.get("apiVersion", "")
    if api_version != kind.api_version:
        try:
            found = kinds.by_api(str(api_version), kind.kind)
        except errors.ManifestError:
            found = None
        if found is None or found.kind != kind.kind:
            raise errors.BadRequest(f"the API version in the data ({api_version}) does not match the expected "
                                    f"API version ({kind.api_version})")
        body = conversion.to_stored(body)
    body = values.clone(body)
    meta = body.get("metadata")
    if meta is None:
        meta = body["metadata"] = {}
    if not isinstance(meta, dict):
        raise errors.BadRequest("metadata must be an object")
    if meta.get("name") not in (None, "", name):
        raise errors.BadRequest(f"the name of the object ({meta['name']}) does not match the name on the URL "
                                f"({name})")
    meta["name"] = name
    if kind.namespaced:
        if meta.get("namespace") not in (None, "", namespace):
            raise errors.BadRequest("the namespace of the provided object does not match the namespace sent "
                                    "on the request")
        meta["namespace"] = namespace
    return body


def apply_in(tx: Transaction, kind: kinds.Kind, namespace: str, name: str, body: object, *, field_manager: str,
             force: bool = False, subresource: str | None = None) -> Applied:
    """apply_patch inside a transaction (several documents of one `apply --server-side -f`)."""
    if not field_manager:
        raise errors.Invalid("PatchOptions.meta.k8s.io", "", [
            errors.Cause("fieldManager", "Required value", "is required for apply patch")])
    if subresource not in (None, "status"):
        raise errors.MethodNotAllowed("the server does not allow this method on the requested resource")
    namespace = namespace if kind.namespaced else ""
    config = _checked(kind, namespace, name, body)
    now = timestamp(tx.now())
    live = tx.find(kind.kind, namespace, name)
    if live is None:
        if subresource:
            raise errors.NotFound.of(kind.resource, name)
        merged = ssa.apply(None, config, field_manager, kind=kind.kind, now=now, force=force)
        managed = merged["metadata"].pop("managedFields")
        created = tx.create(merged, namespace=namespace or "default", managed=managed)
        return Applied(created, True, True)
    merged = ssa.apply(live, config, field_manager, kind=kind.kind, now=now, force=force,
                       subresource=subresource or "")
    if values.equal(merged, live):
        return Applied(live, False, False)
    managed = merged["metadata"]["managedFields"]
    stored = tx.update(merged, namespace=namespace or "default", subresource=subresource, managed=managed)
    if stored is None:  # the apply removed the last finalizer of an object being deleted
        return Applied(merged, False, True)
    return Applied(stored, False, not values.equal(stored, live))
