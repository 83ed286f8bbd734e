"""Settings: defaults < TOML config file < environment (`INTERVIEWER_*`, `__` for nesting).

Built by `load_settings()` when needed, never at import time, so tests and the CLI can point it elsewhere.
"""

from __future__ import annotations

import os
from contextvars import ContextVar
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)
from pydantic_settings import (
    SettingsError as PydanticSettingsError,
)

from interviewer.config_errors import (
    SettingsError,
    describe_source_error,
    describe_validation,
    read_toml,
    warn_unknown_keys,
)
from interviewer.locations import config_file, default_database_url


class LLMSettings(BaseModel):
    """The OpenAI-compatible endpoint (normally vLLM) that plays the interviewer and judge."""

    model_config = ConfigDict(frozen=True)

    base_url: str | None = None
    """e.g. `http://127.0.0.1:8000/v1`; None means offline: offline grader and template follow-ups."""
    api_key: SecretStr = SecretStr("")
    """Bearer token; never logged or printed."""
    model: str = "interviewer"
    """Served model name (vLLM `--served-model-name`)."""
    connect_timeout_s: float = Field(default=5.0, gt=0)
    """Seconds to open a connection."""
    read_timeout_s: float = Field(default=60.0, gt=0)
    """Seconds to wait between bytes of a reply (a stalled stream fails after this)."""
    grade_deadline_s: float = Field(default=30.0, gt=0, le=600)
    """Whole-grade deadline (retries included): a stalled endpoint falls back to the offline grade after this;
    also bounds each `doctor` check."""
    max_reply_mb: float = Field(default=8.0, gt=0, le=1024)
    """Largest reply accepted from the endpoint, in MiB (a bigger one fails instead of filling memory)."""
    max_retries: int = Field(default=1, ge=0, le=5)
    """Retries on connection errors and 5xx (never on 4xx)."""
    max_tokens: int = Field(default=512, ge=16)
    """Upper bound on generated tokens per reply."""
    judge_max_tokens: int = Field(default=1024, ge=64)
    """Upper bound on tokens of one judge reply (JSON with feedback); doubled once after a truncated reply."""
    temperature: float = Field(default=0.7, ge=0, le=2)
    """Sampling temperature for follow-ups; grading always uses 0."""
    enable_thinking: bool = False
    """Sent as `chat_template_kwargs.enable_thinking` (Qwen3-style models think unless told not to)."""
    judge_examples: int = Field(default=3, ge=0, le=5)
    """Graded answers shown to the judge per question (own self-grades first, then the shipped calibration
    set); 0 turns them off. Measure with `interviewer eval --grader llm --examples K`."""

    @property
    def configured(self) -> bool:
        return bool(self.base_url)


class Settings(BaseSettings):
    """All user-facing settings of the app."""

    model_config = SettingsConfigDict(
        env_prefix="INTERVIEWER_", env_nested_delimiter="__", extra="ignore", frozen=True
    )

    database_url: str | None = None
    """Any SQLAlchemy URL; None means SQLite in the user data dir."""
    language: Literal["zh", "en"] = "zh"
    """Language of the interviewer and feedback."""
    profile: str = "default"
    """Whose history, grades and spaced repetition to use."""
    persona: Literal["friendly", "standard", "strict"] = "standard"
    """The interviewer's tone for follow-up questions."""
    max_follow_ups: int = Field(default=2, ge=0, le=5)
    """Most follow-up questions per bank question."""
    theme: str = "textual-dark"
    """Textual theme name."""
    llm: LLMSettings = LLMSettings()

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        try:
            return default_database_url()
        except OSError as exc:  # the data dir is a file, or cannot be created
            where = os.environ.get("INTERVIEWER_DATA_DIR") or "the user data dir"
            raise SettingsError(
                f"cannot use data directory {where} (INTERVIEWER_DATA_DIR): {exc.strerror or exc}"
            ) from None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The file is read (and checked) by load_settings; the data arrives through this context variable.
        toml = InitSettingsSource(settings_cls, init_kwargs=_FILE_DATA.get({}))
        return (init_settings, env_settings, toml)


def load_settings(**overrides: object) -> Settings:
    """Read settings now (file + env), with explicit overrides (e.g. from CLI flags) on top.

    Raises SettingsError (one line naming the file or variable, never a value); warns on stderr about
    unknown keys."""
    try:
        path = config_file()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise SettingsError(f"cannot use config directory (INTERVIEWER_CONFIG_DIR): {reason}") from None
    data = read_toml(path)
    warn_unknown_keys(data, Settings, path)
    token = _FILE_DATA.set(data)
    try:
        given: dict[str, Any] = {k: v for k, v in overrides.items() if v is not None}
        return Settings(**given)
    except ValidationError as exc:
        raise describe_validation(exc, path) from None
    except PydanticSettingsError as exc:  # e.g. INTERVIEWER_LLM='{...' that is not JSON
        raise describe_source_error(exc) from None
    finally:
        _FILE_DATA.reset(token)


_FILE_DATA: ContextVar[dict[str, Any]] = ContextVar("interviewer_config_file_data")
