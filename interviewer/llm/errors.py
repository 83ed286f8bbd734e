"""Typed errors of the LLM client. Messages are one clear line and never contain the API key."""

from __future__ import annotations


class LLMError(Exception):
    """Base of every LLM client failure. `retryable` says whether trying again may help."""

    retryable: bool = False

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status

    @property
    def reason(self) -> str:
        """Short machine-friendly reason, e.g. for a Grade's note (`timeout`, `server_error`, ...)."""
        return _REASONS.get(type(self), "error")


class LLMTimeout(LLMError):
    """No reply (or no next chunk of a stream) within the read timeout."""

    retryable = True


class LLMConnectionError(LLMError):
    """The endpoint could not be reached or dropped the connection."""

    retryable = True


class LLMServerError(LLMError):
    """The endpoint answered 5xx."""

    retryable = True


class LLMBadRequest(LLMError):
    """The endpoint answered 4xx (bad request, unknown model, bad schema): retrying cannot help."""


class LLMAuthError(LLMBadRequest):
    """401/403: the API key is missing or wrong."""


class LLMInvalidOutput(LLMError):
    """The reply was not valid JSON or did not match the requested schema."""


class LLMReplyTooLarge(LLMInvalidOutput):
    """The reply exceeded the size cap (`max_reply_mb`); it was not read further."""


class LLMTruncated(LLMError):
    """The reply stopped at max_tokens (`finish_reason == "length"`): the JSON is incomplete."""


_REASONS: dict[type[LLMError], str] = {
    LLMTimeout: "timeout",
    LLMConnectionError: "connection_error",
    LLMServerError: "server_error",
    LLMBadRequest: "bad_request",
    LLMAuthError: "auth_error",
    LLMInvalidOutput: "invalid_output",
    LLMReplyTooLarge: "reply_too_large",
    LLMTruncated: "truncated",
}
