"""Settings problems as one line that names the file or variable, never the value (it may be a secret).

`load_settings()` turns every failure (broken TOML, a non-UTF-8 file, a value of the wrong type, a data dir
that is a file) into `SettingsError`, and warns about keys it does not know (a typo would otherwise silently
mean "use the default", e.g. offline mode for `base_ur`).
"""

from __future__ import annotations

import difflib
import os
import re
import sys
import tomllib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

ENV_PREFIX = "INTERVIEWER_"
# Variables that are read elsewhere (locations, tests), not settings fields.
_OTHER_ENV = {"DATA_DIR", "CONFIG_DIR", "CONFIG_FILE"}
_OTHER_ENV_PREFIXES = ("TEST_",)
_warned: set[str] = set()


class SettingsError(ValueError):
    """The settings cannot be used; the message names the file or variable to fix. A ValueError, as
    pydantic's ValidationError was, so callers that caught that still catch this."""


def read_toml(path: Path) -> dict[str, Any]:
    """The config file's table ({} when there is none); errors name the file and line, not values."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise SettingsError(f"cannot read config file {path}: {exc.strerror or type(exc).__name__}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SettingsError(f"config file {path} is not UTF-8 text (bad byte at {exc.start})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message is "<what> (at line L, column C)": positions only, never the value.
        raise SettingsError(f"config file {path} is not valid TOML: {exc}") from None
    except RecursionError:
        raise SettingsError(f"config file {path} is nested too deeply") from None


def describe_validation(exc: ValidationError, config_path: Path) -> SettingsError:
    """Name the variable or file of the first bad setting and pydantic's reason (which omits the input)."""
    first = exc.errors(include_input=False, include_url=False)[0]
    loc = [str(part) for part in first["loc"]]
    variable = ENV_PREFIX + "__".join(loc).upper()
    where = variable if variable in os.environ else f"{config_path}: {'.'.join(loc) or '(root)'}"
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return SettingsError(f"invalid setting {where}: {first['msg']}{more}")


def describe_source_error(exc: Exception) -> SettingsError:
    """pydantic-settings' own error (a nested setting given as a variable that is not JSON) as one line."""
    field = re.search(r'field "(\w+)"', str(exc))
    where = f"{ENV_PREFIX}{field.group(1).upper()}" if field else "an INTERVIEWER_* variable"
    return SettingsError(f"invalid setting {where}: not valid JSON for a group of settings")


def unknown_keys(
    file_data: dict[str, Any], model: type[BaseModel], environ: Iterable[str] | None = None
) -> list[str]:
    """Dotted file keys (`llm.base_ur`) and `INTERVIEWER_*` variables that match no setting."""
    found = _unknown_in_table(file_data, model, "")
    for variable in sorted(os.environ if environ is None else environ):
        if not variable.startswith(ENV_PREFIX):
            continue
        rest = variable[len(ENV_PREFIX):]
        if rest in _OTHER_ENV or rest.startswith(_OTHER_ENV_PREFIXES):
            continue
        if not _known_path(model, rest.lower().split("__")):
            found.append(variable)
    return found


def warn_unknown_keys(
    file_data: dict[str, Any], model: type[BaseModel], config_path: Path,
    emit: Callable[[str], None] | None = None,
) -> None:
    """Print one warning per unknown key to stderr, once per process, with the closest known name."""
    known = sorted(_all_paths(model, ""))
    for name in unknown_keys(file_data, model):
        variable = name.startswith(ENV_PREFIX)
        key = name.removeprefix(ENV_PREFIX).lower().replace("__", ".") if variable else name
        guess = difflib.get_close_matches(key, known, n=1)
        hint = f" (did you mean {guess[0]!r}?)" if guess else ""
        where = name if variable else f"{config_path}: {name!r}"
        line = f"warning: unknown setting {where} is ignored{hint}"
        if line not in _warned:
            _warned.add(line)
            (emit or _stderr)(line)


def _stderr(line: str) -> None:
    print(line, file=sys.stderr)


def _unknown_in_table(data: dict[str, Any], model: type[BaseModel], prefix: str) -> list[str]:
    unknown = []
    for key, value in data.items():
        field = model.model_fields.get(key)
        name = f"{prefix}{key}"
        if field is None:
            unknown.append(name)
        elif isinstance(value, dict) and (nested := _nested_model(field.annotation)) is not None:
            unknown.extend(_unknown_in_table(value, nested, f"{name}."))
    return unknown


def _known_path(model: type[BaseModel], parts: list[str]) -> bool:
    field = model.model_fields.get(parts[0])
    if field is None:
        return False
    if len(parts) == 1:
        return True
    nested = _nested_model(field.annotation)
    return nested is not None and _known_path(nested, parts[1:])


def _all_paths(model: type[BaseModel], prefix: str) -> Iterable[str]:
    for key, field in model.model_fields.items():
        yield f"{prefix}{key}"
        nested = _nested_model(field.annotation)
        if nested is not None:
            yield from _all_paths(nested, f"{prefix}{key}.")


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
