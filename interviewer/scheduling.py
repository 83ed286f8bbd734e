"""Spaced repetition with fsrs: each bank question is one card per profile; graded answers review it.

Pure functions, no SQL: the repository feeds them reviews and stores the resulting `CardSnapshot`.

Grade to rating (score is the effective 0-10 grade of a main, non-follow-up turn):

    score < 4    -> Again   (could not answer)
    score < 6    -> Hard    (partly right)
    score < 8.5  -> Good    (right, with gaps)
    otherwise    -> Easy    (complete)

A self grade overrides the model's for scheduling: the card is replayed from all its reviews with the
self-rated one in place of the model's, so the due date is what it would have been had the user rated it
first. The scheduler has no learning steps (interview questions are revisited after days, not minutes) and
no fuzzing, so a replay gives the same card as the incremental updates did.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from fsrs import Card, Rating, Scheduler, State

from interviewer.history import CardState, TopicMastery

RECENT_ALPHA = 0.5
"""Weight of the newest score in a card's moving average of scores."""
MIN_GRADED_ANSWERS = 2
"""A topic with fewer graded answers than this is `new`: one answer says too little to rate it."""
MEMORY_HORIZON_DAYS = 7.0
"""Mastery asks whether the answer would still be recalled this many days from now (see `card_mastery`)."""

_CARD_ID = 1  # fsrs wants matching card ids on a card and its logs; ours are keyed by (profile, question)
_RATING_SCORES = {Rating.Again: 2.0, Rating.Hard: 5.0, Rating.Good: 7.5, Rating.Easy: 9.5}


def rating_for_score(score: float) -> Rating:
    """Map a 0-10 score to an fsrs rating (thresholds in the module docstring)."""
    if score < 4:
        return Rating.Again
    if score < 6:
        return Rating.Hard
    if score < 8.5:
        return Rating.Good
    return Rating.Easy


def score_for_rating(rating: Rating | int) -> float:
    """A representative 0-10 score for a self rating given as Again/Hard/Good/Easy (1-4)."""
    return _RATING_SCORES[Rating(rating)]


@cache
def scheduler() -> Scheduler:
    """The shared fsrs scheduler: default FSRS-6 weights, 90 % retention, no learning steps, no fuzz."""
    return Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


@dataclass(frozen=True)
class Review:
    """One effective grade of one main turn: when the answer was given and how it was rated."""

    reviewed_at: datetime
    score: float
    rating: Rating


@dataclass(frozen=True)
class CardSnapshot:
    """What the repository stores per (profile, question)."""

    due: datetime
    stability: float | None
    difficulty: float | None
    state: int
    step: int | None
    last_review: datetime | None
    n_reviews: int
    recent_score: float | None


def review_for(score: float, reviewed_at: datetime, rating: Rating | int | None = None) -> Review:
    """Build a review; an explicit rating (a self rating) wins over the score mapping."""
    chosen = Rating(rating) if rating is not None else rating_for_score(score)
    return Review(reviewed_at=_utc(reviewed_at), score=score, rating=chosen)


def apply_review(snapshot: CardSnapshot | None, review: Review) -> CardSnapshot:
    """Review a card (None: a question never graded before) and return its new state."""
    card = _to_card(snapshot, review.reviewed_at)
    card, _ = scheduler().review_card(card, review.rating, review_datetime=review.reviewed_at)
    previous = snapshot.recent_score if snapshot else None
    recent = review.score if previous is None else RECENT_ALPHA * review.score + (1 - RECENT_ALPHA) * previous
    return CardSnapshot(
        due=card.due,
        stability=card.stability,
        difficulty=card.difficulty,
        state=int(card.state),
        step=card.step,
        last_review=card.last_review,
        n_reviews=(snapshot.n_reviews if snapshot else 0) + 1,
        recent_score=recent,
    )


def replay(reviews: Iterable[Review]) -> CardSnapshot | None:
    """Recompute a card from its whole history (oldest first after sorting); None when there is none."""
    snapshot: CardSnapshot | None = None
    for review in sorted(reviews, key=lambda r: r.reviewed_at):
        snapshot = apply_review(snapshot, review)
    return snapshot


def retrievability(snapshot: CardSnapshot, now: datetime | None = None) -> float:
    """fsrs' predicted probability of recalling the answer at `now` (0 for a card never reviewed)."""
    card = _to_card(snapshot, snapshot.due)
    return float(scheduler().get_card_retrievability(card, _utc(now or datetime.now(UTC))))


def card_state(question_id: str, snapshot: CardSnapshot) -> CardState:
    """The domain view of a stored card."""
    return CardState(
        question_id=question_id,
        due=snapshot.due,
        stability=snapshot.stability,
        difficulty=snapshot.difficulty,
        state=State(snapshot.state).name.lower(),
        last_review=snapshot.last_review,
        n_reviews=snapshot.n_reviews,
        recent_score=snapshot.recent_score,
    )


