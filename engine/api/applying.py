"""apply, create, replace and delete of manifests, as kubectl does them.

This module does I/O: it reads manifest files and writes through the API.
Every command over manifests is all-or-nothing: all documents are read and
checked first, then written in one transaction; any error rolls back all.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from litekube import errors
from litekube.api.server import Api, Transaction
from litekube.model import conversion, decoding, kinds, manifests, patching, schema, values

__all__ = ["Outcome", "load", "apply", "server_side_apply", "create", "replace", "delete", "LAST_APPLIED",
           "last_applied", "INSTALL_ORDER", "install_rank", "CLIENT_SIDE_MANAGER", "SERVER_SIDE_MANAGER"]

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
CLIENT_SIDE_MANAGER = "kubectl-client-side-apply"  # kubectl apply's --field-manager default
SERVER_SIDE_MANAGER = "kubectl"  # what kubectl apply --server-side sends when --field-manager is left alone
_EXTENSIONS = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class Outcome:
    """What happened to one object: `deployment.apps/web configured`."""

    kind: kinds.Kind
    name: str
    verb: str
    namespace: str = ""
    obj: dict | None = field(default=None, compare=False, repr=False)  # as written, when captured

    def __str__(self) -> str:
        if self.verb.startswith("deleted"):  # kubectl delete's wording differs from apply's
            return f'{self.kind.qualified} "{self.name}" {self.verb}'
        return f"{self.kind.qualified}/{self.name} {self.verb}"


def load(paths: list[str], recursive: bool = False, stdin: bytes | str | None = None) -> list[manifests.Document]:
    """Every document of every file (directories in lexical order; `-` is stdin).

    Raises ManifestError, in kubectl's words, for a missing or unreadable path
    and for anything `manifests.decode` refuses.
    """
    docs: list[manifests.Document] = []
    for path in paths:
        if path == "-":
            docs.extend(manifests.decode(stdin or b"", "STDIN"))
            continue
        target = Path(path)
        try:
            if target.is_dir():
                walker = sorted(target.rglob("*") if recursive else target.iterdir())
                files = [f for f in walker if f.is_file() and f.suffix in _EXTENSIONS]
            elif target.exists():
                files = [target]
            else:
                raise errors.ManifestError(f'the path "{path}" does not exist')
        except OSError as exc:
            raise errors.ManifestError(f"lstat {path}: {_os_reason(exc)}") from None
        for file in files:
            docs.extend(manifests.decode(_read(file), os.fspath(file)))
    if not docs:
        raise errors.ManifestError("no objects passed to apply")
    return docs


def _os_reason(exc: OSError) -> str:
    """Go's wording of an OS error (`permission denied`, `is a directory`)."""
    return (exc.strerror or str(exc)).lower()


def _read(file: Path) -> bytes:
    """The file's bytes, never more than the decoder's stream limit (a FIFO or /dev/zero ends)."""
    try:
        with open(file, "rb") as stream:
            data = stream.read(decoding.STREAM_LIMIT + 1)
    except OSError as exc:
        raise errors.ManifestError(f"open {os.fspath(file)}: {_os_reason(exc)}") from None
    return data


def _checked(doc: manifests.Document, obj: dict) -> None:
    """What the apiserver refuses of a request before decoding it into its type.

    The body over 3 MiB is a 413; duplicate keys are strict decoding errors.
    """
    if doc.size > decoding.REQUEST_LIMIT or (doc.size * 2 > decoding.REQUEST_LIMIT
                                             and decoding.request_size(obj) > decoding.REQUEST_LIMIT):
        raise errors.RequestEntityTooLarge(f"Request entity too large: limit is {decoding.REQUEST_LIMIT}")
    if doc.strict:
        schema.strict_decode(obj, doc.strict)


def _kind_of(doc: manifests.Document) -> kinds.Kind:
    try:
        return kinds.by_api(doc.obj["apiVersion"], doc.obj["kind"])
    except errors.ManifestError as exc:
        meta = doc.obj.get("metadata") or {}
        raise errors.ManifestError(
            f'resource mapping not found for name: "{meta.get("name", "")}" namespace: '
            f'"{meta.get("namespace", "")}" from "{doc.source}": {exc}') from None


