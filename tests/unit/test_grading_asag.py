"""The offline grader on real human-graded answers (../shared/data/asag): beats the naive baselines, and
real answers moved to another question score low."""

from __future__ import annotations

import pytest

from interviewer.grading.base import question_from_row
from interviewer.grading.evaluation import EvalRow, grade_rows_offline, load_rows, offline_grader_for, report
from interviewer.grading.offline import OfflineGrader
from tests.shared_data import shared_dir

ASAG = shared_dir() / "data" / "asag"
# Spearman of the naive scores in ASAG's README (token_set_ratio / character-bigram cosine), the better one.
NAIVE_BEST = {"ads_zh.jsonl": 0.45, "mohler_en.jsonl": 0.44}


@pytest.fixture(scope="module", params=sorted(NAIVE_BEST))
def dataset(request: pytest.FixtureRequest) -> tuple[str, list[EvalRow], OfflineGrader]:
    path = ASAG / request.param
    if not path.is_file():
        pytest.skip(f"{path} not found")
    rows = load_rows(path)
    return request.param, rows, offline_grader_for(rows)


def test_beats_naive_baselines(dataset: tuple[str, list[EvalRow], OfflineGrader]) -> None:
    name, rows, grader = dataset
    result = report(grade_rows_offline(rows, grader))
    assert result.spearman >= NAIVE_BEST[name] + 0.04
    assert result.pearson > 0.45


def test_good_answers_moved_to_another_question_score_low(
    dataset: tuple[str, list[EvalRow], OfflineGrader],
) -> None:
    _, rows, grader = dataset
    questions = list(dict.fromkeys((r.question, r.reference) for r in rows))
    good = [r for r in rows if r.human_score >= 0.8 * r.max_score and len(r.answer) > 20][::10]
    off_scores = []
    for row in good:
        shift = questions.index((row.question, row.reference)) + len(questions) // 2
        other = questions[shift % len(questions)]
        off_scores.append(grader.grade_sync(question_from_row(*other), row.answer).score or 0)
    assert len(off_scores) >= 15
    assert sum(score <= 2 for score in off_scores) / len(off_scores) >= 0.9
