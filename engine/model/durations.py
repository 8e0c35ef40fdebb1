"""Times and durations as Kubernetes writes and reads them.

No I/O happens here, and no clock is read: every "how long ago" takes `now`.
`human_duration` is apimachinery's `duration.HumanDuration` (the AGE column),
`parse_time`/`format_time` are RFC 3339 as the API serializes `metav1.Time`,
and `parse_duration` reads Go duration strings (`30s`, `1h30m`, `500ms`).
"""
from __future__ import annotations

import functools
import re
from datetime import datetime, timezone

__all__ = ["human_duration", "age", "since", "parse_time", "format_time", "format_rfc1123z",
           "parse_duration"]

_NS = 1_000_000_000
_MINUTE = 60 * _NS
_HOUR = 60 * _MINUTE


def _trunc_div(a: int, b: int) -> int:
    """Go's integer division: truncates toward zero."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def human_duration(seconds: float) -> str:
    """Render a duration the way `kubectl get` renders AGE (apimachinery HumanDuration).

    `human_duration(125)` is `"2m5s"`; more than one second in the future is
    `"<invalid>"`.
    """
    d = int(round(seconds * _NS))
    whole = _trunc_div(d, _NS)
    if whole < -1:
        return "<invalid>"
    if whole < 0:
        return "0s"
    if whole < 60 * 2:
        return f"{whole}s"
    minutes = d // _MINUTE
    if minutes < 10:
        s = (d // _NS) % 60
        return f"{minutes}m" if s == 0 else f"{minutes}m{s}s"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = d // _HOUR
    if hours < 8:
        m = minutes % 60
        return f"{hours}h" if m == 0 else f"{hours}h{m}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        h = hours % 24
        return f"{hours // 24}d" if h == 0 else f"{hours // 24}d{h}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        dy = (hours // 24) % 365
        years = hours // 24 // 365
        return f"{years}y" if dy == 0 else f"{years}y{dy}d"
    return f"{hours // 24 // 365}y"


@functools.lru_cache(maxsize=4096)  # a listing's objects share a handful of timestamps (datetimes are immutable)
def parse_time(ts: str) -> datetime:
    """Parse an RFC 3339 timestamp (`2026-11-27T02:15:05Z`, fractions allowed) to an aware datetime.

    Raises ValueError for anything else.
    """
    text = ts.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    match = re.fullmatch(r"(.*T\d\d:\d\d:\d\d)(\.\d+)?([+-]\d\d:\d\d)", text)
    if match is None:
        raise ValueError(f"invalid RFC 3339 timestamp: {ts!r}")
    head, frac, offset = match.groups()
    # Python accepts at most microseconds; MicroTime carries exactly that.
    frac = (frac or "")[:7]
    parsed = datetime.fromisoformat(head + frac + offset)
    return parsed


def format_time(dt: datetime) -> str:
    """RFC 3339 in UTC with whole seconds: `2026-11-27T02:15:05Z`."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_rfc1123z(ts: str | datetime) -> str:
    """Go's time.RFC1123Z in UTC, as kubectl describe prints times: `Fri, 27 Nov 2026 02:15:05 +0000`."""
    dt = parse_time(ts) if isinstance(ts, str) else ts
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc).strftime("%a, %d %b %Y %H:%M:%S %z")


def since(timestamp: str | None, now: datetime) -> float | None:
    """Seconds from `timestamp` to `now`, or None when the timestamp is missing."""
    if not timestamp:
        return None
    return (now - parse_time(timestamp)).total_seconds()


@functools.lru_cache(maxsize=4096)  # a table's rows share `now`, and pods created together their timestamp
def age(timestamp: str | None, now: datetime) -> str:
    """The AGE cell for a timestamp: `human_duration(now - timestamp)`, `<unknown>` when missing."""
    elapsed = since(timestamp, now)
    return "<unknown>" if elapsed is None else human_duration(elapsed)


_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_PART = re.compile(r"(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)")


def parse_duration(text: str) -> float:
    """Parse a Go duration (`30s`, `5m`, `1h30m`, `500ms`, `-1.5h`) to seconds.

    Raises ValueError for anything Go's time.ParseDuration rejects.
    """
    raw = text.strip()
    body = raw.lstrip("+-")
    sign = -1.0 if raw.startswith("-") else 1.0
    if len(raw) - len(body) > 1 or not body:
        raise ValueError(f"time: invalid duration {text!r}")
    if body == "0":
        return 0.0
    total = 0.0
    pos = 0
    while pos < len(body):
        match = _PART.match(body, pos)
        if match is None:
            raise ValueError(f"time: invalid duration {text!r}")
        total += float(match.group(1)) * _UNITS[match.group(2)]
        pos = match.end()
    return sign * total
