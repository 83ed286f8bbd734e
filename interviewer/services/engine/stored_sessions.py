"""What the engine stores about a session besides its turns: the settings it was started with (config and
plan, versioned), and which stored sessions it can resume."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from interviewer.domain import Question
from interviewer.history import SessionRecord, SessionState
from interviewer.services.engine.api import EngineError, ResumableSession, SessionConfig
from interviewer.services.engine.plan import SessionPlan, plan_from_settings
from interviewer.services.engine.ports import SessionStore

SETTINGS_VERSION: Literal[1] = 1


class StoredSettings(BaseModel):
    """The JSON stored with a session the engine started (`SessionRecord.settings`): the one reader of it."""

    model_config = ConfigDict(frozen=True)

    version: Literal[1] = SETTINGS_VERSION
    config: SessionConfig
    plan: dict[str, Any]

    @property
    def planned_questions(self) -> int:
        return len(self.config.question_ids) or self.config.n_questions


def session_settings(config: SessionConfig, plan: SessionPlan) -> dict[str, Any]:
    """The JSON stored with a new session: enough to resume it exactly."""
    return StoredSettings(config=config, plan=plan.to_json()).model_dump(mode="json")


def stored_settings(record: SessionRecord) -> StoredSettings | None:
    """The settings of a session the engine started; None for any other session (or a damaged record)."""
    try:
        return StoredSettings.model_validate(record.settings)
    except ValidationError:
        return None


def restore(record: SessionRecord, questions: Sequence[Question]) -> tuple[SessionConfig, SessionPlan]:
    """The config and plan a stored session was started with; EngineError when this engine did not."""
    settings = stored_settings(record)
    if settings is None:
        raise EngineError(f"session {record.id} was not started by this engine (no valid settings)")
    try:
        plan = plan_from_settings(settings.plan, questions)
    except (KeyError, ValueError) as err:
        raise EngineError(f"session {record.id} was not started by this engine ({err})") from None
    return settings.config, plan


def resumable_record(store: SessionStore, session_id: str) -> SessionRecord:
    """The stored session `session_id`, if it exists and is still active."""
    try:
        record = store.get_session(session_id)
    except LookupError:
        raise EngineError(f"no session {session_id!r}") from None
    if record.state is not SessionState.ACTIVE:
        raise EngineError(f"session {session_id} is {record.state.value}; only active sessions resume")
    return record


def resumable_sessions(store: SessionStore, profile: str, limit: int = 20) -> Sequence[ResumableSession]:
    """Active sessions of `profile` that an engine started, newest first (at most `limit`, looking at the
    profile's newest 20 sessions)."""
    found: list[ResumableSession] = []
    for record in store.list_sessions(profile, limit=20):
        settings = stored_settings(record)
        if record.state is not SessionState.ACTIVE or settings is None:
            continue
        turns = store.turns_for_session(record.id)
        answered = sum(1 for t in turns if t.parent_turn_id is None and t.submitted)
        found.append(ResumableSession(
            session_id=record.id, mode=record.mode, started_at=record.started_at.isoformat(),
            answered=answered, n_questions=settings.planned_questions,
        ))
        if len(found) >= limit:
            break
    return found
