"""The trigger SQL that turns every write into a revision and a changelog row.

No I/O happens here; migrations and tests import these statements. Each
trigger runs inside the writer's transaction: it bumps the one global
revision, appends the changelog row stamped with the cluster clock, and (for
inserts and updates) stores the revision as the object's resource_version.
The update trigger names only the user columns and fires only when the body
changed, so the trigger's own `SET resource_version` never re-fires it and a
no-op write creates no revision.

PostgreSQL (PL/pgSQL) does the same with one BEFORE trigger, which takes the
next revision from the same one-row counter (its row lock, held to COMMIT,
orders revisions as commits; a rolled-back write rolls the counter back, so
there is no hole) and sets NEW.resource_version, and AFTER triggers that
append the changelog row and NOTIFY `litekube_changelog` (a wake-up hint,
delivered at commit, folded per transaction). An insert whose key exists
(the store's `ON CONFLICT DO NOTHING`) gives its revision back, so it
spends none.
"""
from __future__ import annotations

from typing import Mapping

__all__ = ["CREATE", "DROP", "NAMES", "PG_NAMES", "statements"]

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

_PG_CREATE = (
    """
    CREATE OR REPLACE FUNCTION litekube_objects_before() RETURNS trigger LANGUAGE plpgsql AS $body$
    DECLARE
        next_rev BIGINT;
    BEGIN
        IF TG_OP = 'UPDATE' AND NEW.body IS NOT DISTINCT FROM OLD.body THEN
            NEW.resource_version := OLD.resource_version;  -- a no-op write: no revision
            RETURN NEW;
        END IF;
        UPDATE revision SET rev = rev + 1 WHERE id = 1 RETURNING rev INTO next_rev;
        IF TG_OP = 'INSERT' AND EXISTS (SELECT 1 FROM objects WHERE kind = NEW.kind
                                        AND namespace = NEW.namespace AND name = NEW.name) THEN
            UPDATE revision SET rev = rev - 1 WHERE id = 1;  -- ON CONFLICT DO NOTHING: spend none
            RETURN NULL;
        END IF;
        NEW.resource_version := next_rev;
        RETURN NEW;
    END
    $body$
    """,
    """
    CREATE OR REPLACE FUNCTION litekube_objects_after() RETURNS trigger LANGUAGE plpgsql AS $body$
    DECLARE
        next_rev BIGINT;
    BEGIN
        IF TG_OP = 'DELETE' THEN
            UPDATE revision SET rev = rev + 1 WHERE id = 1 RETURNING rev INTO next_rev;
            INSERT INTO changelog (rev, op, kind, namespace, name, uid, body, prev_rev, ts)
            VALUES (next_rev, 'DELETED', OLD.kind, OLD.namespace, OLD.name, OLD.uid, OLD.body,
                    OLD.resource_version, (SELECT now FROM clock WHERE id = 1));
        ELSIF TG_OP = 'INSERT' THEN
            INSERT INTO changelog (rev, op, kind, namespace, name, uid, body, prev_rev, ts)
            VALUES (NEW.resource_version, 'ADDED', NEW.kind, NEW.namespace, NEW.name, NEW.uid, NEW.body,
                    NULL, (SELECT now FROM clock WHERE id = 1));
        ELSE
            INSERT INTO changelog (rev, op, kind, namespace, name, uid, body, prev_rev, ts)
            VALUES (NEW.resource_version, 'MODIFIED', NEW.kind, NEW.namespace, NEW.name, NEW.uid, NEW.body,
                    OLD.resource_version, (SELECT now FROM clock WHERE id = 1));
        END IF;
        PERFORM pg_notify('litekube_changelog', '');
        RETURN NULL;
    END
    $body$
    """,
    """
    CREATE TRIGGER objects_bw BEFORE INSERT OR UPDATE ON objects
    FOR EACH ROW EXECUTE FUNCTION litekube_objects_before()
    """,
    """
    CREATE TRIGGER objects_ai AFTER INSERT ON objects
    FOR EACH ROW EXECUTE FUNCTION litekube_objects_after()
    """,
    """
    CREATE TRIGGER objects_au AFTER UPDATE ON objects
    FOR EACH ROW WHEN (OLD.resource_version IS DISTINCT FROM NEW.resource_version)
    EXECUTE FUNCTION litekube_objects_after()
    """,
    """
    CREATE TRIGGER objects_ad AFTER DELETE ON objects
    FOR EACH ROW EXECUTE FUNCTION litekube_objects_after()
    """,
)

PG_NAMES = ("objects_bw", *NAMES)

CREATE = {"sqlite": _SQLITE_CREATE, "postgresql": _PG_CREATE}
DROP = {
    "sqlite": tuple(f"DROP TRIGGER IF EXISTS {name}" for name in NAMES),
    "postgresql": (*(f"DROP TRIGGER IF EXISTS {name} ON objects" for name in PG_NAMES),
                   "DROP FUNCTION IF EXISTS litekube_objects_after()",
                   "DROP FUNCTION IF EXISTS litekube_objects_before()"),
}


def statements(dialect: str, which: Mapping[str, tuple[str, ...]] = CREATE) -> tuple[str, ...]:
    """The trigger DDL for a dialect (SQLite or PostgreSQL)."""
    try:
        return which[dialect]
    except KeyError:
        raise NotImplementedError(f"litekube's store does not support the {dialect} dialect yet") from None