def _namespaced(doc: manifests.Document, kind: kinds.Kind, namespace: str, explicit: bool) -> dict:
    """The document with its namespace set as kubectl's builder sets it."""
    obj = values.clone(doc.obj)
    meta = obj.setdefault("metadata", {}) or {}
    obj["metadata"] = meta
    if not kind.namespaced:
        return obj
    own = meta.get("namespace")
    if own and explicit and own != namespace:
        raise errors.ManifestError(
            f'the namespace from the provided object "{own}" does not match the namespace '
            f'"{namespace}". You must pass \'--namespace={own}\' to perform this operation.')
    meta["namespace"] = own or namespace
    return obj


def last_applied(obj: dict) -> str:
    """The annotation value kubectl stores: the manifest as compact JSON, then a newline.

    Only the metadata differs from `obj` (its annotations without this one): a shallow copy
    with a new metadata is encoded, `obj` is not copied deeply (the encoder only reads it)."""
    config = dict(obj)
    meta = config.setdefault("metadata", {})
    annotations = dict(meta.get("annotations") or {})
    annotations.pop(LAST_APPLIED, None)
    config["metadata"] = {**meta, "annotations": annotations}
    return json.dumps(config, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"


def _prepared(docs, namespace: str, explicit: bool,
              found: dict[int, errors.LitekubeError]) -> list[tuple[int, manifests.Document, kinds.Kind, dict]]:
    """Resolve every document's kind and namespace before anything is written; errors go to `found`."""
    out = []
    for index, doc in enumerate(docs):
        try:
            kind = _kind_of(doc)
            out.append((index, doc, kind, _namespaced(doc, kind, namespace, explicit)))
        except errors.ManifestError as exc:
            found[index] = exc
    return out


def _raise(found: dict[int, errors.LitekubeError]) -> None:
    """One error as itself; several as ManyErrors, one line per failing document, in file order."""
    ordered = [found[i] for i in sorted(found)]
    if len(ordered) == 1:
        raise ordered[0]
    if ordered:
        raise errors.ManyErrors(ordered)


def _name(obj: dict, doc: manifests.Document) -> str:
    name = (obj.get("metadata") or {}).get("name")
    if not name:
        raise errors.ManifestError(f"error validating {doc.where}: resource name may not be empty")
    return name


def _suffix(dry_run: str | None) -> str:
    return {"client": " (dry run)", "server": " (server dry run)"}.get(dry_run or "", "")


Step = Callable[[Transaction, kinds.Kind, dict, manifests.Document], "tuple[str, str] | None"]


# The order a person expects objects to be made in (Helm's install order): namespaces first, then
# what pods and workloads refer to, cluster-wide kinds before namespaced ones, workloads last.
INSTALL_ORDER = (
    "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy", "PodDisruptionBudget",
    "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass", "PersistentVolume",
    "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole", "ClusterRoleList", "ClusterRoleBinding",
    "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList", "PriorityClass",
    "RuntimeClass", "IngressClass", "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet",
    "Deployment", "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "Ingress", "APIService",
)
_RANK = {kind: i for i, kind in enumerate(INSTALL_ORDER)}


def install_rank(kind: kinds.Kind) -> tuple[int, int]:
    """Where a kind goes in install order; an unlisted cluster-wide kind before an unlisted namespaced one."""
    if kind.kind in _RANK:
        return 0, _RANK[kind.kind]
    return 1, 0 if not kind.namespaced else 1


def _each(api: Api, docs: list[manifests.Document], namespace: str, explicit: bool, dry_run: str | None,
          step: Step, order: int = 0, manager: str | None = None, capture: bool = False) -> list[Outcome]:
    """Run `step` on every document in one transaction; its (name, verb) is the outcome.

    With `order` 1 the documents are written in install order (INSTALL_ORDER, stable for
    equals), with -1 in reverse (what deletes go by); outcomes are listed in document
    order all the same, as kubectl lists them. A document whose step raises fails the
    whole command (nothing is written), but the other documents are still tried, so that
    every failing one is reported, each error naming its document. A step answering None
    skips the document. Writes are recorded in managedFields under `manager` (kubectl's
    field manager for the verb; default: the Api's). With `capture` each outcome carries the
    object as the server holds it after its step (what `-o yaml` prints).
    """
    found: dict[int, errors.LitekubeError] = {}
    prepared = list(_prepared(docs, namespace, explicit, found))
    if order:
        prepared.sort(key=lambda item: install_rank(item[2]), reverse=order < 0)
    outcomes: dict[int, Outcome] = {}
    with api.write(dry_run=dry_run is not None, manager=manager) as tx:
        for index, doc, kind, obj in prepared:
            prior = None
            if capture and dry_run and obj["metadata"].get("name"):
                prior = tx.find(kind.kind, obj["metadata"].get("namespace", ""), obj["metadata"]["name"])
            try:
                result = step(tx, kind, obj, doc)
            except (errors.ApiError, errors.ManifestError) as exc:
                found[index] = exc
                continue
            if result is not None:
                name, verb = result
                ns = obj["metadata"].get("namespace", "")
                written = tx.find(kind.kind, ns, name) if capture else None
                if written is not None and dry_run:  # nothing is stored: the version stays what it was
                    written = {**written, "metadata": {k: v for k, v in written["metadata"].items()
                                                       if k != "resourceVersion"}}
                    if prior is not None:
                        written["metadata"]["resourceVersion"] = prior["metadata"]["resourceVersion"]
                outcomes[index] = Outcome(kind, name, verb + _suffix(dry_run), ns, written)
        _raise(found)  # inside the transaction: raising rolls every document back
    return [outcomes[i] for i in sorted(outcomes)]


class _sourced:
    """Name the document in an API error, as kubectl's `error when creating "f.yaml": ...`
    (a context manager; one class, not one made for each document)."""

    __slots__ = ("doc", "verb")

    def __init__(self, doc: manifests.Document, verb: str) -> None:
        self.doc, self.verb = doc, verb

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, exc, tb) -> None:
        if isinstance(exc, errors.ApiError) and exc.source is None:
            exc.with_source(self.verb, self.doc.where)


