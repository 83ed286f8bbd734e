"""`LLMJudge`: grades with a model behind an OpenAI-compatible endpoint, with the offline grader as fallback.

The judge sees the shared per-question prefix (rules, question, reference, numbered key points) and the
answer fenced between random markers, and must reply with JSON constrained by a schema built for the question
(key-point ids as an enum, the score in half steps). Any failure (timeout, connection, 5xx, invalid JSON,
schema violation, truncation) gets one retry; then the offline grade is returned with flag `llm_fallback`
and a note saying why.
An answer that tries to steer the grader is graded twice, as written and without the steering text, and the
lower grade counts, so injected text can never raise a score. A judge's high score for an answer the offline
grader finds off-topic is capped to the offline band and flagged `grader_disagreement` (`_cross_check`).
With `examples` > 0 the task message opens with that many graded answers (`grading.examples`): the user's
own self-grades (`own_examples`, read off the event loop) first, then the shipped calibration set.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from functools import cache
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, create_model

from interviewer.config import Settings
from interviewer.domain import Grade, GradeFlag, Language, Question, Verdict, verdict_for
from interviewer.grading.base import Grader
from interviewer.grading.examples import CalibrationExamples, ExampleSource, GradedExample, choose
from interviewer.grading.fallback import fallback_reason, mark_fallback
from interviewer.grading.injection import scan_answer
from interviewer.grading.offline import OfflineGrader
from interviewer.grading.text import detect_language
from interviewer.llm import LLMClient, LLMError, LLMTruncated, build_messages, make_llm_client
from interviewer.llm.base import CompletionInfo
from interviewer.llm.errors import LLMBadRequest
from interviewer.llm.prompts import Persona

ConfidenceWord = Literal["low", "medium", "high"]
SCORE_STEPS: tuple[float, ...] = tuple(i / 2 for i in range(21))
"""Allowed scores: 0, 0.5, ..., 10. An enum keeps a constrained decoder from emitting endless digits."""
CONFIDENCE: dict[str, float] = {"low": 0.35, "medium": 0.6, "high": 0.85}
FEEDBACK_MAX_CHARS = 400
ERROR_MAX_CHARS = 160
MAX_ERRORS = 3
SCHEMA_NAME = "interview_grade"
_MAX_TOKENS_CAP = 4096
DISAGREEMENT_GAP = 5.0
"""Judge minus offline score from which a judge's grade of an answer the offline grader finds off-topic is
not trusted."""
BAND_TOP: dict[Verdict, float] = {Verdict.WRONG: 2.0, Verdict.WEAK: 5.0, Verdict.ADEQUATE: 7.5}
"""Highest score (in the judge's half steps) inside each verdict band."""
_INJECTION_NOTE = "the answer tries to steer the grader: graded with and without that text, the lower counts"


def _fix_score_schema(schema: dict) -> None:
    schema["properties"]["score"] = {"type": "number", "enum": list(SCORE_STEPS)}


@cache
def judge_reply_model(key_point_ids: tuple[str, ...]) -> type[BaseModel]:
    """The pydantic model (and JSON schema) of the judge's reply for a question with these key-point ids.

    Field order is generation order: the judge decides coverage and errors before it writes the score.
    """
    if key_point_ids:
        key_id = Literal.__getitem__(key_point_ids)
        ids_field = (list[key_id], Field(max_length=len(key_point_ids)))  # type: ignore[valid-type]  # built at run time
    else:
        ids_field = (list[str], Field(max_length=0))
    error_text = Annotated[str, StringConstraints(min_length=1, max_length=ERROR_MAX_CHARS)]
    return create_model(
        "JudgeReply",
        __config__=ConfigDict(extra="forbid", json_schema_extra=_fix_score_schema),
        covered=ids_field,
        missed=ids_field,
        factual_errors=(list[error_text], Field(max_length=MAX_ERRORS)),
        feedback=(str, Field(min_length=1, max_length=FEEDBACK_MAX_CHARS)),
        score=(float, Field(ge=0, le=10)),
        confidence=(ConfidenceWord, ...),
    )


@dataclasses.dataclass
class LLMJudge:
    """Grader protocol over an LLMClient, with `fallback` (the offline grader) when the model fails.

    `language` and `persona` shape the shared prompt prefix: use the session's values (`for_session`) so the
    grading and follow-up calls of one question share vLLM's prefix cache.
    """

    client: LLMClient
    fallback: Grader = dataclasses.field(default_factory=OfflineGrader)
    language: Language = "zh"
    persona: Persona = "standard"
    max_tokens: int = 1024
    retry_delay_s: float = 0.5
    examples: int = 0
    """Graded examples per prompt (0-5)."""
    own_examples: ExampleSource | None = None
    """The user's self-grades (storage: may block, so it runs in a thread)."""
    calibration: ExampleSource | None = None
    examples_ttl_s: float = 60.0
    """How long one question's examples are reused without asking storage again (follow-ups and grades of
    one question then skip the thread hop; a self-grade made meanwhile shows up after this)."""
    _chosen: dict[str, tuple[float, list[GradedExample]]] = dataclasses.field(
        default_factory=dict, init=False, repr=False)

    @property
    def name(self) -> str:
        return f"llm:{self.client.model}"

    def for_session(self, *, language: Language, persona: Persona) -> LLMJudge:
        """A judge sharing this client, with a session's prompt language and interviewer persona."""
        return dataclasses.replace(self, language=language, persona=persona)

    async def aclose(self) -> None:
        await self.client.aclose()

    async def grade(self, question: Question, answer: str, *, language: Language | None = None) -> Grade:
        """Grade `answer`; never raises: failures end in the fallback grade with flag `llm_fallback`."""
        started = time.perf_counter()
        stripped, injection = scan_answer(answer)
        if not stripped.strip():
            # Nothing to judge (empty, or nothing left once the steering text is gone): the offline grader
            # gives the empty-answer grade without a model call.
            return await self.fallback.grade(question, answer, language=language)
        feedback_language = language or _language_of(stripped, question.language)
        shown = await self.examples_for(question)
        if not injection:
            judged = await self._judge_with_fallback(question, answer, feedback_language, started, shown)
            return await self._cross_check(question, answer, judged, feedback_language)
        as_written, without = await asyncio.gather(
            self._judge_with_fallback(question, answer, feedback_language, started, shown),
            self._judge_with_fallback(question, stripped, feedback_language, started, shown),
        )
        lower = min((as_written, without), key=lambda g: g.score if g.score is not None else -1.0)
        note = "; ".join(n for n in (lower.note, _INJECTION_NOTE) if n)
        flags = _merge(lower.flags, GradeFlag.INJECTION_ATTEMPT)
        lower = lower.model_copy(update={"flags": flags, "note": note})
        return await self._cross_check(question, stripped, lower, feedback_language)

    async def examples_for(self, question: Question) -> list[GradedExample]:
        """The graded examples this judge shows for `question` (own self-grades first); never raises."""
        if self.examples <= 0:
            return []
        now = time.monotonic()
        kept = self._chosen.get(question.id)
        if kept is not None and now - kept[0] <= self.examples_ttl_s:
            return kept[1]
        own: list[GradedExample] = []
        if self.own_examples is not None:
            try:
                own = list(await asyncio.to_thread(self.own_examples.examples_for, question, self.examples))
            except Exception:  # storage trouble must not stop grading: calibration examples still apply
                own = []
        chosen = choose(question, self.examples, own, self.calibration)
        self._chosen[question.id] = (now, chosen)
        return chosen

    async def _cross_check(self, question: Question, answer: str, judged: Grade, language: Language) -> Grade:
        """Keep a judge's high score only when the offline grader sees the answer on topic.

        When the judge scores DISAGREEMENT_GAP or more above an offline grade in the lowest band (off-topic,
        nothing covered), the grade keeps the offline band's top, says both scores, and drops confidence.
        """
        if judged.score is None or fallback_reason(judged) is not None:
            return judged
        offline = await self.fallback.grade(question, answer, language=language)
        if offline.score is None or offline.verdict is not Verdict.WRONG or \
                judged.score - offline.score < DISAGREEMENT_GAP:
            return judged
        capped = min(judged.score, BAND_TOP[offline.verdict])
        note = (f"LLM judge {self.name} gave {judged.score:.1f}/10, offline grader {offline.grader} "
                f"{offline.score:.1f}/10 ({offline.verdict.value}); kept the offline band")
        return judged.model_copy(update={
            "score": capped, "verdict": verdict_for(capped), "confidence": min(judged.confidence, 0.3),
            "flags": _merge(_merge(judged.flags, GradeFlag.GRADER_DISAGREEMENT), GradeFlag.LOW_CONFIDENCE),
            "note": "; ".join(n for n in (judged.note, note) if n),
        })

    async def _judge_with_fallback(
        self, question: Question, answer: str, feedback_language: Language, started: float,
        examples: list[GradedExample],
    ) -> Grade:
        messages = build_messages(
            "judge", question, language=self.language, persona=self.persona, answer=answer,
            feedback_language=feedback_language, examples=examples,
        )
        schema = judge_reply_model(tuple(kp.id for kp in question.key_points))
        max_tokens = self.max_tokens
        failure: LLMError | None = None
        for attempt in (1, 2):
            try:
                reply, info = await self.client.complete_json(
                    messages, schema, name=SCHEMA_NAME, max_tokens=max_tokens, retries=0
                )
                return self._to_grade(question, answer, reply, info, started)
            except LLMError as err:
                failure = err
                if isinstance(err, LLMBadRequest) or attempt == 2:
                    break  # 4xx: the same request would fail the same way
                if isinstance(err, LLMTruncated):
                    max_tokens = min(max_tokens * 2, _MAX_TOKENS_CAP)
                await asyncio.sleep(self.retry_delay_s)
        return await self._fall_back(question, answer, feedback_language, failure, started)

    def _to_grade(
        self, question: Question, answer: str, reply: BaseModel, info: CompletionInfo, started: float
    ) -> Grade:
        data = reply.model_dump()
        ids = [kp.id for kp in question.key_points]
        # A point listed as both covered and missed counts as missed; unmentioned points are missed.
        covered = tuple(i for i in ids if i in data["covered"] and i not in data["missed"])
        score = min(10.0, max(0.0, round(float(data["score"]) * 2) / 2))
        flags: list[str] = []
        if not question.has_reference:
            flags.append(GradeFlag.NO_REFERENCE)
        if detect_language(answer) != question.language:
            flags.append(GradeFlag.LANGUAGE_MISMATCH)
        if data["confidence"] == "low":
            flags.append(GradeFlag.LOW_CONFIDENCE)
        return Grade(
            score=score,
            verdict=verdict_for(score),
            covered=covered,
            missed=tuple(i for i in ids if i not in covered),
            factual_errors=tuple(e.strip() for e in data["factual_errors"] if e.strip()),
            feedback=data["feedback"].strip(),
            grader=self.name,
            confidence=CONFIDENCE[data["confidence"]],
            flags=tuple(flags),
            latency_ms=round((time.perf_counter() - started) * 1000, 1),
        )

    async def _fall_back(
        self, question: Question, answer: str, language: Language, failure: LLMError | None, started: float
    ) -> Grade:
        grade = await self.fallback.grade(question, answer, language=language)
        reason = f"{failure.reason}: {failure}" if failure else "no reply"
        return mark_fallback(grade, f"LLM judge {self.name} failed ({reason}); this is the offline grade",
                             latency_ms=round((time.perf_counter() - started) * 1000, 1))


def make_llm_judge(settings: Settings, *, examples: int | None = None, evaluating: bool = False,
                   own_examples: ExampleSource | None = None) -> Grader:
    """The LLM judge (offline fallback) when an endpoint is configured, else the offline grader.

    `examples` overrides `settings.llm.judge_examples`; `evaluating` keeps examples of the graded question
    itself out of the prompt (and an evaluation never passes the user's own self-grades)."""
    client = make_llm_client(settings)
    if client is None:
        return OfflineGrader()
    return LLMJudge(
        client,
        fallback=OfflineGrader(),
        language=settings.language,
        persona=settings.persona,
        max_tokens=max(settings.llm.max_tokens, settings.llm.judge_max_tokens),
        examples=settings.llm.judge_examples if examples is None else examples,
        own_examples=None if evaluating else own_examples,
        calibration=CalibrationExamples(exclude_same_question=evaluating),
    )


def _merge(flags: tuple[str, ...], flag: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*flags, str(flag))))


def _language_of(text: str, default: Language) -> Language:
    if not text.strip():
        return default
    return "zh" if detect_language(text) == "zh" else "en"
