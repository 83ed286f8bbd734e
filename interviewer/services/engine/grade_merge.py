"""How the engine combines and guards grades.

Merge rule for follow-ups (one bank question = one turn grade):
- A key point counts as covered when the main answer or any follow-up answer covered it; `missed` is the
  question's key points not covered anywhere.
- The score only goes up: each follow-up earns FOLLOW_UP_CREDIT (75%) of the share of the remaining gap it
  closes, `new = old + 0.75 * (10 - old) * newly_covered / missed_before`, capped at 10. Points recalled after
  a prompt are worth less than points given unprompted, so a follow-up can never make a turn look better than
  the same points given in the first answer.
- A follow-up answer flagged as injection or empty earns nothing; its flags are kept on the turn grade.
- The verdict is recomputed from the merged score with `verdict_for`.

Guard: an answer flagged `injection_attempt` never counts as good: its score is capped at INJECTION_CAP
(a weak verdict), whatever the grader said.
"""

from __future__ import annotations

from collections.abc import Sequence

from interviewer.domain import ENGINE_GRADER, Grade, GradeFlag, Language, Question, Verdict, verdict_for

FOLLOW_UP_CREDIT = 0.75
INJECTION_CAP = 2.5


def guard(grade: Grade) -> Grade:
    """Cap injection attempts at a weak score."""
    flagged = GradeFlag.INJECTION_ATTEMPT.value in grade.flags
    if flagged and grade.score is not None and grade.score > INJECTION_CAP:
        return grade.model_copy(update={"score": INJECTION_CAP, "verdict": verdict_for(INJECTION_CAP)})
    return grade


def _ordered(ids: set[str], universe: Sequence[str]) -> tuple[str, ...]:
    return tuple(i for i in universe if i in ids)


def merge_follow_up(turn_grade: Grade, follow_up: Grade, question: Question) -> Grade:
    """The turn's grade after one more follow-up answer (rule in the module docstring)."""
    universe = [kp.id for kp in question.key_points]
    flags = tuple(dict.fromkeys((*turn_grade.flags, *follow_up.flags)))
    if turn_grade.score is None or not universe:
        return turn_grade.model_copy(update={"flags": flags})
    covered_before = set(turn_grade.covered) & set(universe)
    missed_before = len(universe) - len(covered_before)
    earns = not (GradeFlag.INJECTION_ATTEMPT.value in follow_up.flags
                 or GradeFlag.EMPTY_ANSWER.value in follow_up.flags)
    newly = (set(follow_up.covered) & set(universe)) - covered_before if earns else set()
    covered = covered_before | newly
    score = turn_grade.score
    if newly and missed_before:
        score = min(10.0, score + FOLLOW_UP_CREDIT * (10.0 - score) * len(newly) / missed_before)
    score = round(score, 2)
    feedback = turn_grade.feedback
    if follow_up.feedback and follow_up.feedback not in feedback:
        feedback = f"{feedback}\n{follow_up.feedback}".strip()
    return turn_grade.model_copy(update={
        "score": score,
        "verdict": verdict_for(score),
        "covered": _ordered(covered, universe),
        "missed": tuple(i for i in universe if i not in covered),
        "factual_errors": tuple(dict.fromkeys((*turn_grade.factual_errors, *follow_up.factual_errors))),
        "feedback": feedback,
        "confidence": min(turn_grade.confidence, follow_up.confidence),
        "flags": flags,
        "note": _merged_note(turn_grade.note),
    })


def _merged_note(note: str | None) -> str:
    count = 1
    if note and note.startswith("merged with "):
        count = int(note.split()[2]) + 1
    return f"merged with {count} follow-up answer(s)"


_DONT_KNOW_FEEDBACK = {
    "zh": "你选择了“不知道”。建议复习这道题的参考答案，下次先说出你知道的部分。",
    "en": "You chose \"I don't know\". Review the reference answer; next time, say what you do know first.",
}
_JUNK_FEEDBACK = {
    "zh": "回答为空或没有实际内容，按 0 分计。",
    "en": "The answer was empty or had no content; it scores 0.",
}


def zero_grade(question: Question, language: Language, *, junk: bool, grader: str = ENGINE_GRADER) -> Grade:
    """The grade of "I don't know" (junk=False) or an empty/junk answer (junk=True): 0, nothing covered.
    `grader`: the session's grader, named on the grade (the rule is the engine's, the grader is who a
    candidate sees grading the session; "engine" is no grader's name)."""
    flags = (GradeFlag.EMPTY_ANSWER.value,) if junk else ()
    feedback = (_JUNK_FEEDBACK if junk else _DONT_KNOW_FEEDBACK)[language]
    if not question.has_reference:
        flags = (*flags, GradeFlag.NO_REFERENCE.value)
    return Grade(
        score=0.0,
        verdict=Verdict.WRONG,
        covered=(),
        missed=tuple(kp.id for kp in question.key_points),
        feedback=feedback,
        grader=grader,
        confidence=1.0,
        flags=flags,
    )
