"""Issue 16: Hypothesis fuzz over export JSON fed to `interviewer data import`: every input finishes within a
bound and ends in success or one `error:` line with exit 1, never a traceback."""

from __future__ import annotations

import json
import time
from copy import deepcopy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from interviewer.cli.main import app
from interviewer.db import open_repository
from interviewer.domain import Grade, Verdict

BOUND_S = 20.0  # generous: an import of these small files takes milliseconds

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=30),
    st.sampled_from(["abc", "2026-02-30", "2024-13-45T00:00:00", "2026-01-01T00:00:00", "", "\x00", "self",
                     "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-12:00", "\ud800"]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def _seed_export(tmp_path: Path) -> dict[str, Any]:
    repo = open_repository(f"sqlite:///{tmp_path / 'seed.sqlite3'}")
    session = repo.start_session("alice", "practice")
    turn = repo.add_turn(session.id, "q-1", "question?")
    repo.submit_answer(turn.id, "answer", time_spent_s=2.0)
    repo.record_grade(turn.id, Grade(score=4.0, verdict=Verdict.WEAK, grader="offline-v1"))
    repo.record_self_grade(turn.id, rating=2)
    repo.flag_reference("q-1", "bad", profile="alice")
    data = repo.export_data()
    repo.close()
    return data


def _paths(value: Any, where: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [where]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*where, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*where, index))
    return found


def _mutate(data: dict[str, Any], picks: list[tuple[int, Any, str]]) -> Any:
    doc = deepcopy(data)
    for index, value, action in picks:
        paths = _paths(doc)[1:]
        if not paths:
            break
        path = paths[index % len(paths)]
        parent = doc
        for part in path[:-1]:
            parent = parent[part]
        last = path[-1]
        if action == "set":
            parent[last] = value
        elif action == "drop":
            del parent[last]
        elif action == "dup" and isinstance(parent, list):
            parent.append(deepcopy(parent[last]))
    return doc


def _check(result: Any, started: float) -> None:
    assert time.perf_counter() - started < BOUND_S
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    if result.exit_code != 0:
        assert result.exit_code == 1
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), result.output


@pytest.fixture
def seed(tmp_path: Path) -> dict[str, Any]:
    return _seed_export(tmp_path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picks=st.lists(st.tuples(st.integers(0, 10_000), json_values, st.sampled_from(["set", "drop", "dup"])),
                      min_size=1, max_size=4))
def test_fuzzed_exports_import_or_fail_in_one_line(tmp_path: Path, seed: dict[str, Any], picks: list) -> None:
    file = tmp_path / "fuzz.json"
    file.write_text(json.dumps(_mutate(seed, picks)), encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'target.sqlite3'}"
    started = time.perf_counter()
    result = CliRunner().invoke(app, ["--db", db, "data", "import", str(file)])
    _check(result, started)
    after = CliRunner().invoke(app, ["--db", db, "--profile", "alice", "weak", "--json"])
    assert after.exit_code == 0, after.output  # whatever was imported, the database still works


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.one_of(st.binary(max_size=200), json_values.map(lambda v: json.dumps(v).encode())))
def test_arbitrary_bytes_import_or_fail_in_one_line(tmp_path: Path, raw: bytes) -> None:
    file = tmp_path / "raw.json"
    file.write_bytes(raw)
    started = time.perf_counter()
    result = CliRunner().invoke(app, ["--db", f"sqlite:///{tmp_path / 'raw.sqlite3'}", "data", "import",
                                      str(file)])
    _check(result, started)
