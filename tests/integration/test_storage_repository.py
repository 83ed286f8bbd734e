"""Repository behaviour, run against SQLite and a real PostgreSQL server (`db_url`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect

from interviewer.db import RecordNotFound, StorageError, open_repository
from interviewer.db.tables import SQLModel
from interviewer.domain import Grade, Verdict
from interviewer.history import GradeRecord, SessionState, TurnRecord

Q1 = "attention-basics-a1b2c3"
Q2 = "rlhf-ppo-d4e5f6"


def model_grade(score: float, grader: str = "offline-v1") -> Grade:
    return Grade(
        score=score,
        verdict=Verdict.ADEQUATE,
        covered=("k1",),
        missed=("k2",),
        feedback="ok",
        grader=grader,
        confidence=0.6,
        flags=("no_reference",),
        latency_ms=12.5,
    )


@pytest.fixture
def repo(db_url):
    repository = open_repository(db_url)
    yield repository
    repository.close()


def test_session_lifecycle_and_resume(repo):
    session = repo.start_session("alice", "timed", {"minutes": 30, "topics": ["rlhf"]})
    assert repo.unfinished_session("alice") == session
    assert repo.unfinished_session("bob") is None
    assert repo.get_session(session.id).settings == {"minutes": 30, "topics": ["rlhf"]}

    finished = repo.finish_session(session.id)
    assert finished.state is SessionState.FINISHED and finished.ended_at is not None
    assert repo.unfinished_session("alice") is None

    other = repo.start_session("alice", "drill")
    assert repo.abandon_session(other.id).state is SessionState.ABANDONED
    assert [s.id for s in repo.list_sessions("alice")] == [other.id, session.id]
    assert repo.list_sessions("nobody-here") == []


def test_turns_drafts_answers_and_grades_form_a_transcript(repo):
    session = repo.start_session("alice", "practice")
    first = repo.add_turn(session.id, Q1, "What is attention?")
    assert repo.save_draft(first.id, "Attention weighs")
    assert repo.get_turn(first.id).draft == "Attention weighs"

    submitted = repo.submit_answer(first.id, "Attention weighs values by query-key similarity.", 42.0)
    assert submitted.answer.startswith("Attention") and submitted.draft is None and submitted.submitted
    assert not repo.save_draft(
        first.id, "late autosave"
    )  # an autosave after submit must not resurrect a draft

    follow = repo.add_turn(session.id, Q1, "What is attention?", parent_turn_id=first.id, prompt="Why scale?")
    repo.submit_answer(follow.id, "To keep softmax gradients sane.")
    repo.record_grade(first.id, model_grade(6.0))
    repo.record_grade(first.id, model_grade(7.0, grader="llm:qwen3"))
    repo.record_self_grade(first.id, score=3.0)

    transcript = repo.turns_for_session(session.id)
    assert [t.ordinal for t in transcript] == [1, 2]
    assert transcript[1].parent_turn_id == first.id and transcript[1].prompt == "Why scale?"
    graders = [g.grade.grader for g in transcript[0].grades]
    assert graders == ["offline-v1", "llm:qwen3", "self"]
    assert transcript[0].effective_grade.grade.score == 3.0
    stored = transcript[0].grades[0].grade
    assert stored == model_grade(6.0)  # every field of the Grade survives the round trip
    assert isinstance(transcript[0], TurnRecord) and isinstance(transcript[0].grades[0], GradeRecord)


def test_datetimes_come_back_timezone_aware_utc(repo):
    started = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    session = repo.start_session("alice", "timed", started_at=started)
    turn = repo.add_turn(session.id, Q1, "q")
    repo.submit_answer(turn.id, "a", submitted_at=started + timedelta(minutes=2))
    again = repo.get_session(session.id)
    assert again.started_at == started and again.started_at.tzinfo is not None
    assert repo.get_turn(turn.id).submitted_at == started + timedelta(minutes=2)


def test_self_grade_overrides_model_grade_for_scheduling(repo):
    session = repo.start_session("alice", "practice")
    turn = repo.add_turn(session.id, Q1, "q")
    repo.submit_answer(turn.id, "a")
    repo.record_grade(turn.id, model_grade(9.5))
    easy_due = repo.card("alice", Q1).due

    repo.record_self_grade(turn.id, rating=1)  # Again
    card = repo.card("alice", Q1)
    assert card.due < easy_due
    assert card.n_reviews == 1  # the self grade replaced the model's review, it did not add one
    assert card.recent_score == 2.0

    repo.record_grade(turn.id, model_grade(10.0, grader="llm:late"))  # a later model grade cannot undo it
    assert repo.card("alice", Q1).due == card.due


def test_follow_ups_and_ungraded_answers_do_not_schedule(repo):
    session = repo.start_session("alice", "practice")
    turn = repo.add_turn(session.id, Q1, "q")
    follow = repo.add_turn(session.id, Q1, "q", parent_turn_id=turn.id, prompt="more?")
    repo.record_grade(follow.id, model_grade(8.0))
    repo.record_grade(turn.id, Grade(verdict=Verdict.UNGRADED, grader="offline-v1"))
    assert repo.card("alice", Q1) is None
    assert repo.due_questions("alice", 5, now=datetime(2100, 1, 1, tzinfo=UTC)) == []


def test_due_questions_lists_overdue_cards_first(repo):
    session = repo.start_session("alice", "drill")
    for question_id, score in ((Q1, 9.5), (Q2, 1.0)):
        turn = repo.add_turn(session.id, question_id, "q")
        repo.submit_answer(turn.id, "a")
        repo.record_grade(turn.id, model_grade(score))
    assert repo.due_questions("alice", 5) == []  # nothing is due right after answering
    in_two_days = datetime.now(UTC) + timedelta(days=2)
    assert [c.question_id for c in repo.due_questions("alice", 5, now=in_two_days)] == [Q2]
    in_a_month = datetime.now(UTC) + timedelta(days=30)
    assert [c.question_id for c in repo.due_questions("alice", 5, now=in_a_month)] == [Q2, Q1]
    assert len(repo.due_questions("alice", 1, now=in_a_month)) == 1
    assert repo.due_questions("bob", 5, now=in_a_month) == []


def test_profiles_keep_separate_histories(repo):
    for name, score in (("alice", 9.5), ("bob", 1.0)):
        session = repo.start_session(name, "practice")
        turn = repo.add_turn(session.id, Q1, "q")
        repo.record_grade(turn.id, model_grade(score))
    assert repo.card("alice", Q1).recent_score == 9.5
    assert repo.card("bob", Q1).recent_score == 1.0
    assert [p.name for p in repo.list_profiles()] == ["alice", "bob"]
    assert repo.get_or_create_profile("alice").id == repo.get_or_create_profile(" alice ").id


def test_reference_flags(repo):
    repo.flag_reference(Q1, "reference says ReLU, should be GELU", profile="alice")
    repo.flag_reference(Q2, "typo")
    flags = repo.flagged_references()
    assert [(f.question_id, f.profile) for f in flags] == [(Q1, "alice"), (Q2, None)]
    with pytest.raises(StorageError):
        repo.flag_reference(Q1, "   ")


def test_user_errors_are_clear(repo):
    session = repo.start_session("alice", "timed")
    with pytest.raises(RecordNotFound):
        repo.get_session("missing")
    with pytest.raises(RecordNotFound):
        repo.submit_answer("missing", "a")
    with pytest.raises(StorageError, match="mode"):
        repo.start_session("alice", "marathon")
    with pytest.raises(StorageError, match="profile name"):
        repo.start_session("  ", "timed")
    turn = repo.add_turn(session.id, Q1, "q")
    with pytest.raises(StorageError):
        repo.record_self_grade(turn.id, score=11)
    with pytest.raises(StorageError):
        repo.record_self_grade(turn.id, rating=7)
    repo.finish_session(session.id)
    with pytest.raises(StorageError, match="finished"):
        repo.add_turn(session.id, Q2, "q")


def test_migrated_schema_matches_the_models(db_url):
    """The Alembic migrations and the SQLModel tables describe the same schema."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    repo = open_repository(db_url)
    with repo.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
        tables = set(inspect(connection).get_table_names())
    repo.close()
    assert diff == []
    assert {"profile", "interview_session", "turn", "grade", "card", "reference_flag"} <= tables


def test_weakest_topics_ordering(repo):
    now = datetime.now(UTC)
    topics = {"a-q1-aaaaaa": "alpha", "a-q2-aaaaaa": "alpha", "b-q1-bbbbbb": "beta", "c-q1-cccccc": "gamma"}
    history = [
        ("a-q1-aaaaaa", 9.5, 1),
        ("a-q2-aaaaaa", 9.0, 1),
        ("b-q1-bbbbbb", 2.0, 1),
        ("c-q1-cccccc", 9.5, 40),
        ("c-q1-cccccc", 5.0, 20),
    ]
    session = repo.start_session("alice", "drill")
    for question_id, score, days_ago in history:
        turn = repo.add_turn(session.id, question_id, "q")
        repo.submit_answer(turn.id, "a", submitted_at=now - timedelta(days=days_ago))
        repo.record_grade(turn.id, model_grade(score))
    ranked = repo.weakest_topics("alice", 5, topics)
    assert [m.topic for m in ranked] == ["beta", "gamma", "alpha"]
    assert ranked[1].n_graded == 2 and ranked[1].n_questions == 1
    assert [m.topic for m in repo.weakest_topics("alice", 1, topics.get)] == ["beta"]
    assert repo.weakest_topics("bob", 5, topics) == []
