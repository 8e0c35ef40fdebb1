"""Object expiry (Events' TTL, swept by the runtime) and the wall-clock offset of the cluster clock.

Revision ID: 0003
Revises: 0008
Create Date: 2026-12-02

`objects.expires` is the cluster time at which the store deletes an object
(set for Events, as kube-apiserver's --event-ttl puts them on an etcd
lease); a partial index keeps the sweep O(what expires). `clock.offset` is
how far the cluster clock runs ahead of the wall clock while `litekube run`
leads, so time that `advance` already passed is not waited for again.
Both columns are added in place (no table rebuild), so the triggers stay.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("objects", sa.Column("expires", sa.Float, nullable=True))
    op.create_index("ix_objects_expires", "objects", ["expires"],
                    sqlite_where=sa.text("expires IS NOT NULL"), postgresql_where=sa.text("expires IS NOT NULL"))
    op.add_column("clock", sa.Column("offset", sa.Float, nullable=False, server_default="0"))


def downgrade() -> None:
    op.drop_index("ix_objects_expires", table_name="objects")
    # SQLite drops columns in place since 3.35: no rebuild, the triggers survive
    op.execute("ALTER TABLE objects DROP COLUMN expires")
    op.execute('ALTER TABLE clock DROP COLUMN "offset"')
