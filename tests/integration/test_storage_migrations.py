"""Schema migrations: a database made by the first migration, with data in it, upgrades with nothing lost."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from interviewer.db import make_sql_engine, open_repository, upgrade_to_head
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
    engine = make_sql_engine(db_url)
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
    engine = make_sql_engine(db_url)
    upgrade_to_head(engine)
    upgrade_to_head(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def _old_turn(connection, turn_id: str, *, parent: str | None = None, answer: str | None, spent: float | None,
              ordinal: int, session: str = "s2") -> None:
    _insert(connection, "turn", id=turn_id, session_id=session, parent_turn_id=parent,
            question_id="q-status", question_text="什么是 KV cache?", prompt="追问" if parent else None,
            answer=answer, draft=None, draft_saved_at=None,
            submitted_at=T0 if answer is not None else None, time_spent_s=spent, ordinal=ordinal,
            created_at=T0)


def _old_grade(connection, grade_id: str, turn_id: str, *, grader: str, note: str | None,
               score: float | None, minute: int = 0) -> None:
    _insert(connection, "grade", id=grade_id, turn_id=turn_id, profile_id=1, question_id="q-status",
            created_at=T0.replace(minute=minute), score=score,
            verdict="ungraded" if score is None else "wrong",
            covered="[]", missed="[]", factual_errors="[]", feedback="", grader=grader, confidence=0.5,
            flags="[]", latency_ms=None, note=note, rating=None)


def test_turn_status_migration_converts_how_old_code_encoded_it(db_url):
    """Before 0003 a skip, "I don't know" and an auto-submit lived in grade notes and time used."""
    engine = make_sql_engine(db_url)
    upgrade_to(engine, "0002")
    timed = {"version": 1, "config": {"mode": "timed", "per_question_s": 60.0, "n_questions": 6}, "plan": {}}
    with engine.begin() as connection:
        _insert(connection, "profile", id=1, name="alice", created_at=T0)
        _insert(connection, "interview_session", id="s2", profile_id=1, mode="timed", state="finished",
                settings=json.dumps(timed), started_at=T0, ended_at=T0)
        _old_turn(connection, "skip", answer="", spent=3.0, ordinal=1)
        _old_grade(connection, "g-skip", "skip", grader="engine", note="skipped", score=None)
        _old_turn(connection, "idk", answer="不知道", spent=5.0, ordinal=2)
        _old_grade(connection, "g-idk", "idk", grader="engine", note="dont_know", score=0.0)
        _old_turn(connection, "late", answer="半句话", spent=60.0, ordinal=3)
        _old_grade(connection, "g-late", "late", grader="offline-v2", note=None, score=2.0)
        _old_turn(connection, "ok", answer="缓存 K 和 V", spent=20.0, ordinal=4)
        _old_grade(connection, "g-ok", "ok", grader="offline-v2", note=None, score=6.0)
        # A self grade given later does not decide the status; the first model grade does.
        _old_grade(connection, "g-ok-self", "ok", grader="self", note="skipped", score=8.0, minute=5)
        _old_turn(connection, "follow", parent="ok", answer="省重复计算", spent=60.0, ordinal=5)
        _old_turn(connection, "open", answer=None, spent=None, ordinal=6)
    upgrade_to_head(engine)
    engine.dispose()

    repo = open_repository(db_url)
    statuses = {t.id: t.status.value for t in repo.turns_for_session("s2")}
    repo.close()
    assert statuses == {"skip": "skipped", "idk": "dont_know", "late": "auto_submitted", "ok": "answered",
                        "follow": "answered", "open": "pending"}


def test_turn_status_is_stored_and_a_pending_submit_is_refused(db_url):
    from interviewer.db import StorageError
    from interviewer.history import AnswerStatus

    repo = open_repository(db_url)
    session = repo.start_session("bob", "timed")
    turn = repo.add_turn(session.id, "q1", "问题")
    assert repo.get_turn(turn.id).status is AnswerStatus.PENDING
    repo.submit_answer(turn.id, "不知道", 1.0, status=AnswerStatus.DONT_KNOW)
    assert repo.get_turn(turn.id).status is AnswerStatus.DONT_KNOW
    other = repo.add_turn(session.id, "q2", "问题二")
    with pytest.raises(StorageError, match="pending"):
        repo.submit_answer(other.id, "x", status=AnswerStatus.PENDING)
    assert repo.get_turn(other.id).submitted_at is None
    repo.close()
