"""The one source of the vLLM server flags the app needs, for `interviewer serve` and docker-compose.yml.

`interviewer serve` builds its command line from `server_args`; docker-compose.yml writes the same flags with
`${VAR:-default}` values, and tests/unit/test_serve_flags.py checks that the two agree (flag for flag, with
the defaults here). Change a flag here and in the compose file together.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

DEFAULT_MODEL = "Qwen/Qwen3-8B"
DEFAULT_SERVED_NAME = "interviewer"
DEFAULT_MAX_MODEL_LEN = 8192
DEFAULT_GPU_MEMORY_UTILIZATION = 0.90
DEFAULT_PORT = 8000
LOOPBACK = "127.0.0.1"
STRUCTURED_OUTPUT_BACKEND = "guidance"
"""Enforces the judge's JSON schema; measured to give valid JSON where xgrammar let raw control characters
through (../shared/notes/vllm-cpu.md)."""
CHAT_TEMPLATE_KWARGS = json.dumps({"enable_thinking": False})
"""Qwen3 thinks unless told not to; the app also sends it per request, this covers bare clients too."""


@dataclass(frozen=True)
class ServerFlags:
    """The values that vary between installs; everything else in `server_args` is fixed."""

    api_key: str
    model: str = DEFAULT_MODEL
    served_model_name: str = DEFAULT_SERVED_NAME
    max_model_len: int = DEFAULT_MAX_MODEL_LEN
    gpu_memory_utilization: float = DEFAULT_GPU_MEMORY_UTILIZATION


def server_args(flags: ServerFlags) -> list[str]:
    """The flags after the model, in the order docker-compose.yml lists them (host and port not included:
    compose binds inside the container and publishes on the host loopback; `serve` adds its own)."""
    return [
        "--served-model-name", flags.served_model_name,
        "--api-key", flags.api_key,
        "--default-chat-template-kwargs", CHAT_TEMPLATE_KWARGS,
        # Every request about one question shares the system prompt and question context.
        "--enable-prefix-caching",
        "--structured-outputs-config.backend", STRUCTURED_OUTPUT_BACKEND,
        # Compact JSON: fewer tokens per grade, and a weak model cannot pad with whitespace forever.
        "--structured-outputs-config.disable_any_whitespace", "true",
        "--max-model-len", str(flags.max_model_len),
        "--gpu-memory-utilization", f"{flags.gpu_memory_utilization:.2f}",
    ]


def flag_pairs(args: list[str]) -> dict[str, str | None]:
    """`--flag value` / bare `--flag` pairs of a command line (for comparing two command lines)."""
    pairs: dict[str, str | None] = {}
    i = 0
    while i < len(args):
        flag = args[i]
        if not flag.startswith("--"):
            i += 1
            continue
        value = args[i + 1] if i + 1 < len(args) and not args[i + 1].startswith("--") else None
        pairs[flag] = value
        i += 2 if value is not None else 1
    return pairs


def app_settings(base_url: str, flags: ServerFlags) -> dict[str, str]:
    """The `INTERVIEWER_LLM__*` settings that point the app at a server started with `flags`."""
    return {
        "INTERVIEWER_LLM__BASE_URL": base_url,
        "INTERVIEWER_LLM__API_KEY": flags.api_key,
        "INTERVIEWER_LLM__MODEL": flags.served_model_name,
    }
