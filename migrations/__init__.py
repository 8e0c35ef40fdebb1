"""Alembic environment and versions for litekube's store (shipped inside the package)."""
