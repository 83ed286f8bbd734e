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

_state: dict[str, object] = {"language": "en", "translations": gettext.NullTranslations()}


def set_language(language: str) -> None:
    """Switch the interface language; an unknown code falls back to English source strings."""
    code = language if language in ("zh", "en") else "en"
    _state["language"] = code
    _state["translations"] = gettext.translation(DOMAIN, LOCALE_DIR, languages=[code], fallback=True)


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
