"""core/v1 Event objects as components record them. No I/O happens here.

Events about the same object with the same type, reason, message and
source are one Event whose count grows, as client-go's EventCorrelator
aggregates them.
"""
from __future__ import annotations

__all__ = ["new_event", "bump", "aggregation_key"]


def aggregation_key(involved: dict, type_: str, reason: str, message: str, component: str,
                    host: str = "") -> tuple:
    return (involved.get("kind"), involved.get("namespace", ""), involved.get("name"), involved.get("uid"),
            type_, reason, message, component, host)


def new_event(involved: dict, type_: str, reason: str, message: str, component: str, host: str,
              now: str, name: str) -> dict:
    """A new Event (count 1) named `name` in the involved object's namespace (default for cluster kinds)."""
    source = {"component": component}
    if host:
        source["host"] = host
    return {
        "apiVersion": "v1", "kind": "Event",
        "metadata": {"name": name, "namespace": involved.get("namespace") or "default"},
        "involvedObject": dict(involved),
        "reason": reason, "message": message, "type": type_, "source": source,
        "firstTimestamp": now, "lastTimestamp": now, "count": 1,
        "eventTime": None, "reportingComponent": component, "reportingInstance": host,
    }


def bump(event: dict, now: str) -> dict:
    """The same Event seen again: count + 1, lastTimestamp moved."""
    return {**event, "count": int(event.get("count") or 1) + 1, "lastTimestamp": now}
