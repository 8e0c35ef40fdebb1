"""The Service allocation table: the ClusterIPs and nodePorts the stored Services hold.

This module does I/O (through the caller's transaction). The `allocations`
table has one row per (kind, value, family, owner): kind `ip` (value: the
IPv4 address as an integer, family `IPv4`) or `port` (value: a nodePort or
healthCheckNodePort, family: the port's protocol; nodePorts are one range
across protocols, as upstream's portallocator, so lookups ignore the
family). The Writer keeps the rows in step with the Service it creates,
updates or deletes, in the same transaction, so the allocators of
litekube.api.services ask the index instead of reading every Service:
`held` is one index probe, `first_free` walks the index to the first gap.

So that the walk does not grow with the Services held, `allocation_hints`
keeps per (kind, band start) a value below which every value of the band is
held: a walk starts there and moves it to the gap it finds, and every row
the Writer removes lowers the hints above it. Lowest-free allocation thus
costs a few probes whatever the number of Services. Migration 0009 creates
both tables and fills the allocations from the stored Services (the hints
start empty: a missing hint is the band's start, always true).
"""
from __future__ import annotations

import ipaddress
from collections.abc import Collection
from typing import Callable, Iterable

__all__ = ["IP", "PORT", "holdings", "insert", "replace", "remove", "held", "first_free"]

IP, PORT = "ip", "port"

Query = Callable[..., object]  # Reader._q: (sql, params) -> cursor


def _port(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def holdings(body: dict) -> set[tuple[str, str, int]]:
    """The (kind, family, value) rows a Service body holds: its IPv4 clusterIPs, its nodePorts
    and healthCheckNodePort; `None` (headless) and what does not parse hold nothing."""
    spec = body.get("spec") if isinstance(body, dict) else None
    if not isinstance(spec, dict):
        return set()
    found: set[tuple[str, str, int]] = set()
    ips = spec.get("clusterIPs")
    for ip in ips if isinstance(ips, list) else []:
        try:
            address = ipaddress.ip_address(str(ip))
        except ValueError:
            continue
        if address.version == 4:
            found.add((IP, "IPv4", int(address)))
    ports = spec.get("ports")
    for port in ports if isinstance(ports, list) else []:
        if isinstance(port, dict) and _port(port.get("nodePort")) > 0:
            found.add((PORT, str(port.get("protocol") or "TCP"), _port(port.get("nodePort"))))
    if _port(spec.get("healthCheckNodePort")) > 0:
        found.add((PORT, "TCP", _port(spec.get("healthCheckNodePort"))))
    return found


def _rows(namespace: str, name: str, held_: Iterable[tuple[str, str, int]]) -> list[tuple]:
    return [(kind, family, value, namespace, name) for kind, family, value in sorted(held_)]


INSERT = "INSERT INTO allocations (kind, family, value, namespace, name) VALUES (?, ?, ?, ?, ?)"


def replace(q: Query, namespace: str, name: str, body: dict | None) -> None:
    """Make the owner's rows those of `body` (None: the Service is gone): only the difference is written."""
    new = holdings(body) if body is not None else set()
    old = {(k, f, int(v)) for k, f, v in q("SELECT kind, family, value FROM allocations "
                                            "WHERE namespace = ? AND name = ?", (namespace, name))}
    for kind, family, value in sorted(old - new):
        q("DELETE FROM allocations WHERE kind = ? AND family = ? AND value = ? AND namespace = ? AND name = ?",
          (kind, family, value, namespace, name))
        _released(q, kind, value)
    for row in _rows(namespace, name, new - old):
        q(INSERT, row)


def insert(q: Query, namespace: str, name: str, body: dict) -> None:
    """A new Service's rows (its owner holds none yet)."""
    for row in _rows(namespace, name, holdings(body)):
        q(INSERT, row)


def remove(q: Query, namespace: str, name: str) -> None:
    held_ = list(q("SELECT DISTINCT kind, value FROM allocations WHERE namespace = ? AND name = ?", (namespace, name)))
    q("DELETE FROM allocations WHERE namespace = ? AND name = ?", (namespace, name))
    for kind, value in held_:
        _released(q, kind, int(value))


def _released(q: Query, kind: str, value: int) -> None:
    """`value` may be free now: no hint of its kind may stay above it."""
    q("UPDATE allocation_hints SET next = ? WHERE kind = ? AND start <= ? AND next > ?", (value, kind, value, value))


_OTHER = "NOT (namespace = ? AND name = ?)"


def held(q: Query, kind: str, value: int, exclude: tuple[str, str]) -> bool:
    """Whether a Service other than `exclude` (namespace, name) holds `value`."""
    return q(f"SELECT 1 FROM allocations WHERE kind = ? AND value = ? AND {_OTHER} LIMIT 1",
             (kind, value, *exclude)).fetchone() is not None


def _walk(q: Query, kind: str, start: int, stop: int, exclude: tuple[str, str]) -> int | None:
    """`start` when no one but `exclude` holds it, else the value after the first held one (from
    `start` up, in the index's order) whose successor is not held: the walk stops at the first gap."""
    if start >= stop:
        return None
    if not held(q, kind, start, exclude):
        return start
    row = q("SELECT a.value + 1 FROM allocations a WHERE a.kind = ? AND a.value >= ? AND a.value < ? "
            "AND NOT (a.namespace = ? AND a.name = ?) AND NOT EXISTS (SELECT 1 FROM allocations b "
            "WHERE b.kind = a.kind AND b.value = a.value + 1 AND NOT (b.namespace = ? AND b.name = ?)) "
            "ORDER BY a.value LIMIT 1", (kind, start, stop - 1, *exclude, *exclude)).fetchone()
    return None if row is None else int(row[0])


def first_free(q: Query, kind: str, start: int, stop: int, exclude: tuple[str, str],
               taken: Collection[int] = (), keep: bool = False) -> int | None:
    """The lowest value in [start, stop) that no Service but `exclude` holds and is not in `taken`
    (what the request took already); None when there is none.

    The walk starts at the hint of (kind, start); `exclude`'s own values below it are the other
    candidates. With `keep` (a write transaction) the hint moves to the first gap found.
    """
    if start >= stop:
        return None
    row = q("SELECT next FROM allocation_hints WHERE kind = ? AND start = ?", (kind, start)).fetchone()
    hint = min(max(start, int(row[0])), stop) if row is not None else start
    # the owner's few rows through its index (a range of the values below the hint would read them all)
    own = sorted({int(v) for k, v in q("SELECT kind, value FROM allocations WHERE namespace = ? AND name = ?", exclude)
                  if k == kind and start <= int(v) < hint})
    own = [v for v in own if not held(q, kind, v, exclude)]
    found = _walk(q, kind, hint, stop, exclude)
    if keep and found is not None and found != hint:
        q("INSERT INTO allocation_hints (kind, start, next) VALUES (?, ?, ?) "
          "ON CONFLICT (kind, start) DO UPDATE SET next = excluded.next", (kind, start, found))
    while found is not None and found in taken:
        found = _walk(q, kind, found + 1, stop, exclude)
    return next((v for v in own if v not in taken), found)
