"""The offline grader against the answer key: the dev set's bank-question rows (grader_devset.jsonl:
candidate answers written and graded by reviewers), the terse enumerate set, and every shipped reference.

Every figure is compared with the plain baseline computed on the same rows in the same run.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from interviewer.grading.assessment import KEYED_NAME
from interviewer.grading.evaluation import (
    EvalReport,
    Scored,
    grade_rows_offline,
    load_rows,
    offline_grader_for,
    report,
)
from interviewer.grading.offline import OfflineGrader
from question_bank import Bank, load_bank

DATA = Path(__file__).resolve().parent.parent / "data"
DEVSET = DATA / "grader_devset.jsonl"
TERSE = DATA / "grader_terse.jsonl"


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank()


@pytest.fixture(scope="module")
def scored(bank: Bank) -> list[Scored]:
    rows = load_rows(DEVSET)
    return grade_rows_offline(rows, offline_grader_for(rows, bank), bank)


@pytest.fixture(scope="module")
def figures(scored: list[Scored]) -> EvalReport:
    return report(scored)


def _by_kind(scored: list[Scored]) -> dict[str, list[Scored]]:
    kinds: dict[str, list[Scored]] = defaultdict(list)
    for item in scored:
        kinds[item.row.kind or ""].append(item)
    return kinds


def _mean(items: list[Scored]) -> float:
    return sum(float(s.grade.score or 0.0) for s in items) / len(items)


def test_devset_covers_the_bank(bank: Bank, scored: list[Scored]) -> None:
    questions = {bank.resolve(s.row.question_id or "") for s in scored}
    seed = {q for q in questions if q is not None and q.sources[0].file != "authored"}
    new = {q for q in questions if q is not None and q.sources[0].file == "authored"}
    assert len(seed) >= 60 and len(new) >= 25, (len(seed), len(new))
    kinds = _by_kind(scored)
    for kind in ("paraphrase", "terse", "partial", "misconception", "stuffing", "off_topic", "english"):
        assert len(kinds[kind]) >= 40, kind
    assert all(s.grade.grader == KEYED_NAME for s in scored)  # every row uses the authored key points
    assert {s.row.split for s in scored} == {"tune", "holdout", "blind"}


def test_ranking_beats_the_baseline(figures: EvalReport) -> None:
    assert figures.baseline is not None
    assert figures.spearman >= 0.80
    assert figures.spearman > figures.baseline.spearman + 0.15
    assert figures.qwk > figures.baseline.qwk and figures.mae < figures.baseline.mae


@pytest.mark.parametrize("split", ["holdout", "blind"])
def test_rows_kept_out_of_tuning_hold_the_bars(bank: Bank, split: str) -> None:
    """holdout: reviewers' rows on questions whose rows the grader was never tuned on; blind: rows written
    from the question and reference alone, after the grader and key were done."""
    rows = load_rows(DEVSET, split=split)
    held = report(grade_rows_offline(rows, offline_grader_for(rows, bank), bank))
    assert held.baseline is not None and held.n >= 150
    assert held.spearman >= 0.80 and held.spearman > held.baseline.spearman + 0.15
    assert held.by_kind["paraphrase"]["mean_score"] >= 7 and held.by_kind["off_topic"]["mean_score"] <= 1


def test_answer_kinds_score_where_a_human_puts_them(scored: list[Scored]) -> None:
    kinds = _by_kind([s for s in scored if s.row.split != "blind"])
    assert _mean(kinds["paraphrase"]) >= 7
    assert _mean(kinds["english"]) >= 7
    assert _mean(kinds["terse"]) >= 6
    assert _mean(kinds["misconception"]) <= 3
    assert _mean(kinds["stuffing"]) <= 3
    assert _mean(kinds["off_topic"]) <= 1
    assert max(float(s.grade.score or 0) for s in kinds["stuffing"]) <= 3.0
    assert sum(float(s.grade.score or 0) <= 2 for s in kinds["off_topic"]) / len(kinds["off_topic"]) >= 0.95


def test_misconceptions_are_named_and_correct_answers_are_not_accused(scored: list[Scored]) -> None:
    kinds = _by_kind([s for s in scored if s.row.split != "blind"])
    named = [s for s in kinds["misconception"] if s.grade.factual_errors]
    assert len(named) / len(kinds["misconception"]) >= 0.6
    assert all(float(s.grade.score or 0) <= 3 for s in named)
    every = _by_kind(scored)  # blind rows included: no correct answer may be accused
    correct = every["paraphrase"] + every["terse"] + every["english"]
    accused = [s.row.question_id for s in correct if s.grade.factual_errors]
    assert len(accused) <= len(correct) // 50, accused


def test_terse_enumerate_answers_beat_the_baseline(bank: Bank) -> None:
    rows = load_rows(TERSE)
    figures = report(grade_rows_offline(rows, offline_grader_for(rows, bank), bank))
    assert figures.baseline is not None
    assert figures.spearman >= 0.75 and figures.spearman > figures.baseline.spearman + 0.15
    right = figures.by_kind["terse_correct"]["mean_score"]
    partial, wrong = (figures.by_kind[k]["mean_score"] for k in ("terse_partial", "terse_wrong"))
    assert right >= 7 > partial > wrong


def test_every_reviewed_reference_earns_its_own_key_points(bank: Bank) -> None:
    """The key's accept wordings and claims must evidence their own reference, and no reference may state one
    of its own misconceptions: otherwise the key grades the right answer wrong."""
    grader = OfflineGrader()
    weak, accused = [], []
    for question in bank.questions:
        if not question.reviewed:
            continue
        grade = grader.grade_sync(question, question.reference or "")
        if grade.score is None or grade.score < 8 or len(grade.missed) > 1:
            weak.append((question.id, grade.score, grade.missed))
        if grade.factual_errors:
            accused.append((question.id, grade.factual_errors))
    assert not accused, accused
    assert len(weak) <= len(bank.questions) // 50, weak


def test_the_bank_is_fully_curated(bank: Bank) -> None:
    statuses = {q.status for q in bank.questions}
    assert statuses <= {"revised", "authored"}, statuses
    assert all(q.has_reference for q in bank.questions)
    data = [json.loads(line) for line in DEVSET.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert all(bank.resolve(row["question_id"]) is not None for row in data)


def test_gaming_probes_fail_on_every_shipped_question(bank: Bank) -> None:
    """The answer-key issue's probes, on the real bank: the reference's own words as a shuffled bag (spaces
    or 、), the reference followed by a retraction (zh, en), and the reference repeated to 100 KB (a sample:
    each takes ~0.5 s) all stay at or below 3."""
    import random

    from interviewer.grading.text import segment

    grader = OfflineGrader()
    failures = []
    for index, question in enumerate(bank.questions):
        reference = question.reference or ""
        words = list(dict.fromkeys(w for w in segment(reference) if w.strip("，。、；：() *`")))
        random.Random(index).shuffle(words)
        probes = {"bag": " ".join(words), "bag、": "、".join(words),
                  "retract-zh": reference + "但实际上以上说法全都是错误的，事实恰恰相反",
                  "retract-en": reference + " But actually the opposite is true."}
        if index % 15 == 0:
            probes["repeat"] = reference * (100_000 // len(reference) + 1)
        for name, answer in probes.items():
            score = grader.grade_sync(question, answer).score
            if score is None or score > 3:
                failures.append((question.id, name, score))
    assert not failures, failures
