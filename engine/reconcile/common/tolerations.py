"""Taints and tolerations: which toleration tolerates which taint.

No I/O happens here. `tolerates` is core/v1 Toleration.ToleratesTaint over a
list of tolerations; `matching_tolerations` is v1helper.GetMatchingTolerations,
which the taint eviction controller uses to find the tolerations that decide
how long a pod may stay on a node with NoExecute taints.
"""
from __future__ import annotations

from typing import Iterable

__all__ = [
    "NO_SCHEDULE", "PREFER_NO_SCHEDULE", "NO_EXECUTE",
    "toleration_tolerates", "tolerates", "matching_tolerations", "no_execute_taints",
]

NO_SCHEDULE = "NoSchedule"
PREFER_NO_SCHEDULE = "PreferNoSchedule"
NO_EXECUTE = "NoExecute"


def toleration_tolerates(toleration: dict, taint: dict) -> bool:
    """Toleration.ToleratesTaint: does this one toleration tolerate `taint`?

    An empty effect matches every effect; an empty key (only valid with
    `Exists`) matches every key; `Exists` ignores the value, `Equal` (also
    the empty operator) needs the same value. Any other operator tolerates
    nothing.
    """
    effect = toleration.get("effect") or ""
    if effect and effect != (taint.get("effect") or ""):
        return False
    key = toleration.get("key") or ""
    if key and key != (taint.get("key") or ""):
        return False
    operator = toleration.get("operator") or ""
    if operator in ("", "Equal"):
        return (toleration.get("value") or "") == (taint.get("value") or "")
    return operator == "Exists"


def tolerates(tolerations: Iterable[dict] | None, taint: dict) -> bool:
    """True when some toleration in `tolerations` tolerates `taint`."""
    return any(toleration_tolerates(t, taint) for t in tolerations or ())


def matching_tolerations(taints: list[dict], tolerations: list[dict] | None) -> tuple[bool, list[dict]]:
    """GetMatchingTolerations: (every taint tolerated, the first toleration used for each taint).

    With no taints the answer is (True, []); as soon as one taint is not
    tolerated it is (False, []).
    """
    if not taints:
        return True, []
    used: list[dict] = []
    for taint in taints:
        match = next((t for t in tolerations or () if toleration_tolerates(t, taint)), None)
        if match is None:
            return False, []
        used.append(match)
    return True, used


def no_execute_taints(node: dict | None) -> list[dict]:
    """The node's taints with effect NoExecute, in spec order."""
    if node is None:
        return []
    return [t for t in (node.get("spec") or {}).get("taints") or [] if t.get("effect") == NO_EXECUTE]
