"""The pure scheduling rules: grade-to-rating mapping, self-grade override, weak-topic ranking."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Rating

from interviewer import scheduling
from interviewer.scheduling import (
    apply_review,
    rank_weak_topics,
    rating_for_score,
    replay,
    retrievability,
    review_for,
)

T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("score", "rating"),
    [
        (0, Rating.Again),
        (3.99, Rating.Again),
        (4, Rating.Hard),
        (5.99, Rating.Hard),
        (6, Rating.Good),
        (8.49, Rating.Good),
        (8.5, Rating.Easy),
        (10, Rating.Easy),
    ],
)
def test_score_to_rating_thresholds(score, rating):
    assert rating_for_score(score) is rating


def test_self_rating_round_trips_through_its_representative_score():
    for rating in Rating:
        assert rating_for_score(scheduling.score_for_rating(rating)) is rating


def test_better_grades_push_the_card_further_out():
    dues = [apply_review(None, review_for(score, T0)).due for score in (1, 5, 7, 9.5)]
    assert dues == sorted(dues) and len(set(dues)) >= 3
    assert dues[0] - T0 == timedelta(days=1)  # no learning steps: a failed answer comes back tomorrow


def test_self_grade_override_changes_the_due_date_on_replay():
    """A good answer on day 0, then one on day 5 the model rated Easy; the user self-rates it Again."""
    first = review_for(7.0, T0)
    model = review_for(9.0, T0 + timedelta(days=5))
    as_model_said = replay([first, model])
    overridden = replay([first, review_for(2.0, T0 + timedelta(days=5), rating=Rating.Again)])
    assert as_model_said is not None and overridden is not None
    assert overridden.due < as_model_said.due
    assert overridden.due - (T0 + timedelta(days=5)) <= timedelta(days=2)
    assert overridden.n_reviews == as_model_said.n_reviews == 2


def test_replay_equals_incremental_updates_and_ignores_input_order():
    reviews = [review_for(s, T0 + timedelta(days=d)) for s, d in ((6, 0), (3, 2), (9, 4), (7, 20))]
    incremental = None
    for review in reviews:
        incremental = apply_review(incremental, review)
    assert replay(reversed(reviews)) == incremental
    assert replay([]) is None


def test_recent_score_is_a_moving_average_weighting_the_newest_most():
    snap = replay([review_for(s, T0 + timedelta(days=i)) for i, s in enumerate((10, 0, 8))])
    assert snap is not None
    assert snap.recent_score == pytest.approx(0.5 * 8 + 0.25 * 0 + 0.125 * 10 + 0.125 * 10)


def test_retrievability_decays_with_time():
    snap = apply_review(None, review_for(7, T0))
    assert retrievability(snap, T0) == pytest.approx(1.0)
    assert (
        0 < retrievability(snap, T0 + timedelta(days=30)) < retrievability(snap, T0 + timedelta(days=3)) < 1
    )


def _card(score: float, days_ago: float, now: datetime):
    return apply_review(None, review_for(score, now - timedelta(days=days_ago)))


def test_weak_topics_rank_low_scores_and_forgotten_cards_first():
    now = T0 + timedelta(days=60)
    cards = [
        ("a-q1-aaaaaa", _card(9.5, 1, now)),
        ("a-q2-aaaaaa", _card(9.0, 2, now)),  # fresh and strong
        ("b-q1-bbbbbb", _card(9.5, 50, now)),  # strong but long ago
        ("c-q1-cccccc", _card(2.0, 1, now)),
        ("c-q2-cccccc", _card(3.0, 1, now)),  # fresh but failing
        ("x-q1-dddddd", _card(0.0, 1, now)),  # not in the bank any more
    ]
    topic_of = {
        "a-q1-aaaaaa": "a",
        "a-q2-aaaaaa": "a",
        "b-q1-bbbbbb": "b",
        "c-q1-cccccc": "c",
        "c-q2-cccccc": "c",
    }
    ranked = rank_weak_topics(cards, topic_of, n=10, now=now)
    assert [m.topic for m in ranked] == ["c", "b", "a"]
    weakest = ranked[0]
    assert (weakest.n_questions, weakest.n_graded, weakest.due) == (2, 2, 2)
    assert weakest.recent_score == pytest.approx(2.5)
    snaps = [cards[3][1], cards[4][1]]
    assert weakest.mastery == pytest.approx(sum(scheduling.card_mastery(c, now) for c in snaps) / 2)
    # One answer says too little: topic b is ranked by what it has, but shows no mastery number.
    assert (ranked[1].status, ranked[1].mastery, ranked[1].n_graded) == ("new", None, 1)
    assert ranked[2].status == "rated" and ranked[2].mastery is not None
    assert [m.topic for m in rank_weak_topics(cards, topic_of.get, n=1, now=now)] == ["c"]
    assert rank_weak_topics(cards, {}, n=5, now=now) == []


def _topic_after(scores_days: list[tuple[float, float]], now: datetime):
    """Topic mastery of one question answered with (score, days before `now`) in order."""
    card = None
    for score, days in scores_days:
        card = apply_review(card, review_for(score, now - timedelta(days=days)))
    assert card is not None
    return rank_weak_topics([("t-q1-aaaaaa", card)], {"t-q1-aaaaaa": "t"}, n=1, now=now)[0]


@pytest.mark.parametrize("history", [
    [(9.5, 40), (9.0, 30)],  # well known, long ago
    [(9.5, 3), (9.0, 1)],  # well known, fresh
    [(2.0, 10), (6.0, 5)],
    [(5.0, 200), (5.0, 100)],  # half known, long forgotten: recall now is low, jumps to 1 after any review
])
def test_a_failed_answer_never_raises_mastery(history):
    now = T0 + timedelta(days=300)
    before = _topic_after(history, now)
    after = _topic_after([*history, (0.0, 0)], now)
    assert before.mastery is not None and after.mastery is not None
    assert after.retrievability == pytest.approx(1.0)  # fsrs recall right after a review, failed or not
    assert after.mastery <= before.mastery
    assert after.mastery < 0.5


def test_one_answer_is_new_whatever_the_score():
    for score in (0.0, 10.0):
        topic = _topic_after([(score, 0)], T0)
        assert (topic.status, topic.mastery, topic.n_graded) == ("new", None, 1)
    assert _topic_after([(8.0, 2), (8.0, 0)], T0).status == "rated"


def test_mastery_is_monotonic_in_score():
    scores = [x / 2 for x in range(21)]
    masteries = [_topic_after([(7.0, 3), (score, 0)], T0).mastery for score in scores]
    assert all(m is not None for m in masteries)
    assert masteries == sorted(masteries)  # never falls as the score rises
    assert masteries[0] < masteries[-1]
    single = [scheduling.card_mastery(apply_review(None, review_for(score, T0)), T0) for score in scores]
    assert single == sorted(single) and single[0] == 0.0


def test_mastery_fades_when_not_practised():
    fresh = _topic_after([(9.0, 2), (9.0, 1)], T0)
    old = _topic_after([(9.0, 61), (9.0, 60)], T0)
    assert fresh.mastery is not None and old.mastery is not None and old.mastery < fresh.mastery
