"""Copying and comparing JSON-like values (what objects are made of).

No I/O happens here. `clone` is `copy.deepcopy` for dicts, lists and scalars
only, several times faster because it skips deepcopy's memo and dispatch
machinery; objects in litekube are always such values. `json_type` and
`equal` see values as Go's JSON decoder does: ints and floats are both
numbers, and `True` is not `1`.
"""
from __future__ import annotations

from typing import Any

__all__ = ["clone", "json_type", "equal"]


def clone(value: Any) -> Any:
    """A deep copy of a JSON-like value (dicts, lists, str, int, float, bool, None)."""
    if isinstance(value, dict):
        return {k: clone(v) if isinstance(v, (dict, list)) else v for k, v in value.items()}
    if isinstance(value, list):
        return [clone(v) if isinstance(v, (dict, list)) else v for v in value]
    return value


def json_type(value: Any) -> str:
    """The JSON type of a value (ints and floats are both numbers, as in Go)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, dict):
        return "map"
    if isinstance(value, list):
        return "list"
    return "null" if value is None else "string"


def equal(a: Any, b: Any) -> bool:
    """Deep JSON equality that, unlike `==`, tells `True` from `1`."""
    if json_type(a) != json_type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b))
    return bool(a == b)
