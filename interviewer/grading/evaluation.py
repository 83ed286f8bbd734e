"""Evaluation harness: grade human-scored answers and compare (Pearson, Spearman, QWK, MAE, by kind).

Rows are JSON lines `{"question", "reference", "answer", "human_score", "max_score"}` with optional `"kind"`
and `"key_points"`; or bank rows `{"question_id", "answer", "human_score", "max_score", "kind"}` graded
against that bank question (its authored key points, misconceptions and kind). `"split"` (`tune` |
`holdout`) marks rows kept out of all tuning. Metrics are implemented here (no scipy): Spearman uses
average ranks for ties; quadratic weighted kappa bins both scores to the data's integer scale 0..max_score;
MAE is on the 0-10 scale.
Every figure is also computed for the plain baseline `rapidfuzz.fuzz.token_set_ratio(reference, answer) / 10`
on the same rows, in the same run.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from rapidfuzz import fuzz

from interviewer.domain import Grade, Question, QuestionKind
from interviewer.grading.bank_tables import shipped_documents
from interviewer.grading.base import Grader, question_from_row
from interviewer.grading.contrast import TopicIndex, document_of
from interviewer.grading.idf import IdfTable, bank_documents
from interviewer.grading.offline import OfflineGrader

if TYPE_CHECKING:
    from question_bank import Bank


class EvalRow(BaseModel):
    """One human-graded answer."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    question: str = ""
    reference: str | None = None
    answer: str
    human_score: float = Field(ge=0)
    max_score: float = Field(gt=0)
    kind: str | None = None
    key_points: tuple[str, ...] = ()
    question_id: str | None = None
    split: str | None = None
    question_kind: QuestionKind = "explain"

    @model_validator(mode="after")
    def _has_question(self) -> EvalRow:
        if not self.question and not self.question_id:
            raise ValueError("a row needs `question` (with `reference`) or `question_id`")
        return self


class EvalDataError(ValueError):
    """A data file that cannot be read; the message names the file and line."""


def load_rows(path: Path, limit: int | None = None, split: str | None = None) -> list[EvalRow]:
    """Read a JSON-lines file of EvalRow (only `split`'s rows when given); raise EvalDataError naming file and
    line on the first bad row."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalDataError(f"{path}: cannot read ({exc})") from exc
    rows: list[EvalRow] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = EvalRow.model_validate(json.loads(line))
        except (json.JSONDecodeError, ValidationError) as exc:
            first = str(exc).splitlines()[0] if isinstance(exc, json.JSONDecodeError) else _first_error(exc)
            raise EvalDataError(f"{path}:{number}: {first}") from exc
        if row.human_score > row.max_score:
            raise EvalDataError(f"{path}:{number}: human_score {row.human_score} > max_score {row.max_score}")
        if split is not None and row.split != split:
            continue
        rows.append(row)
        if limit is not None and len(rows) >= limit:
            break
    if not rows:
        raise EvalDataError(f"{path}: no rows")
    return rows


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    return f"{'.'.join(str(p) for p in err['loc']) or 'row'}: {err['msg']}"


# ----------------------------------------------------------------------------------------------- metrics


def pearson(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Pearson correlation; nan when either side is constant or fewer than 2 values."""
    n = len(xs)
    if n < 2 or n != len(ys):
        return math.nan
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return math.nan
    return sxy / math.sqrt(sxx * syy)


def ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks; tied values share the average of their ranks."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    result = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        average = (start + end) / 2 + 1
        for k in range(start, end + 1):
            result[order[k]] = average
        start = end + 1
    return result


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Spearman rank correlation with ties (Pearson of average ranks)."""
    return pearson(ranks(xs), ranks(ys))


def quadratic_weighted_kappa(human: Sequence[int], predicted: Sequence[int], n_classes: int) -> float:
    """Cohen's kappa with quadratic weights over classes 0..n_classes-1; nan if undefined."""
    if not human or len(human) != len(predicted) or n_classes < 2:
        return math.nan
    observed = [[0.0] * n_classes for _ in range(n_classes)]
    for h, p in zip(human, predicted, strict=True):
        observed[h][p] += 1
    n = len(human)
    hist_h = [sum(row) for row in observed]
    hist_p = [sum(observed[i][j] for i in range(n_classes)) for j in range(n_classes)]
    num = den = 0.0
    for i in range(n_classes):
        for j in range(n_classes):
            weight = (i - j) ** 2 / (n_classes - 1) ** 2
            num += weight * observed[i][j]
            den += weight * hist_h[i] * hist_p[j] / n
    return 1.0 - num / den if den else math.nan


def to_scale(score_0_10: float, max_score: float) -> int:
    """Bin a 0-10 score to the integer scale 0..max_score (round half up)."""
    return math.floor(score_0_10 * max_score / 10 + 0.5)


# ------------------------------------------------------------------------------------------------ running


@dataclass(frozen=True)
class Scored:
    """One row with the grade it received (and the reference it was graded against)."""

    row: EvalRow
    grade: Grade
    reference: str | None = None


@dataclass(frozen=True)
class Metrics:
    """Agreement of one set of predictions with the human scores."""

    pearson: float
    spearman: float
    qwk: float
    mae: float
    by_kind: dict[str, dict[str, float]]

    def as_dict(self) -> dict[str, Any]:
        return {"pearson": _clean(self.pearson), "spearman": _clean(self.spearman), "qwk": _clean(self.qwk),
                "mae": _clean(self.mae), "by_kind": self.by_kind}


