"""Evaluation metrics against hand-computed values, and the row loader's errors."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from interviewer.domain import Grade, Verdict
from interviewer.grading.evaluation import (
    EvalDataError,
    EvalRow,
    Scored,
    load_rows,
    pearson,
    quadratic_weighted_kappa,
    ranks,
    report,
    spearman,
    to_scale,
)


def test_pearson_hand_computed() -> None:
    # dx = -1.5 -.5 .5 1.5, dy = -3 -1 0 4: sxy = 11, sxx = 5, syy = 26
    assert pearson([1, 2, 3, 4], [2, 4, 5, 9]) == pytest.approx(11 / math.sqrt(130))
    assert pearson([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert math.isnan(pearson([1, 1, 1], [1, 2, 3]))


def test_ranks_average_ties() -> None:
    assert ranks([10, 20, 20, 30]) == [1, 2.5, 2.5, 4]
    assert ranks([3, 1, 2]) == [3, 1, 2]


def test_spearman_with_ties_hand_computed() -> None:
    # ranks x = 1 2.5 2.5 4, y = 1 3 2 4: sxy = 4.5, sxx = 4.5, syy = 5
    assert spearman([1, 2, 2, 3], [1, 3, 2, 4]) == pytest.approx(4.5 / math.sqrt(22.5))
    assert spearman([1, 5, 9], [2, 3, 100]) == pytest.approx(1.0)


def test_quadratic_weighted_kappa_hand_computed() -> None:
    assert quadratic_weighted_kappa([0, 1, 2], [0, 1, 2], 3) == pytest.approx(1.0)
    # observed [[1,1],[0,2]], expected off-diagonal 1.5 + 0.5: kappa = 1 - 1/2
    assert quadratic_weighted_kappa([0, 0, 1, 1], [0, 1, 1, 1], 2) == pytest.approx(0.5)
    # 3 classes, weights 0, 1/4, 1: one full miss (0->2) among 3 rows
    human, pred = [0, 1, 2], [2, 1, 2]
    observed_cost = 1.0
    expected_cost = sum(((i - j) ** 2 / 4) * human.count(i) * pred.count(j) / 3
                        for i in range(3) for j in range(3))
    assert quadratic_weighted_kappa(human, pred, 3) == pytest.approx(1 - observed_cost / expected_cost)


def test_to_scale_rounds_half_up() -> None:
    assert to_scale(7.5, 5) == 4
    assert to_scale(5.0, 5) == 3
    assert to_scale(10, 5) == 5 and to_scale(0, 5) == 0
    assert to_scale(6.4, 10) == 6


def _scored(human: float, score: float | None, kind: str | None = None, max_score: float = 5) -> Scored:
    row = EvalRow(question="q", reference="r", answer="a", human_score=human, max_score=max_score, kind=kind)
    return Scored(row, Grade(score=score, verdict=Verdict.WEAK if score is not None else Verdict.UNGRADED,
                             grader="test"))


def test_report_mae_on_ten_point_scale_and_by_kind() -> None:
    items = [_scored(5, 8.0, "a"), _scored(0, 1.0, "a"), _scored(2.5, 5.0, "b"), _scored(3, None, "b")]
    result = report(items)
    assert result.n == 3 and result.ungraded == 1
    assert result.mae == pytest.approx((2 + 1 + 0) / 3)  # humans 10, 0, 5 on the 0-10 scale
    picked = {k: {f: v[f] for f in ("n", "mean_score", "mean_human")} for k, v in result.by_kind.items()}
    assert picked == {"a": {"n": 2, "mean_score": 4.5, "mean_human": 5.0},
                      "b": {"n": 1, "mean_score": 5.0, "mean_human": 5.0}}
    assert result.by_kind["a"]["max_score"] == 8.0
    assert result.spearman == pytest.approx(1.0)
    assert set(result.as_dict()) >= {"n", "pearson", "spearman", "qwk", "mae", "by_kind", "baseline"}


def test_report_has_the_baseline_on_the_same_rows() -> None:
    def row(answer: str, human: float) -> Scored:
        data = EvalRow(question="q", reference="alpha beta gamma", answer=answer, human_score=human,
                       max_score=10, kind="k")
        return Scored(data, Grade(score=human, verdict=Verdict.WEAK, grader="test"), "alpha beta gamma")

    result = report([row("alpha beta gamma", 10), row("delta", 0), row("alpha", 5)])
    assert result.baseline is not None
    from rapidfuzz import fuzz

    base = [fuzz.token_set_ratio("alpha beta gamma", a) / 10 for a in ("alpha beta gamma", "delta", "alpha")]
    assert base[0] == base[2] == 10  # a subset scores like the whole: the baseline's weakness
    assert result.by_kind["k"]["baseline_mean"] == pytest.approx(sum(base) / 3, abs=0.01)
    assert result.baseline.mae == pytest.approx((0 + base[1] + 5) / 3, abs=0.01)
    assert result.spearman == pytest.approx(1.0)


def test_load_rows_reads_optional_fields_and_limit(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    lines = [{"question": "q", "reference": "r", "answer": "a", "human_score": 1, "max_score": 5,
              "kind": "x", "key_points": ["p1", "p2"], "extra": 1}] * 3
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n\n", encoding="utf-8")
    rows = load_rows(path, limit=2)
    assert len(rows) == 2 and rows[0].key_points == ("p1", "p2") and rows[0].kind == "x"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"question": "q"', ":1:"),
        ('{"question": "q", "reference": "r", "answer": "a", "human_score": 1}', ":1: max_score"),
        ('{"question": "q", "reference": "r", "answer": "a", "human_score": 7, "max_score": 5}',
         "> max_score"),
        ("", "no rows"),
    ],
)
def test_load_rows_errors_name_file_and_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(EvalDataError, match=r"bad\.jsonl") as info:
        load_rows(path)
    assert message in str(info.value)
