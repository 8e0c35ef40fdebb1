"""The control plane's cache snapshot in chunks: a header row and its snapshot_chunk rows.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04

The one-row snapshot (one body holding the whole encoded cache) becomes a
header (revision, format, the token of its chunks, how many, their CRC-32)
and the chunks, so that saving or loading the cache never holds it encoded
whole. A snapshot is only a cache: both ways the old one is dropped, not
converted (the next control plane relists and writes a new one).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels = None
depends_on = None

# PostgreSQL-only variant, as in the other migrations: revisions are BIGINT.
REV = sa.Integer().with_variant(sa.BigInteger(), "postgresql")


def upgrade() -> None:
    op.drop_table("snapshot")
    op.create_table(
        "snapshot",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("revision", REV, nullable=False),
        sa.Column("format", sa.Text, nullable=False),
        sa.Column("token", sa.BigInteger, nullable=False),
        sa.Column("chunks", sa.Integer, nullable=False),
        sa.Column("checksum", sa.BigInteger, nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_snapshot_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snapshot")),
    )
    op.create_table(
        "snapshot_chunk",
        sa.Column("token", sa.BigInteger, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("token", "seq", name=op.f("pk_snapshot_chunk")),
    )


def downgrade() -> None:
    op.drop_table("snapshot_chunk")
    op.drop_table("snapshot")
    op.create_table(
        "snapshot",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("revision", REV, nullable=False),
        sa.Column("format", sa.Text, nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_snapshot_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snapshot")),
    )
