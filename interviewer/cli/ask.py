"""`interviewer ask [--topic T] [--id ID] [--json]`: one question in the plain terminal, answered from stdin.

The question goes to stderr (so `--json` output on stdout stays one JSON object), the answer is read from
stdin up to end of file, then it is graded, printed and recorded as a one-question practice session.
"""

from __future__ import annotations

import asyncio
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from interviewer.cli.common import fail, print_json
from interviewer.terminal_text import strip_controls

if TYPE_CHECKING:
    from interviewer.services.engine.api import EngineEvent, TurnView


def ask(
    ctx: typer.Context,
    topic: Annotated[
        str | None, typer.Option("--topic", "-t", help="Draw the question from this topic.")
    ] = None,
    question_id: Annotated[str | None, typer.Option("--id", help="Ask exactly this question.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as one JSON object.")] = False,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Make the choice of question reproducible.")
    ] = None,
    language: Annotated[
        str | None, typer.Option("--lang", help="Language of feedback: zh or en (default: settings).")
    ] = None,
) -> None:
    """Ask one question; read the answer from stdin (end with Ctrl-D); print and store the grade."""
    from interviewer.config import load_settings
    from interviewer.services.engine.api import EngineError

    if language not in (None, "zh", "en"):
        fail(f"unknown language {language!r} (use zh or en)")
    options = (ctx.find_root().obj or {}) if ctx else {}
    try:
        settings = load_settings(database_url=options.get("db"), profile=options.get("profile"),
                                 language=language)
        result = asyncio.run(_run(settings, topic, question_id, seed, interactive=not as_json))
    except EngineError as error:
        fail(str(error))
    except Exception as error:  # settings, database unreachable, broken bank, ...
        from interviewer.cli.errors import error_line
        from interviewer.db.engine import redact_text

        fail(error_line(error) or redact_text(strip_controls(f"{type(error).__name__}: {error}")))
    if as_json:
        print_json(result)
    else:
        _print_human(result)


async def _run(settings: Any, topic: str | None, question_id: str | None, seed: int | None, *,
               interactive: bool) -> dict[str, Any]:
    from interviewer.history import SessionMode
    from interviewer.services.engine.factory import default_config, make_engine

    engine = make_engine(settings, warm_up=None)  # one question: the grader loads when it grades
    fell_back: list[str] = []
    engine.add_listener(lambda event: _note_fallback(event, fell_back))
    config = default_config(
        settings, mode=SessionMode.PRACTICE, n_questions=1, max_follow_ups=0, seed=seed,
        topics=(topic,) if topic else (), question_ids=(question_id,) if question_id else (),
    )
    try:
        session_id = await engine.start(config)
        current = engine.state.current
        assert current is not None
        shown = strip_controls(f"[{current.question.topic}] {current.question.text.strip()}")
        typer.echo(shown, err=True)
        if interactive and sys.stdin.isatty():
            typer.echo("(type your answer; end with Ctrl-D)", err=True)
        answer = read_answer()
        await engine.submit(answer, clarify=False)
        turn = engine.state.turns[-1]
    finally:
        await engine.close()
    return _result(session_id, turn, fell_back)


def read_answer() -> str:
    """All of stdin as text. Bytes that are not UTF-8 become U+FFFD, so the answer is stored as received
    (a stray Latin-1 byte must not lose the whole answer to an encoding error)."""
    binary = getattr(sys.stdin, "buffer", None)
    if binary is not None:
        return binary.read().decode("utf-8", errors="replace")
    text = sys.stdin.read()
    # A text stream decoded with surrogateescape carries bad bytes as lone surrogates: replace them too.
    return text.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="replace")


def _note_fallback(event: EngineEvent, sink: list[str]) -> None:
    reason = getattr(event, "reason", None)
    if event.kind in ("grader_fell_back", "fell_back") and reason:
        sink.append(str(reason))


def _result(session_id: str, turn: TurnView, fell_back: list[str]) -> dict[str, Any]:
    question, grade = turn.question, turn.grade
    key_points = {kp.id: kp.text for kp in question.key_points}
    return {
        "session_id": session_id,
        "turn_id": turn.turn_id,
        "question": {"id": question.id, "topic": question.topic, "difficulty": question.difficulty,
                     "text": question.text},
        "answer": turn.answer,
        "time_spent_s": round(turn.time_spent_s, 3),
        "grade": grade.model_dump(mode="json") if grade else None,
        "covered_points": [key_points[i] for i in (grade.covered if grade else ()) if i in key_points],
        "missed_points": [key_points[i] for i in (grade.missed if grade else ()) if i in key_points],
        "reference": question.reference,
        "fell_back": fell_back[0] if fell_back else None,
    }


def fallback_note(reason: str) -> str:
    """One sentence on why the offline grader stood in. The judge's own note already says so in full
    ("LLM judge x failed (timeout); this is the offline grade"); a bare reason (`timeout`) gets the sentence
    around it. Server text can carry escape sequences, so it goes through the sanitiser."""
    clean = " ".join(strip_controls(reason).split()).rstrip(".")
    if "offline grade" in clean:
        return f"Note: {clean}."
    return f"Note: the LLM judge failed ({clean}); this is the offline grade."


def _print_human(result: dict[str, Any]) -> None:
    grade = result["grade"] or {}
    score = grade.get("score")
    shown = "ungraded (no reference answer: grade yourself)" if score is None else f"{score:.1f}/10"
    verdict, grader = grade.get("verdict", "ungraded"), strip_controls(str(grade.get("grader", "-")))
    typer.echo(f"\nScore: {shown}  ({verdict}, grader {grader})")
    if result["fell_back"]:
        typer.echo(fallback_note(result["fell_back"]))
    for title, key in (("Covered", "covered_points"), ("Missed", "missed_points")):
        for point in result[key]:
            typer.echo(f"  {title}: {strip_controls(point)}")
    if grade.get("flags"):
        typer.echo(f"Flags: {strip_controls(', '.join(grade['flags']))}")
    if grade.get("feedback"):
        typer.echo(f"\n{strip_controls(grade['feedback'])}")
    if result["reference"]:
        typer.echo(f"\nReference answer:\n{strip_controls(result['reference']).strip()}")
    typer.echo(f"\n(recorded in session {result['session_id']})")
