"""What a session draws from (its plan), decided once at start and stored with the session, and its summary.

- timed / practice: the questions of the chosen topics (all topics when none are chosen);
- drill: questions due for review first (most overdue first), then the chosen topics, or, when none are
  chosen, the profile's weakest topics from storage (all topics for a profile with no history yet);
- `question_ids`: exactly those questions, in that order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from interviewer.domain import Question
from interviewer.history import SessionMode
from interviewer.services.engine.api import EngineError, SessionConfig, SessionSummary, TurnView
from interviewer.services.engine.models import FinishReason
from interviewer.services.engine.ports import SessionStore

DRILL_WEAK_TOPICS = 3
"""How many of the weakest topics a drill draws from when the user chose none."""


@dataclass(frozen=True)
class SessionPlan:
    pool: tuple[Question, ...]
    priority: tuple[str, ...]
    seed: int
    total: int
    topics: tuple[str, ...]
    question_ids: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"seed": self.seed, "total": self.total, "topics": list(self.topics),
                "priority": list(self.priority), "question_ids": list(self.question_ids)}


def _in_topics(questions: Sequence[Question], topics: Sequence[str]) -> list[Question]:
    return [q for q in questions if not topics or q.topic in topics]


def _check_topics(topics: Sequence[str], questions: Sequence[Question]) -> None:
    known = sorted({q.topic for q in questions})
    unknown = [t for t in topics if t not in known]
    if unknown:
        raise EngineError(f"unknown topic {unknown[0]!r} (known: {', '.join(known)})")


def make_plan(config: SessionConfig, questions: Sequence[Question], store: SessionStore, profile: str,
              seed: int, now: datetime) -> SessionPlan:
    """The plan for a new session; raises EngineError for unknown topics/ids or an empty pool."""
    by_id = {q.id: q for q in questions}
    if config.question_ids:
        missing = [qid for qid in config.question_ids if qid not in by_id]
        if missing:
            raise EngineError(f"no question with id {missing[0]!r} in the bank")
        pool = tuple(by_id[qid] for qid in dict.fromkeys(config.question_ids))
        ids = tuple(q.id for q in pool)
        return SessionPlan(pool=pool, priority=ids, seed=seed, total=len(pool), topics=(), question_ids=ids)
    _check_topics(config.topics, questions)
    topics = tuple(config.topics)
    priority: tuple[str, ...] = ()
    if config.mode is SessionMode.DRILL:
        if not topics:
            topic_of = {q.id: q.topic for q in questions}
            weakest = store.weakest_topics(profile, DRILL_WEAK_TOPICS, topic_of, now)
            topics = tuple(t.topic for t in weakest if any(q.topic == t.topic for q in questions))
        due = store.due_questions(profile, max(4 * config.n_questions, 20), now)
        priority = tuple(c.question_id for c in due if c.question_id in by_id
                         and (not config.topics or by_id[c.question_id].topic in config.topics))
    pool = _pool(questions, topics, priority)
    if not pool:
        raise EngineError("no questions to ask" + (f" in topics {', '.join(topics)}" if topics else ""))
    return SessionPlan(pool=pool, priority=priority, seed=seed, total=min(config.n_questions, len(pool)),
                       topics=topics)


def _pool(questions: Sequence[Question], topics: Sequence[str],
          priority: Sequence[str]) -> tuple[Question, ...]:
    chosen = {q.id: q for q in _in_topics(questions, topics)}
    by_id = {q.id: q for q in questions}
    for qid in priority:
        chosen.setdefault(qid, by_id[qid])
    return tuple(chosen.values())


def plan_from_settings(data: dict[str, Any], questions: Sequence[Question]) -> SessionPlan:
    """The stored plan of a session being resumed (questions since removed from the bank are dropped)."""
    by_id = {q.id: q for q in questions}
    ids = tuple(qid for qid in data.get("question_ids", ()) if qid in by_id)
    priority = tuple(qid for qid in data.get("priority", ()) if qid in by_id)
    topics = tuple(data.get("topics", ()))
    pool = tuple(by_id[qid] for qid in ids) if ids else _pool(questions, topics, priority)
    return SessionPlan(pool=pool, priority=priority, seed=int(data["seed"]), total=int(data["total"]),
                       topics=topics, question_ids=ids)


def summarise(session_id: str, mode: SessionMode, reason: FinishReason,
              turns: Sequence[TurnView]) -> SessionSummary:
    """Mean score over graded turns, per topic too (skipped and ungraded turns are left out)."""
    scores: dict[str, list[float]] = defaultdict(list)
    for turn in turns:
        if turn.grade is not None and turn.grade.score is not None:
            scores[turn.question.topic].append(turn.grade.score)
    every = [s for topic_scores in scores.values() for s in topic_scores]
    return SessionSummary(
        session_id=session_id, mode=mode, reason=reason,
        turns=tuple(turns),
        mean_score=round(sum(every) / len(every), 2) if every else None,
        by_topic={topic: round(sum(v) / len(v), 2) for topic, v in sorted(scores.items())},
        time_spent_s=round(sum(t.time_spent_s for t in turns), 3),
    )
