"""The etcd stand-in: objects, revisions, changelog, compare-and-swap, compaction.

This package does I/O (SQLite by default, or PostgreSQL; dialects.py holds what differs). Public surface: `Store`, `Change`.
"""
from litekube.store.objects import Change, Store, Stored

__all__ = ["Store", "Change", "Stored"]
