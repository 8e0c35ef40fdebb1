"""A small HTTPS client for the serve tests: raw requests with the token and the generated CA."""
from __future__ import annotations

import http.client
import json
import socket
import ssl
import threading
import time
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


class Stream:
    """One watch request on its own TLS socket; `events` fills as lines arrive (read on a thread)."""

    def __init__(self, served, query: str, rcvbuf: int | None = None, read: bool = True,
                 path: str = "/api/v1/namespaces/default/configmaps") -> None:
        url = urlparse(served.url)
        raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        raw.connect((url.hostname, url.port))
        context = ssl.create_default_context(cafile=str(served.ca_file))
        self.sock = context.wrap_socket(raw, server_hostname=url.hostname)
        self.sock.sendall(f"GET {path}?watch=true&{query} HTTP/1.1\r\nHost: {url.hostname}\r\n"
                          f"Authorization: Bearer {served.token}\r\nAccept: application/json\r\n\r\n".encode())
        self.events: list[dict] = []
        self.arrived: list[float] = []  # time.time() at each event's arrival
        self.ended = threading.Event()
        self.buffer = b""
        self.head = b""
        if read:
            self.start()

    def start(self) -> None:
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    break
                self.buffer += data
                if not self.head and b"\r\n\r\n" in self.buffer:
                    self.head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
                if self.head and self._chunks():
                    break
        except OSError:
            pass
        self.ended.set()

    def _chunks(self) -> bool:
        """Parse whole chunks off the buffer; True at the terminating chunk."""
        while b"\r\n" in self.buffer:
            size_line, rest = self.buffer.split(b"\r\n", 1)
            size = int(size_line, 16)
            if size == 0:
                return True
            if len(rest) < size + 2:
                return False
            chunk, self.buffer = rest[:size], rest[size + 2:]
            now = time.time()
            for line in chunk.split(b"\n"):
                if line.strip():
                    self.events.append(json.loads(line))
                    self.arrived.append(now)
        return False

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass
