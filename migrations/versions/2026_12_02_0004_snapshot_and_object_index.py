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


def upgrade() -> None:
    op.create_table(
        "snapshot",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("format", sa.Text, nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_snapshot_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snapshot")),
    )
    op.create_index("ix_changelog_object_rev", "changelog", ["kind", "namespace", "name", "rev"])


def downgrade() -> None:
    op.drop_index("ix_changelog_object_rev", table_name="changelog")
    op.drop_table("snapshot")
