"""A URL and headers as curl 7.88 reads them, and the path nginx matches locations on. No I/O happens here.

`parse(url)` gives scheme, host, port and path, or raises `CurlError` with
curl's exit code and message: (1) for a scheme other than http/https, (3)
for a URL curl cannot parse. A URL without a scheme is http, as curl
guesses. curl removes dot segments from the path before sending it
(RFC 3986 5.2.4, without --path-as-is); nginx then decodes %XX escapes and
merges slashes before it matches locations (`merge_slashes on`):
`location_path` does both.
"""
from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import unquote

__all__ = ["CurlError", "Url", "parse", "host_header", "location_path", "resolve_entry", "DEFAULT_PORTS"]

DEFAULT_PORTS = {"http": 80, "https": 443}
_BAD = "URL using bad/illegal format or missing URL"
_HOST = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=%-]+")


class CurlError(Exception):
    """What curl prints and exits with: `curl: (code) message`."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message

    def __str__(self) -> str:
        return f"curl: ({self.code}) {self.message}"


@dataclass(frozen=True)
class Url:
    scheme: str
    host: str          # without brackets for IPv6
    port: int
    path: str          # as curl sends it: dot segments removed, query kept apart
    query: str = ""

    @property
    def default_port(self) -> bool:
        return self.port == DEFAULT_PORTS[self.scheme]

    @property
    def target(self) -> str:
        """The request target curl sends."""
        return self.path + (f"?{self.query}" if self.query else "")


def _remove_dot_segments(path: str) -> str:
    out: list[str] = []
    segments = path.split("/")
    for i, segment in enumerate(segments[1:], 1):
        last = i == len(segments) - 1
        if segment == ".":
            if last:
                out.append("")
        elif segment == "..":
            if out:
                out.pop()
            if last:
                out.append("")
        else:
            out.append(segment)
    return "/" + "/".join(out)


def parse(url: str) -> Url:
    """The URL curl would request; CurlError as curl reports a bad one."""
    if not url or any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        raise CurlError(3, _BAD)
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "http", url
    scheme = scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise CurlError(1, f'Protocol "{scheme}" not supported or disabled in libcurl')
    rest = rest.split("#", 1)[0]
    cut = min((i for i in (rest.find("/"), rest.find("?")) if i >= 0), default=len(rest))
    authority, tail = rest[:cut], rest[cut:]
    authority = authority.rsplit("@", 1)[-1]
    port_text = ""
    if authority.startswith("["):
        end = authority.find("]")
        if end < 0:
            raise CurlError(3, _BAD)
        host, after = authority[1:end], authority[end + 1:]
        if after and not after.startswith(":"):
            raise CurlError(3, _BAD)
        port_text = after[1:]
        if not re.fullmatch(r"[0-9A-Fa-f:.]+", host):
            raise CurlError(3, _BAD)
    else:
        host, _, port_text = authority.partition(":")
        if not host or not _HOST.fullmatch(host):
            raise CurlError(3, _BAD)
    if port_text:
        if not port_text.isdigit() or int(port_text) > 65535:
            raise CurlError(3, "Port number was not a decimal number between 0 and 65535")
        port = int(port_text)
    else:
        port = DEFAULT_PORTS[scheme]
    path, _, query = tail.partition("?")
    return Url(scheme, host.lower(), port, _remove_dot_segments(path or "/"), query)


def host_header(url: Url) -> str:
    """The Host header curl sends: the host, with the port when it is not the scheme's."""
    host = f"[{url.host}]" if ":" in url.host else url.host
    return host if url.default_port else f"{host}:{url.port}"


def location_path(path: str) -> str:
    """The URI nginx matches locations against: %XX decoded, slashes merged."""
    return re.sub("/{2,}", "/", unquote(path, errors="replace"))


def resolve_entry(entry: str) -> tuple[str, int, str]:
    """`HOST:PORT:ADDRESS` of --resolve (ValueError when it is not one)."""
    host, sep1, rest = entry.partition(":")
    port, sep2, address = rest.partition(":")
    if not (sep1 and sep2 and host and port.isdigit() and address and int(port) <= 65535):
        raise ValueError(entry)
    address = address.strip("[]")
    ipaddress.ip_address(address)  # ValueError: curl takes numeric addresses only
    return host.lower(), int(port), address
