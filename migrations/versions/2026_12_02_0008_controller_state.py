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


def upgrade() -> None:
    op.create_table(
        "controller_state",
        sa.Column("component", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("namespace", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("component", "kind", "namespace", "name", name=op.f("pk_controller_state")),
    )


def downgrade() -> None:
    op.drop_table("controller_state")
