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
            row = writer.connection.exec_driver_sql(
                "SELECT holder, expires FROM controlplane WHERE id = 1").one()
            current = owners.Owner.parse(row.holder) if row.holder else None
            if current is not None and current != owner:
                if owners.alive(current, lease_valid=(row.expires or 0) > self.wall()):
                    return current
            writer.connection.exec_driver_sql(
                "UPDATE controlplane SET holder = :h, expires = :e WHERE id = 1",
                {"h": owner.text, "e": self.wall() + ttl})
            return None

    def renew_lock(self, owner: owners.Owner, ttl: float) -> bool:
        """Extend the lock's lease; False when `owner` no longer holds it."""
        with self.write() as writer:
            cursor = writer.connection.exec_driver_sql(
                "UPDATE controlplane SET expires = :e WHERE id = 1 AND holder = :h",
                {"h": owner.text, "e": self.wall() + ttl})
            return cursor.rowcount == 1

    def lock_holder(self) -> owners.Owner | None:
        """Who holds the control-plane lock (alive or not), if anyone."""
        with self.read() as reader:
            holder = reader.connection.exec_driver_sql("SELECT holder FROM controlplane WHERE id = 1").scalar()
        return owners.Owner.parse(holder) if holder else None

    def unlock(self, owner: owners.Owner) -> None:
        with self.write() as writer:
            writer.connection.exec_driver_sql((
                "UPDATE controlplane SET holder = NULL, expires = NULL WHERE id = 1 AND holder = :h"),
                {"h": owner.text})

    def expire(self, batch: int = EXPIRE_BATCH) -> int:
        """Delete the objects whose time to live has passed, `batch` per transaction; how many.

        Deleting through the objects table fires its trigger, so each gets its
        DELETED changelog row, as watchers see an etcd lease expire.
        """
        removed = 0
        while True:
            with self.write() as writer:
                cursor = writer.connection.exec_driver_sql(
                    "DELETE FROM objects WHERE id IN (SELECT id FROM objects WHERE expires IS NOT NULL "
                    "AND expires <= :now ORDER BY expires LIMIT :batch)", {"now": writer.now(), "batch": batch})
                removed += cursor.rowcount
                if cursor.rowcount < batch:
                    return removed
