"""The offline grader on the committed dev set (tests/data/grader_devset.jsonl): the must-show bars."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from interviewer.grading.evaluation import Scored, grade_rows_offline, load_rows, offline_grader_for, report

DEVSET = Path(__file__).resolve().parent.parent / "data" / "grader_devset.jsonl"


@pytest.fixture(scope="module")
def scored() -> list[Scored]:
    rows = load_rows(DEVSET)
    return grade_rows_offline(rows, offline_grader_for(rows))


@pytest.fixture(scope="module")
def by_kind(scored: list[Scored]) -> dict[str, list[float]]:
    kinds: dict[str, list[float]] = defaultdict(list)
    for item in scored:
        kinds[item.row.kind or ""].append(item.grade.score if item.grade.score is not None else -1)
    return kinds


def test_devset_has_every_kind(by_kind: dict[str, list[float]]) -> None:
    for kind in ("reference", "half", "off_topic", "key_terms", "empty"):
        assert len(by_kind[kind]) >= 30, kind
    handwritten = sum(len(by_kind[k]) for k in ("paraphrase", "partial", "wrong", "english"))
    assert handwritten >= 40


def test_spearman_on_devset(scored: list[Scored]) -> None:
    assert report(scored).spearman >= 0.7


def test_reference_scores_at_least_9(by_kind: dict[str, list[float]]) -> None:
    assert min(by_kind["reference"]) >= 9


def test_off_topic_scores_at_most_2(by_kind: dict[str, list[float]]) -> None:
    assert max(by_kind["off_topic"]) <= 2


def test_key_term_lists_score_at_most_3_in_90_percent(by_kind: dict[str, list[float]]) -> None:
    terms = by_kind["key_terms"]
    assert sum(score <= 3 for score in terms) / len(terms) >= 0.9


def test_empty_answers_score_zero(by_kind: dict[str, list[float]]) -> None:
    assert set(by_kind["empty"]) == {0.0}


def test_kinds_are_ordered_as_intended(by_kind: dict[str, list[float]]) -> None:
    def mean(kind: str) -> float:
        return sum(by_kind[kind]) / len(by_kind[kind])

    assert mean("reference") > mean("paraphrase") > mean("half") > mean("key_terms") > mean("off_topic")
    assert mean("paraphrase") > mean("partial") and mean("paraphrase") > mean("wrong")
    assert mean("english") > mean("wrong")
