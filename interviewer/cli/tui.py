"""Start the Textual app (kept apart so `interviewer bank ...` never imports Textual)."""

from __future__ import annotations


def interface_language(db: str | None = None, profile: str | None = None) -> str:
    """The `language` setting for the interface: the variable, else the config file, else zh.

    Cheap (pydantic loads only when there is a config file, so the app's first paint is not delayed) and
    without side effects: nothing is created, and a broken file is not reported here but by what reads
    the settings next (Home's loader, or the command)."""
    import os

    from interviewer.locations import existing_config_file

    language = os.environ.get("INTERVIEWER_LANGUAGE")
    if language is None and existing_config_file() is not None:
        from interviewer.config import load_settings
        from interviewer.config_errors import SettingsError

        try:
            language = load_settings(database_url=db, profile=profile).language
        except SettingsError:
            language = None
    return language or "zh"


def open_app(db: str | None = None, profile: str | None = None) -> None:
    from interviewer.app import make_app

    make_app(db=db, profile=profile, language=interface_language(db, profile)).run()
