"""The web view as an ASGI application: the page, its files, and the JSON it reads. This module does I/O.

Every request needs the token `litekube ui` printed, as Jupyter's
servers do: `/?token=T` checks it, sets it in a cookie (named after the
port, so two servers on one host do not mix) and redirects to `/`, so the
token leaves the address bar; scripts may also send it as `token=` or an
`Authorization: token T` header. Bound to a loopback address, only
loopback Host headers are served (no DNS rebinding). Routes (GET and HEAD
only):
- `/`: the page; `/static/NAME`: its script, style and icon;
- `/api/steps?after=REV`: the slider's positions (changelog rows) after REV;
- `/api/frame?revision=REV&namespace=NS`: the picture at REV (`scenes.scene`).
The store is read on one worker thread, never on the event loop.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import hmac
import ipaddress
import json
import logging
from http.cookies import SimpleCookie
from importlib import resources
from urllib.parse import parse_qs

from litekube.api.history import History

__all__ = ["Application", "STATIC"]

log = logging.getLogger("litekube.ui")

# The files under static/ that are served, and their types: nothing else is read from disk.
STATIC = {"index.html": "text/html; charset=utf-8", "app.js": "text/javascript; charset=utf-8",
          "style.css": "text/css; charset=utf-8", "favicon.svg": "image/svg+xml"}
_SECURITY = [
    (b"content-security-policy", (b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                                  b"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
]


def _static(name: str) -> bytes:
    return resources.files("litekube.ui").joinpath("static", name).read_bytes()


class Application:
    """The web view of one History, behind `token`."""

    def __init__(self, history: History, token: str, *, port: int, loopback: bool = True) -> None:
        self.history = history
        self.token = token
        self.cookie = f"litekube-ui-token-{port}"
        self.loopback = loopback
        self._worker = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="litekube-ui")
        self._files = {name: _static(name) for name in STATIC}

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    self._worker.shutdown(wait=False, cancel_futures=True)
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        try:
            status, headers, body = await self._handle(scope)
        except Exception:  # one broken request must not take the server down
            log.exception("request failed: %s", scope.get("path"))
            status, headers, body = 500, [(b"content-type", b"text/plain; charset=utf-8")], b"internal error\n"
        headers = headers + _SECURITY + [(b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope.get("method") == "HEAD" else body})

    # -- requests ------------------------------------------------------------------
    async def _handle(self, scope) -> tuple[int, list, bytes]:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers") or []}
        if self.loopback and not _loopback_host(headers.get("host", "")):
            return _text(403, "403 Forbidden: this server answers only to a loopback host name\n")
        if scope.get("method") not in ("GET", "HEAD"):
            return 405, [(b"content-type", b"text/plain; charset=utf-8"), (b"allow", b"GET, HEAD")], \
                b"405 Method Not Allowed\n"
        path = scope.get("path") or "/"
        query = {k: v[-1] for k, v in parse_qs(scope.get("query_string", b"").decode("latin-1")).items()}
        given = query.get("token")
        if path == "/" and given is not None:
            if not self._valid(given):
                return _text(403, "403 Forbidden: wrong token; use the URL litekube ui printed\n")
            cookie = f"{self.cookie}={self.token}; Path=/; HttpOnly; SameSite=Strict"
            return 302, [(b"location", b"/"), (b"set-cookie", cookie.encode()),
                         (b"content-type", b"text/plain; charset=utf-8"), (b"cache-control", b"no-store")], b""
        if not self._authorized(headers, given):
            return _text(403, "403 Forbidden: open the URL with the token that litekube ui printed\n")
        if path == "/":
            return _file(self._files["index.html"], STATIC["index.html"])
        if path.startswith("/static/"):
            name = path[len("/static/"):]
            if name in STATIC:
                return _file(self._files[name], STATIC[name])
            return _text(404, "404 Not Found\n")
        if path == "/favicon.ico":
            return _file(self._files["favicon.svg"], STATIC["favicon.svg"])
        if path == "/api/steps":
            after = _int(query.get("after"))
            return _json(await self._run(self._steps, after))
        if path == "/api/frame":
            revision = _int(query.get("revision"))
            if revision is None:
                return _text(400, "400 Bad Request: revision must be an integer\n")
            namespace = query.get("namespace") or None
            return _json(await self._run(self._frame, revision, namespace))
        return _text(404, "404 Not Found\n")

    def _valid(self, token: str | None) -> bool:
        return token is not None and hmac.compare_digest(token.encode(), self.token.encode())

    def _authorized(self, headers: dict[str, str], given: str | None) -> bool:
        if self._valid(given):
            return True
        auth = headers.get("authorization", "")
        scheme, _, value = auth.partition(" ")
        if scheme.lower() in ("token", "bearer") and self._valid(value.strip()):
            return True
        cookies = SimpleCookie()
        try:
            cookies.load(headers.get("cookie", ""))
        except Exception:  # a malformed Cookie header is no credential
            return False
        morsel = cookies.get(self.cookie)
        return morsel is not None and self._valid(morsel.value)

    # -- the store, on the worker thread -------------------------------------------
    async def _run(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(self._worker, fn, *args)

    def _steps(self, after: int | None) -> dict:
        self.history.refresh()
        return self.history.steps(after)

    def _frame(self, revision: int, namespace: str | None) -> dict:
        return self.history.frame(revision, namespace)


def _loopback_host(host: str) -> bool:
    """`localhost`, `127.0.0.1:8470`, `[::1]:8470`...: a name that cannot be rebound to another address."""
    host = host.strip().lower()
    if host.startswith("["):
        name = host[1:host.find("]")] if "]" in host else ""
    else:
        name = host.split(":", 1)[0]
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _text(status: int, text: str) -> tuple[int, list, bytes]:
    return status, [(b"content-type", b"text/plain; charset=utf-8"), (b"cache-control", b"no-store")], text.encode()


def _file(body: bytes, content_type: str) -> tuple[int, list, bytes]:
    return 200, [(b"content-type", content_type.encode()), (b"cache-control", b"no-cache")], body


def _json(data: object) -> tuple[int, list, bytes]:
    body = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
    return 200, [(b"content-type", b"application/json; charset=utf-8"), (b"cache-control", b"no-store")], body
