"""Engine factory: SQLite (WAL, busy timeout, foreign keys, BEGIN IMMEDIATE for writes) or PostgreSQL.

Engines are built on demand from a URL, never at import time.
"""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import StaticPool

BUSY_TIMEOUT_MS = 10_000
WRITE_OPTION = "interviewer_write"
"""Execution option: on SQLite the transaction starts with BEGIN IMMEDIATE (takes the write lock up front,
so a read-then-write transaction waits for another writer instead of failing with SQLITE_BUSY)."""


class DatabaseURLError(ValueError):
    """The configured database URL cannot be used."""


def redact_url(url: str) -> str:
    """The URL as it may be shown: the password replaced by `***` (SQLAlchemy's `hide_password`)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not parseable: show no credentials at all rather than guess
        return redact_text(url)


_CREDENTIALS = re.compile(r"(?P<scheme>[A-Za-z][\w+.-]*://)(?P<user>[^/@:\s]*):[^/\s]*@")


def redact_text(text: str) -> str:
    """Mask `user:password@` in every URL inside a free-form message (driver errors may quote the URL)."""
    return _CREDENTIALS.sub(lambda m: f"{m['scheme']}{m['user']}:***@", text)


def make_sql_engine(url: str) -> Engine:
    """Build an engine for any SQLAlchemy URL; `postgresql://` URLs use psycopg 3."""
    try:
        parsed = make_url(url)
    except Exception as exc:  # sqlalchemy raises ArgumentError with a long message
        raise DatabaseURLError(f"not a database URL: {redact_url(url)!r}") from exc
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed)
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() in ("", "psycopg2"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, pool_pre_ping=True)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _sqlite_engine(url: URL) -> Engine:
    database = url.database
    connect_args: dict[str, Any] = {"timeout": BUSY_TIMEOUT_MS / 1000}
    if not database or database == ":memory:":
        # In-memory (tests): one shared connection, or every thread would see its own empty database.
        connect_args["check_same_thread"] = False
        engine = create_engine(url, connect_args=connect_args, poolclass=StaticPool)
    else:
        if not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args=connect_args)
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own implicit BEGIN is deferred and
    # skips DDL), so that writers can ask for BEGIN IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _set_wal(cursor)
        cursor.execute("PRAGMA foreign_keys = ON")
    finally:
        cursor.close()


def _set_wal(cursor: Any) -> None:
    """Switch to WAL. Two processes opening a fresh file at once race for that switch, and SQLite reports
    the loser "database is locked" without waiting on the busy timeout: retry within the timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as err:
            if "locked" not in str(err) or time.monotonic() >= deadline:
                raise
            time.sleep(0.01)


def _on_sqlite_begin(connection: Any) -> None:
    immediate = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
