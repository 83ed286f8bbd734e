"""Where the app keeps its files (platformdirs), overridable for tests and portable installs."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

APP_NAME = "interviewer"


def data_dir() -> Path:
    """User data dir (database, drafts); `INTERVIEWER_DATA_DIR` overrides it."""
    path = Path(os.environ.get("INTERVIEWER_DATA_DIR") or user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    """User config dir; `INTERVIEWER_CONFIG_DIR` overrides it."""
    path = Path(os.environ.get("INTERVIEWER_CONFIG_DIR") or user_config_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_file() -> Path:
    """The TOML settings file; `INTERVIEWER_CONFIG_FILE` names another one."""
    explicit = os.environ.get("INTERVIEWER_CONFIG_FILE")
    return Path(explicit) if explicit else config_dir() / "config.toml"


def existing_config_file() -> Path | None:
    """The TOML settings file if there is one; creates no directory (for a quick look before a command)."""
    explicit = os.environ.get("INTERVIEWER_CONFIG_FILE")
    directory = os.environ.get("INTERVIEWER_CONFIG_DIR") or user_config_dir(APP_NAME, appauthor=False)
    path = Path(explicit) if explicit else Path(directory) / "config.toml"
    return path if path.is_file() else None


def default_database_url() -> str:
    return f"sqlite:///{data_dir() / 'interviewer.sqlite3'}"
