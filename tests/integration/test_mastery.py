"""Issue 14 (4): mastery through the repository, as Drill, Progress and `weak` read it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from interviewer.db import open_repository
from interviewer.domain import Grade, verdict_for

TOPIC_OF = {"attn-q1-aaaaaa": "attention", "attn-q2-bbbbbb": "attention"}


def _answer(repo, session_id: str, question_id: str, score: float, at: datetime) -> None:
    turn = repo.add_turn(session_id, question_id, "q")
    repo.submit_answer(turn.id, "a", 30.0, at)
    repo.record_grade(turn.id, Grade(score=score, verdict=verdict_for(score), grader="offline-v1"), at)


def _attention(repo, now: datetime):
    [topic] = repo.weakest_topics("me", 5, TOPIC_OF, now=now)
    return topic


def test_i_dont_know_never_raises_mastery_and_one_answer_is_new(tmp_path):
    repo = open_repository(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    start = datetime.now(UTC) - timedelta(days=40)
    session = repo.start_session("me", "practice", started_at=start)
    _answer(repo, session.id, "attn-q1-aaaaaa", 8.0, start)
    first = _attention(repo, start)
    assert (first.status, first.mastery, first.n_graded) == ("new", None, 1)

    _answer(repo, session.id, "attn-q2-bbbbbb", 7.0, start + timedelta(days=1))
    later = start + timedelta(days=30)  # a month on: fsrs recall has decayed well below 1
    before = rated = _attention(repo, later)
    assert before.status == "rated" and before.mastery is not None and before.retrievability < 0.95
    for question_id in TOPIC_OF:  # "I don't know" twice: graded 0, each review resets recall to 1
        _answer(repo, session.id, question_id, 0.0, later)
        after = _attention(repo, later)
        assert after.retrievability > before.retrievability  # what the old formula rewarded
        assert after.mastery is not None and after.mastery <= before.mastery
        before = after
    assert before.mastery is not None and rated.mastery is not None
    assert before.mastery < 0.6 * rated.mastery  # two failures take a large part of it away
    repo.close()
