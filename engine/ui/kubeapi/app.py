"""The Kubernetes REST API as an ASGI application. This module does I/O.

Every request needs `Authorization: Bearer TOKEN`, the serve token or a
ServiceAccount token this server issued and that has not expired (401 Unauthorized
Status otherwise, as a real apiserver answers an unauthenticated one);
bodies are read up to 3 MiB (413 beyond, as the apiserver's limit); the
store is read and written on worker threads, never on the event loop.
Watches (`?watch=true`) stream one JSON event per line, chunked, fed by
`watching.Hub`; everything else answers one JSON document (or a Status).
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import hmac
import json
import logging
import random
import time
from typing import Any
from urllib.parse import parse_qsl

from litekube import errors
from litekube.api.server import Api
from litekube.model import zerovalues
from litekube.ui.kubeapi import discovery, handlers, routes, serviceaccounts, statuses, tables, watching
from litekube.ui.kubeapi.statuses import HTTPError

__all__ = ["KubeApi", "MAX_BODY"]

log = logging.getLogger("litekube.serve")

MAX_BODY = 3 * 1024 * 1024
_BATCH = 256 * 1024
_JSON = b"application/json"
_NOT_FOUND = ("the server could not find the requested resource",)


class KubeApi:
    """The API server of one Api, behind `token`."""

    def __init__(self, api: Api, token: str, *, address: str = "127.0.0.1:6443", workers: int = 4,
                 watch_capacity: int = 10_000, send_timeout: float = 10.0) -> None:
        self.api = api
        self.token = token.encode()
        self.address = address
        self._account_key = serviceaccounts.signing_key(self.token)
        self.handlers = handlers.Handlers(api, self._account_key)
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="litekube-serve")
        self.hub = watching.Hub(api.store, self._run, capacity=watch_capacity)
        self.requests = 0
        self.send_timeout = send_timeout  # a watch client that takes longer to accept one event is dropped

    async def _run(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await self.hub.start()
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await self.hub.stop()
                    self._pool.shutdown(wait=False, cancel_futures=True)
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        self.requests += 1
        try:
            await self._serve(scope, receive, send)
        except _Disconnected:
            return
        except Exception:  # one broken request must not take the server down
            log.exception("request failed: %s %s", scope.get("method"), scope.get("path"))
            try:
                await _answer(send, 500, statuses.status(500, "InternalError", "Internal error occurred"))
            except Exception:
                pass

    # -- one request ---------------------------------------------------------------
    async def _serve(self, scope, receive, send) -> None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers") or []}
        method = scope.get("method", "GET")
        authorization = headers.get("authorization", "")
        if not self._authorized(authorization) and not await self._account_token(authorization):
            await _drain(receive)
            await _answer(send, 401, statuses.status(401, "Unauthorized", "Unauthorized"))
            return
        try:
            body = await _read_body(receive, headers)
        except HTTPError as exc:
            await _answer(send, exc.code, statuses.from_error(exc))
            return
        path = scope.get("path") or "/"
        try:
            query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True))
        except ValueError:
            query = {}
        accept = headers.get("accept", "")
        target: routes.Target | None = None
        try:
            document = self._document(method, path, accept)
            if document is not None:
                await _answer(send, *document)
                return
            resolved = routes.resolve(path)
            if resolved is None:
                raise HTTPError(404, "NotFound", *_NOT_FOUND)
            review = dict(discovery.REVIEWS.get(resolved[:2], ())).get(resolved[2][0]) if len(resolved[2]) == 1 \
                else None
            if review is not None:
                if method != "POST":
                    raise HTTPError(405, "MethodNotAllowed",
                                    "the server does not allow this method on the requested resource")
                await _answer(send, 201, handlers.review(review, body, headers.get("content-type", "")))
                return
            try:
                target = routes.target(*resolved)
            except routes.Unknown:
                raise HTTPError(404, "NotFound", *_NOT_FOUND) from None
            handlers.selector_check(query, target.kind)
            request = handlers.Request(method, target, query, body, headers.get("content-type", ""), accept,
                                       {"user_agent": headers.get("user-agent", "")})
            if method == "GET" and target.name is None and query.get("watch") in ("true", "1"):
                await self._watch(request, send)
                return
            if method == "GET" and target.subresource == "log" and query.get("follow") == "true":
                await self._follow(request, send)
                return
            code, answer = await self._run(self._dispatch, request)
        except HTTPError as exc:
            await _answer(send, exc.code, statuses.from_error(exc))
            return
        except errors.LitekubeError as exc:
            status = statuses.from_error(exc, target.kind if target else None, (target.name or "") if target else "")
            await _answer(send, status["code"], status)
            return
        if isinstance(answer, str):  # pods/log
            await _answer(send, code, answer.encode(), b"text/plain")
            return
        await _answer(send, code, answer)

    def _authorized(self, header: str) -> bool:
        scheme, _, value = header.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), self.token)

    async def _account_token(self, header: str) -> bool:
        """A ServiceAccount token this server issued (kubectl create token), until it expires on the cluster
        clock (read on a worker thread)."""
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "bearer" or value.count(".") != 2:
            return False
        now = await self._run(self.api.store.now)
        return serviceaccounts.verify(self._account_key, value.strip(), now) is not None

    def _dispatch(self, request: handlers.Request) -> tuple[int, Any]:
        t, method = request.target, request.method
        h = self.handlers
        if method == "GET":
            if t.name is None:
                return h.list(request)
            return h.get(request)
        if method == "POST":
            return h.create(request)
        if t.subresource == "log" or (t.kind.computed and method != "DELETE"):
            raise HTTPError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")
        if method == "PUT" and t.name is not None:
            return h.update(request)
        if method == "PATCH" and t.name is not None:
            return h.patch(request)
        if method == "DELETE":
            return h.delete(request)
        raise HTTPError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")

    def _document(self, method: str, path: str, accept: str) -> tuple[int, Any, bytes] | None:
        """Discovery, version and OpenAPI answers; None for a resource path."""
        path = path.rstrip("/") or "/"
        parts = path.strip("/").split("/")
        discovery_path = path in ("/", "/version", "/api", "/apis", "/healthz", "/livez", "/readyz") \
            or parts[0] == "openapi" or (parts[0] == "api" and len(parts) == 2) \
            or (parts[0] == "apis" and len(parts) in (2, 3))
        if not discovery_path:
            return None
        if method != "GET":
            raise HTTPError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")
        if path in ("/healthz", "/livez", "/readyz"):
            return 200, b"ok", b"text/plain"
        if path == "/":
            return 200, {"paths": ["/api", "/api/v1", "/apis", "/openapi/v3", "/version"]}, _JSON
        if path == "/version":
            return 200, discovery.VERSION, _JSON
        if path in ("/api", "/apis"):
            if discovery.wants_aggregated(accept):
                return 200, discovery.aggregated(path == "/api"), discovery.AGGREGATED_TYPE.encode()
            return 200, (discovery.api_versions(self.address) if path == "/api" else discovery.group_list()), _JSON
        doc: Any = None
        if path == "/openapi/v3":
            doc = discovery.openapi_index()
        elif parts[0] == "openapi":
            rest = parts[2:] if len(parts) > 1 and parts[1] == "v3" else []
            if len(rest) == 2 and rest[0] == "api":
                doc = discovery.openapi_document("", rest[1])
            elif len(rest) == 3 and rest[0] == "apis":
                doc = discovery.openapi_document(rest[1], rest[2])
        elif parts[0] == "api":
            doc = discovery.resource_list("", parts[1])
        elif len(parts) == 2:
            doc = discovery.group(parts[1])
        else:
            doc = discovery.resource_list(parts[1], parts[2])
        if doc is None:
            raise HTTPError(404, "NotFound", *_NOT_FOUND)
        return 200, doc, _JSON

    # -- watches -------------------------------------------------------------------
    async def _watch(self, request: handlers.Request, send) -> None:
        q = request.query
        t = request.target
        if t.kind.computed:
            raise HTTPError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")
        timeout = handlers._int_param(q, "timeoutSeconds")
        if timeout is None:
            timeout = int(1800 * (1 + random.random()))  # the apiserver's minRequestTimeout x (1 + rand)
        deadline = time.monotonic() + max(0, timeout)
        bookmarks = q.get("allowWatchBookmarks") == "true"
        as_table = tables.wants_table(request.accept)
        include = q.get("includeObject") or "Metadata"
        rv_text = q.get("resourceVersion") or ""
        watcher = self.hub.subscribe(t, q.get("labelSelector") or None, q.get("fieldSelector") or None)
        initial: list[dict] = []
        if rv_text in ("", "0"):
            listing = await self._run(self._snapshot, t, q)
            initial, since = listing.items, listing.resource_version
        else:
            try:
                since = int(rv_text)
            except ValueError:
                raise HTTPError(400, "BadRequest", f'invalid resource version: "{rv_text}"') from None
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", _JSON), (b"cache-control", b"no-cache, private")]})
        last_sent = time.monotonic()

        def encode(type_: str, obj: dict) -> bytes:
            if as_table:
                obj = tables.table(t.kind.kind, [obj], self.handlers.now(), obj["metadata"].get("resourceVersion", ""),
                                   include, api_version=t.api_version if t.version else "")
            else:
                obj = handlers.served(t, obj)
            return watching.event_line(type_, obj)

        async def emit(chunk: bytes) -> None:
            try:
                await asyncio.wait_for(send({"type": "http.response.body", "body": chunk, "more_body": True}),
                                       self.send_timeout)
            except (asyncio.TimeoutError, OSError) as exc:
                raise _Disconnected() from exc

        try:
            try:
                await self.hub.attach(watcher, since)
            except errors.Expired as exc:
                await emit(watching.event_line("ERROR", statuses.status(410, "Expired", exc.message)))
                return
            for obj in initial:
                if watcher.labels is not None or watcher.fields is not None:
                    meta = obj["metadata"]
                    watcher.matched.add((meta.get("namespace", ""), meta["name"]))
                await emit(encode("ADDED", obj))
            while True:
                while watcher.queue:
                    # the events waiting go out in one chunk (up to 256 KiB): one send and one TLS
                    # record for many; clients split the stream on newlines, not on chunks
                    lines: list[bytes] = []
                    size = 0
                    while watcher.queue and size < _BATCH:
                        change = watcher.queue.popleft()
                        event = watcher.event(change)
                        since = change.revision
                        if event is None:
                            continue
                        line = self._line(change, event, encode, as_table or bool(t.version))
                        lines.append(line)
                        size += len(line)
                    if lines:
                        await emit(b"".join(lines))
                        last_sent = time.monotonic()
                if watcher.closed:
                    return
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                watcher.wake.clear()
                try:
                    await asyncio.wait_for(watcher.wake.wait(), min(left, 1.0))
                except asyncio.TimeoutError:
                    pass
                if bookmarks and not watcher.queue and time.monotonic() - last_sent > 5.0:
                    since = max(since, self.hub.cursor)
                    await emit(watching.event_line("BOOKMARK", {
                        "kind": t.kind.kind, "apiVersion": t.api_version,
                        "metadata": {"resourceVersion": str(since)}}))
                    last_sent = time.monotonic()
        finally:
            self.hub.detach(watcher)
            try:
                await asyncio.wait_for(send({"type": "http.response.body", "body": b"", "more_body": False}), 1.0)
            except Exception:
                pass

    async def _follow(self, request: handlers.Request, send) -> None:
        """`pods/log?follow=true`: the log so far, then new lines as the simulated container writes them,
        until it exits or the pod goes."""
        lines, exited = await self._run(self.handlers.log_lines, request)
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/plain"), (b"cache-control", b"no-cache, private")]})
        sent = len(lines)
        request.query.pop("tailLines", None)
        request.query.pop("sinceSeconds", None)
        try:
            if lines:
                await asyncio.wait_for(send({"type": "http.response.body", "body": "".join(lines).encode(),
                                             "more_body": True}), self.send_timeout)
            full = sent
            if not exited:
                full = len((await self._run(self.handlers.log_lines, request))[0])
            while not exited:
                await asyncio.sleep(0.5)
                try:
                    current, exited = await self._run(self.handlers.log_lines, request)
                except errors.LitekubeError:  # the pod is gone
                    break
                if len(current) > full:
                    await asyncio.wait_for(send({"type": "http.response.body",
                                                 "body": "".join(current[full:]).encode(), "more_body": True}),
                                           self.send_timeout)
                    full = len(current)
        except (asyncio.TimeoutError, OSError):
            raise _Disconnected() from None
        finally:
            try:
                await asyncio.wait_for(send({"type": "http.response.body", "body": b"", "more_body": False}), 1.0)
            except Exception:
                pass

    @staticmethod
    def _line(change, event: tuple[str, dict], encode, as_table: bool) -> bytes:
        """The encoded event; the JSON of a plain event is made once and shared by every watcher."""
        type_, obj = event
        if as_table:  # (or an event converted to another version)
            return encode(type_, obj)
        cache = change.__dict__.setdefault("_lines", {})
        line = cache.get(type_)
        if line is None:
            line = cache[type_] = watching.event_line(type_, zerovalues.served(obj))
        return line

    def _snapshot(self, t: routes.Target, q: dict[str, str]):
        with self.api.read() as tx:
            return tx.list(t.kind.kind, t.namespace, q.get("labelSelector") or None, q.get("fieldSelector") or None)


class _Disconnected(Exception):
    """The client went away (or stopped reading a watch)."""


async def _drain(receive) -> None:
    """Read and drop a request body (bounded), so the connection stays usable."""
    total = 0
    while total <= MAX_BODY:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Disconnected()
        total += len(message.get("body", b""))
        if not message.get("more_body"):
            return


_TOO_LARGE = HTTPError(413, "RequestEntityTooLarge", "limit is 3145728")


async def _read_body(receive, headers: dict[str, str]) -> bytes:
    """The request body, at most MAX_BODY bytes (413 beyond). An oversized body is read on and
    dropped, up to 4 times the limit, so that its client gets the answer instead of a reset."""
    declared = headers.get("content-length")
    too_large = declared is not None and declared.isdigit() and int(declared) > MAX_BODY
    if too_large and int(declared or 0) > 4 * MAX_BODY:
        raise _TOO_LARGE
    chunks, total = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Disconnected()
        chunk = message.get("body", b"")
        total += len(chunk)
        if total > MAX_BODY:
            too_large = True
            chunks = []
            if total > 4 * MAX_BODY:
                raise _TOO_LARGE
        elif not too_large:
            chunks.append(chunk)
        if not message.get("more_body"):
            if too_large:
                raise _TOO_LARGE
            return b"".join(chunks)


async def _answer(send, code: int, body: Any, content_type: bytes = _JSON) -> None:
    data = body if isinstance(body, bytes) else json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": code,
                "headers": [(b"content-type", content_type), (b"content-length", str(len(data)).encode()),
                            (b"cache-control", b"no-cache, private")]})
    await send({"type": "http.response.body", "body": data})
