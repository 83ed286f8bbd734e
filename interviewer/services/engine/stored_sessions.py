"""What the engine stores about a session besides its turns: the settings it was started with (config and
plan, versioned), and which stored sessions it can resume."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from interviewer.domain import Question
from interviewer.history import SessionRecord, SessionState
from interviewer.services.engine.api import EngineError, ResumableSession, SessionConfig
from interviewer.services.engine.plan import SessionPlan, plan_from_settings
from interviewer.services.engine.ports import SessionStore

SETTINGS_VERSION = 1


def session_settings(config: SessionConfig, plan: SessionPlan) -> dict[str, Any]:
    """The JSON stored with a new session: enough to resume it exactly."""
    return {"version": SETTINGS_VERSION, "config": config.model_dump(mode="json"), "plan": plan.to_json()}


def restore(record: SessionRecord, questions: Sequence[Question]) -> tuple[SessionConfig, SessionPlan]:
    """The config and plan a stored session was started with; EngineError when this engine did not."""
    try:
        config = SessionConfig.model_validate(record.settings["config"])
        plan = plan_from_settings(record.settings["plan"], questions)
    except (KeyError, ValueError) as err:
        raise EngineError(f"session {record.id} was not started by this engine ({err})") from None
    return config, plan


def resumable_record(store: SessionStore, session_id: str) -> SessionRecord:
    """The stored session `session_id`, if it exists and is still active."""
    try:
        record = store.get_session(session_id)
    except LookupError:
        raise EngineError(f"no session {session_id!r}") from None
    if record.state is not SessionState.ACTIVE:
        raise EngineError(f"session {session_id} is {record.state.value}; only active sessions resume")
    return record


def resumable_sessions(store: SessionStore, profile: str) -> Sequence[ResumableSession]:
    """Active sessions of `profile` that an engine started (newest first, at most 20)."""
    found = []
    for record in store.list_sessions(profile, limit=20):
        if record.state is not SessionState.ACTIVE or "config" not in record.settings:
            continue
        turns = store.turns_for_session(record.id)
        answered = sum(1 for t in turns if t.parent_turn_id is None and t.submitted)
        config = record.settings["config"]
        found.append(ResumableSession(
            session_id=record.id, mode=record.mode, started_at=record.started_at.isoformat(),
            answered=answered, n_questions=len(config.get("question_ids") or ()) or config["n_questions"],
        ))
    return found
