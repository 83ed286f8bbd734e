"""Fixtures for the TUI tests: a tmp SQLite repository, the tiny bank, services wired to both."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from interviewer.config import Settings
from interviewer.services.ui_facade import UiServices
from tests.functional.fakes import FIXED_NOW, make_bank, seed_history


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'tui.sqlite3'}"


@pytest.fixture
def repo(db_url: str) -> Iterator[object]:
    from interviewer.db.repository import open_repository

    repository = open_repository(db_url)
    yield repository
    repository.close()


@pytest.fixture
def bank():
    return make_bank()


@pytest.fixture
def services(repo, bank, db_url: str) -> UiServices:
    """Services over an empty history, with a fixed 'now' for due dates and weak topics."""
    return UiServices(Settings(database_url=db_url), repository=repo, bank=bank, now=lambda: FIXED_NOW)


@pytest.fixture
def seeded(services: UiServices, repo) -> tuple[UiServices, list[str]]:
    """Services over two finished, graded sessions."""
    return services, seed_history(repo)
