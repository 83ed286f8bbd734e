"""Reading and validating an export file before anything touches the database.

Every field is checked here (types, ranges, ratings, text the database can store, nesting), so a hostile or
damaged file is refused with one line naming the place (`grades.3.rating`) and nothing is written.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from interviewer.db.legacy_status import LEGACY_SELF_GRADER, legacy_status, per_question_limit
from interviewer.db.store import StorageError
from interviewer.history import AnswerStatus, GradeRecord, Profile, ReferenceFlag, SessionRecord, TurnRecord

FORMAT = "interviewer-export"
VERSION = 1
DEFAULT_MAX_BYTES = 100 * 1024 * 1024
"""Largest export file `import_json` reads (100 MiB is about 150,000 graded answers); `--max-mb` raises it."""
MAX_DEPTH = 32
"""Deepest nesting accepted anywhere in the file (real exports nest about 5 levels)."""
_INT_RANGE = (-(2**63), 2**63 - 1)  # what SQLite and PostgreSQL BIGINT hold
SECTIONS = ("profiles", "sessions", "turns", "grades", "reference_flags")
T = TypeVar("T")

Parsed = tuple[
    list[Profile],
    list[SessionRecord],
    list[TurnRecord],
    list[tuple[GradeRecord, int | None]],
    list[ReferenceFlag],
]


def read_export(path: str | Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Any:
    """The file's JSON, read with a size cap; errors name the file."""
    where = f"cannot read export file {path}"
    try:
        with open(path, "rb") as handle:
            raw = handle.read(max_bytes + 1)  # read(), not stat(): pipes and devices have no size
    except OSError as exc:
        raise StorageError(f"{where}: {exc.strerror or type(exc).__name__}") from None
    if len(raw) > max_bytes:
        limit = max_bytes // (1024 * 1024)
        raise StorageError(f"{where}: larger than {limit} MiB (raise the limit with --max-mb)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StorageError(f"{where}: not UTF-8 text (bad byte at offset {exc.start})") from None
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise StorageError(f"{where}: not valid JSON: {exc.msg} at line {exc.lineno}") from None
    except ValueError as exc:  # NaN / Infinity
        raise StorageError(f"{where}: not valid JSON: {exc}") from None
    except RecursionError:
        raise StorageError(f"{where}: nested too deeply") from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def check_values(data: Any) -> None:
    """Depth, integer range and storable text everywhere (iterative: no recursion on hostile nesting)."""
    stack: list[tuple[Any, tuple[Any, ...]]] = [(data, ())]
    while stack:
        value, where = stack.pop()
        if len(where) > MAX_DEPTH:
            raise _invalid(where, f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(value, dict):
            stack.extend((item, (*where, key)) for key, item in value.items())
            stack.extend((key, (*where, key)) for key in value)
        elif isinstance(value, list):
            stack.extend((item, (*where, index)) for index, item in enumerate(value))
        elif isinstance(value, str):
            _check_text(value, where)
        elif isinstance(value, int) and not _INT_RANGE[0] <= value <= _INT_RANGE[1]:
            raise _invalid(where, "integer out of range")
        elif isinstance(value, float) and not math.isfinite(value):  # 1e400: no export could write it back
            raise _invalid(where, "number out of range")


def _check_text(value: str, where: tuple[Any, ...]) -> None:
    if "\x00" in value:  # PostgreSQL text cannot hold NUL
        raise _invalid(where, "text contains a NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate escape (\\ud800): no database can store it
        raise _invalid(where, "text contains an unpaired surrogate") from None


def _invalid(where: tuple[Any, ...], message: str) -> StorageError:
    place = ".".join(str(part) for part in where) or "(root)"
    return StorageError(f"invalid export file at {place}: {message}")


def parse(data: Any) -> Parsed:
    """Validate every record; duplicates inside the file are dropped (first wins), so importing is
    idempotent for every record kind."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise StorageError('not an interviewer export (missing "format": "interviewer-export")')
    if data.get("version") != VERSION:
        version = data.get("version")
        shown = version if isinstance(version, int | float) and not isinstance(version, bool) else "?"
        raise StorageError(f"unsupported export version {shown} (this build reads {VERSION})")
    check_values(data)
    profiles = _each(data, "profiles", lambda item: Profile.model_validate({"id": 0, **item}))
    sessions = _each(data, "sessions", SessionRecord.model_validate)
    turns = _each(data, "turns", TurnRecord.model_validate)
    grades = _each(data, "grades", _grade)
    flags = _each(data, "reference_flags", lambda item: ReferenceFlag.model_validate({"id": 0, **item}))
    turns = _with_legacy_status(data, turns, sessions, grades)
    return (
        _unique(profiles, lambda p: p.name.strip()),
        _unique(sessions, lambda s: s.id),
        _unique(turns, lambda t: t.id),
        _unique(grades, lambda g: g[0].id),
        _unique(flags, flag_key),
    )


def _with_legacy_status(data: dict[str, Any], turns: list[TurnRecord], sessions: list[SessionRecord],
                        grades: list[tuple[GradeRecord, int | None]]) -> list[TurnRecord]:
    """Files exported before turns had a status: derive it the way migration 0003 does."""
    unmarked = {item.get("id") for item in data.get("turns", [])
                if isinstance(item, dict) and "status" not in item}
    if not unmarked:
        return turns
    limits = {s.id: per_question_limit(s.settings) for s in sessions}
    model_grades: dict[str, list[tuple[str, str | None]]] = {}
    for grade, _ in sorted(grades, key=lambda g: (as_utc(g[0].created_at), g[0].id)):
        if grade.grade.grader != LEGACY_SELF_GRADER:
            model_grades.setdefault(grade.turn_id, []).append((grade.grade.grader, grade.grade.note))
    return [
        turn.model_copy(update={"status": AnswerStatus(legacy_status(
            submitted=turn.submitted, answer=turn.answer, is_follow_up=turn.is_follow_up,
            model_grades=model_grades.get(turn.id, ()), time_spent_s=turn.time_spent_s,
            per_question_s=limits.get(turn.session_id)))}) if turn.id in unmarked else turn
        for turn in turns
    ]


def flag_key(flag: ReferenceFlag) -> tuple[str, str, datetime]:
    """What makes two reference flags the same one (the id is local to a database)."""
    return flag.question_id, flag.reason.strip(), as_utc(flag.created_at)


def as_utc(moment: datetime) -> datetime:
    """Naive datetimes in a file are UTC (how the database stores them); aware ones are converted."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _grade(item: dict[str, Any]) -> tuple[GradeRecord, int | None]:
    rating = item.get("rating")
    # A rating is 1-4 (Again, Hard, Good, Easy) or absent; anything else would break the card for good.
    if rating is not None and (isinstance(rating, bool) or rating not in (1, 2, 3, 4)):
        raise _FieldError(("rating",), "must be 1-4 (Again, Hard, Good, Easy) or null")
    record = GradeRecord.model_validate({k: v for k, v in item.items() if k != "rating"})
    return record, int(rating) if rating is not None else None


class _FieldError(Exception):
    def __init__(self, loc: tuple[str, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc
        self.message = message


def _check_dates(record: Any) -> None:
    """Every datetime must exist in UTC too (0001-01-01T00:00+05:00 does not), as that is how it is stored."""
    for name in type(record).model_fields:
        value = getattr(record, name)
        if isinstance(value, datetime):
            try:
                as_utc(value)
            except OverflowError:
                raise _FieldError((name,), "date out of range") from None


def _unique(items: list[T], key: Callable[[T], Any]) -> list[T]:
    seen: set[Any] = set()
    kept = []
    for item in items:
        if (k := key(item)) not in seen:
            seen.add(k)
            kept.append(item)
    return kept


def _each(data: dict[str, Any], key: str, parse_item: Callable[[Any], T]) -> list[T]:
    """Validate every item of one section; errors name the item, e.g. `sessions.3.started_at`."""
    items = data.get(key, [])
    if not isinstance(items, list):
        raise StorageError(f"invalid export file: {key!r} must be a list")
    parsed = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise StorageError(f"invalid export file at {key}.{index}: expected an object")
        try:
            record = parse_item(item)
            _check_dates(record[0] if isinstance(record, tuple) else record)
            parsed.append(record)
        except _FieldError as exc:
            raise _invalid((key, index, *exc.loc), exc.message) from None
        except ValidationError as exc:
            first = exc.errors(include_input=False, include_url=False)[0]
            raise _invalid((key, index, *first["loc"]), first["msg"]) from None
    return parsed
