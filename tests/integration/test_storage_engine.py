"""Engine factory and database location: SQLite settings, URL handling, defaults from settings."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from interviewer.db import DatabaseURLError, make_sql_engine, open_repository
from interviewer.db.migrate import upgrade_to_head


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(tmp_path):
    engine = make_sql_engine(f"sqlite:///{tmp_path / 'nested' / 'dir' / 'db.sqlite3'}")  # parents are created
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 10_000
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_foreign_keys_are_enforced(db_url):
    engine = make_sql_engine(db_url)
    upgrade_to_head(engine)
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO turn (id, session_id, question_id, question_text, ordinal, created_at) "
                "VALUES ('t', 'no-such-session', 'q', 'q', 1, CURRENT_TIMESTAMP)"
            )
        )
    engine.dispose()


def test_postgresql_urls_use_psycopg3():
    assert make_sql_engine("postgresql://me@db.example/interviewer").dialect.driver == "psycopg"
    assert make_sql_engine("postgresql+psycopg://me@db.example/x").dialect.driver == "psycopg"


def test_bad_url_is_a_clear_error():
    with pytest.raises(DatabaseURLError, match="not a database URL"):
        make_sql_engine("definitely not a url")


def test_default_database_lives_in_the_user_data_dir(isolated_user_dirs):
    repo = open_repository()
    repo.start_session("alice", "timed")
    repo.close()
    assert (isolated_user_dirs / "data" / "interviewer.sqlite3").is_file()


def test_database_url_from_the_environment(tmp_path, monkeypatch):
    target = tmp_path / "elsewhere.sqlite3"
    monkeypatch.setenv("INTERVIEWER_DATABASE_URL", f"sqlite:///{target}")
    repo = open_repository()
    repo.start_session("alice", "timed")
    repo.close()
    assert target.is_file()
    assert open_repository(f"sqlite:///{target}").unfinished_session("alice") is not None


def test_in_memory_database_is_shared_across_threads():
    import threading

    repo = open_repository("sqlite://")
    session = repo.start_session("alice", "practice")
    errors: list[BaseException] = []

    def ask() -> None:
        try:
            repo.add_turn(session.id, "q-one-abcdef", "q")
        except BaseException as exc:
            errors.append(exc)

    worker = threading.Thread(target=ask)
    worker.start()
    worker.join()
    assert errors == []
    assert len(repo.turns_for_session(session.id)) == 1
