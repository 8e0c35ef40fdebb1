"""Controller state: what a controller keeps between passes that is no object's (the HPA's recommendations).

Revision ID: 0008
Revises: 0002
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0002"
branch_labels = None
depends_on = None

# PostgreSQL-only variants (SQLite's own types are unchanged): revisions are BIGINT (a 64-bit
# counter, as etcd's), and the key columns compare byte-wise (COLLATE "C"), so that ORDER BY and
# the name ranges of prefix reads order as SQLite's BINARY collation does.
REV = sa.Integer().with_variant(sa.BigInteger(), "postgresql")
KEY = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "controller_state",
        sa.Column("component", sa.Text, nullable=False),
        sa.Column("kind", KEY, nullable=False),
        sa.Column("namespace", KEY, nullable=False),
        sa.Column("name", KEY, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("component", "kind", "namespace", "name", name=op.f("pk_controller_state")),
    )


def downgrade() -> None:
    op.drop_table("controller_state")
