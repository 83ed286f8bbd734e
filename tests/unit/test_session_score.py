"""The one session score (issue 14, item 3): model grades count, self-grades beside, the rest apart."""

from __future__ import annotations

from interviewer.services.ui.session_score import TurnScore, session_score


def test_self_grades_never_change_the_session_score() -> None:
    score = session_score([TurnScore(model=3.0, own=6.0), TurnScore(model=4.2), TurnScore(model=None,
                                                                                           skipped=True)])
    assert score.mean == 3.6 and score.graded == 2 and score.skipped == 1 and score.ungraded == 0
    assert score.self_mean == 6.0 and score.self_graded == 1
    assert score.describe() == "3.6/10 (2 of 3 graded · 1 skipped) · self-grades 6.0/10"
    assert score.short == "3.6"


def test_an_all_ungraded_session_has_no_score_and_says_why() -> None:
    score = session_score([TurnScore(model=None), TurnScore(model=None)])
    assert score.mean is None and score.graded == 0 and score.ungraded == 2
    assert score.describe() == "– (0 of 2 graded · 2 ungraded)"
    assert score.as_dict()["mean"] is None and score.as_dict()["ungraded"] == 2


def test_dont_know_counts_as_zero() -> None:
    assert session_score([TurnScore(model=0.0), TurnScore(model=8.0)]).text == "4.0/10"
