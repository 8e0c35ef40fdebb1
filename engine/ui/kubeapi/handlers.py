"""The REST verbs on the API layer: what kube-apiserver does for each request. This module does I/O.

Each function runs on a worker thread (never on the event loop) and goes
through the same API-layer calls the CLI makes (litekube.api): one store
transaction per request, `dryRun=All` rolled back at its end. Answers are
(code, object); failures raise litekube's errors or HTTPError, turned
into Status objects by the caller.
"""
from __future__ import annotations

import base64
import binascii
import json
import posixpath
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from litekube import errors
from litekube.api import logs, operating, patching, reading
from litekube.api.server import Api, Transaction
from litekube.model import conversion, kinds, selectors, values, zerovalues
from litekube.store import revisions
from litekube.ui.kubeapi import protobuf, serviceaccounts, tables
from litekube.ui.kubeapi.routes import Target
from litekube.ui.kubeapi.statuses import HTTPError, from_error, success

__all__ = ["Request", "Handlers", "PATCH_TYPES", "decode_body", "review", "selector_check", "served"]

PATCH_TYPES = {"application/json-patch+json": "json", "application/merge-patch+json": "merge",
               "application/strategic-merge-patch+json": "strategic", "application/apply-patch+yaml": "apply"}
_BODY_TYPES = ("application/json", "application/yaml", protobuf.MEDIA_TYPE, "")


@dataclass
class Request:
    method: str
    target: Target
    query: dict[str, str]
    body: bytes = b""
    content_type: str = ""
    accept: str = ""
    params: dict = field(default_factory=dict)


