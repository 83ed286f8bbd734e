"""Where the project's shared material lives (seed notes, human-graded answers): `../shared` next to the
checkout, or `INTERVIEWER_TEST_SHARED_DIR` / `/work/shared` when the checkout sits elsewhere (a CI clone)."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def shared_dir() -> Path:
    candidates = [os.environ.get("INTERVIEWER_TEST_SHARED_DIR"), REPO_ROOT.parent / "shared", "/work/shared"]
    for candidate in candidates:
        if candidate and (Path(candidate) / "seeds").is_dir():
            return Path(candidate)
    return REPO_ROOT.parent / "shared"
