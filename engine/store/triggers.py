"""The trigger SQL that turns every write into a revision and a changelog row.

No I/O happens here; migrations and tests import these statements. Each
trigger runs inside the writer's transaction: it bumps the one global
revision, appends the changelog row stamped with the cluster clock, and (for
inserts and updates) stores the revision as the object's resource_version.
The update trigger names only the user columns and fires only when the body
changed, so the trigger's own `SET resource_version` never re-fires it and a
no-op write creates no revision.
"""
from __future__ import annotations

from typing import Mapping

__all__ = ["CREATE", "DROP", "NAMES", "statements"]

NAMES = ("objects_ai", "objects_au", "objects_ad")

_SQLITE_CREATE = (
    """
    CREATE TRIGGER objects_ai AFTER INSERT ON objects
    BEGIN
        UPDATE revision SET rev = rev + 1 WHERE id = 1;
        INSERT INTO changelog (rev, op, kind, namespace, name, uid, body, prev_rev, ts)
        VALUES ((SELECT rev FROM revision WHERE id = 1), 'ADDED', NEW.kind, NEW.namespace,
                NEW.name, NEW.uid, NEW.body, NULL, (SELECT now FROM clock WHERE id = 1));
        UPDATE objects SET resource_version = (SELECT rev FROM revision WHERE id = 1)
        WHERE id = NEW.id;
    END
    """,
    """
    CREATE TRIGGER objects_au AFTER UPDATE OF kind, namespace, name, body ON objects
    WHEN OLD.body IS NOT NEW.body
    BEGIN
        UPDATE revision SET rev = rev + 1 WHERE id = 1;
        INSERT INTO changelog (rev, op, kind, namespace, name, uid, body, prev_rev, ts)
        VALUES ((SELECT rev FROM revision WHERE id = 1), 'MODIFIED', NEW.kind, NEW.namespace,
                NEW.name, NEW.uid, NEW.body, OLD.resource_version,
                (SELECT now FROM clock WHERE id = 1));
        UPDATE objects SET resource_version = (SELECT rev FROM revision WHERE id = 1)
        WHERE id = NEW.id;
    END
    """,
    """
    CREATE TRIGGER objects_ad AFTER DELETE ON objects
    BEGIN
        UPDATE revision SET rev = rev + 1 WHERE id = 1;
        INSERT INTO changelog (rev, op, kind, namespace, name, uid, body, prev_rev, ts)
        VALUES ((SELECT rev FROM revision WHERE id = 1), 'DELETED', OLD.kind, OLD.namespace,
                OLD.name, OLD.uid, OLD.body, OLD.resource_version,
                (SELECT now FROM clock WHERE id = 1));
    END
    """,
)

CREATE = {"sqlite": _SQLITE_CREATE}
DROP = {"sqlite": tuple(f"DROP TRIGGER IF EXISTS {name}" for name in NAMES)}


def statements(dialect: str, which: Mapping[str, tuple[str, ...]] = CREATE) -> tuple[str, ...]:
    """The trigger DDL for a dialect; only SQLite is supported so far."""
    try:
        return which[dialect]
    except KeyError:
        raise NotImplementedError(f"litekube's store does not support the {dialect} dialect yet") from None
