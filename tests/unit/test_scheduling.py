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
    assert weakest.mastery == pytest.approx(0.5 * weakest.retrievability + 0.05 * weakest.recent_score)
    assert [m.topic for m in rank_weak_topics(cards, topic_of.get, n=1, now=now)] == ["c"]
    assert rank_weak_topics(cards, {}, n=5, now=now) == []
