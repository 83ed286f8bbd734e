"""`interviewer eval`: grade human-scored answers and print agreement figures."""

from __future__ import annotations

import asyncio
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from interviewer.cli.common import fail, print_json
from interviewer.i18n import _

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
    split: Annotated[str | None, typer.Option("--split", help="Only rows of this split (tune or holdout).")
                     ] = None,
    bank_dir: Annotated[Path | None, typer.Option("--bank", help="Bank for rows with question_id "
                                                                 "(default: the shipped bank).")] = None,
    examples: Annotated[int | None, typer.Option("--examples", min=0, max=5, help="Graded examples in the "
                                                 "judge prompt for --grader llm (default: settings; never "
                                                 "of the question being graded).")] = None,
) -> None:
    """Grade every row of a data file; print n, Pearson, Spearman, QWK, MAE (0-10) and the mean score per
    kind, each beside the same figure for the plain token_set_ratio baseline on the same rows."""
    from interviewer.grading import evaluation
    from question_bank import BankError, load_bank

    if grader not in ("offline", "llm"):
        fail(_("unknown grader {grader!r}: use offline or llm").format(grader=grader))
    if not data.is_file():
        fail(_("{path}: no such file").format(path=data))
    try:
        rows = evaluation.load_rows(data, limit, split)
    except evaluation.EvalDataError as exc:
        fail(str(exc))
    if not rows:
        fail(_("{path}: no rows in split {split!r}").format(path=data, split=split))
    bank = None
    if any(r.question_id for r in rows):
        try:
            bank = load_bank(bank_dir)
            evaluation.check_rows(rows, bank)
        except (BankError, evaluation.EvalDataError) as exc:
            fail(str(exc))
    shown: int | None = None
    if grader == "offline":
        scored = evaluation.grade_rows_offline(rows, evaluation.offline_grader_for(rows, bank), bank)
    else:
        judge = _llm_judge(examples)
        shown = getattr(judge, "examples", None)
        scored = asyncio.run(evaluation.grade_rows(rows, judge, concurrency=concurrency, bank=bank))
    result = evaluation.report(scored)
    if as_json:
        print_json({**result.as_dict(), "grader": grader, "examples": shown})
        return
    _print_text(result, grader if shown is None else f"{grader} ({shown} graded examples)")


def _llm_judge(examples: int | None) -> Grader:
    from interviewer.config import load_settings

    settings = load_settings()
    if not settings.llm.configured:
        fail(_("--grader llm needs an endpoint: set INTERVIEWER_LLM__BASE_URL (e.g. http://127.0.0.1:8000/v1)"))
    try:
        from interviewer.grading.llm_judge import make_llm_judge
    except ImportError as exc:
        fail(_("the LLM judge is not available in this build ({reason})").format(reason=exc))
    return make_llm_judge(settings, examples=examples, evaluating=True)


def _fmt(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.3f}"


def _print_text(result: EvalReport, grader: str) -> None:
    from interviewer.grading.evaluation import BASELINE_NAME

    base = result.baseline
    typer.echo(f"grader    {grader}   (baseline: {BASELINE_NAME}, same rows)")
    typer.echo(f"n         {result.n}" + (f"  (ungraded: {result.ungraded})" if result.ungraded else ""))
    typer.echo(f"{'':<9} {'grader':>7}  {'baseline':>8}")
    for label in ("pearson", "spearman", "qwk", "mae"):
        value = getattr(result, label)
        typer.echo(f"{label:<9} {_fmt(value):>7}  {_fmt(getattr(base, label)) if base else 'n/a':>8}")
    if result.by_kind:
        typer.echo("by kind   (n, mean score, baseline mean, mean human; 0-10; rows with factual errors)")
        for kind, figures in result.by_kind.items():
            typer.echo(f"  {kind:<14} {int(figures['n']):>4}  {figures['mean_score']:>5.2f}  "
                       f"{figures.get('baseline_mean', math.nan):>5.2f}  {figures['mean_human']:>5.2f}  "
                       f"{int(figures.get('with_factual_errors', 0)):>3}")
