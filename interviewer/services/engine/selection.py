"""Adaptive question selection: which bank question comes next.

Rules, in order of priority:
1. Never repeat a question within a session.
2. `priority` ids (drill: questions due for review, most overdue first) come first, in their order.
3. When the grader is offline, questions with a reference answer come before those without (the offline
   grader cannot grade without one), whatever their difficulty.
4. Then the question whose difficulty (1 easy .. 3 hard) is nearest the target difficulty. The target starts
   at 2 (medium); `next_difficulty` raises it after a strong answer and lowers it after a weak, wrong,
   "don't know" or flagged (junk/injection) one.
5. Among equally near ones: the topic asked least so far (spread over the chosen topics), then a seeded
   random draw. The draw for the k-th pick depends only on (seed, k), so the same seed with the
   same answers gives the same session, and a resumed session continues as the original would have.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Sequence

from interviewer.domain import Grade, GradeFlag, Question, Verdict

START_DIFFICULTY = 2
MIN_DIFFICULTY = 1
MAX_DIFFICULTY = 3


class QuestionSelector:
    """Picks questions from a fixed pool; holds no session state besides its inputs."""

    def __init__(
        self,
        pool: Sequence[Question],
        *,
        seed: int,
        prefer_reference: bool,
        priority: Sequence[str] = (),
    ) -> None:
        self._pool = list(pool)
        self._by_id = {q.id: q for q in self._pool}
        self._seed = seed
        self._prefer_reference = prefer_reference
        self._priority = [qid for qid in priority if qid in self._by_id]

    @property
    def size(self) -> int:
        return len(self._pool)

    def pick(self, asked: Iterable[str], target_difficulty: int = START_DIFFICULTY) -> Question | None:
        """The next question, or None when every question of the pool was asked."""
        asked_ids = list(asked)
        seen = set(asked_ids)
        for qid in self._priority:
            if qid not in seen:
                return self._by_id[qid]
        candidates = [q for q in self._pool if q.id not in seen]
        if not candidates:
            return None
        topic_counts = Counter(self._by_id[qid].topic for qid in asked_ids if qid in self._by_id)
        # Sort first so the seeded draw does not depend on the bank's file order.
        candidates.sort(key=lambda q: q.id)
        rng = random.Random(f"{self._seed}:{len(asked_ids)}")
        draws = {q.id: rng.random() for q in candidates}

        def rank(q: Question) -> tuple[int, int, int, float]:
            missing_reference = int(self._prefer_reference and not q.has_reference)
            distance = abs(q.difficulty - target_difficulty)
            return (missing_reference, distance, topic_counts[q.topic], draws[q.id])

        return min(candidates, key=rank)


def counts_as_strong(grade: Grade | None) -> bool:
    """A strong verdict that no junk/injection flag spoils."""
    return grade is not None and grade.verdict is Verdict.STRONG and not is_flagged(grade)


def counts_as_weak(grade: Grade | None) -> bool:
    """Weak or wrong, or any flagged answer (junk or injection never counts as good)."""
    if grade is None or grade.verdict is Verdict.UNGRADED:
        return False
    return grade.verdict in (Verdict.WEAK, Verdict.WRONG) or is_flagged(grade)


def is_flagged(grade: Grade) -> bool:
    return GradeFlag.INJECTION_ATTEMPT.value in grade.flags or GradeFlag.EMPTY_ANSWER.value in grade.flags


def next_difficulty(current: int, grade: Grade | None) -> int:
    """Harder after a strong answer, easier after a weak one, else the same (adequate, skipped, ungraded)."""
    if counts_as_strong(grade):
        return min(MAX_DIFFICULTY, current + 1)
    if counts_as_weak(grade):
        return max(MIN_DIFFICULTY, current - 1)
    return current
