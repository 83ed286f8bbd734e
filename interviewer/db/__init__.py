"""Storage: engine factory, SQLModel tables, Alembic migrations and the repository.

Use `open_repository(url)`; it returns `interviewer.history` records, never ORM rows.
"""

from __future__ import annotations

from interviewer.db.engine import DatabaseURLError, make_sql_engine
from interviewer.db.migrate import upgrade_to_head
from interviewer.db.repository import Repository, open_repository, resolve_database_url
from interviewer.db.store import RecordNotFound, StorageError

__all__ = [
    "DatabaseURLError",
    "RecordNotFound",
    "Repository",
    "StorageError",
    "make_sql_engine",
    "open_repository",
    "resolve_database_url",
    "upgrade_to_head",
]
