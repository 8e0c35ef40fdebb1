"""Alembic environment: runs on the connection the store already opened."""
from __future__ import annotations

from alembic import context

from litekube.store import schema

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # `alembic` CLI use: open the database named in the config
    from sqlalchemy import create_engine
    connection = create_engine(config.get_main_option("sqlalchemy.url")).connect()

context.configure(
    connection=connection,
    target_metadata=schema.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
