"""The control-plane lock and object expiry: the parts of the store crashes must not wedge.

This module does I/O. `ControlPlaneLock` is mixed into `Store`: the lock
row names its owner (see `owners`) and carries a lease; expiry deletes the
objects whose time to live has passed through the objects table, so the
triggers write their DELETED changelog rows.
"""
from __future__ import annotations

from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Callable

from litekube.store import owners

if TYPE_CHECKING:
    from litekube.store.objects import Reader, Writer

__all__ = ["ControlPlaneLock", "EXPIRE_BATCH"]

EXPIRE_BATCH = 500


class ControlPlaneLock:
    """Lock and expiry methods of a Store (which provides `read`, `write` and `wall`)."""

    wall: Callable[[], float]

    if TYPE_CHECKING:  # provided by Store
        def read(self) -> AbstractContextManager[Reader]: ...

        def write(self) -> AbstractContextManager[Writer]: ...

    def try_lock(self, owner: owners.Owner, ttl: float) -> owners.Owner | None:
        """Take (or renew) the control-plane lock for `ttl` wall seconds; None when taken,
        else the live owner holding it.

        A holder on this host is alive while its process is (pid and start
        time), whatever its lease says: a dead one is taken over at once, a
        stopped one is never robbed. A holder on another host is trusted
        until its lease expires.
        """
        with self.write() as writer:
            writer.lock()  # the holder read is what the take-over decides from
            holder, expires = writer._q("SELECT holder, expires FROM controlplane WHERE id = 1").fetchone()
            current = owners.Owner.parse(holder) if holder else None
            if current is not None and current != owner:
                if owners.alive(current, lease_valid=(expires or 0) > self.wall()):
                    return current
            writer._q("UPDATE controlplane SET holder = ?, expires = ? WHERE id = 1", (owner.text, self.wall() + ttl))
            return None

    def renew_lock(self, owner: owners.Owner, ttl: float) -> bool:
        """Extend the lock's lease; False when `owner` no longer holds it."""
        with self.write() as writer:
            cursor = writer._q("UPDATE controlplane SET expires = ? WHERE id = 1 AND holder = ?",
                               (self.wall() + ttl, owner.text))
            return cursor.rowcount == 1

    def lock_holder(self) -> owners.Owner | None:
        """Who holds the control-plane lock (alive or not), if anyone."""
        with self.read() as reader:
            holder = reader._q("SELECT holder FROM controlplane WHERE id = 1").fetchone()[0]
        return owners.Owner.parse(holder) if holder else None

    def live_lock_holder(self) -> tuple[owners.Owner, float] | None:
        """The live owner holding the control-plane lock and when its lease runs out, if anyone
        (taking nothing: a `litekube run` that won a Lease waits for an embedded command to finish)."""
        with self.read() as reader:
            holder, expires = reader._q("SELECT holder, expires FROM controlplane WHERE id = 1").fetchone()
        if not holder:
            return None
        owner = owners.Owner.parse(holder)
        return (owner, expires or 0.0) if owners.alive(owner, lease_valid=(expires or 0) > self.wall()) else None

    def unlock(self, owner: owners.Owner) -> None:
        with self.write() as writer:
            writer._q("UPDATE controlplane SET holder = NULL, expires = NULL WHERE id = 1 AND holder = ?",
                      (owner.text,))

    def expire(self, batch: int = EXPIRE_BATCH) -> int:
        """Delete the objects whose time to live has passed, `batch` per transaction; how many.

        Deleting through the objects table fires its trigger, so each gets its
        DELETED changelog row, as watchers see an etcd lease expire.
        """
        removed = 0
        while True:
            with self.write() as writer:
                cursor = writer._q(
                    "DELETE FROM objects WHERE id IN (SELECT id FROM objects WHERE expires IS NOT NULL "
                    "AND expires <= ? ORDER BY expires LIMIT ?)", (writer.now(), batch))
                removed += cursor.rowcount
                if cursor.rowcount < batch:
                    return removed
