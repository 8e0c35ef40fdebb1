"""The initial store: objects, changelog, revision counter, compaction mark, clock, triggers.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from litekube.store import triggers

revision: str = "0001"
down_revision: str | None = None
branch_labels = None
depends_on = None

# PostgreSQL-only variants (SQLite's own types are unchanged): revisions are BIGINT (a 64-bit
# counter, as etcd's), and the key columns compare byte-wise (COLLATE "C"), so that ORDER BY and
# the name ranges of prefix reads order as SQLite's BINARY collation does.
REV = sa.Integer().with_variant(sa.BigInteger(), "postgresql")
KEY = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "revision",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("rev", REV, nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_revision_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_revision")),
    )
    op.create_table(
        "compaction",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("rev", REV, nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_compaction_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_compaction")),
    )
    op.create_table(
        "clock",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("now", sa.Float, nullable=False),
        sa.Column("virtual", sa.Integer, nullable=False, server_default="1"),
        sa.CheckConstraint("id = 1", name=op.f("ck_clock_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clock")),
    )
    op.create_table(
        "objects",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", KEY, nullable=False),
        sa.Column("namespace", KEY, nullable=False),
        sa.Column("name", KEY, nullable=False),
        sa.Column("uid", sa.Text, nullable=False),
        sa.Column("resource_version", REV, nullable=False, server_default="0"),
        sa.Column("body", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_objects")),
        sa.UniqueConstraint("kind", "namespace", "name", name=op.f("uq_objects_kind")),
    )
    op.create_table(
        "changelog",
        sa.Column("rev", REV, primary_key=True, autoincrement=False),
        sa.Column("op", sa.Text, nullable=False),
        sa.Column("kind", KEY, nullable=False),
        sa.Column("namespace", KEY, nullable=False),
        sa.Column("name", KEY, nullable=False),
        sa.Column("uid", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("prev_rev", REV),
        sa.Column("ts", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("rev", name=op.f("pk_changelog")),
    )
    op.create_index("ix_changelog_kind_rev", "changelog", ["kind", "rev"])
    op.execute("INSERT INTO revision (id, rev) VALUES (1, 0)")
    op.execute("INSERT INTO compaction (id, rev) VALUES (1, 0)")
    op.execute("INSERT INTO clock (id, now, virtual) VALUES (1, 0, 1)")
    for statement in triggers.statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    for statement in triggers.statements(op.get_bind().dialect.name, triggers.DROP):
        op.execute(statement)
    op.drop_index("ix_changelog_kind_rev", table_name="changelog")
    for table in ("changelog", "objects", "clock", "compaction", "revision"):
        op.drop_table(table)
