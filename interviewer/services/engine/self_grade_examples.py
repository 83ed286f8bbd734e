"""The user's own self-grades (from Review) as graded examples for the judge: a read-only port over storage.

Reads through the two storage methods every store has (`list_sessions`, `turns_for_session`), so the
database schema and repository stay as they are. Self-grades change only in Review, so one scan is kept for
`ttl_s`: the judge calls of one interview see the same examples (stable prompt prefix, prefix-cache hits)
and a review done meanwhile shows up a little later.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from interviewer.domain import Question
from interviewer.grading.examples import GradedExample
from interviewer.history import SessionRecord, TurnRecord


class HistoryReader(Protocol):
    def list_sessions(self, profile: str, limit: int | None = None) -> list[SessionRecord]: ...

    def turns_for_session(self, session_id: str) -> list[TurnRecord]: ...


@dataclass
class StoredSelfGrades:
    """`ExampleSource` of a profile's self-graded main answers: same question first, then same topic."""

    store: HistoryReader
    profile: str
    topic_of: Callable[[str], str | None] = lambda _question_id: None
    max_sessions: int = 200
    ttl_s: float = 60.0
    _cache: tuple[float, list[GradedExample]] | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def examples_for(self, question: Question, limit: int) -> Sequence[GradedExample]:
        rows = self._all()
        same = [r for r in rows if r.same_question(question)]
        topic = [r for r in rows if r.topic == question.topic and not r.same_question(question)]
        if limit <= 0:
            return []
        # The most recent ones, shown oldest first: a stable order while no new self-grade arrives.
        picked = same[-limit:]
        room = limit - len(picked)
        return picked + (topic[-room:] if room else [])

    def _all(self) -> list[GradedExample]:
        with self._lock:
            now = time.monotonic()
            if self._cache is None or now - self._cache[0] > self.ttl_s:
                self._cache = (now, self._scan())
            return self._cache[1]

    def _scan(self) -> list[GradedExample]:
        found: list[tuple[datetime, GradedExample]] = []
        for session in self.store.list_sessions(self.profile, limit=self.max_sessions):
            for turn in self.store.turns_for_session(session.id):
                example = self._example(turn)
                if example is not None:
                    found.append((turn.submitted_at or turn.created_at, example))
        found.sort(key=lambda pair: pair[0])
        return [example for _, example in found]

    def _example(self, turn: TurnRecord) -> GradedExample | None:
        if turn.is_follow_up or not (turn.answer or "").strip():
            return None
        own = [g for g in turn.grades if g.is_self and g.grade.score is not None]
        if not own:
            return None
        topic = self.topic_of(turn.question_id) or ""
        return GradedExample(turn.question_id, topic, turn.question_text, turn.answer or "",
                             float(own[-1].grade.score or 0.0), "self")
