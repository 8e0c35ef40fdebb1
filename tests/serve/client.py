"""A small HTTPS client for the serve tests: raw requests with the token and the generated CA."""
from __future__ import annotations

import http.client
import json
import ssl
from urllib.parse import urlparse


class Raw:
    """One keep-alive connection to a served API; reconnects after the server closes it."""

    def __init__(self, served, token: str | None = "use-served") -> None:
        self.served = served
        self.token = served.token if token == "use-served" else token
        url = urlparse(served.url)
        self.host, self.port, self.tls = url.hostname, url.port, url.scheme == "https"
        self.context = ssl.create_default_context(cafile=str(served.ca_file)) if self.tls else None
        self.conn: http.client.HTTPConnection | None = None

    def connect(self) -> http.client.HTTPConnection:
        if self.tls:
            return http.client.HTTPSConnection(self.host, self.port, context=self.context, timeout=30)
        return http.client.HTTPConnection(self.host, self.port, timeout=30)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
                token: str | None = "default") -> tuple[int, str, bytes]:
        """(status, content type, body)."""
        sent = dict(headers or {})
        token = self.token if token == "default" else token
        if token is not None:
            sent.setdefault("Authorization", f"Bearer {token}")
        for attempt in range(2):
            if self.conn is None:
                self.conn = self.connect()
            try:
                self.conn.request(method, path, body=body, headers=sent)
                response = self.conn.getresponse()
                data = response.read()
                if response.getheader("connection", "").lower() == "close":
                    self.close()
                return response.status, response.getheader("content-type", ""), data
            except (http.client.HTTPException, ConnectionError, BrokenPipeError):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def json(self, method: str, path: str, obj=None, **kwargs) -> tuple[int, dict]:
        body = None if obj is None else json.dumps(obj).encode()
        headers = {"Content-Type": "application/json"} if body is not None else {}
        status, _, data = self.request(method, path, body, headers, **kwargs)
        return status, json.loads(data)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None
