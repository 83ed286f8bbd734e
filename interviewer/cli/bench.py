"""`interviewer bench --concurrency N --sessions M [--base-url URL]`: simulated candidates, one endpoint.

Prints time to first token, judge and per-turn latency percentiles, the engine's own overhead per turn
against the HTTP time of the same turns (and a bare-httpx replay), errors, and the prefix-cache hit rate.
How it measures: `interviewer.bench.runner`.
"""

from __future__ import annotations

from typing import Annotated

import typer

from interviewer.cli.common import fail, print_json
from interviewer.i18n import _


def bench(
    concurrency: Annotated[int, typer.Option("--concurrency", "-c", min=1, max=256,
                                             help="Simulated candidates at once.")] = 8,
    sessions: Annotated[int, typer.Option("--sessions", "-n", min=1, max=10_000,
                                          help="Sessions in all.")] = 16,
    questions: Annotated[int, typer.Option("--questions", min=1, max=20, help="Questions per session.")] = 2,
    follow_ups: Annotated[int, typer.Option("--follow-ups", min=0, max=5,
                                            help="Most follow-ups per question.")] = 1,
    base_url: Annotated[str | None, typer.Option("--base-url", help="OpenAI-compatible endpoint, e.g. "
                                                 "http://127.0.0.1:8000/v1 (default: settings).")] = None,
    model: Annotated[str | None, typer.Option("--model",
                                              help="Served model name (default: settings).")] = None,
    api_key: Annotated[str | None, typer.Option("--api-key",
                                                help="Bearer token (default: settings).")] = None,
    max_tokens: Annotated[int | None, typer.Option("--judge-max-tokens", min=64,
                                                   help="Cap on the judge's reply tokens.")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Which questions the candidates get.")] = 0,
    examples: Annotated[int | None, typer.Option("--examples", min=0, max=5, help="Graded examples in the "
                                                 "judge prompt (default: settings).")] = None,
    replay: Annotated[bool, typer.Option("--replay/--no-replay",
                                         help="Also replay every request with bare httpx.")] = True,
    processes: Annotated[bool, typer.Option("--processes/--in-process",
                                            help="One forked process per concurrent candidate, or all "
                                            "candidates on one event loop (default).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as one JSON object.")] = False,
) -> None:
    """Simulate candidates running interview sessions against an LLM endpoint and print latency figures."""
    from interviewer.bench.runner import BenchOptions, run_bench
    from interviewer.config import LLMSettings, load_settings
    from question_bank import load_bank

    settings = load_settings()
    updates: dict[str, object] = {k: v for k, v in (("base_url", base_url), ("model", model)) if v}
    if api_key is not None:
        updates["api_key"] = api_key
    if max_tokens is not None:
        updates["judge_max_tokens"] = max_tokens
    if examples is not None:
        updates["judge_examples"] = examples
    try:
        llm = LLMSettings.model_validate({**settings.llm.model_dump(), **updates})
    except ValueError as error:
        fail(_("invalid option: {reason}").format(reason=error))
    if not llm.base_url:
        fail(_("no endpoint: pass --base-url or set INTERVIEWER_LLM__BASE_URL"))
    options = BenchOptions(llm=llm, concurrency=concurrency, sessions=sessions, questions=questions,
                           follow_ups=follow_ups, seed=seed, language=settings.language, replay=replay,
                           processes=processes)
    try:
        report = run_bench(options, load_bank())
    except ValueError as error:
        fail(str(error))
    except Exception as error:  # unreachable endpoint, broken bank, ...
        fail(f"{type(error).__name__}: {error}")
    if as_json:
        print_json(report.as_dict())
    else:
        typer.echo(report.render())
