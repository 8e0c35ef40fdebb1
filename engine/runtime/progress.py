"""Progress of a long settle on a terminal: what is reconciled, pods Running of desired, cluster time.

This module does I/O (it writes to the terminal). `HOOK(plane, done=False)`
is called by the control plane after every batch and when it saves (None:
silent); the CLI sets it to `Terminal.report`, which, once a settle has
run for a second of wall time it redraws one status line on stderr, at most
five times a second, and erases it when the settle ends. Nothing is written
when stderr is not a terminal.
"""
from __future__ import annotations

import sys
import time
from collections import Counter
from datetime import datetime, timezone
from typing import TextIO

__all__ = ["HOOK", "Terminal", "line", "DELAY", "INTERVAL"]

HOOK = None

DELAY = 1.0  # seconds of wall time before the first line
INTERVAL = 0.2


def line(plane) -> str:
    """The status line for a control plane: `reconciling scheduler 120, kubelet 40 | pods Running 10/50 | ...`."""
    busy = Counter(item.component for item, _, routine in plane.queue.pending() if not routine)
    doing = ", ".join(f"{name} {count}" for name, count in busy.most_common(3)) or "nothing"
    pods = plane.view.list("Pod")
    desired = sum(1 for p in pods if not (p.get("metadata") or {}).get("deletionTimestamp"))
    running = sum(1 for p in pods if (p.get("status") or {}).get("phase") == "Running")
    clock = datetime.fromtimestamp(plane.now, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"reconciling {doing} | pods Running {running}/{desired} | cluster time {clock}"


class Terminal:
    """The progress hook for one command: a line on `stream`, only if it is a terminal."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started: float | None = None
        self.last = 0.0
        self.shown = False

    def report(self, plane, done: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if done:
            if self.shown:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
            self.started, self.shown = None, False
            return
        if self.started is None:
            self.started = now
        if now - self.started < DELAY or now - self.last < INTERVAL:
            return
        self.last = now
        self.stream.write("\r\x1b[K" + line(plane)[:200])
        self.stream.flush()
        self.shown = True
