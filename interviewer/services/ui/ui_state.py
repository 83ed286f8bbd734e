"""Small things the interface remembers between launches (the Home form's last values), per profile.

Kept in `ui-state.json` in the user data dir, apart from `config.toml`: these are not settings a person
edits, and writing them must never rewrite (or break) the config file. A missing or unreadable state file
just means the defaults.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interviewer.files import write_text

STATE_FILE = "ui-state.json"
MAX_STATE_BYTES = 64 * 1024  # a few numbers per profile; anything bigger is not ours


@dataclass(frozen=True)
class SessionForm:
    """Home's form: questions per session and minutes per question."""

    n_questions: int = 3
    minutes: float = 5.0


def state_path() -> Path:
    from interviewer.locations import data_dir

    return data_dir() / STATE_FILE


def _read(path: Path) -> dict[str, Any]:
    try:
        if path.stat().st_size > MAX_STATE_BYTES:
            return {}
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def load_session_form(profile: str, path: Path | None = None) -> SessionForm | None:
    """The values last used to start a session for `profile`, or None (never saved, or unreadable)."""
    forms = _read(path or state_path()).get("session_form")
    entry = forms.get(profile) if isinstance(forms, dict) else None
    if not isinstance(entry, dict):
        return None
    n, minutes = entry.get("n_questions"), entry.get("minutes")
    if isinstance(n, int) and isinstance(minutes, int | float) and not isinstance(n, bool):
        return SessionForm(n, float(minutes))
    return None


def save_session_form(profile: str, form: SessionForm, path: Path | None = None) -> None:
    """Remember `form` for `profile` (atomic write; other profiles' values are kept)."""
    target = path or state_path()
    data = _read(target)
    forms = data.get("session_form")
    if not isinstance(forms, dict):
        forms = data["session_form"] = {}
    forms[profile] = {"n_questions": form.n_questions, "minutes": form.minutes}
    write_text(target, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
