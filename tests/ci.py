"""One rule for tests that need something the machine may lack (tmux, PostgreSQL, vLLM, docker-compose):
skip on a developer machine without it, fail in CI (`CI` set), where scripts/test.sh installs it."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def skip_or_fail(message: str) -> NoReturn:
    """Skip the test locally; fail it in CI, where what it needs must be there."""
    if in_ci():
        pytest.fail(message)
    pytest.skip(message)
