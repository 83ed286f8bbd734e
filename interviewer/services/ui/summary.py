"""Build the end-of-session summary from stored records (pure: no SQL, no Textual).

It reads what storage holds rather than the engine's in-memory state, so a resumed or crashed-then-finished
session sums up the same way, and the numbers are those the Review list and the exports show.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from statistics import mean
from typing import TYPE_CHECKING

from interviewer.domain import Question, Verdict
from interviewer.history import SessionRecord, TurnRecord
from interviewer.services.ui.history import main_turns, model_grade, session_item
from interviewer.services.ui.models import (
    QuestionScoreView,
    SummaryView,
    TopicMasteryView,
    TopicScoreView,
)
from interviewer.services.ui.session_score import SessionScore, TurnScore, session_score

if TYPE_CHECKING:
    from interviewer.services.engine.api import TurnView as EngineTurnView

MISSED_SHOWN = 5


def session_budget_s(record: SessionRecord) -> float | None:
    """The session's time budget from its stored config; None when untimed (practice, or no config)."""
    from interviewer.services.engine.api import SessionConfig

    config = record.settings.get("config")
    if not isinstance(config, dict):
        return None
    try:
        return SessionConfig.model_validate(config).effective_session_budget_s
    except ValueError:  # a config written by another version: no budget rather than no summary
        return None


def build_summary(
    record: SessionRecord,
    turns: Sequence[TurnRecord],
    question_of: Callable[[str], Question | None],
    topic_name: Callable[[str], str],
    drill_next: Sequence[TopicMasteryView] = (),
) -> SummaryView:
    """Scores per question and topic, time used against the budget, the key points missed most."""
    rows: list[QuestionScoreView] = []
    by_topic: dict[str, list[float | None]] = defaultdict(list)
    missed: Counter[str] = Counter()
    mains = main_turns(turns)
    children_time: dict[str, float] = defaultdict(float)
    for turn in turns:
        if turn.parent_turn_id is not None:
            children_time[turn.parent_turn_id] += turn.time_spent_s or 0.0
    for number, turn in enumerate(mains, 1):
        question = question_of(turn.question_id)
        topic = topic_name(question.topic) if question is not None else "?"
        grade = model_grade(turn)
        score = grade.score if grade is not None else None
        rows.append(QuestionScoreView(
            number=number, question_id=turn.question_id, topic=topic, text=turn.question_text,
            status=turn.status, score=score,
            verdict=(grade.verdict if grade is not None and score is not None else Verdict.UNGRADED).value,
            time_spent_s=(turn.time_spent_s or 0.0) + children_time[turn.id],
        ))
        by_topic[topic].append(score)
        if grade is not None and question is not None and score is not None:
            texts = {kp.id: kp.text for kp in question.key_points}
            missed.update(texts[i] for i in grade.missed if i in texts)
    topics = []
    for name, scores in by_topic.items():
        graded = [s for s in scores if s is not None]
        topics.append(TopicScoreView(name, len(scores), len(graded), mean(graded) if graded else None))
    return SummaryView(
        session=session_item(record, turns, topic_name),
        questions=tuple(rows),
        topics=tuple(topics),
        time_used_s=sum(t.time_spent_s or 0.0 for t in turns),
        budget_s=session_budget_s(record),
        missed_most=tuple(missed.most_common(MISSED_SHOWN)),
        drill_next=tuple(drill_next),
    )


def score_of_views(turns: Sequence[EngineTurnView]) -> SessionScore:
    """The session score of the engine's turns (the end banner): the same rule as for stored turns."""
    from interviewer.history import AnswerStatus

    return session_score(
        TurnScore(model=t.grade.score if t.grade is not None else None,
                  skipped=t.status == AnswerStatus.SKIPPED)
        for t in turns
    )
