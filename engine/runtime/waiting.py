"""Waiting for the cluster: `rollout status` and `wait`, in virtual or wall time.

This module does I/O. With the embedded control plane, waiting drives it:
it reconciles, then jumps virtual time to the next due item, checking the
condition after every batch, so a rollout that takes minutes of cluster time
is watched in well under a second. With a `litekube run` leader, waiting
polls the store on the wall clock, as kubectl watches a real cluster.
"""
from __future__ import annotations

import re
import time
from typing import Callable

from litekube import errors
from litekube.api.server import Api
from litekube.runtime import embedded
from litekube.runtime.controlplane import ControlPlane

__all__ = ["wait_for", "Getter", "Check", "condition_check", "jsonpath_check", "delete_check", "jsonpath"]

Getter = Callable[[str, str, str], "dict | None"]
# A check looks at the cluster and answers (met, message to show or None).
Check = Callable[[Getter], "tuple[bool, str | None]"]


def wait_for(api: Api, check: Check, timeout: float | None, on_message: Callable[[str], None]) -> bool:
    """Wait until `check` is met; False on timeout (cluster time).

    `timeout` None waits as long as anything can still change: in virtual
    time, until the cluster settles without meeting the condition.
    Errors raised by the check (a progress deadline) propagate.
    """
    state: dict[str, str | None] = {"last": None}

    def look(get: Getter) -> bool:
        met, message = check(get)
        if message is not None and message != state["last"]:
            on_message(message)
            state["last"] = message
        return met

    if embedded.leader(api) is not None:
        return _wall_clock(api, look, timeout)
    result = embedded._embedded(api, lambda plane, keep: _virtual(plane, look, timeout, keep), None)
    return bool(result)


def _virtual(plane: ControlPlane, look: Callable[[Getter], bool], timeout: float | None,
             keep_going: Callable[[], str] = lambda: "") -> bool:
    get = plane.view.get
    deadline = None if timeout is None else plane.now + timeout
    try:
        while True:
            if keep_going():
                return False  # out of wall-time budget (or the lock): give up as a timeout
            plane.poll()
            done = plane.step()
            get = plane.view.get  # the cache may have been rebuilt
            if look(get):
                return True
            if done:
                continue
            progress = plane.queue.next_due(routine=False)
            upcoming = plane.queue.next_due()
            if deadline is None:
                if progress is None:
                    return False  # settled: nothing more will happen without a change
                plane.advance_to(min(progress, upcoming or progress))
                continue
            if upcoming is None or upcoming > deadline:
                plane.advance_to(deadline)
                plane.poll()
                plane.step()
                return look(plane.view.get)
            plane.advance_to(upcoming)
    finally:
        plane.save()


def _wall_clock(api: Api, look: Callable[[Getter], bool], timeout: float | None) -> bool:
    deadline = None if timeout is None else time.monotonic() + timeout

    def get(kind: str, namespace: str, name: str) -> dict | None:
        with api.read() as tx:
            return tx.find(kind, namespace, name)

    while True:
        if look(get):
            return True
        if deadline is not None and time.monotonic() >= deadline:
            return False
        time.sleep(0.2)


# -- the conditions of `kubectl wait` -------------------------------------------------

def condition_check(kind: str, namespace: str, name: str, condition: str, want: str = "true") -> Check:
    """`--for=condition=Available[=true]`: the object's status condition has that status."""
    def check(get: Getter) -> tuple[bool, str | None]:
        obj = get(kind, namespace, name)
        if obj is None:
            return False, None
        for cond in (obj.get("status") or {}).get("conditions") or []:
            if cond.get("type", "").lower() == condition.lower():
                return str(cond.get("status", "")).lower() == want.lower(), None
        return False, None
    return check


def delete_check(kind: str, namespace: str, name: str, uid: str) -> Check:
    """`--for=delete`: the object (this uid) is gone."""
    def check(get: Getter) -> tuple[bool, str | None]:
        obj = get(kind, namespace, name)
        return obj is None or obj["metadata"].get("uid") != uid, None
    return check


def jsonpath(obj: dict, path: str) -> object:
    """A value by a simple JSONPath (`{.status.readyReplicas}`, `.spec.containers[0].image`)."""
    expr = path.strip()
    if expr.startswith("{") and expr.endswith("}"):
        expr = expr[1:-1]
    if not expr.startswith("."):
        raise errors.ManifestError(f"unrecognized jsonpath {path!r}: only simple field paths are supported")
    value: object = obj
    for part in re.findall(r"\.([^.\[\]]+)|\[(\d+)\]", expr):
        field, index = part
        if field:
            value = value.get(field) if isinstance(value, dict) else None
        else:
            value = value[int(index)] if isinstance(value, list) and int(index) < len(value) else None
        if value is None:
            return None
    return value


def jsonpath_check(kind: str, namespace: str, name: str, path: str, want: str | None) -> Check:
    """`--for=jsonpath='{.status.readyReplicas}'=3` (or just the path: it must exist)."""
    def check(get: Getter) -> tuple[bool, str | None]:
        obj = get(kind, namespace, name)
        if obj is None:
            return False, None
        value = jsonpath(obj, path)
        if want is None:
            return value is not None, None
        text = value if isinstance(value, str) else ("true" if value is True else "false" if value is False
                                                      else "" if value is None else str(value))
        return text == want, None
    return check
