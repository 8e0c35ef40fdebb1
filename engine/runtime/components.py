"""Every component the control plane runs, in one list. No I/O happens here."""
from __future__ import annotations

from engine.reconcile import garbage_collector, namespace
from engine.reconcile.base import Component

__all__ = ["ALL"]

ALL: list[Component] = [
    garbage_collector.COMPONENT,
    namespace.COMPONENT,
]
