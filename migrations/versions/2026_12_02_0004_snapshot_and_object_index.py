"""The control plane's cache snapshot, and the changelog index on the object key.

Revision ID: 0004
Revises: 0008
Create Date: 2026-12-02
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0008"
branch_labels = None
depends_on = None

# PostgreSQL-only variants (SQLite's own types are unchanged): revisions are BIGINT (a 64-bit
# counter, as etcd's), and the key columns compare byte-wise (COLLATE "C"), so that ORDER BY and
# the name ranges of prefix reads order as SQLite's BINARY collation does.
REV = sa.Integer().with_variant(sa.BigInteger(), "postgresql")
KEY = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "snapshot",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("revision", REV, nullable=False),
        sa.Column("format", sa.Text, nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_snapshot_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snapshot")),
    )
    op.create_index("ix_changelog_object_rev", "changelog", ["kind", "namespace", "name", "rev"])


def downgrade() -> None:
    op.drop_index("ix_changelog_object_rev", table_name="changelog")
    op.drop_table("snapshot")
