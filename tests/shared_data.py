"""Where the project's shared material lives (seed notes, human-graded answers).

In order: `INTERVIEWER_TEST_SHARED_DIR`; a `shared/` folder beside the checkout or beside any folder above it;
then `/work/shared`, where this project's CI machines mount it for a clone made anywhere else.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CI_MOUNT = Path("/work/shared")


def _candidates() -> list[Path]:
    found = [Path(env)] if (env := os.environ.get("INTERVIEWER_TEST_SHARED_DIR")) else []
    found += [folder / "shared" for folder in REPO_ROOT.parents]
    return [*found, CI_MOUNT]


def shared_dir() -> Path:
    for candidate in _candidates():
        if (candidate / "seeds").is_dir():
            return candidate
    return REPO_ROOT.parent / "shared"
