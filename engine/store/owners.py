"""Who holds the control-plane lock, and whether that process still lives.

This module does I/O: it reads /proc and signals processes with signal 0.
An owner is a process identity that survives pid reuse: host, boot, pid and
the process' start time (clock ticks since boot, /proc/PID/stat field 22).
On the owner's own host, liveness is a fact (the process exists, is not a
zombie, and started when the owner says); on another host it cannot be
known, so the lock's lease decides.
"""
from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Owner", "me", "alive", "process_alive"]


@lru_cache(maxsize=1)
def _boot_id() -> str:
    try:
        with open("/proc/sys/kernel/random/boot_id") as stream:
            return stream.read().strip()
    except OSError:
        return ""


def _stat(pid: int) -> tuple[str, str] | None:
    """(state, start time) of a process from /proc, or None when /proc cannot tell."""
    try:
        with open(f"/proc/{pid}/stat") as stream:
            text = stream.read()
    except FileNotFoundError:
        return ("X", "")  # no such process
    except OSError:
        return None
    fields = text[text.rfind(")") + 2:].split()
    return (fields[0], fields[19]) if len(fields) > 19 else None


def _start_time(pid: int) -> str:
    stat = _stat(pid)
    return stat[1] if stat else ""


@dataclass(frozen=True)
class Owner:
    """A process holding (or wanting) the lock: `kind` is `embedded` or `run`."""

    kind: str
    host: str
    pid: int
    start: str = ""
    boot: str = ""

    @property
    def text(self) -> str:
        """The identity as stored in the lock row."""
        return json.dumps({"kind": self.kind, "host": self.host, "pid": self.pid, "start": self.start,
                           "boot": self.boot}, sort_keys=True)

    @classmethod
    def parse(cls, text: str) -> "Owner":
        """An owner from its stored text; an unreadable one (an older litekube's) is a foreign owner."""
        try:
            data = json.loads(text)
            return cls(str(data["kind"]), str(data["host"]), int(data["pid"]), str(data.get("start", "")),
                       str(data.get("boot", "")))
        except (ValueError, KeyError, TypeError):
            return cls("unknown", text, 0)

    def __str__(self) -> str:
        return f"{self.kind} process {self.pid} on {self.host}"


def me(kind: str) -> Owner:
    """This process as a lock owner."""
    pid = os.getpid()
    return Owner(kind, socket.gethostname(), pid, _start_time(pid), _boot_id())


def process_alive(pid: int, start: str = "") -> bool:
    """Whether process `pid` (started at `start`, when known) exists on this host and is not a zombie."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, owned by someone else
    stat = _stat(pid)
    if stat is None:
        return True
    state, started = stat
    if state in ("Z", "X"):
        return False
    return not start or started == start


def alive(owner: Owner, lease_valid: bool) -> bool:
    """Whether the lock `owner` holds is still held: by its process on this host, by its lease elsewhere."""
    local = owner.host == socket.gethostname() and (not owner.boot or owner.boot == _boot_id())
    if owner.host == socket.gethostname() and owner.boot and owner.boot != _boot_id():
        return False  # held before this host rebooted
    if local and owner.pid > 0:
        return process_alive(owner.pid, owner.start)
    return lease_valid
