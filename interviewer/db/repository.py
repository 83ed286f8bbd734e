"""The repository services call: sessions, turns, grades, cards, weak topics, export/import.

Every method runs its own short transaction and returns `interviewer.history` records, never ORM rows.
The methods live in small mixins (`sessions`, `grades`, `transfer`); this module assembles them.
"""

from __future__ import annotations

from alembic.util.exc import CommandError
from sqlalchemy.exc import SQLAlchemyError

from interviewer.db.engine import DatabaseURLError, make_engine, redact_text, redact_url
from interviewer.db.migrate import upgrade_to_head
from interviewer.db.store import StorageError
from interviewer.db.transfer import TransferStore


class Repository(TransferStore):
    """All storage operations. Build it with `open_repository()`; share one per process.

    Profiles: get_or_create_profile, list_profiles.
    Sessions: start_session, finish_session, abandon_session, get_session, list_sessions, unfinished_session.
    Turns: add_turn, save_draft, submit_answer, get_turn, turns_for_session.
    Grades and scheduling: record_grade, record_self_grade, card, cards, due_questions, weakest_topics,
    rebuild_cards. Reference flags: flag_reference, flagged_references.
    Transfer: export_data, export_json, import_data, import_json. Lifecycle: close.
    """


def resolve_database_url(url: str | None = None) -> str:
    """`url` if given, else `INTERVIEWER_DATABASE_URL` / the config file, else SQLite in the user data dir."""
    if url:
        return url
    from interviewer.config import load_settings

    return load_settings().resolved_database_url


def open_repository(url: str | None = None, *, migrate: bool = True) -> Repository:
    """Connect (default URL from settings), bring the schema up to date and return the repository.

    Raises StorageError, one line with the URL's password hidden, when the database cannot be used."""
    resolved = resolve_database_url(url)
    engine = None
    try:
        engine = make_engine(resolved)
        if migrate:
            upgrade_to_head(engine)
    except Exception as exc:
        if engine is not None:
            engine.dispose()
        if isinstance(exc, StorageError):
            raise StorageError(f"cannot open database {redact_url(resolved)}: {exc}") from None
        if isinstance(exc, DatabaseURLError | SQLAlchemyError | OSError | ImportError | CommandError):
            raise StorageError(f"cannot open database {redact_url(resolved)}: {first_line(exc)}") from None
        raise
    return Repository(engine)


def first_line(exc: BaseException) -> str:
    """The driver's own message (not SQLAlchemy's wrapper with SQL and a link), first line, no passwords."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return redact_text(text.splitlines()[0]) if text else type(exc).__name__