def card_mastery(snapshot: CardSnapshot, now: datetime) -> float:
    """How well one question is known, 0-1: recent score / 10 x (0.5 + 0.5 x recall in a week).

    The recall term is fsrs' retrievability `MEMORY_HORIZON_DAYS` after `now`, not at `now`: right after
    any review (a failed one included) retrievability is 1 by definition, while recall a week later follows
    the card's stability, which a failure cuts. The recall factor stays within [0.5, 1] and the score is a
    moving average with weight 0.5 on the newest answer, so a 0/10 answer at least halves the score and can
    never raise the product; a higher score gives a higher rating, stability and average, so mastery never
    falls as the score rises.
    """
    score = min(max(snapshot.recent_score or 0.0, 0.0), 10.0) / 10
    return score * (0.5 + 0.5 * recall_ahead(snapshot, now))


def recall_ahead(snapshot: CardSnapshot, now: datetime) -> float:
    """fsrs' predicted recall `MEMORY_HORIZON_DAYS` after `now` (0-1)."""
    return min(max(retrievability(snapshot, _utc(now) + timedelta(days=MEMORY_HORIZON_DAYS)), 0.0), 1.0)


def rank_weak_topics(
    cards: Iterable[tuple[str, CardSnapshot]],
    topic_of: Callable[[str], str | None] | Mapping[str, str],
    n: int,
    now: datetime | None = None,
) -> list[TopicMastery]:
    """Rank topics weakest first from their graded cards.

    For each topic with at least one graded question:
      mastery        = mean `card_mastery` of its cards (None while the topic has fewer than
                       `MIN_GRADED_ANSWERS` graded answers: status `new`),
      recall_ahead   = mean predicted recall `MEMORY_HORIZON_DAYS` from now,
      retrievability = mean fsrs retrievability now (1.0 right after any review: shown for reference only),
      recent_score   = mean of the cards' moving-average scores (0-10).
    Lowest mastery first (ties: more due cards, then topic name); a `new` topic is placed by the mastery
    its few answers would give, so a first poor answer still brings its topic up for a drill, though no
    number is shown for it. Questions whose topic is unknown (e.g. removed from the bank) are left out.
    """
    lookup = topic_of.get if isinstance(topic_of, Mapping) else topic_of
    moment = _utc(now or datetime.now(UTC))
    groups: dict[str, list[CardSnapshot]] = {}
    for question_id, snapshot in cards:
        topic = lookup(question_id)
        if topic is not None and snapshot.n_reviews > 0:
            groups.setdefault(topic, []).append(snapshot)
    scored = [(_mean_mastery(snaps, moment), _mastery(topic, snaps, moment))
              for topic, snaps in groups.items()]
    scored.sort(key=lambda pair: (pair[0], -pair[1].due, pair[1].topic))
    return [m for _, m in scored][: max(n, 0)]


def _mean_mastery(snaps: list[CardSnapshot], now: datetime) -> float:
    return sum(card_mastery(s, now) for s in snaps) / len(snaps)


def _mastery(topic: str, snaps: list[CardSnapshot], now: datetime) -> TopicMastery:
    n_graded = sum(s.n_reviews for s in snaps)
    mean_r = sum(retrievability(s, now) for s in snaps) / len(snaps)
    mean_ahead = sum(recall_ahead(s, now) for s in snaps) / len(snaps)
    mean_score = sum(s.recent_score or 0.0 for s in snaps) / len(snaps)
    mastery = _mean_mastery(snaps, now)
    return TopicMastery(
        topic=topic,
        mastery=min(max(mastery, 0.0), 1.0) if n_graded >= MIN_GRADED_ANSWERS else None,
        retrievability=min(max(mean_r, 0.0), 1.0),
        recall_ahead=min(max(mean_ahead, 0.0), 1.0),
        recent_score=min(max(mean_score, 0.0), 10.0),
        n_graded=n_graded,
        n_questions=len(snaps),
        due=sum(1 for s in snaps if s.due <= now),
    )


def _to_card(snapshot: CardSnapshot | None, due: datetime) -> Card:
    if snapshot is None:
        return Card(card_id=_CARD_ID, due=due)
    return Card(
        card_id=_CARD_ID,
        state=State(snapshot.state),
        step=snapshot.step,
        stability=snapshot.stability,
        difficulty=snapshot.difficulty,
        due=_utc(snapshot.due),
        last_review=_utc(snapshot.last_review) if snapshot.last_review else None,
    )


def _utc(moment: datetime) -> datetime:
    """fsrs insists on tz-aware UTC; naive datetimes are taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
