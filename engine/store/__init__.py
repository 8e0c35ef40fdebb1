"""The etcd stand-in: objects, revisions, changelog, compare-and-swap, compaction.

This package does I/O (SQLite by default, or PostgreSQL; dialects.py holds what differs). Public
surface: `Store`, `Change`, `Stored`, loaded on first use (PEP 562), so that importing a light
submodule such as `litekube.store.history` does not import the driver and the store's machinery.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from litekube.store.objects import Change, Store, Stored

__all__ = ["Store", "Change", "Stored"]


def __getattr__(name: str):
    if name in __all__:
        from litekube.store import objects

        return getattr(objects, name)
    raise AttributeError(f"module 'litekube.store' has no attribute {name!r}")
