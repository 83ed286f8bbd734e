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
from interviewer.i18n import N_, _, apply_setting
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
    no_save: Annotated[
        bool, typer.Option("--no-save", help="Grade only: store nothing (no session, answer, grade or "
                                             "spaced-repetition change).")
    ] = False,
) -> None:
    """Ask one question; read the answer from stdin (end with Ctrl-D); print and store the grade."""
    from interviewer.config import load_settings
    from interviewer.services.engine.api import EngineError

    if language not in (None, "zh", "en"):
        fail(_("unknown language {language!r} (use zh or en)").format(language=language))
    options = (ctx.find_root().obj or {}) if ctx else {}
    try:
        settings = load_settings(database_url=options.get("db"), profile=options.get("profile"),
                                 language=language)
        apply_setting(settings.language)  # --lang decides the messages' language too
        result = asyncio.run(_run(settings, topic, question_id, seed, save=not no_save))
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
               save: bool = True) -> dict[str, Any]:
    from interviewer.history import SessionMode
    from interviewer.services.engine.factory import default_config, make_engine

    store: Any = None
    if not save:
        from interviewer.cli.unsaved_store import UnsavedStore
        from interviewer.db.repository import open_repository

        # Reads the history (which question is due) but keeps this session in memory only.
        store = UnsavedStore(open_repository(settings.resolved_database_url))
    # One question: the grader loads when it grades.
    engine = make_engine(settings, warm_up=None, **({"repository": store} if store is not None else {}))
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
        if sys.stdin.isatty():  # someone is typing (with or without --json): say how to finish
            typer.echo(_("(type your answer; end with Ctrl-D)"), err=True)
        answer = read_answer()
        await engine.submit(answer, clarify=False)
        turn = engine.state.turns[-1]
    finally:
        await engine.close()
        if store is not None:
            store.close()
    result = _result(session_id, turn, fell_back)
    result["saved"] = save
    if not save:
        result["session_id"] = None
    return result


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
        return _("Note: {reason}.").format(reason=clean)
    return _("Note: the LLM judge failed ({reason}); this is the offline grade.").format(reason=clean)


# Verdicts as the grade's JSON spells them, translated for the human output.
VERDICT_WORDS = {"strong": N_("strong"), "adequate": N_("adequate"), "weak": N_("weak"), "wrong": N_("wrong")}


def score_line(grade: dict[str, Any]) -> str:
    """`Score: 6.5/10 (adequate) · graded by offline-v2`; `Not graded · offline-v2` without a score (the
    feedback under it says why, so the line does not)."""
    grader = strip_controls(str(grade.get("grader") or ""))
    score = grade.get("score")
    if score is None:
        return _("Not graded · {grader}").format(grader=grader) if grader else _("Not graded")
    word = VERDICT_WORDS.get(str(grade.get("verdict")))
    verdict = f" ({_(word)})" if word else ""
    return _("Score: {score}/10{verdict} · graded by {grader}").format(score=f"{score:.1f}", verdict=verdict,
                                                                      grader=grader)


def _print_human(result: dict[str, Any]) -> None:
    """The grade on stdout, no blank line first (the question went to stderr): score line, ✓/✗ key points,
    flags, feedback (less its own list of points, shown just above), reference, where it was stored."""
    from interviewer.grading.feedback import without_point_lists

    grade = result["grade"] or {}
    typer.echo(score_line(grade))
    if result["fell_back"]:
        typer.echo(fallback_note(result["fell_back"]))
    for mark, key in (("✓", "covered_points"), ("✗", "missed_points")):
        for point in result[key]:
            typer.echo(f"  {mark} {strip_controls(point)}")
    if grade.get("flags"):
        typer.echo(_("Flags: {flags}").format(flags=strip_controls(", ".join(grade["flags"]))))
    feedback = without_point_lists(strip_controls(str(grade.get("feedback") or "")))
    if feedback:
        typer.echo(f"\n{feedback}")
    if result["reference"]:
        typer.echo("\n" + _("Reference answer:") + f"\n{strip_controls(result['reference']).strip()}")
    if result.get("saved", True):
        typer.echo("\n" + _("(recorded in session {id})").format(id=result["session_id"]))
    else:
        typer.echo("\n" + _("(not saved: --no-save)"))
