"""Fixtures for the TUI tests: a tmp SQLite repository, the tiny bank, services wired to both."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from interviewer.config import Settings
from interviewer.services.ui.facade import UiServices
from tests.fakes.ui import FIXED_NOW, make_bank, seed_history


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A tmp SQLite database only: the UI tests need no second backend (the storage tests run both)."""
    return f"sqlite:///{tmp_path / 'tui.sqlite3'}"


@pytest.fixture
def repo(sqlite_url: str) -> Iterator[object]:
    from interviewer.db.repository import open_repository

    repository = open_repository(sqlite_url)
    yield repository
    repository.close()


@pytest.fixture
def bank():
    return make_bank()


@pytest.fixture
def services(repo, bank, sqlite_url: str) -> UiServices:
    """Services over an empty history, with a fixed 'now' for due dates and weak topics."""
    return UiServices(Settings(database_url=sqlite_url), repository=repo, bank=bank, now=lambda: FIXED_NOW)


@pytest.fixture
def seeded(services: UiServices, repo) -> tuple[UiServices, list[str]]:
    """Services over two finished, graded sessions."""
    return services, seed_history(repo)
