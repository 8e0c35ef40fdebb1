"""Admission: decoding, defaulting, metadata bookkeeping and validation of writes.

No I/O happens here: the caller passes the time and the uid. This is the
part of kube-apiserver that turns a request body into the object to store.
"""
from __future__ import annotations

import hashlib
from typing import Callable, Protocol

from litekube import errors
from litekube.api import batch
from litekube.model import conversion, defaults, kinds, schema, validation, values
from litekube.reconcile.taint_eviction import controller as taint_eviction

__all__ = ["prepare_create", "prepare_update", "GENERATION_KINDS", "STATUS_RESET_KINDS",
           "generate_name", "namespace_of"]

# Kinds whose metadata.generation Kubernetes maintains (those with a spec
# that a controller observes through status.observedGeneration).
GENERATION_KINDS = frozenset({
    "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "Ingress",
    "IngressClass", "HorizontalPodAutoscaler", "PodDisruptionBudget",
})

# Kinds whose status a create request cannot set (their strategies reset it).
STATUS_RESET_KINDS = frozenset({
    "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "Service",
    "Ingress", "HorizontalPodAutoscaler", "PodDisruptionBudget", "PersistentVolumeClaim", "PersistentVolume", "Pod",
})

# Kinds of STATUS_RESET_KINDS not defaulted again once the request's status is gone: the Pod
# defaulter neither reads nor writes the status and is idempotent, so a second pass would give
# back the same object (a copy and a walk of every create of a pod saved).
_DEFAULTED_ONCE = frozenset({"Pod"})

# Fields of metadata that clients cannot set; the server owns them.
_SERVER_OWNED = ("uid", "creationTimestamp", "resourceVersion", "generation", "deletionTimestamp",
                 "deletionGracePeriodSeconds", "selfLink", "managedFields")

_SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def generate_name(prefix: str, seed: str) -> str:
    """`prefix` plus 5 characters from Kubernetes' alphabet (names.SimpleNameGenerator).

    The characters come from `seed` (the write's revision) rather than a
    random source, so the same commands on a new cluster make the same names.
    """
    digest = hashlib.sha256(f"{prefix}\0{seed}".encode()).digest()
    return prefix[:58] + "".join(_SUFFIX_ALPHABET[b % len(_SUFFIX_ALPHABET)] for b in digest[:5])


def namespace_of(obj: dict, kind: kinds.Kind, default: str) -> str:
    """The namespace an object is stored under: "" for cluster-scoped kinds."""
    if not kind.namespaced:
        return ""
    return (obj.get("metadata") or {}).get("namespace") or default


def _decode(obj: dict, strict: bool = True) -> kinds.Kind:
    api_version, kind_name = obj.get("apiVersion"), obj.get("kind")
    if not kind_name:
        raise errors.BadRequest("Object 'Kind' is missing in the request")
    if not api_version:
        raise errors.BadRequest("Object 'apiVersion' is missing in the request")
    try:
        kind = kinds.by_api(api_version, kind_name)
    except errors.ManifestError as exc:
        raise errors.NotFound(str(exc)) from None
    if kind.computed:
        raise errors.MethodNotAllowed("the server does not allow this method on the requested resource")
    if strict:
        schema.strict_decode(obj)
    return kind


class Plugins(Protocol):
    """The admission plugins that read the cluster (litekube.api.admitting.Admission)."""

    def mutate(self, obj: dict, raw: dict) -> None: ...

    def verify(self, obj: dict) -> None: ...


def prepare_create(obj: dict, *, default_namespace: str, now: str, uid: str, seed: str = "",
                   strict: bool = True, plugins: Plugins | None = None,
                   decoded: Callable[[dict], None] | None = None) -> dict:
    """The object to store for a create request: decoded, defaulted, stamped, admitted, validated.

    Raises BadRequest (unknown field, wrong type), Invalid (validation),
    Forbidden (an admission plugin refuses). `strict=False` skips strict
    decoding: for the control plane's own writes, which, like Kubernetes'
    typed clients, cannot carry unknown fields. `plugins` mutate the object
    before validation and check it after, as kube-apiserver's admission chain.
    `decoded` is called with the object as decoded and defaulted, before a
    create strategy or an admission plugin adds to it: what kube-apiserver's
    field manager records.
    """
    kind = _decode(obj, strict)
    obj = conversion.to_stored(obj)  # an object written in another served version (autoscaling/v1)
    new = defaults.apply_defaults(obj)  # a defaulted copy: the caller's dict is never changed
    meta = new.setdefault("metadata", {})
    for field in _SERVER_OWNED:
        meta.pop(field, None)
    namespace = namespace_of(new, kind, default_namespace)
    if kind.namespaced:
        meta["namespace"] = namespace
    else:
        meta.pop("namespace", None)
    if not meta.get("name") and meta.get("generateName"):
        meta["name"] = generate_name(meta["generateName"], seed or uid)
    meta["uid"] = uid
    meta["creationTimestamp"] = now
    if kind.kind in GENERATION_KINDS:
        meta["generation"] = 1
    if kind.kind in STATUS_RESET_KINDS:
        new.pop("status", None)
        if kind.kind not in _DEFAULTED_ONCE:
            new = defaults.apply_defaults(new)  # some kinds default a fresh status
    if decoded is not None:  # before the create strategies' and admission's own fields
        decoded(new)
    if kind.kind == "Job":
        new = batch.prepare_job_create(new)
    if kind.kind == "DaemonSet":
        _template_generation(new, None)
    if kind.kind == "Pod":
        # The DefaultTolerationSeconds admission plugin.
        tolerations = taint_eviction.default_tolerations(new)
        if tolerations:
            new["spec"]["tolerations"] = tolerations
        new.setdefault("status", {}).setdefault("phase", "Pending")
    if plugins is not None:
        plugins.mutate(new, obj)
    if kind.kind == "Pod":  # the pod strategy's PrepareForCreate, after admission (a LimitRange's defaults)
        from litekube.model.describing.pods import qos_class
        new["status"]["qosClass"] = qos_class({"spec": new["spec"]})
    validation.validate(new)
    if plugins is not None:
        plugins.verify(new)
    return new