def _media(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def decode_body(body: bytes, content_type: str, *, patch: bool = False) -> Any:
    """The request body as JSON values; raises HTTPError 415 (type) or 400 (syntax)."""
    media = _media(content_type)
    if patch:
        if media not in PATCH_TYPES:
            raise HTTPError(415, "UnsupportedMediaType",
                            f"the body of the request was in an unknown format - accepted media types include: "
                            f"{', '.join(PATCH_TYPES)}")
    elif media not in _BODY_TYPES:
        raise HTTPError(415, "UnsupportedMediaType",
                        f'the body of the request was in an unknown format - accepted media types include: '
                        f'application/json, application/yaml, application/vnd.kubernetes.protobuf')
    if media == protobuf.MEDIA_TYPE:  # client-go's typed clientsets (kubectl create, token, drain)
        try:
            return protobuf.decode(body)
        except protobuf.ProtobufError as exc:
            raise HTTPError(400, "BadRequest", f"the protobuf body could not be decoded: {exc}") from None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPError(400, "BadRequest", "the body of the request is not valid UTF-8") from None
    if media in ("application/yaml", "application/apply-patch+yaml"):
        import yaml
        try:
            value = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise HTTPError(400, "BadRequest", f"error converting YAML to JSON: {str(exc).splitlines()[0]}") from None
        _check_json_values(value)
        return value
    try:
        return json.loads(text)
    except ValueError as exc:
        raise HTTPError(400, "BadRequest", f"couldn't get version/kind; json parse error: {exc}") from None


def _check_json_values(value: Any, depth: int = 0) -> None:
    """YAML may carry what JSON cannot (timestamps, binary, non-string keys): refuse it as the apiserver does."""
    if depth > 100:
        raise HTTPError(400, "BadRequest", "error converting YAML to JSON: too deeply nested")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise HTTPError(400, "BadRequest", f"error converting YAML to JSON: unsupported map key: {key!r}")
            _check_json_values(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_json_values(item, depth + 1)
    elif value is not None and not isinstance(value, (str, int, float, bool)):
        raise HTTPError(400, "BadRequest", f"error converting YAML to JSON: unsupported value {value!r}")


def _dry_run(query: dict[str, str]) -> bool:
    value = query.get("dryRun")
    if value in (None, ""):
        return False
    if value != "All":
        raise HTTPError(400, "BadRequest", f'Invalid dryRun value: "{value}"; supported values: "All"')
    return True


def _int_param(query: dict[str, str], name: str) -> int | None:
    text = query.get(name)
    if text in (None, ""):
        return None
    try:
        return int(text)
    except ValueError:
        raise HTTPError(400, "BadRequest", f'invalid value for {name}: "{text}"') from None


def _encode_continue(revision: int, start: str) -> str:
    """storage.EncodeContinue: {"v","rv","start"} as compact JSON, base64url without padding. `start` is
    the key after the list's prefix: `name\x00` in a namespace or for a cluster kind, `namespace/name\x00`
    across namespaces."""
    raw = json.dumps({"v": "meta.k8s.io/v1", "rv": revision, "start": start}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_continue(token: str) -> tuple[int, str]:
    """storage.DecodeContinue: (rv, start); -1 is the latest revision (the inconsistent continuation).
    Raises HTTPError 400 in the apiserver's words."""
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode() + b"=" * (-len(token) % 4)))
        version, rv, start = data.get("v"), data.get("rv", 0), data.get("start", "")
    except (ValueError, TypeError, AttributeError, binascii.Error):
        raise HTTPError(400, "BadRequest", "invalid continue token: continue key is not valid: illegal base64 "
                                           "data or JSON") from None
    if version != "meta.k8s.io/v1":
        raise HTTPError(400, "BadRequest", f"invalid continue token: continue key is not valid: server does not "
                                           f'recognize this encoded version "{version}"')
    if not isinstance(rv, int) or rv == 0:
        raise HTTPError(400, "BadRequest", "invalid continue token: continue key is not valid: incorrect encoded "
                                           "start resourceVersion (version meta.k8s.io/v1)")
    if not isinstance(start, str) or not start:
        raise HTTPError(400, "BadRequest", "invalid continue token: continue key is not valid: encoded start key "
                                           "empty (version meta.k8s.io/v1)")
    key = start if start.startswith("/") else "/" + start
    if posixpath.normpath(key) != key:
        raise HTTPError(400, "BadRequest", f"invalid continue token: continue key is not valid: {start}")
    return rv, start


def _start_key(meta: dict, across_namespaces: bool) -> str:
    name = meta["name"]
    return f"{meta.get('namespace', '')}/{name}\x00" if across_namespaces else f"{name}\x00"


def _start_of(start: str, namespace: str | None, across_namespaces: bool) -> tuple[str, str] | None:
    """A continuation's start key as the store's (namespace, name) key, None without one."""
    if not start:
        return None
    if across_namespaces:
        ns, _, name = start.partition("/")
        return ns, name
    return namespace or "", start


def _after(obj: dict, start: str, across_namespaces: bool) -> bool:
    """Is `obj`'s key at or after the continuation's start key (the last key returned and a NUL),
    in the list's (namespace, name) order?"""
    meta = obj["metadata"]
    if across_namespaces:
        ns, _, name = start.partition("/")
        return (meta.get("namespace", ""), meta["name"]) >= (ns, name)
    return meta["name"] >= start


_EXPIRED_LIST = "The resourceVersion for the provided list is too old."
_INCONSISTENT_CONTINUE = (
    "The provided continue parameter is too old to display a consistent list result. You can start a new list "
    "without the continue parameter, or use the continue token in this response to retrieve the remainder of the "
    "results. Continuing with the provided token results in an inconsistent list - objects that were created, "
    "modified, or deleted between the time the first chunk was returned and now may show up in the list.")


def _invalid_list_options(causes: list[errors.Cause]) -> HTTPError:
    from litekube.ui.kubeapi.statuses import _cause
    texts = [str(c) for c in causes]
    aggregate = texts[0] if len(texts) == 1 else "[" + ", ".join(texts) + "]"
    return HTTPError(422, "Invalid", f'ListOptions.meta.k8s.io "" is invalid: {aggregate}',
                     {"group": "meta.k8s.io", "kind": "ListOptions", "causes": [_cause(c) for c in causes]})


def validate_list_options(query: dict[str, str]) -> None:
    """apimachinery's ValidateListOptions (for a list, not a watch): 422 Invalid on ListOptions."""
    match = query.get("resourceVersionMatch") or ""
    rv = query.get("resourceVersion") or ""
    causes: list[errors.Cause] = []
    if match:
        if not rv:
            causes.append(errors.Cause("resourceVersionMatch", "Forbidden",
                                       "resourceVersionMatch is forbidden unless resourceVersion is provided"))
        if query.get("continue"):
            causes.append(errors.Cause("resourceVersionMatch", "Forbidden",
                                       "resourceVersionMatch is forbidden when continue is provided"))
        if match not in ("Exact", "NotOlderThan"):
            causes.append(errors.Cause("resourceVersionMatch", "Unsupported value", value=match,
                                       detail='supported values: "Exact", "NotOlderThan", ""'))
        if match == "Exact" and rv == "0":
            causes.append(errors.Cause("resourceVersionMatch", "Forbidden",
                                       'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'))
    if "sendInitialEvents" in query:
        causes.append(errors.Cause("sendInitialEvents", "Forbidden", "sendInitialEvents is forbidden for list"))
    if causes:
        raise _invalid_list_options(causes)


def _parse_rv(text: str) -> int:
    """A resourceVersion parameter ("" and "0" are 0); HTTPError 400 when it is not a decimal count."""
    if text in ("", "0"):
        return 0
    if not text.isdigit() or not text.isascii():
        raise HTTPError(400, "BadRequest", f'invalid resource version: resourceVersion: Invalid value: "{text}": '
                                           f'strconv.ParseUint: parsing "{text}": invalid syntax')
    return int(text)


def _too_large(wanted: int, current: int) -> HTTPError:
    """storage.NewTooLargeResourceVersionError, as the watch cache answers after waiting 3 s."""
    return HTTPError(504, "Timeout", f"Timeout: Too large resource version: {wanted}, current: {current}",
                     {"causes": [{"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}],
                      "retryAfterSeconds": 1})


class Handlers:
    """The verbs over one Api."""

    def __init__(self, api: Api, signing_key: bytes = b"") -> None:
        self.api = api
        self.signing_key = signing_key  # of ServiceAccount tokens (serviceaccounts.signing_key)
        import inspect
        # an API layer that records managedFields takes the request's field manager
        self._managed = "manager" in inspect.signature(api.write).parameters

    def _write(self, req: Request, dry: bool):
        if self._managed:
            return self.api.write(dry_run=dry, manager=manager_of(req))
        return self.api.write(dry_run=dry)

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.api.store.now(), tz=timezone.utc)

    # -- reads ---------------------------------------------------------------------
    def get(self, req: Request) -> tuple[int, Any]:
        t = req.target
        ns = t.namespace or ""
        if t.subresource == "log":
            return 200, self._log(req)
        if t.kind.computed:
            found = reading.get(self.api, [(t.kind, t.name)], namespace=ns).groups
            obj = found[0][0]
        else:
            wanted = _parse_rv(req.query.get("resourceVersion") or "")
            if wanted:
                self._not_older_than(wanted)
            with self.api.read() as tx:
                obj = tx.get(t.kind.kind, ns, t.name or "")
        if t.subresource == "scale":
            return 200, patching.scale_view(obj)
        if tables.wants_table(req.accept):
            return 200, tables.table(t.kind.kind, [obj], self.now(), obj["metadata"].get("resourceVersion", ""),
                                     req.query.get("includeObject") or "Metadata", api_version=t.api_version)
        return 200, served(t, obj)

    def _not_older_than(self, wanted: int) -> int:
        """The newest revision once it is at least `wanted` (a read with resourceVersion=N is served
        when the watch cache has reached N): waits up to 3 s, as the cache does, then 504."""
        deadline = time.monotonic() + 3.0
        while True:
            head = self.api.store.revision()
            if head >= wanted:
                return head
            if time.monotonic() >= deadline:
                raise _too_large(wanted, head)
            time.sleep(0.05)

    def list(self, req: Request) -> tuple[int, Any]:
        """LIST with upstream's resourceVersion semantics (v1.32's cacher and etcd3 store):

        - `continue`: the list at the token's revision (rv -1: the latest), from after its start key;
          a resourceVersion other than "" or "0" with it is a 400;
        - `resourceVersionMatch=Exact`, or a non-zero resourceVersion with a limit and no match (the
          legacy exact read): the list at exactly that revision, 410 once compacted;
        - else the latest list ("" consistent, "0" any, N or NotOlderThan: at least N, 504 past
          the newest revision).
        A compacted continuation is 410 with an inconsistent token (rv -1) in metadata.continue.
        remainingItemCount is set on a page that has more only without selectors (etcd counts keys).
        """
        t = req.target
        q = req.query
        validate_list_options(q)
        label_selector = q.get("labelSelector") or None
        field_selector = q.get("fieldSelector") or None
        limit = _int_param(q, "limit") or 0
        limit = max(limit, 0)
        token = q.get("continue") or ""
        rv_text = q.get("resourceVersion") or ""
        match = q.get("resourceVersionMatch") or ""
        wanted = _parse_rv(rv_text)
        across = t.kind.namespaced and t.namespace is None
        at: int | None = None  # the revision to read at; None: the latest
        start = ""
        if token:
            first, start = _decode_continue(token)
            if rv_text not in ("", "0"):
                raise HTTPError(400, "BadRequest", "specifying resource version is not allowed when using continue")
            at = first if first > 0 else None
        elif match == "Exact" or (not match and limit and wanted):
            at = wanted
        elif wanted:
            self._not_older_than(wanted)
        if t.kind.computed:
            result = reading.get(self.api, [(t.kind, None)], namespace=t.namespace or "",
                                 all_namespaces=t.namespace is None, selector=label_selector,
                                 field_selector=field_selector)
            items, revision = result.groups[0] if result.groups else [], result.resource_version
            counted = 0
        else:
            try:
                with self.api.read() as tx:
                    if at is not None and at > tx.reader.revision():
                        raise HTTPError(500, "", revisions.FUTURE_REVISION)
                    listing = tx.list(t.kind.kind, t.namespace, label_selector, field_selector, revision=at,
                                      start=_start_of(start, t.namespace, across), limit=limit + 1 if limit else None)
            except errors.Expired:
                if token:
                    raise HTTPError(410, "Expired", _INCONSISTENT_CONTINUE,
                                    metadata={"continue": _encode_continue(-1, start)}) from None
                raise HTTPError(410, "Expired", _EXPIRED_LIST) from None
            items, revision, counted = listing.items, listing.resource_version, listing.remaining or 0
        if start and t.kind.computed:
            items = [o for o in items if _after(o, start, across)]
        next_token, remaining = "", None
        if limit and len(items) > limit:
            if not label_selector and not field_selector:
                # The store read a page of limit + 1 and counted the rest (a computed kind: all is here).
                remaining = len(items) - limit + counted
            items = items[:limit]
            next_token = _encode_continue(revision, _start_key(items[-1]["metadata"], across))
        if tables.wants_table(req.accept):
            return 200, tables.table(t.kind.kind, items, self.now(), str(revision),
                                     q.get("includeObject") or "Metadata", continue_token=next_token,
                                     remaining=remaining, api_version=t.api_version)
        meta: dict = {"resourceVersion": str(revision)}
        if next_token:
            meta["continue"] = next_token
            if remaining is not None:
                meta["remainingItemCount"] = remaining
        return 200, {"kind": f"{t.kind.kind}List", "apiVersion": t.api_version, "metadata": meta,
                     "items": [served(t, o) for o in items]}

    def _log(self, req: Request) -> str:
        return "".join(self.log_lines(req)[0])

    def log_lines(self, req: Request) -> tuple[list[str], bool]:
        """The log's lines as served (with `timestamps`, `sinceSeconds`, `tailLines`), and whether the
        container has exited (a follow ends there)."""
        t = req.target
        q = req.query
        with self.api.read() as tx:
            pod = tx.get("Pod", t.namespace or "", t.name or "")
        container = q.get("container") or logs.default_container(pod)[0]
        if container not in logs.container_names(pod):
            raise HTTPError(400, "BadRequest", f"container {container} is not valid for pod {t.name}")
        lines = logs.pod_log(self.api, t.namespace or "", t.name or "", container, q.get("previous") == "true")
        exited = bool(lines) and lines[-1].text.startswith(f"Container {container} exited")
        since = _int_param(q, "sinceSeconds")
        if since is not None:
            lines = logs.since_filter(lines, self.api.store.now(), float(since), None)
        tail = _int_param(q, "tailLines")
        if tail is not None and tail >= 0:
            lines = lines[len(lines) - tail:] if tail < len(lines) else lines
        stamps = q.get("timestamps") == "true"
        return [f"{line.time + ' ' if stamps else ''}{line.text}\n" for line in lines], exited

    # -- writes --------------------------------------------------------------------
    def _object_body(self, req: Request) -> dict:
        obj = decode_body(req.body, req.content_type)
        if not isinstance(obj, dict):
            raise HTTPError(400, "BadRequest", "Object 'Kind' is missing in the request body")
        kind = req.target.kind
        if req.target.subresource in ("eviction", "binding", "scale", "token"):
            return obj
        api_version, kind_name = obj.get("apiVersion"), obj.get("kind")
        expected = req.target.api_version  # autoscaling/v1 is converted to the stored version on admission
        if api_version not in (None, "") and api_version != expected:
            raise HTTPError(400, "BadRequest", f"the API version in the data ({api_version}) does not match the "
                                               f"expected API version ({expected})")
        if kind_name not in (None, "") and kind_name != kind.kind:
            raise HTTPError(400, "BadRequest", f"the kind in the data ({kind_name}) does not match the expected "
                                               f"kind ({kind.kind})")
        obj["apiVersion"], obj["kind"] = expected, kind.kind
        meta = obj.get("metadata")
        if meta is None:
            meta = obj["metadata"] = {}
        if not isinstance(meta, dict):
            raise HTTPError(400, "BadRequest", "metadata must be an object")
        if kind.namespaced:
            given = meta.get("namespace")
            if given not in (None, "") and given != req.target.namespace:
                raise HTTPError(400, "BadRequest", "the namespace of the provided object does not match the "
                                                   "namespace sent on the request")
            meta["namespace"] = req.target.namespace
        return obj

    def _writable(self, kind: kinds.Kind) -> None:
        if kind.computed:
            raise errors.MethodNotAllowed("the server does not allow this method on the requested resource")

    def create(self, req: Request) -> tuple[int, Any]:
        t = req.target
        self._writable(t.kind)
        if t.kind.namespaced and t.namespace is None:
            raise HTTPError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")
        obj = self._object_body(req)
        dry = _dry_run(req.query)
        if t.subresource == "eviction":
            with self.api.write(dry_run=dry) as tx:
                operating.evict(tx, t.namespace or "", t.name or "")
            return 201, success(code=201)
        if t.subresource == "binding":
            node = (obj.get("target") or {}).get("name") if isinstance(obj.get("target"), dict) else None
            if not node:
                raise errors.Invalid("Binding", t.name or "", [errors.Cause("target.name", "Required value")])
            with self.api.write(dry_run=dry) as tx:
                tx.bind(t.namespace or "", t.name or "", (obj.get("metadata") or {}).get("uid") or "", node)
            return 201, success(code=201)
        if t.subresource == "token":  # kubectl create token: a TokenRequest for the ServiceAccount
            with self.api.read() as tx:
                account = tx.get("ServiceAccount", t.namespace or "", t.name or "")
            try:
                return 201, serviceaccounts.answer(self.signing_key, account, obj, self.api.store.now())
            except errors.Invalid as exc:
                refused = from_error(exc)
                raise HTTPError(422, "Invalid", refused["message"], {**refused["details"], "kind": "TokenRequest",
                                                                     "group": "authentication.k8s.io"}) from None
        if t.name is not None:
            raise HTTPError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")
        with self._write(req, dry) as tx:
            created = tx.create(obj, namespace=t.namespace or "default")
        if dry:  # nothing was stored: no resource version
            created["metadata"].pop("resourceVersion", None)
        return 201, served(t, created)

    def update(self, req: Request) -> tuple[int, Any]:
        t = req.target
        self._writable(t.kind)
        obj = self._object_body(req)
        dry = _dry_run(req.query)
        if t.subresource == "scale":
            return self._update_scale(req, obj, dry)
        name = (obj.get("metadata") or {}).get("name")
        if name not in (None, "") and name != t.name:
            raise HTTPError(400, "BadRequest", f"the name of the object ({name}) does not match the name on the "
                                               f"URL ({t.name})")
        obj["metadata"]["name"] = t.name
        with self._write(req, dry) as tx:
            before = tx.get(t.kind.kind, t.namespace or "", t.name or "")
            stored = tx.update(obj, namespace=t.namespace or "default", subresource=t.subresource)
        if dry and stored is not None:
            stored["metadata"]["resourceVersion"] = before["metadata"]["resourceVersion"]
        return 200, served(t, stored if stored is not None else obj)

    def _update_scale(self, req: Request, scale: dict, dry: bool) -> tuple[int, Any]:
        t = req.target
        replicas = (scale.get("spec") or {}).get("replicas") if isinstance(scale.get("spec"), dict) else None
        if not isinstance(replicas, int) or isinstance(replicas, bool):
            raise errors.Invalid("Scale", t.name or "", [errors.Cause("spec.replicas", "Required value")])
        with self._write(req, dry) as tx:
            current = values.clone(tx.get(t.kind.kind, t.namespace or "", t.name or ""))
            expected = (scale.get("metadata") or {}).get("resourceVersion")
            if expected not in (None, "") and str(expected) != current["metadata"]["resourceVersion"]:
                raise errors.Conflict.of(t.kind.resource, t.name or "")
            current["spec"]["replicas"] = replicas
            stored = tx.update(current, namespace=t.namespace or "default")
        return 200, patching.scale_view(stored if stored is not None else current)

    def patch(self, req: Request) -> tuple[int, Any]:
        t = req.target
        self._writable(t.kind)
        patch_type = PATCH_TYPES.get(_media(req.content_type))
        body = decode_body(req.body, req.content_type, patch=True)
        dry = _dry_run(req.query)
        if patch_type == "apply":
            return self._apply(req, body, dry)
        with self._write(req, dry) as tx:
            before = self._patch_precondition(tx, t, body)
            result = patching.patch_in(tx, t.kind, t.namespace or "", t.name or "", body, patch_type or "strategic",
                                       t.subresource, served=t.api_version if t.version else None)
        if dry:  # nothing was stored: the resource version stays
            result.obj["metadata"]["resourceVersion"] = before["metadata"]["resourceVersion"]
        return 200, served(t, result.obj)

    def _patch_precondition(self, tx: Transaction, t: Target, body: Any) -> dict:
        """The object before the patch. A resourceVersion in a merge or strategic patch is a precondition,
        as upstream's patcher checks it."""
        current = tx.get(t.kind.kind, t.namespace or "", t.name or "")
        if not isinstance(body, dict) or not isinstance(body.get("metadata"), dict):
            return current
        expected = body["metadata"].get("resourceVersion")
        if expected not in (None, "") and str(expected) != current["metadata"].get("resourceVersion"):
            raise errors.Conflict.of(t.kind.resource, t.name or "")
        return current

    def _apply(self, req: Request, body: Any, dry: bool) -> tuple[int, Any]:
        try:
            from litekube.api import serverside  # server-side apply (issue 12's other half)
        except ImportError:
            raise HTTPError(415, "UnsupportedMediaType",
                            "server-side apply (application/apply-patch+yaml) is not served by this litekube yet; "
                            "use client-side apply") from None
        t = req.target
        manager = req.query.get("fieldManager") or ""
        if not manager:
            raise errors.BadRequest("PATCH, application/apply-patch+yaml requests require fieldManager to be set")
        if not isinstance(body, dict):
            raise HTTPError(400, "BadRequest", "the apply patch must be an object")
        applied = serverside.apply_patch(self.api, t.kind, t.namespace or "", t.name or "", body,
                                         field_manager=manager, force=req.query.get("force") == "true",
                                         dry_run=dry, subresource=t.subresource)
        return (201 if getattr(applied, "created", False) else 200), served(t, getattr(applied, "obj", applied))

    def delete(self, req: Request) -> tuple[int, Any]:
        t = req.target
        self._writable(t.kind)
        q = req.query
        options: dict = {}
        if req.body.strip():
            decoded = decode_body(req.body, req.content_type)
            if not isinstance(decoded, dict):
                raise HTTPError(400, "BadRequest", "DeleteOptions must be an object")
            options = decoded
        policy = q.get("propagationPolicy") or options.get("propagationPolicy")
        if policy is not None and policy not in ("Background", "Foreground", "Orphan"):
            raise errors.Invalid("DeleteOptions", "", [errors.Cause(
                "propagationPolicy", "Unsupported value", value=policy,
                detail='supported values: "Foreground", "Background", "Orphan", nil')])
        if options.get("orphanDependents") is True and policy is None:
            policy = "Orphan"
        grace = _int_param(q, "gracePeriodSeconds")
        if grace is None and options.get("gracePeriodSeconds") is not None:
            grace = options["gracePeriodSeconds"]
            if not isinstance(grace, int) or isinstance(grace, bool):
                raise HTTPError(400, "BadRequest", "gracePeriodSeconds must be an integer")
        preconditions = options.get("preconditions") or {}
        if not isinstance(preconditions, dict):
            raise HTTPError(400, "BadRequest", "preconditions must be an object")
        dry = _dry_run(q) or options.get("dryRun") == ["All"]
        if t.name is None:
            return self._delete_collection(req, policy, grace, dry)
        ns = t.namespace or ""
        with self.api.write(dry_run=dry) as tx:
            current = tx.get(t.kind.kind, ns, t.name)
            uid = preconditions.get("uid")
            if uid not in (None, "") and uid != current["metadata"].get("uid"):
                raise errors.Conflict(f"Precondition failed: UID in precondition: {uid}, UID in object meta: "
                                      f"{current['metadata'].get('uid')}")
            rv = preconditions.get("resourceVersion")
            if rv not in (None, "") and str(rv) != current["metadata"].get("resourceVersion"):
                raise errors.Conflict(f"Precondition failed: ResourceVersion in precondition: {rv}, "
                                      f"ResourceVersion in object meta: {current['metadata'].get('resourceVersion')}")
            left = tx.delete(t.kind.kind, ns, t.name, propagation=policy, grace_period=grace)
        if left is not None:
            return 200, served(t, left)
        return 200, success({"name": t.name, "group": t.kind.group, "kind": t.kind.plural,
                             "uid": current["metadata"].get("uid", "")})

    def _delete_collection(self, req: Request, policy: str | None, grace: int | None, dry: bool) -> tuple[int, Any]:
        t = req.target
        q = req.query
        with self.api.write(dry_run=dry) as tx:
            listing = tx.list(t.kind.kind, t.namespace, q.get("labelSelector") or None, q.get("fieldSelector") or None)
            for obj in listing.items:
                meta = obj["metadata"]
                tx.delete(t.kind.kind, meta.get("namespace", ""), meta["name"], propagation=policy,
                          grace_period=grace)
        return 200, {"kind": f"{t.kind.kind}List", "apiVersion": t.api_version,
                     "metadata": {"resourceVersion": str(listing.resource_version)},
                     "items": [served(t, o) for o in listing.items]}


def served(t: Target, obj: Any) -> Any:
    """A stored object as the version the request addresses shows it (autoscaling/v1: converted)."""
    if not isinstance(obj, dict):
        return obj
    obj = zerovalues.served(obj)  # what Go's encoding always shows (status: {}, ...)
    return conversion.to_version(obj, t.api_version) if t.version else obj


def manager_of(req: Request) -> str:
    """The request's field manager: `fieldManager`, else the User-Agent's product (`kubectl`), as the apiserver."""
    given = req.query.get("fieldManager")
    if given:
        return given
    agent = req.params.get("user_agent") or ""
    return agent.split("/", 1)[0].strip() or "unknown"


def review(kind: str, body: bytes, content_type: str) -> dict:
    """A SelfSubjectAccessReview, SelfSubjectRulesReview or SelfSubjectReview answered for the token holder:
    litekube has one user, and it may do everything (cluster-admin)."""
    # kubectl's typed client sends the review as protobuf, decoded as every other body
    obj = decode_body(body, content_type) if body.strip() and _media(content_type) in _BODY_TYPES else {}
    if not isinstance(obj, dict):
        raise HTTPError(400, "BadRequest", f"Object 'Kind' is missing in the request body of a {kind}")
    group = "authentication.k8s.io" if kind == "SelfSubjectReview" else "authorization.k8s.io"
    out = {"kind": kind, "apiVersion": f"{group}/v1", "metadata": {"creationTimestamp": None},
           "spec": obj.get("spec") if isinstance(obj.get("spec"), dict) else {}}
    if kind == "SelfSubjectAccessReview":
        out["status"] = {"allowed": True, "reason": "litekube: the token holder is cluster-admin"}
    elif kind == "SelfSubjectRulesReview":
        out["status"] = {"resourceRules": [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}],
                         "nonResourceRules": [{"verbs": ["*"], "nonResourceURLs": ["*"]}], "incomplete": False}
    else:
        out.pop("spec")
        out["status"] = {"userInfo": {"username": "litekube-admin", "groups": ["system:masters",
                                                                            "system:authenticated"]}}
    return out


def selector_check(query: dict[str, str], kind: kinds.Kind | None = None) -> None:
    """Parse the selectors up front: a bad one (or a field the kind has no label for) is a 400 before any work."""
    if query.get("labelSelector"):
        selectors.parse(query["labelSelector"])
    if query.get("fieldSelector"):
        fields = selectors.parse_fields(query["fieldSelector"])
        if kind is not None:
            selectors.check_supported(kind.kind, fields)  # errors.BadRequest: the same 400 Status
