"""Alembic migrations of the insights tables, shipped inside the package (run.py db upgrade)."""