def prepare_update(obj: dict, current: dict, *, subresource: str | None = None, strict: bool = True,
                   mutate: Callable[[dict, dict], None] | None = None) -> dict:
    """The object to store for an update of `current` (already checked for conflicts).

    The server keeps what clients cannot change: identity, creation time,
    deletion state; `status` on the main resource and everything but
    `status` on the status subresource; `generation` bumps when spec changes.
    `mutate(new, current)` runs before validation (the registry's BeginUpdate: the Service allocators).
    """
    kind = _decode(obj, strict)
    obj = conversion.to_stored(obj)
    if subresource in ("status", "finalize"):
        return _subresource_update(obj, current, subresource)
    new = defaults.apply_defaults(obj)  # a defaulted copy: the caller's dict is never changed
    meta = new.setdefault("metadata", {})
    old_meta = current.get("metadata", {})
    for field in ("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
                  "generation", "namespace", "name"):
        if field in old_meta:
            meta[field] = old_meta[field]
        else:
            meta.pop(field, None)
    meta.pop("resourceVersion", None)
    if kind.kind in STATUS_RESET_KINDS or kind.kind in GENERATION_KINDS:
        if "status" in current:
            new["status"] = current["status"]
        else:
            new.pop("status", None)
    if kind.kind == "Pod":
        # The Priority plugin keeps what it set on create when an update leaves it out.
        raw_spec, new_spec, old_spec = obj.get("spec") or {}, new.get("spec") or {}, current.get("spec") or {}
        for field in ("priority", "preemptionPolicy"):
            if field not in raw_spec and field in old_spec:
                new_spec[field] = old_spec[field]
    if kind.kind in GENERATION_KINDS and new.get("spec") != current.get("spec"):
        new["metadata"]["generation"] = int(old_meta.get("generation", 0)) + 1
    if kind.kind == "DaemonSet":
        _template_generation(new, current)
    if old_meta.get("deletionTimestamp"):
        _forbid_new_finalizers(new, current)
    if mutate is not None:
        mutate(new, current)
    validation.validate(new, current)
    return new


_TEMPLATE_GENERATION = "deprecated.daemonset.template.generation"


def _generation_of(obj: dict) -> int:
    try:
        return int(((obj.get("metadata") or {}).get("annotations") or {}).get(_TEMPLATE_GENERATION) or 0)
    except ValueError:
        return 0


def _template_generation(new: dict, current: dict | None) -> None:
    """The DaemonSet strategy's spec.templateGeneration, which apps/v1 carries in an annotation.

    1 on create (or what the client set, if higher); on update the old one
    plus 1 when the pod template changed, else the old one.
    """
    if current is None:
        generation = max(_generation_of(new), 1)
    elif (new.get("spec") or {}).get("template") != (current.get("spec") or {}).get("template"):
        generation = _generation_of(current) + 1
    else:
        generation = _generation_of(current) or max(_generation_of(new), 1)
    meta = new.setdefault("metadata", {})
    meta["annotations"] = {**(meta.get("annotations") or {}), _TEMPLATE_GENERATION: str(generation)}


def _subresource_update(obj: dict, current: dict, subresource: str) -> dict:
    """The status and finalize subresources change one part of `current` and nothing else.

    Like the apiserver's status strategies, a status write neither defaults nor
    re-validates the spec it cannot change. `current` is freshly decoded from
    the store, so it is ours to change.
    """
    new = current
    new["metadata"].pop("resourceVersion", None)
    if subresource == "finalize":
        new.setdefault("spec", {})["finalizers"] = list((obj.get("spec") or {}).get("finalizers") or [])
        return new
    status = obj.get("status")
    if status is None:
        new.pop("status", None)
    else:
        new["status"] = values.clone(status)
    return new


def _forbid_new_finalizers(new: dict, current: dict) -> None:
    old = set(current.get("metadata", {}).get("finalizers") or [])
    added = [f for f in new.get("metadata", {}).get("finalizers") or [] if f not in old]
    if added:
        kind = kinds.lookup(new["kind"])
        raise errors.Invalid(kind.kind, new["metadata"].get("name", ""), [errors.Cause(
            "metadata.finalizers", "Forbidden",
            f"no new finalizers can be added if the object is being deleted, found new finalizers {added}".replace("'", '"'))])