def apply(api: Api, docs: list[manifests.Document], namespace: str = "default",
          explicit_namespace: bool = False, dry_run: str | None = None,
          field_manager: str = CLIENT_SIDE_MANAGER, capture: bool = False) -> list[Outcome]:
    """Client-side apply: create, or three-way merge through the last-applied annotation."""
    def step(tx: Transaction, kind: kinds.Kind, obj: dict, doc: manifests.Document):
        name = _name(obj, doc)
        ns = obj["metadata"].get("namespace", "")
        current = tx.find(kind.kind, ns, name)
        annotations = {**(obj["metadata"].get("annotations") or {}), LAST_APPLIED: last_applied(obj)}
        if current is None:  # a create copies what it stores (prepare_create): only the metadata differs
            modified = {**obj, "metadata": {**obj["metadata"], "annotations": annotations}}
        else:
            modified = values.clone(obj)
            modified["metadata"]["annotations"] = annotations
        with _sourced(doc, "creating" if current is None else "patching"):
            _checked(doc, modified)
            if current is None:
                tx.create(modified, namespace=ns)
                return name, "created"
            return name, _apply_patch(tx, kind, ns, name, modified, current)
    return _each(api, docs, namespace, explicit_namespace, dry_run, step, order=1, manager=field_manager,
                 capture=capture)


def server_side_apply(api: Api, docs: list[manifests.Document], namespace: str = "default",
                      explicit_namespace: bool = False, dry_run: str | None = None,
                      field_manager: str = SERVER_SIDE_MANAGER, force: bool = False,
                      capture: bool = False) -> list[Outcome]:
    """`apply --server-side`: each object is applied by the server as `field_manager` (serverside-applied).

    A conflict with another manager's fields fails the command (nothing is written)
    unless `force`; its error carries kubectl's advice.
    """
    from litekube.api import serverside

    def step(tx: Transaction, kind: kinds.Kind, obj: dict, doc: manifests.Document):
        name = _name(obj, doc)
        _checked(doc, obj)
        try:
            serverside.apply_in(tx, kind, obj["metadata"].get("namespace", ""), name, obj,
                                field_manager=field_manager, force=force)
        except errors.ApplyConflict as exc:
            exc.advice = True
            raise
        return name, "serverside-applied"
    return _each(api, docs, namespace, explicit_namespace, dry_run, step, order=1, manager=field_manager,
                 capture=capture)


