"""Self-grades from storage become the judge's first examples (read-only, no schema change)."""

from __future__ import annotations

from pathlib import Path

from interviewer.db.repository import open_repository
from interviewer.domain import Grade, verdict_for
from interviewer.history import SessionMode
from interviewer.services.engine.self_grade_examples import StoredSelfGrades
from tests.unit.test_llm_judge import QUESTION

OTHER = QUESTION.model_copy(update={"id": "transformer-other-9", "text": "多头注意力的作用？"})


def test_only_self_graded_main_answers_of_the_profile_oldest_first(tmp_path: Path):
    repo = open_repository(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    session = repo.start_session("me", SessionMode.PRACTICE)

    def answered(question, answer, parent=None):
        turn = repo.add_turn(session.id, question.id, question.text, parent_turn_id=parent,
                             prompt="追问" if parent else None)
        repo.submit_answer(turn.id, answer)
        return turn

    first = answered(QUESTION, "FIRST 方差变大")
    repo.record_self_grade(first.id, score=4)
    model_only = answered(QUESTION, "MODEL-ONLY")
    repo.record_grade(model_only.id, Grade(score=9, verdict=verdict_for(9), grader="llm:x"))
    follow = answered(QUESTION, "FOLLOW-UP", parent=first.id)
    repo.record_self_grade(follow.id, score=10)
    second = answered(QUESTION, "SECOND softmax 饱和")
    repo.record_grade(second.id, Grade(score=3, verdict=verdict_for(3), grader="llm:x"))
    repo.record_self_grade(second.id, score=8.5)  # the user's grade overrides the model's
    topic = answered(OTHER, "TOPIC 多头")
    repo.record_self_grade(topic.id, score=6)
    someone_else = repo.start_session("other", SessionMode.PRACTICE)
    theirs = repo.add_turn(someone_else.id, QUESTION.id, QUESTION.text)
    repo.submit_answer(theirs.id, "THEIRS")
    repo.record_self_grade(theirs.id, score=1)

    topics = {QUESTION.id: QUESTION.topic, OTHER.id: OTHER.topic}
    source = StoredSelfGrades(repo, "me", topic_of=topics.get)
    picks = source.examples_for(QUESTION, 5)
    assert [(p.answer, p.score, p.source) for p in picks] == [
        ("FIRST 方差变大", 4.0, "self"), ("SECOND softmax 饱和", 8.5, "self"), ("TOPIC 多头", 6.0, "self")]
    assert picks[0].same_question(QUESTION) and not picks[2].same_question(QUESTION)
    assert [p.answer for p in source.examples_for(QUESTION, 1)] == ["SECOND softmax 饱和"]  # the newest
    assert source.examples_for(QUESTION, 0) == []

    # Cached for ttl_s: the prompt of one interview does not change under it; later reads see new grades.
    late = answered(QUESTION, "LATE")
    repo.record_self_grade(late.id, score=2)
    assert "LATE" not in [p.answer for p in source.examples_for(QUESTION, 5)]
    fresh = StoredSelfGrades(repo, "me", topic_of=topics.get, ttl_s=0)
    assert "LATE" in [p.answer for p in fresh.examples_for(QUESTION, 5)]
    repo.close()
