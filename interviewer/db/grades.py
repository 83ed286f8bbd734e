"""Grades, spaced-repetition cards, weak topics and reference flags."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields
from datetime import UTC, datetime

from fsrs import Rating
from sqlmodel import Session, col, delete, select

from interviewer import scheduling
from interviewer.db import converters
from interviewer.db.store import StorageError, StoreBase, new_id
from interviewer.db.tables import CardRow, GradeRow, ProfileRow, ReferenceFlagRow, SessionRow, TurnRow, utcnow
from interviewer.domain import SELF_GRADER, Grade, verdict_for
from interviewer.history import CardState, GradeRecord, ReferenceFlag, TopicMastery

_SNAPSHOT_FIELDS = tuple(f.name for f in fields(scheduling.CardSnapshot))
TopicOf = Callable[[str], str | None] | Mapping[str, str]


class GradeRows(StoreBase):
    """Grades and what is derived from them (cards, weak topics)."""

    def record_grade(self, turn_id: str, grade: Grade, created_at: datetime | None = None) -> GradeRecord:
        """Store a grade of a turn and re-schedule the question's card (main turns with a score only)."""
        return self._insert_grade(turn_id, grade, created_at or utcnow(), rating=None)

    def record_self_grade(
        self,
        turn_id: str,
        score: float | None = None,
        rating: Rating | int | None = None,
        feedback: str = "",
    ) -> GradeRecord:
        """The user's own grade (a 0-10 score or an Again/Hard/Good/Easy rating): it overrides the model's
        grade of this turn for scheduling, and the card is recomputed from its history."""
        if (score is None) == (rating is None):
            raise StorageError("give exactly one of: a 0-10 score, or a rating 1-4 (Again, Hard, Good, Easy)")
        if rating is not None:
            try:
                rating = Rating(rating)
            except ValueError:
                raise StorageError(f"rating must be 1-4 (Again, Hard, Good, Easy), got {rating!r}") from None
            score = scheduling.score_for_rating(rating)
        assert score is not None
        if not 0 <= score <= 10:
            raise StorageError(f"score must be between 0 and 10, got {score}")
        payload = Grade(
            score=score, verdict=verdict_for(score), feedback=feedback, grader=SELF_GRADER, confidence=1.0
        )
        return self._insert_grade(
            turn_id, payload, utcnow(), rating=int(rating) if rating is not None else None
        )

    def card(self, profile: str, question_id: str) -> CardState | None:
        """The spaced-repetition state of one question (None: never graded by this profile)."""
        with self._read() as session:
            profile_id = self._profile_id(session, profile)
            row = session.get(CardRow, (profile_id, question_id)) if profile_id is not None else None
            return scheduling.card_state(row.question_id, converters.snapshot(row)) if row else None

    def cards(self, profile: str) -> list[CardState]:
        """Every card of a profile, soonest due first."""
        with self._read() as session:
            return [
                scheduling.card_state(r.question_id, converters.snapshot(r))
                for r in self._card_rows(session, profile, order_by_due=True)
            ]

    def due_questions(self, profile: str, n: int, now: datetime | None = None) -> list[CardState]:
        """Up to `n` graded questions due for review at `now`, most overdue first."""
        moment = now or datetime.now(UTC)
        with self._read() as session:
            profile_id = self._profile_id(session, profile)
            if profile_id is None:
                return []
            rows = session.exec(
                select(CardRow)
                .where(CardRow.profile_id == profile_id, col(CardRow.due) <= moment)
                .order_by(col(CardRow.due), col(CardRow.question_id))
                .limit(max(n, 0))
            ).all()
            return [scheduling.card_state(r.question_id, converters.snapshot(r)) for r in rows]

    def weakest_topics(
        self, profile: str, n: int, topic_of: TopicOf, now: datetime | None = None
    ) -> list[TopicMastery]:
        """The `n` weakest topics (formula in `scheduling.rank_weak_topics`). Reads one row per graded
        question (the card), not the grades, so it stays fast however long the history is."""
        with self._read() as session:
            profile_id = self._profile_id(session, profile)
            if profile_id is None:
                return []
            # Plain columns, not ORM objects: no identity map work for hundreds of rows.
            columns = [getattr(CardRow, name) for name in _SNAPSHOT_FIELDS]
            rows = session.exec(
                select(CardRow.question_id, *columns).where(CardRow.profile_id == profile_id)
            ).all()
        cards = [(row[0], scheduling.CardSnapshot(*row[1:])) for row in rows]
        return scheduling.rank_weak_topics(cards, topic_of, n, now)

    def flag_reference(self, question_id: str, reason: str, profile: str | None = None) -> ReferenceFlag:
        """Report that a question's reference answer looks wrong."""
        if not reason.strip():
            raise StorageError("say what is wrong with the reference answer")
        with self._write() as session:
            owner = self._profile_row(session, profile, create=True) if profile else None
            row = ReferenceFlagRow(
                question_id=question_id,
                reason=reason.strip(),
                profile_id=owner.id if owner else None,
                created_at=utcnow(),
            )
            session.add(row)
            session.flush()
            return converters.reference_flag(row, owner.name if owner else None)

    def flagged_references(self) -> list[ReferenceFlag]:
        """Every reference flag, oldest first."""
        with self._read() as session:
            rows = session.exec(
                select(ReferenceFlagRow, ProfileRow.name)
                .join(ProfileRow, col(ReferenceFlagRow.profile_id) == col(ProfileRow.id), isouter=True)
                .order_by(col(ReferenceFlagRow.created_at), col(ReferenceFlagRow.id))
            ).all()
            return [converters.reference_flag(row, name) for row, name in rows]

    def rebuild_cards(self, profile: str | None = None) -> int:
        """Recompute every card (of one profile or all) from the stored grades; returns how many exist."""
        with self._write() as session:
            query = select(GradeRow.profile_id, GradeRow.question_id).distinct()
            if profile is not None:
                profile_id = self._profile_id(session, profile)
                if profile_id is None:
                    return 0
                query = query.where(GradeRow.profile_id == profile_id)
                session.exec(delete(CardRow).where(col(CardRow.profile_id) == profile_id))
            else:
                session.exec(delete(CardRow))
            keys = session.exec(query).all()
            return sum(self.reschedule(session, pid, qid) for pid, qid in keys)

    def _insert_grade(
        self, turn_id: str, grade: Grade, created_at: datetime, rating: int | None
    ) -> GradeRecord:
        with self._write() as session:
            turn = self._get(session, TurnRow, turn_id, "turn")
            owner = session.get(SessionRow, turn.session_id)
            assert owner is not None
            # PostgreSQL: one grade writer per profile at a time, so two processes never both insert the card.
            session.exec(select(ProfileRow.id).where(ProfileRow.id == owner.profile_id).with_for_update())
            row = GradeRow(
                id=new_id(),
                turn_id=turn_id,
                profile_id=owner.profile_id,
                question_id=turn.question_id,
                created_at=created_at,
                rating=rating,
                **converters.grade_columns(grade),
            )
            session.add(row)
            session.flush()
            if turn.parent_turn_id is None and grade.score is not None:
                self.reschedule(session, owner.profile_id, turn.question_id)
            return converters.grade(row)

    def reschedule(self, session: Session, profile_id: int, question_id: str) -> int:
        """Replay the card from every main turn's effective grade; returns 1 if a card exists after."""
        rows = session.exec(
            select(GradeRow, TurnRow.submitted_at)
            .join(TurnRow, col(TurnRow.id) == col(GradeRow.turn_id))
            .where(
                GradeRow.profile_id == profile_id,
                GradeRow.question_id == question_id,
                col(TurnRow.parent_turn_id).is_(None),
                col(GradeRow.score).is_not(None),
            )
            .order_by(col(GradeRow.created_at), col(GradeRow.id))
        ).all()
        effective: dict[str, tuple[GradeRow, datetime | None]] = {}
        for grade, submitted_at in rows:  # later rows replace earlier ones; a model grade never replaces self
            held = effective.get(grade.turn_id)
            if held is None or grade.grader == SELF_GRADER or held[0].grader != SELF_GRADER:
                effective[grade.turn_id] = (grade, submitted_at)
        reviews = [
            scheduling.review_for(float(g.score or 0), submitted_at or g.created_at, _rating(g.rating))
            for g, submitted_at in effective.values()
        ]
        snapshot = scheduling.replay(reviews)
        card = session.get(CardRow, (profile_id, question_id))
        if snapshot is None:
            if card is not None:
                session.delete(card)
            return 0
        card = card or CardRow(profile_id=profile_id, question_id=question_id, due=snapshot.due, state=0)
        for field in _SNAPSHOT_FIELDS:
            setattr(card, field, getattr(snapshot, field))
        session.add(card)
        return 1

    def _card_rows(self, session: Session, profile: str, order_by_due: bool = False) -> list[CardRow]:
        profile_id = self._profile_id(session, profile)
        if profile_id is None:
            return []
        query = select(CardRow).where(CardRow.profile_id == profile_id)
        if order_by_due:
            query = query.order_by(col(CardRow.due), col(CardRow.question_id))
        return list(session.exec(query).all())


def _rating(stored: object) -> int | None:
    """A stored self rating, or None when it is not 1-4 (a row written by an older import without checks
    must not break the card of that question for good)."""
    return stored if isinstance(stored, int) and not isinstance(stored, bool) and 1 <= stored <= 4 else None
