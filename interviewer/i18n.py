"""Interface language: gettext catalogues (zh, en) chosen by the `language` setting.

Source strings are English; `interviewer/locale/<lang>/LC_MESSAGES/interviewer.mo` translates them.
Call `_()` when the text is shown, not at import time, so a language switch takes effect; strings that must
be defined at import time (class constants) are marked with `N_()` and translated where they are shown.
"""

from __future__ import annotations

import gettext
from pathlib import Path
from typing import Literal

Language = Literal["zh", "en"]

DOMAIN = "interviewer"
LOCALE_DIR = Path(__file__).parent / "locale"

_state: dict[str, object] = {"language": "en", "translations": gettext.NullTranslations(), "pinned": None}


def set_language(language: str) -> None:
    """Switch the interface language; an unknown code falls back to English source strings."""
    code = language if language in ("zh", "en") else "en"
    _state["language"] = code
    _state["translations"] = gettext.translation(DOMAIN, LOCALE_DIR, languages=[code], fallback=True)


def apply_setting(language: str) -> None:
    """Follow the `language` setting (CLI start, app start, Settings screen), unless a language is pinned."""
    pinned = _state["pinned"]
    set_language(pinned if isinstance(pinned, str) else language)


def pin_language(language: str | None) -> None:
    """Fix the interface language whatever the settings say (tests: the existing ones read English labels
    while the settings' default language, which also picks the interview's content, stays zh);
    None follows the settings again."""
    _state["pinned"] = language
    if language is not None:
        set_language(language)


def reset() -> None:
    """Back to the state at import: English source strings, nothing pinned (between tests)."""
    _state.update(language="en", translations=gettext.NullTranslations(), pinned=None)


def current_language() -> Language:
    return "zh" if _state["language"] == "zh" else "en"


def _translations() -> gettext.NullTranslations:
    value = _state["translations"]
    assert isinstance(value, gettext.NullTranslations)
    return value


def _(message: str) -> str:
    """Translate `message` into the current interface language."""
    return _translations().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate with a plural form chosen by `n`."""
    return _translations().ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark `message` for extraction only; translate it with `_()` where it is shown."""
    return message
