"""interviewer: a terminal mock-interview coach for LLM / ML-engineering interviews."""

from __future__ import annotations

__version__ = "0.1.0"
