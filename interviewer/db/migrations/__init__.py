"""Alembic migrations (package so setuptools ships env.py and the versions)."""
