"""Apply Alembic migrations in code at start-up (no alembic.ini on disk)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from interviewer.db.engine import WRITE_OPTION, is_sqlite
from interviewer.db.store import StorageError

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_PG_LOCK_KEY = 0x1E7E  # any constant: serialises concurrent start-ups migrating one PostgreSQL database


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic Config pointing at the shipped migrations, optionally bound to an open connection."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest migration shipped with this version."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: empty database)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade_to_head(engine: Engine) -> None:
    """Bring the schema up to date; a no-op when it already is. Safe if two processes start together.

    Raises StorageError for a database written by a newer version (a revision this build does not ship)."""
    current = current_revision(engine)
    known = {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if current is not None and current not in known:
        raise StorageError(
            f"the database is at schema revision {current}, newer than this version of interviewer "
            f"knows (latest {head_revision()}): upgrade interviewer, or use another database"
        )
    upgrade_to(engine, "head")


def upgrade_to(engine: Engine, revision: str) -> None:
    """Upgrade to a given revision (tests use it to build an old schema)."""
    with engine.connect() as connection:
        if is_sqlite(engine):
            # Batch migrations rebuild tables (DROP + RENAME); enforced foreign keys would cascade deletes
            # through that, and the pragma cannot change inside a transaction.
            _sqlite_pragma(connection, "foreign_keys = OFF")
            connection.execution_options(**{WRITE_OPTION: True})
        try:
            with connection.begin():
                if engine.dialect.name == "postgresql":
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
                command.upgrade(alembic_config(connection), revision)
        finally:
            if is_sqlite(engine):
                _sqlite_pragma(connection, "foreign_keys = ON")


def _sqlite_pragma(connection: Connection, pragma: str) -> None:
    # On the raw driver connection: going through SQLAlchemy would open a transaction first.
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.execute(f"PRAGMA {pragma}")
