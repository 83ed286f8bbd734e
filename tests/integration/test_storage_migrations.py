"""Schema migrations: a database made by the first migration, with data in it, upgrades with nothing lost."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import text

from interviewer.db import make_engine, open_repository, upgrade_to_head
from interviewer.db.migrate import current_revision, head_revision, upgrade_to
from interviewer.history import SessionState

T0 = datetime(2026, 1, 5, 10, 0)  # naive UTC, as the first schema stores it


def _insert(connection, table: str, **values) -> None:
    names = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    connection.execute(text(f"INSERT INTO {table} ({names}) VALUES ({marks})"), values)


def _fill_first_schema(engine) -> None:
    """Rows written the way the first schema's code wrote them (plain SQL, no current models)."""
    question = "attention-basics-a1b2c3"
    turn = {"session_id": "s1", "question_id": question, "question_text": "什么是注意力?", "created_at": T0}
    with engine.begin() as connection:
        _insert(connection, "profile", id=1, name="alice", created_at=T0)
        _insert(
            connection,
            "interview_session",
            id="s1",
            profile_id=1,
            mode="timed",
            state="active",
            settings=json.dumps({"minutes": 20}),
            started_at=T0,
            ended_at=None,
        )
        _insert(
            connection,
            "turn",
            id="t1",
            parent_turn_id=None,
            prompt=None,
            answer="加权求和",
            draft=None,
            draft_saved_at=None,
            submitted_at=T0,
            time_spent_s=30.5,
            ordinal=1,
            **turn,
        )
        _insert(
            connection,
            "turn",
            id="t2",
            parent_turn_id="t1",
            prompt="为什么要缩放?",
            answer=None,
            draft="因为方差",
            draft_saved_at=T0,
            submitted_at=None,
            time_spent_s=None,
            ordinal=2,
            **turn,
        )
        _insert(
            connection,
            "grade",
            id="g1",
            turn_id="t1",
            profile_id=1,
            question_id=question,
            created_at=T0,
            score=7.0,
            verdict="adequate",
            covered='["k1"]',
            missed='["k2"]',
            factual_errors="[]",
            feedback="好",
            grader="offline-v1",
            confidence=0.5,
            flags="[]",
            latency_ms=3.0,
            note=None,
            rating=None,
        )


def test_first_migration_with_data_upgrades_to_head_without_loss(db_url):
    engine = make_engine(db_url)
    upgrade_to(engine, "0001")
    assert current_revision(engine) == "0001"
    _fill_first_schema(engine)

    upgrade_to_head(engine)
    assert current_revision(engine) == head_revision() != "0001"
    engine.dispose()

    repo = open_repository(db_url)
    session = repo.get_session("s1")
    assert (session.profile, session.mode.value, session.state) == ("alice", "timed", SessionState.ACTIVE)
    assert session.settings == {"minutes": 20}
    assert session.started_at == T0.replace(tzinfo=UTC)
    assert repo.unfinished_session("alice") == session

    first, follow = repo.turns_for_session("s1")
    assert (first.answer, first.time_spent_s, first.question_text) == ("加权求和", 30.5, "什么是注意力?")
    assert (follow.parent_turn_id, follow.prompt, follow.draft) == ("t1", "为什么要缩放?", "因为方差")
    grade = first.grades[0].grade
    assert (grade.score, grade.covered, grade.missed, grade.feedback) == (7.0, ("k1",), ("k2",), "好")

    # The old data works with the new schema: new tables are usable and cards can be derived.
    assert repo.rebuild_cards() == 1
    assert repo.card("alice", "attention-basics-a1b2c3").n_reviews == 1
    repo.flag_reference("attention-basics-a1b2c3", "wrong reference", profile="alice")
    assert len(repo.flagged_references()) == 1
    repo.close()


def test_upgrade_is_idempotent(db_url):
    engine = make_engine(db_url)
    upgrade_to_head(engine)
    upgrade_to_head(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()
