"""Copying JSON-like values (what objects are made of). No I/O happens here.

`clone` is `copy.deepcopy` for dicts, lists and scalars only, several times
faster because it skips deepcopy's memo and dispatch machinery; objects in
litekube are always such values.
"""
from __future__ import annotations

from typing import Any

__all__ = ["clone"]


def clone(value: Any) -> Any:
    """A deep copy of a JSON-like value (dicts, lists, str, int, float, bool, None)."""
    if isinstance(value, dict):
        return {k: clone(v) if isinstance(v, (dict, list)) else v for k, v in value.items()}
    if isinstance(value, list):
        return [clone(v) if isinstance(v, (dict, list)) else v for v in value]
    return value
