"""Turn stored records (sessions, turns, grades, cards) into the view objects the screens and exports use.

Pure functions: no SQL, no Textual. `ui_facade` feeds them what the repository returns.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from interviewer.domain import SELF_GRADER, Grade, Question, SourceRef
from interviewer.history import AnswerStatus, CardState, SessionRecord, SessionState, TurnRecord
from interviewer.services.engine.stored_sessions import stored_settings
from interviewer.services.ui.models import (
    ClarificationView,
    ExchangeView,
    ReviewedTurn,
    SessionListItem,
    TranscriptView,
)
from interviewer.services.ui.session_score import SessionScore, TurnScore, session_score


def main_turns(turns: Sequence[TurnRecord]) -> list[TurnRecord]:
    return sorted((t for t in turns if t.parent_turn_id is None), key=lambda t: t.ordinal)


def answered_main_turns(turns: Sequence[TurnRecord]) -> int:
    return sum(1 for t in main_turns(turns) if t.submitted)


def planned_questions(record: SessionRecord, turns: Sequence[TurnRecord]) -> int:
    """Questions planned for the session, from its stored config (falls back to the turns asked)."""
    settings = stored_settings(record)
    return settings.planned_questions if settings else len(main_turns(turns))


def session_topics(record: SessionRecord) -> tuple[str, ...]:
    """The topic slugs a session was started with (none when it drew from all topics)."""
    settings = stored_settings(record)
    return tuple(dict.fromkeys(settings.config.topics)) if settings else ()


def model_grade(turn: TurnRecord) -> Grade | None:
    """The latest grade not given by the user (the engine may store a merged grade after the first one)."""
    own = [g.grade for g in turn.grades if g.grade.grader != SELF_GRADER]
    return own[-1] if own else None


def self_grade(turn: TurnRecord) -> Grade | None:
    own = [g.grade for g in turn.grades if g.grade.grader == SELF_GRADER]
    return own[-1] if own else None


def effective_score(turn: TurnRecord) -> float | None:
    grade = turn.effective_grade
    return grade.grade.score if grade else None


def session_item(record: SessionRecord, turns: Sequence[TurnRecord],
                 topic_name: Callable[[str], str] = str) -> SessionListItem:
    mains = main_turns(turns)
    topics = session_topics(record)
    return SessionListItem(
        id=record.id,
        mode=record.mode.value,
        started_at=record.started_at,
        finished=record.state is SessionState.FINISHED,
        questions=len(mains),
        score=score_of_turns(mains),
        topics=tuple(topic_name(t) for t in topics),
    )


def score_of_turns(turns: Sequence[TurnRecord]) -> SessionScore:
    """The session score of stored turns: model grades count, self-grades beside, skips apart."""
    def one(turn: TurnRecord) -> TurnScore:
        model, own = model_grade(turn), self_grade(turn)
        return TurnScore(model=model.score if model else None, own=own.score if own else None,
                         skipped=turn.status == AnswerStatus.SKIPPED)

    return session_score(one(t) for t in main_turns(turns))


def snapshot_question(turn: TurnRecord) -> Question:
    """A stand-in for a question no longer in the bank: the text stored with the turn, no reference."""
    return Question.model_construct(
        id=turn.question_id, topic="?", tags=(), text=turn.question_text, reference=None, key_points=(),
        difficulty=2, language="zh", sources=(SourceRef(file="history", line=1),), alternates=(),
    )


def build_transcript(
    record: SessionRecord,
    turns: Sequence[TurnRecord],
    question_of: Callable[[str], Question | None],
    cards: Mapping[str, CardState],
    flagged: set[str],
    topic_name: Callable[[str], str] = str,
) -> TranscriptView:
    """Main questions in order, each with its follow-ups, clarifications, grades, self-grade and due date."""
    children: dict[str, list[TurnRecord]] = {}
    for turn in turns:
        if turn.parent_turn_id is not None:
            children.setdefault(turn.parent_turn_id, []).append(turn)
    views = []
    for turn in main_turns(turns):
        question = question_of(turn.question_id) or snapshot_question(turn)
        if question.id != turn.question_id:
            # Merged into another question since: show what was asked, grade against the kept reference.
            question = question.model_copy(update={"text": turn.question_text})
        exchanges = [ExchangeView("question", turn.question_text, turn.answer or "", turn.status,
                                  model_grade(turn), _clarifications(turn))]
        for child in sorted(children.get(turn.id, []), key=lambda t: t.ordinal):
            prompt = child.prompt or child.question_text
            exchanges.append(ExchangeView("follow_up", prompt, child.answer or "", child.status,
                                          model_grade(child), _clarifications(child)))
        own = self_grade(turn)
        card = cards.get(turn.question_id)
        views.append(ReviewedTurn(
            turn_id=turn.id, question=question, exchanges=tuple(exchanges), grade=model_grade(turn),
            self_grade=own.score if own else None, due=card.due if card else None,
            flagged=turn.question_id in flagged, topic_name=topic_name(question.topic),
        ))
    return TranscriptView(session_item(record, turns, topic_name), tuple(views))


def _clarifications(turn: TurnRecord) -> tuple[ClarificationView, ...]:
    return tuple(ClarificationView(c.question, c.reply) for c in turn.clarifications)


def resolve_session_id(prefix: str, ids: Sequence[str]) -> str:
    """The one id equal to or starting with `prefix`; LookupError naming the problem otherwise."""
    if prefix in ids:
        return prefix
    matches = [i for i in ids if i.startswith(prefix)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise LookupError(f"no session with id {prefix!r} (`interviewer review` lists them)")
    raise LookupError(f"session id {prefix!r} is ambiguous ({len(matches)} sessions start with it)")


def score_trend(
    per_session: Sequence[tuple[SessionRecord, Sequence[TurnRecord]]],
) -> tuple[tuple[str, float], ...]:
    """(label, session score) per session with a score, oldest first: the number the Review list shows."""
    points = []
    for record, turns in per_session:
        score = score_of_turns(turns).mean
        if score is not None:
            points.append((f"{record.started_at:%m-%d %H:%M}", round(score, 2)))
    return tuple(points)


def agreement_pairs(
    per_session: Sequence[tuple[SessionRecord, Sequence[TurnRecord]]],
) -> tuple[tuple[float, float], ...]:
    """(model score, self score) for every main turn that has both."""
    pairs = []
    for _record, turns in per_session:
        for turn in main_turns(turns):
            model, own = model_grade(turn), self_grade(turn)
            if model and own and model.score is not None and own.score is not None:
                pairs.append((model.score, own.score))
    return tuple(pairs)
