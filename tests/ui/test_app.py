"""The web view's ASGI application, called as uvicorn calls it: the token, the host check, routes, JSON."""
from __future__ import annotations

import asyncio
import json

import pytest

from litekube.ui.app import STATIC, Application

TOKEN = "0123456789abcdef"


def call(app, path: str, *, method: str = "GET", query: str = "", headers: dict | None = None):
    """One request through the ASGI interface: (status, headers, body)."""
    headers = {"host": "127.0.0.1:8470", **(headers or {})}
    scope = {"type": "http", "method": method, "path": path, "query_string": query.encode(),
             "headers": [(k.encode(), v.encode()) for k, v in headers.items()]}
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start, body = sent
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, body["body"]


@pytest.fixture
def app(history):
    application = Application(history, TOKEN, port=8470)
    yield application
    application._worker.shutdown()


COOKIE = {"cookie": f"litekube-ui-token-8470={TOKEN}"}


class TestToken:
    @pytest.mark.parametrize("path", ["/", "/static/app.js", "/api/steps", "/api/frame", "/favicon.ico"])
    def test_nothing_is_served_without_the_token(self, app, path):
        status, _, body = call(app, path, query="revision=1")
        assert status == 403 and body == b"403 Forbidden: open the URL with the token that litekube ui printed\n"

    def test_the_printed_url_sets_the_cookie_and_drops_the_token_from_the_address(self, app):
        status, headers, _ = call(app, "/", query=f"token={TOKEN}")
        assert status == 302 and headers["location"] == "/"
        assert headers["set-cookie"] == f"litekube-ui-token-8470={TOKEN}; Path=/; HttpOnly; SameSite=Strict"
        status, headers, body = call(app, "/", headers=COOKIE)
        assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
        assert b'<input id="slider" type="range"' in body

    def test_a_wrong_token_or_another_servers_cookie_is_refused(self, app):
        assert call(app, "/", query="token=nope")[0] == 403
        assert call(app, "/", headers={"cookie": f"litekube-ui-token-9999={TOKEN}"})[0] == 403
        assert call(app, "/", headers={"cookie": "litekube-ui-token-8470=nope"})[0] == 403
        assert call(app, "/", headers={"cookie": "\x00;;=="})[0] == 403

    @pytest.mark.parametrize("scheme", ["token", "Bearer"])
    def test_an_authorization_header_works_for_scripts(self, app, scheme):
        status, headers, body = call(app, "/api/steps", headers={"authorization": f"{scheme} {TOKEN}"})
        assert status == 200 and headers["content-type"] == "application/json; charset=utf-8"
        assert json.loads(body)["steps"]


class TestHost:
    @pytest.mark.parametrize("host", ["localhost:8470", "127.0.0.1", "127.0.0.2:1", "[::1]:8470"])
    def test_loopback_names_are_served(self, app, host):
        assert call(app, "/", headers={"host": host, **COOKIE})[0] == 200

    @pytest.mark.parametrize("host", ["evil.example:8470", "127.0.0.1.evil.example", "10.0.0.1:8470", "", "[::2]"])
    def test_other_host_names_are_refused_even_with_the_token(self, app, host):
        status, _, body = call(app, "/", headers={"host": host, **COOKIE})
        assert status == 403 and b"loopback" in body

    def test_a_server_on_another_address_serves_any_host(self, history):
        app = Application(history, TOKEN, port=8470, loopback=False)
        assert call(app, "/", headers={"host": "cluster.example:8470", **COOKIE})[0] == 200
        app._worker.shutdown()


class TestRoutes:
    @pytest.mark.parametrize("name", sorted(STATIC))
    def test_static_files_with_their_types(self, app, name):
        status, headers, body = call(app, f"/static/{name}", headers=COOKIE)
        assert status == 200 and headers["content-type"] == STATIC[name] and body

    @pytest.mark.parametrize("path", ["/static/../app.py", "/static/", "/static/app.js/", "/nope", "/api"])
    def test_anything_else_is_not_found(self, app, path):
        assert call(app, path, headers=COOKIE)[0] == 404

    def test_only_get_and_head(self, app):
        status, headers, _ = call(app, "/api/steps", method="POST", headers=COOKIE)
        assert status == 405 and headers["allow"] == "GET, HEAD"
        status, headers, body = call(app, "/", method="HEAD", headers=COOKIE)
        assert status == 200 and body == b"" and int(headers["content-length"]) > 0

    def test_every_answer_carries_the_security_headers(self, app):
        for status, headers, _ in (call(app, "/"), call(app, "/", headers=COOKIE)):
            assert headers["x-frame-options"] == "DENY" and headers["referrer-policy"] == "no-referrer"
            assert "script-src 'self'" in headers["content-security-policy"]

    def test_steps_and_frames(self, app):
        steps = json.loads(call(app, "/api/steps", headers=COOKIE)[2])
        head = steps["head"]
        assert steps["start"] == 0 and steps["steps"][-1][0] == head
        later = json.loads(call(app, "/api/steps", query=f"after={head}", headers=COOKIE)[2])
        assert later["steps"] == []
        frame = json.loads(call(app, "/api/frame", query=f"revision={head}&namespace=demo", headers=COOKIE)[2])
        assert frame["revision"] == head and [n["name"] for n in frame["nodes"]] == ["node-1", "node-2", "node-3"]
        assert call(app, "/api/frame", query="revision=x", headers=COOKIE)[0] == 400
        assert call(app, "/api/frame", headers=COOKIE)[0] == 400

    def test_a_failing_request_answers_500_and_the_server_lives_on(self, app, monkeypatch):
        monkeypatch.setattr(app.history, "frame", lambda *a: 1 / 0)
        assert call(app, "/api/frame", query="revision=1", headers=COOKIE)[:1] == (500,)
        assert call(app, "/api/steps", headers=COOKIE)[0] == 200
