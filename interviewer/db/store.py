"""Base of the repository: engine, short transactions, errors, ids and profile look-ups."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from interviewer.db.engine import WRITE_OPTION
from interviewer.db.tables import ProfileRow, utcnow

MAX_PROFILE_NAME = 100
RowT = TypeVar("RowT")


class StorageError(Exception):
    """A storage problem the user can cause or fix (bad import file, unknown profile name, ...)."""


class RecordNotFound(StorageError, LookupError):
    """No session, turn or profile with that id."""


def new_id() -> str:
    """Random ids (not autoincrement) so exports from several machines can be merged on import."""
    return uuid.uuid4().hex


class StoreBase:
    """Holds the engine; each public method runs one short transaction and commits before returning."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def close(self) -> None:
        """Release pooled connections (the data is already committed)."""
        self.engine.dispose()

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def _write(self) -> Iterator[Session]:
        """A write transaction, committed on exit (on SQLite it holds the write lock from the start)."""
        with self.engine.connect() as connection:
            connection.execution_options(**{WRITE_OPTION: True})
            with Session(bind=connection, expire_on_commit=False) as session:
                yield session
                session.commit()

    def _profile_row(
        self, session: Session, name: str, *, create: bool, created_at: datetime | None = None
    ) -> ProfileRow | None:
        clean = _clean_profile_name(name)
        row = session.exec(select(ProfileRow).where(ProfileRow.name == clean)).first()
        if row is None and create:
            row = ProfileRow(name=clean, created_at=created_at or utcnow())
            try:
                with session.begin_nested():
                    session.add(row)
            except IntegrityError:  # another process created it meanwhile (PostgreSQL)
                row = session.exec(select(ProfileRow).where(ProfileRow.name == clean)).one()
        return row

    def _profile_id(self, session: Session, name: str) -> int | None:
        row = self._profile_row(session, name, create=False)
        return row.id if row else None

    @staticmethod
    def _get(session: Session, model: type[RowT], key: object, what: str) -> RowT:
        row = session.get(model, key)
        if row is None:
            raise RecordNotFound(f"no {what} with id {key!r}")
        return row


def _clean_profile_name(name: str) -> str:
    clean = name.strip()
    if not clean or len(clean) > MAX_PROFILE_NAME:
        raise StorageError(f"profile name must be 1-{MAX_PROFILE_NAME} characters, got {name!r}")
    return clean
