"""Write the `[llm]` table of the TOML config file (`interviewer serve --write-config`).

Only `[llm]` is rewritten: other tables and comments stay as they are, and keys of `[llm]` that are not
being set (timeouts, token limits) are kept. No TOML writer is a dependency, so values are formatted here
(strings, numbers and booleans are all `[llm]` holds).
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path

from interviewer.files import write_text

_HEADER = re.compile(r"^\s*\[")
_LLM_HEADER = re.compile(r"^\s*\[\s*llm\s*\]\s*(#.*)?$")
_ENV_PREFIX = "INTERVIEWER_LLM__"


class ConfigWriteError(ValueError):
    """The existing file is not valid TOML; the message names it."""


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a valid TOML basic string


def write_llm_settings(path: Path, env_settings: Mapping[str, str]) -> Path:
    """Set `INTERVIEWER_LLM__X=value` pairs as `[llm] x = value` in `path` (created if missing, mode 600:
    it holds the API key)."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    try:
        current = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigWriteError(f"{path}: not valid TOML ({exc}); fix or remove it first") from exc
    llm = dict(current.get("llm") or {})
    llm.update({key.removeprefix(_ENV_PREFIX).lower(): value for key, value in env_settings.items()})
    kept, skipping = [], False
    for line in text.splitlines():
        if _LLM_HEADER.match(line):
            skipping = True
            continue
        if skipping and _HEADER.match(line):
            skipping = False
        if not skipping:
            kept.append(line)
    body = "\n".join(kept).rstrip()
    table = "\n".join(["[llm]", *(f"{key} = {toml_value(value)}" for key, value in llm.items())])
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text(path, (body + "\n\n" if body else "") + table + "\n", private=True)  # atomic; holds the key
    return path
