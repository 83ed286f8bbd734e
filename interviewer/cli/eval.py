"""`interviewer eval`: grade human-scored answers and print agreement figures."""

from __future__ import annotations

import asyncio
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from interviewer.cli.common import fail, print_json

if TYPE_CHECKING:
    from interviewer.grading.base import Grader
    from interviewer.grading.evaluation import EvalReport


def eval_command(
    data: Annotated[Path, typer.Option("--data", help="JSON lines: question, reference, answer, human_score, "
                                                       "max_score; optional kind, key_points.")],
    grader: Annotated[str, typer.Option("--grader", help="offline or llm (the configured endpoint).")
                      ] = "offline",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Only the first N rows.")] = None,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, max=32,
                                             help="Parallel requests for --grader llm.")] = 4,
) -> None:
    """Grade every row of a data file; print n, Pearson, Spearman, QWK, MAE (0-10), mean score per kind."""
    from interviewer.grading import evaluation

    if grader not in ("offline", "llm"):
        fail(f"unknown grader {grader!r}: use offline or llm")
    if not data.is_file():
        fail(f"{data}: no such file")
    try:
        rows = evaluation.load_rows(data, limit)
    except evaluation.EvalDataError as exc:
        fail(str(exc))
    if grader == "offline":
        scored = evaluation.grade_rows_offline(rows, evaluation.offline_grader_for(rows))
    else:
        judge = _llm_judge()
        scored = asyncio.run(evaluation.grade_rows(rows, judge, concurrency=concurrency))
    result = evaluation.report(scored)
    if as_json:
        print_json(result.as_dict())
        return
    _print_text(result, grader)


def _llm_judge() -> Grader:
    from interviewer.config import load_settings

    settings = load_settings()
    if not settings.llm.configured:
        fail("--grader llm needs an endpoint: set INTERVIEWER_LLM__BASE_URL (e.g. http://127.0.0.1:8000/v1)")
    try:
        from interviewer.grading.llm_judge import make_llm_judge
    except ImportError as exc:
        fail(f"the LLM judge is not available in this build ({exc})")
    return make_llm_judge(settings)


def _fmt(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.3f}"


def _print_text(result: EvalReport, grader: str) -> None:
    typer.echo(f"grader    {grader}")
    typer.echo(f"n         {result.n}" + (f"  (ungraded: {result.ungraded})" if result.ungraded else ""))
    for label, value in (("pearson", result.pearson), ("spearman", result.spearman), ("qwk", result.qwk),
                         ("mae", result.mae)):
        typer.echo(f"{label:<9} {_fmt(value)}")
    if result.by_kind:
        typer.echo("by kind   (n, mean score, mean human; 0-10)")
        for kind, figures in result.by_kind.items():
            typer.echo(f"  {kind:<12} {int(figures['n']):>4}  {figures['mean_score']:>5.2f}  "
                       f"{figures['mean_human']:>5.2f}")
