"""Control-plane state: the changelog cursor, pending timers, and the embedded lock.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels = None
depends_on = None

# PostgreSQL-only variants (SQLite's own types are unchanged): revisions are BIGINT (a 64-bit
# counter, as etcd's), and the key columns compare byte-wise (COLLATE "C"), so that ORDER BY and
# the name ranges of prefix reads order as SQLite's BINARY collation does.
REV = sa.Integer().with_variant(sa.BigInteger(), "postgresql")
KEY = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "controlplane",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("cursor", REV),
        sa.Column("timers", sa.Text),
        sa.Column("holder", sa.Text),
        sa.Column("expires", sa.Float),
        sa.CheckConstraint("id = 1", name=op.f("ck_controlplane_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_controlplane")),
    )
    op.execute("INSERT INTO controlplane (id) VALUES (1)")


def downgrade() -> None:
    op.drop_table("controlplane")
