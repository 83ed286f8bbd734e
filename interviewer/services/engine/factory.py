"""`make_engine(settings)`: an engine wired to the real bank, storage, graders and (when configured) the LLM.

Offline (no `INTERVIEWER_LLM__BASE_URL`): the offline grader, template follow-ups and clarifications, and
selection that prefers questions with a reference answer. With an endpoint: the LLM judge (offline grader as
its fallback), streamed LLM follow-ups and clarifications; all three share one HTTP client.
"""

from __future__ import annotations

from typing import Any

from interviewer.config import Settings
from interviewer.services.engine.api import SessionConfig
from interviewer.services.engine.clock import Clock
from interviewer.services.engine.interview import InterviewEngine
from interviewer.services.engine.ports import QuestionSource, SessionStore
from interviewer.services.engine.template_replies import TemplateClarifier, TemplateFollowUps


def make_engine(
    settings: Settings,
    *,
    bank: QuestionSource | None = None,
    repository: SessionStore | None = None,
    clock: Clock | None = None,
    llm_client: Any = None,
    **engine_options: Any,
) -> InterviewEngine:
    """Build an engine for `settings.profile`. Pass `bank`/`repository`/`clock`/`llm_client` to share or fake
    parts; `engine_options` go to `InterviewEngine` (e.g. `stall_s`; `offline=True` with an endpoint known to
    be down, so selection prefers questions the offline grader can score)."""
    from interviewer.grading.bank_tables import tables_for
    from interviewer.grading.offline import OfflineGrader

    if bank is None:
        from question_bank import load_bank

        bank = load_bank()
    if repository is None:
        from interviewer.db.repository import open_repository

        repository = open_repository(settings.resolved_database_url)
    source = bank  # the grader's IDF table and topic index come from the bank this engine asks from
    offline = OfflineGrader(tables=lambda: tables_for(source))
    engine_options.setdefault("warm_up", lambda: _warm_up(offline, bank))
    client = llm_client
    if client is None and settings.llm.configured:
        from interviewer.llm import make_llm_client

        client = make_llm_client(settings)
    if client is None:
        engine_options["offline"] = True
        return InterviewEngine(bank=bank, store=repository, grader=offline, follow_ups=TemplateFollowUps(),
                               clarifier=TemplateClarifier(), clock=clock, profile=settings.profile,
                               **engine_options)
    from interviewer.grading.llm_judge import LLMJudge
    from interviewer.services.engine.llm_replies import LLMClarifier, LLMFollowUps

    # One deadline for the whole grade (retries included), so a stalled endpoint falls back in ~30 s.
    engine_options.setdefault("grade_timeout_s", settings.llm.grade_deadline_s)
    judge = LLMJudge(client, fallback=offline, language=settings.language, persona=settings.persona,
                     max_tokens=max(settings.llm.max_tokens, settings.llm.judge_max_tokens),
                     **_example_sources(settings, bank, repository))
    return InterviewEngine(
        bank=bank, store=repository, grader=judge, fallback_grader=offline,
        follow_ups=LLMFollowUps(client, temperature=settings.llm.temperature, examples=judge.examples_for),
        clarifier=LLMClarifier(client, examples=judge.examples_for),
        clock=clock, profile=settings.profile, **{"offline": False, **engine_options},
        closers=() if llm_client is not None else (client.aclose,),
    )


def _example_sources(settings: Settings, bank: QuestionSource, repository: SessionStore) -> dict[str, Any]:
    """The judge's graded examples: this profile's self-grades, then the shipped calibration set."""
    from interviewer.grading.examples import CalibrationExamples
    from interviewer.services.engine.self_grade_examples import StoredSelfGrades

    topics = {q.id: q.topic for q in bank.questions}
    return {"examples": settings.llm.judge_examples, "calibration": CalibrationExamples(),
            "own_examples": StoredSelfGrades(repository, settings.profile, topic_of=topics.get)}


def default_config(settings: Settings, **overrides: Any) -> SessionConfig:
    """A SessionConfig with the user's language, persona and follow-up limit, and `overrides` on top."""
    values: dict[str, Any] = {"language": settings.language, "persona": settings.persona,
                              "max_follow_ups": settings.max_follow_ups}
    values.update({k: v for k, v in overrides.items() if v is not None})
    return SessionConfig(**values)


def _warm_up(grader: Any, bank: QuestionSource) -> None:
    """Grade one answer so the offline grader loads its tables (seconds, once per process) off the UI."""
    sample = next((q for q in bank.questions if q.reference), None)
    if sample is not None:
        grader.grade_sync(sample, sample.reference or "")
