"""Shared fixtures: every test runs with its own user dirs and no INTERVIEWER_* settings from the host."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.shared_data import shared_dir

pytest_plugins = ["tests.fixtures.vllm", "tests.fixtures.postgres"]

REPO_ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = shared_dir() / "seeds"


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Keep the user's config, data and env out of tests (harlequin-style)."""
    for key in list(os.environ):
        if key.startswith("INTERVIEWER_") and key != "INTERVIEWER_TEST_VLLM_PYTHON":
            monkeypatch.delenv(key)
    home = tmp_path / "home"
    monkeypatch.setenv("INTERVIEWER_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("INTERVIEWER_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))
    yield home


@pytest.fixture(autouse=True)
def interface_language() -> Iterator[None]:
    """The interface in English for every test, whatever the `language` setting (default zh, which also
    picks the interview's content): existing tests read English labels and messages. Tests of the Chinese
    interface call `i18n.pin_language("zh")`, or `pin_language(None)` to follow the settings as the app does.
    The i18n state is reset afterwards, so no test leaks its language into the next."""
    from interviewer import i18n

    i18n.pin_language("en")
    yield
    i18n.reset()


@pytest.fixture
def seeds_dir() -> Path:
    """The five seed documents the shipped bank is built from (../shared/seeds)."""
    if not SEEDS_DIR.is_dir():
        pytest.fail(f"seed documents not found at {SEEDS_DIR}")
    return SEEDS_DIR
