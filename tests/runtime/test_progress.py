"""Progress on a terminal: one redrawn line on stderr after a second of settling, nothing when piped."""
from __future__ import annotations

import io

from litekube.reconcile.base import Key
from litekube.reconcile.views import MemoryView
from litekube.runtime import progress
from litekube.runtime.queue import Item, WorkQueue


class _Plane:
    def __init__(self) -> None:
        self.queue = WorkQueue()
        self.queue.add(Item("scheduler", Key("Pod", "default", "a")), 0.0)
        self.queue.add(Item("scheduler", Key("Pod", "default", "b")), 0.0)
        self.queue.add(Item("kubelet", Key("Pod", "default", "c")), 0.0)
        self.queue.add(Item("kubelet-heartbeat", Key("Node", "", "n")), 0.0, routine=True)
        pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"namespace": "default"}}
        self.view = MemoryView([{**pod, "metadata": {**pod["metadata"], "name": "a"}, "status": {"phase": "Running"}},
                                {**pod, "metadata": {**pod["metadata"], "name": "b"}, "status": {"phase": "Pending"}}])
        self.now = 1_800_000_000.0


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_line():
    assert progress.line(_Plane()) == ("reconciling scheduler 2, kubelet 1 | pods Running 1/2 | "
                                       "cluster time 2027-01-15T08:00:00Z")


def test_shown_after_the_delay_and_erased_at_the_end(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(progress.time, "monotonic", lambda: clock[0])
    out = _Tty()
    terminal = progress.Terminal(out)
    terminal.report(_Plane())
    clock[0] += progress.DELAY - 0.01
    terminal.report(_Plane())
    assert out.getvalue() == ""
    clock[0] += 0.02
    terminal.report(_Plane())
    assert out.getvalue().startswith("\r\x1b[Kreconciling scheduler 2")
    terminal.report(_Plane(), done=True)
    assert out.getvalue().endswith("\r\x1b[K")


def test_nothing_when_not_a_terminal(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(progress.time, "monotonic", lambda: clock[0])
    out = io.StringIO()
    terminal = progress.Terminal(out)
    for _ in range(5):
        terminal.report(_Plane())
        clock[0] += 1.0
    terminal.report(_Plane(), done=True)
    assert out.getvalue() == ""
