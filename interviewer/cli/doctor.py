"""`interviewer doctor`: check the configured LLM endpoint and print what works, the model and the latency."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from interviewer.cli.common import print_json
from interviewer.i18n import N_, _
from interviewer.terminal_text import strip_controls

OFFLINE_MESSAGE = N_(  # JSON output keeps it in English; the human line is translated
    "No LLM endpoint configured (set INTERVIEWER_LLM__BASE_URL, e.g. http://127.0.0.1:8000/v1): "
    "offline mode, answers are graded by the offline grader and follow-ups come from templates."
)


JsonOption = Annotated[bool, typer.Option("--json", help="Print the results as one JSON object.")]


def doctor(json_output: JsonOption = False) -> None:
    """Check the LLM endpoint: /health, /v1/models and one schema-constrained request; exit 1 on failure."""
    from interviewer.config import load_settings
    from interviewer.llm.diagnose import diagnose

    settings = load_settings().llm
    if not settings.configured:
        if json_output:
            print_json({"configured": False, "ok": True, "message": OFFLINE_MESSAGE})
        else:
            typer.echo(_(OFFLINE_MESSAGE))
        return
    result = asyncio.run(diagnose(settings))
    if json_output:
        print_json({"configured": True, **result.as_dict()})
    else:
        typer.echo(_("endpoint {url}  model {model}").format(url=result.base_url, model=result.model))
        for check in result.checks:
            latency = f"{check.latency_ms:8.0f} ms" if check.latency_ms is not None else " " * 11
            status = "ok  " if check.ok else "FAIL"
            typer.echo(f"  {status} {check.name:<18}{latency}  {strip_controls(check.detail)}")
        typer.echo(_("all checks passed") if result.ok else _("some checks failed"))
    if not result.ok:
        raise typer.Exit(1)
