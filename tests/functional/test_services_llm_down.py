"""An endpoint that is configured but down at the last check: sessions pick questions the offline grader can
score (those with a reference answer), as when no endpoint is configured."""

from __future__ import annotations

import pytest

from interviewer.config import LLMSettings, Settings
from interviewer.services.engine.api import SessionConfig
from interviewer.services.ui.facade import UiServices
from interviewer.services.ui.models import LlmStatus
from question_bank.loader import Bank
from tests.fakes.ui import QUESTIONS, TOPICS


def bank_with_unreferenced_questions() -> Bank:
    """Per topic, one question with a reference and three copies without (same difficulty)."""
    copies = [q.model_copy(update={"id": f"{q.id}-noref{i}", "reference": None, "key_points": ()})
              for q in QUESTIONS for i in range(3)]
    return Bank(topics=TOPICS, questions=(*QUESTIONS, *copies))


async def first_questions(services: UiServices, seeds: range) -> list[bool]:
    """Whether the first question of a fresh session has a reference, per seed."""
    has_reference = []
    for seed in seeds:
        engine = services.new_engine()
        await engine.start(SessionConfig(topics=("transformer",), n_questions=1, seed=seed, max_follow_ups=0))
        has_reference.append(engine.state.current.question.reference is not None)
        await engine.close()
    return has_reference


@pytest.mark.parametrize("reachable", [False, True])
async def test_selection_prefers_referenced_questions_when_the_endpoint_is_down(repo, sqlite_url, reachable):
    llm = LLMSettings(base_url="http://127.0.0.1:9/v1", connect_timeout_s=0.5, max_retries=0)
    settings = Settings(database_url=sqlite_url, llm=llm)

    async def probe(_settings: Settings) -> LlmStatus:
        return LlmStatus(offline=False, reachable=reachable, model="m")

    services = UiServices(settings, repository=repo, bank=bank_with_unreferenced_questions(), llm_probe=probe)
    await services.probe_llm()
    picks = await first_questions(services, range(12))
    if reachable:  # the LLM judge can grade questions without a reference: no preference
        assert not all(picks)
    else:
        assert all(picks)
