"""The Service allocation table: the ClusterIPs and nodePorts each Service holds, indexed.

Revision ID: 0009
Revises: 0003
Create Date: 2026-12-03

The allocators of the Service REST probe this table (litekube.store.allocations)
instead of reading every Service's body, and allocation_hints where a band's
lowest-free walk starts. The upgrade fills the allocations from the stored
Services, so a database made before it allocates nothing they hold; the
hints start empty (a band's start).
"""
from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

from litekube.store import allocations

revision: str = "0009"
down_revision: str | None = "0003"
branch_labels = None
depends_on = None

# PostgreSQL-only variant, as in the other migrations: key columns compare byte-wise (COLLATE "C").
KEY = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")


def upgrade() -> None:
    table = op.create_table(
        "allocations",
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("value", sa.BigInteger, nullable=False),
        sa.Column("family", sa.Text, nullable=False),
        sa.Column("namespace", KEY, nullable=False),
        sa.Column("name", KEY, nullable=False),
        sa.PrimaryKeyConstraint("kind", "value", "family", "namespace", "name", name=op.f("pk_allocations")),
    )
    op.create_index("ix_allocations_owner", "allocations", ["namespace", "name"])
    op.create_table(
        "allocation_hints",
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("start", sa.BigInteger, nullable=False),
        sa.Column("next", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("kind", "start", name=op.f("pk_allocation_hints")),
    )
    bind = op.get_bind()
    rows = []
    for namespace, name, body in bind.execute(sa.text(
            "SELECT namespace, name, body FROM objects WHERE kind = 'Service' ORDER BY namespace, name")):
        try:
            decoded = json.loads(body)
        except ValueError:
            continue
        rows.extend({"kind": k, "family": f, "value": v, "namespace": namespace, "name": name}
                    for k, f, v in sorted(allocations.holdings(decoded)))
    if rows:
        op.bulk_insert(table, rows)


def downgrade() -> None:
    op.drop_table("allocation_hints")
    op.drop_index("ix_allocations_owner", table_name="allocations")
    op.drop_table("allocations")