def client_preview(api: Api, docs: list[manifests.Document], namespace: str, explicit: bool,
                   verb: str) -> list[dict]:
    """What kubectl prints with --dry-run=client -o: each manifest with its namespace resolved, for
    `apply` with the last-applied annotation; `apply` of an object that exists prints the live object
    as read (kubectl patches nothing in a client dry run). Reads, never writes; errors as the real
    command's."""
    from litekube.model import zerovalues

    found: dict[int, errors.LitekubeError] = {}
    prepared = _prepared(docs, namespace, explicit, found)
    _raise(found)
    objs = []
    with api.read() as tx:
        for _, doc, kind, obj in prepared:
            if verb != "apply":
                objs.append(obj)
                continue
            current = tx.find(kind.kind, obj["metadata"].get("namespace", ""), _name(obj, doc))
            if current is not None:
                objs.append(zerovalues.served(current))
                continue
            modified = values.clone(obj)
            modified["metadata"]["annotations"] = {
                **(modified["metadata"].get("annotations") or {}), LAST_APPLIED: last_applied(obj)}
            objs.append(modified)
    return objs


def _apply_patch(tx: Transaction, kind: kinds.Kind, ns: str, name: str, modified: dict,
                 current: dict) -> str:
    annotation = (current["metadata"].get("annotations") or {}).get(LAST_APPLIED)
    original = json.loads(annotation) if annotation else None
    if modified.get("apiVersion") != kind.api_version:
        # A manifest in another served version (autoscaling/v1): merge in the stored version.
        schema.strict_decode(modified)
        modified = conversion.to_stored(modified)
    if isinstance(original, dict) and original.get("apiVersion") != kind.api_version:
        original = conversion.to_stored(original)
    patch = patching.three_way_patch(original, modified, current, kind.kind)
    if not patch:
        return "unchanged"
    tx.patch(kind.kind, ns, name, patch)
    return "configured"


def create(api: Api, docs: list[manifests.Document], namespace: str = "default",
           explicit_namespace: bool = False, dry_run: str | None = None, capture: bool = False) -> list[Outcome]:
    """`create -f`: every object must not exist yet."""
    def step(tx: Transaction, kind: kinds.Kind, obj: dict, doc: manifests.Document):
        with _sourced(doc, "creating"):
            _checked(doc, obj)
            created = tx.create(obj, namespace=obj["metadata"].get("namespace") or namespace)
        obj["metadata"]["namespace"] = created["metadata"].get("namespace", "")
        return created["metadata"]["name"], "created"
    return _each(api, docs, namespace, explicit_namespace, dry_run, step, order=1, manager="kubectl-create",
                 capture=capture)


def replace(api: Api, docs: list[manifests.Document], namespace: str = "default",
            explicit_namespace: bool = False, dry_run: str | None = None, capture: bool = False) -> list[Outcome]:
    """`replace -f`: PUT each object; a resourceVersion in the manifest is a precondition."""
    def step(tx: Transaction, kind: kinds.Kind, obj: dict, doc: manifests.Document):
        name = _name(obj, doc)
        with _sourced(doc, "replacing"):
            _checked(doc, obj)
            tx.update(obj, namespace=obj["metadata"].get("namespace") or namespace)
        return name, "replaced"
    return _each(api, docs, namespace, explicit_namespace, dry_run, step, manager="kubectl-replace",
                 capture=capture)


def delete(api: Api, docs: list[manifests.Document], namespace: str = "default",
           explicit_namespace: bool = False, cascade: str = "background",
           ignore_not_found: bool = False, dry_run: str | None = None) -> list[Outcome]:
    """`delete -f`: delete every object named by the manifests."""
    def step(tx: Transaction, kind: kinds.Kind, obj: dict, doc: manifests.Document):
        name = _name(obj, doc)
        try:
            with _sourced(doc, "deleting"):
                tx.delete(kind.kind, obj["metadata"].get("namespace", ""), name, propagation=cascade.capitalize())
        except errors.NotFound:
            if ignore_not_found:
                return None
            raise
        return name, "deleted"
    return _each(api, docs, namespace, explicit_namespace, dry_run, step, order=-1)