@dataclass(frozen=True)
class EvalReport:
    """The figures `interviewer eval` prints, for the grader and for the plain baseline on the same rows."""

    n: int
    pearson: float
    spearman: float
    qwk: float
    mae: float
    by_kind: dict[str, dict[str, float]]
    ungraded: int = 0
    baseline: Metrics | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: nan becomes None."""
        return {"n": self.n, "pearson": _clean(self.pearson), "spearman": _clean(self.spearman),
                "qwk": _clean(self.qwk), "mae": _clean(self.mae), "by_kind": self.by_kind,
                "ungraded": self.ungraded,
                "baseline": self.baseline.as_dict() if self.baseline else None,
                "baseline_name": BASELINE_NAME}


BASELINE_NAME = "rapidfuzz.fuzz.token_set_ratio(reference, answer) / 10"


def _clean(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 4)


def baseline_score(reference: str | None, answer: str) -> float:
    """The plain baseline every figure is compared with."""
    return fuzz.token_set_ratio(reference or "", answer) / 10


def _metrics(items: Sequence[tuple[Scored, float]], scale: float) -> Metrics:
    human10 = [s.row.human_score * 10 / s.row.max_score for s, _ in items]
    pred = [p for _, p in items]
    n_classes = round(scale) + 1
    qwk = quadratic_weighted_kappa(
        [to_scale(h, scale) for h in human10], [to_scale(p, scale) for p in pred], n_classes
    )
    mae = sum(abs(p - h) for p, h in zip(pred, human10, strict=True)) / len(pred) if pred else math.nan
    kinds: dict[str, list[tuple[float, float, bool]]] = defaultdict(list)
    for (s, p), h in zip(items, human10, strict=True):
        if s.row.kind:
            kinds[s.row.kind].append((p, h, bool(s.grade.factual_errors)))
    by_kind = {
        kind: {"n": len(v), "mean_score": round(sum(p for p, _, _ in v) / len(v), 2),
               "mean_human": round(sum(h for _, h, _ in v) / len(v), 2),
               "max_score": round(max(p for p, _, _ in v), 2),
               "with_factual_errors": sum(1 for *_, e in v if e)}
        for kind, v in sorted(kinds.items())
    }
    return Metrics(pearson(pred, human10), spearman(pred, human10), qwk, mae, by_kind)


def report(scored: Iterable[Scored]) -> EvalReport:
    """Compute all metrics over rows that received a score (ungraded rows are counted apart), and the same
    metrics for the baseline on those rows."""
    items = list(scored)
    graded = [s for s in items if s.grade.score is not None]
    scale = max((s.row.max_score for s in graded), default=10.0)
    main = _metrics([(s, float(s.grade.score or 0.0)) for s in graded], scale)
    base = _metrics([(s, baseline_score(s.reference, s.row.answer)) for s in graded], scale)
    for kind, figures in base.by_kind.items():
        figures.pop("with_factual_errors", None)
        main.by_kind[kind]["baseline_mean"] = figures["mean_score"]
    return EvalReport(len(graded), main.pearson, main.spearman, main.qwk, main.mae, main.by_kind,
                      ungraded=len(items) - len(graded), baseline=base)


def offline_grader_for(rows: Sequence[EvalRow], bank: Bank | None = None) -> OfflineGrader:
    """An offline grader whose IDF and contrast set cover the bank and the rows' own questions.

    Rows of another data set (no bank question among them) take document frequencies from their own
    questions and references plus the bank's question texts only: the bank's long references are a foreign
    corpus there, and would skew which words count as generic (measured: ADS Spearman 0.505 with them,
    0.521 without; Mohler 0.561 and 0.562).
    """
    documents = bank_documents(bank) if bank is not None else shipped_documents()
    own = [document_of(r.question, r.reference) for r in rows if not r.question_id]
    if any(r.question_id for r in rows):
        idf = IdfTable.from_texts(documents + own)
    else:
        idf = IdfTable.from_texts([d.split("\n", 1)[0] for d in documents] + own)
    topics = TopicIndex([d for d in documents + own if d.split("\n", 1)[1].strip()], idf)
    return OfflineGrader(idf=idf, topics=topics)


def question_for(row: EvalRow, bank: Bank | None) -> Question:
    """The question a row is graded against: its bank question (following merges), or one built from it."""
    if row.question_id:
        if bank is None:
            raise EvalDataError(f"row with question_id {row.question_id!r} needs the bank")
        question = bank.resolve(row.question_id)
        if question is None:
            raise EvalDataError(f"question_id {row.question_id!r} is not in the bank")
        return question
    return question_from_row(row.question, row.reference, row.key_points, kind=row.question_kind)


def check_rows(rows: Sequence[EvalRow], bank: Bank | None) -> None:
    """Raise EvalDataError for a row whose bank question is missing, before any grading."""
    for row in rows:
        question_for(row, bank)


async def grade_rows(rows: Sequence[EvalRow], grader: Grader, concurrency: int = 4,
                     bank: Bank | None = None) -> list[Scored]:
    """Grade every row (at most `concurrency` at once for remote graders), in input order."""
    gate = asyncio.Semaphore(concurrency)

    async def one(row: EvalRow) -> Scored:
        question = question_for(row, bank)
        async with gate:
            return Scored(row, await grader.grade(question, row.answer), question.reference)

    return list(await asyncio.gather(*(one(row) for row in rows)))


def grade_rows_offline(rows: Sequence[EvalRow], grader: OfflineGrader,
                       bank: Bank | None = None) -> list[Scored]:
    """Synchronous fast path for the offline grader."""
    scored = []
    for row in rows:
        question = question_for(row, bank)
        scored.append(Scored(row, grader.grade_sync(question, row.answer), question.reference))
    return scored
