"""Start the Textual app (kept apart so `interviewer bank ...` never imports Textual)."""

from __future__ import annotations


def open_app(db: str | None = None, profile: str | None = None) -> None:
    from interviewer.app import make_app

    make_app(db=db, profile=profile).run()
