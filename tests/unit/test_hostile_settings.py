"""Issue 16, broken settings and secrets: every command prints one line naming the file or variable and exits
1; URL passwords and setting values never reach the output; unknown keys are warned about."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from interviewer.cli.main import app
from interviewer.config import load_settings
from interviewer.config_errors import SettingsError

COMMANDS = [["weak"], ["review"], ["data", "export", "out.json"], ["data", "import", "in.json"], ["doctor"],
            ["ask", "--id", "x"]]
OPENING_COMMANDS = [["weak"], ["data", "export", "out.json"], ["review"], ["ask", "--id", "x"]]


def _run(args: list[str], cwd: Path) -> tuple[int, str]:
    old = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(app, args, input="")
    finally:
        os.chdir(old)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.output


def _assert_one_line(code: int, output: str, *needles: str) -> None:
    assert code == 1, output
    lines = output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), output
    for needle in needles:
        assert needle in lines[0], output


def _config(home: Path, content: bytes) -> Path:
    path = home / "config" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"language = [\n", "not valid TOML"),
        (b'language = "fr"\n', "language"),
        (b'[llm]\nbase_url = "caf\xe9"\n', "not UTF-8"),
        (b'[llm]\napi_key = ["sk-very-secret-123"]\n', "llm.api_key"),
    ],
)
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
def test_a_broken_config_file_is_one_line_naming_it(isolated_user_dirs, tmp_path, content, needle, command):
    path = _config(isolated_user_dirs, content)
    code, output = _run(command, tmp_path)
    _assert_one_line(code, output, str(path), needle)
    assert "sk-very-secret-123" not in output


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
def test_a_bad_variable_is_named(monkeypatch, tmp_path, command):
    monkeypatch.setenv("INTERVIEWER_LLM__MAX_RETRIES", "abc")
    _assert_one_line(*_run(command, tmp_path), "INTERVIEWER_LLM__MAX_RETRIES")


@pytest.mark.parametrize("command", [["weak"], ["data", "export", "out.json"], ["data", "import", "in.json"],
                                     ["review"], ["ask", "--id", "x"]], ids=lambda c: " ".join(c))
def test_a_database_password_is_never_printed(monkeypatch, tmp_path, command):
    (tmp_path / "in.json").write_text("{}", encoding="utf-8")
    monkeypatch.setenv("INTERVIEWER_DATABASE_URL", "postgresql://u:secretpw@127.0.0.1:1/x")
    code, output = _run(command, tmp_path)
    _assert_one_line(code, output, "cannot open database postgresql://u:***@127.0.0.1:1/x")
    assert "secretpw" not in output


def test_an_unparseable_database_url_is_not_echoed(tmp_path):
    code, output = _run(["--db", "not a url://u:secretpw@", "weak"], tmp_path)
    _assert_one_line(code, output)
    assert "secretpw" not in output


def test_a_database_at_a_newer_schema_revision(tmp_path):
    db = tmp_path / "future.sqlite3"
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        connection.execute("INSERT INTO alembic_version VALUES ('9999_from_the_future')")
    for command in (["weak"], ["data", "export", "out.json"], ["review"], ["ask", "--id", "x"]):
        code, output = _run(["--db", f"sqlite:///{db}", *command], tmp_path)
        _assert_one_line(code, output, str(db), "newer than this version")


@pytest.mark.parametrize("command", OPENING_COMMANDS, ids=lambda c: " ".join(c))
def test_a_data_dir_that_is_a_file(monkeypatch, tmp_path, command):
    blocker = tmp_path / "data-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("INTERVIEWER_DATA_DIR", str(blocker))
    _assert_one_line(*_run(command, tmp_path), "INTERVIEWER_DATA_DIR")


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can write anywhere")
def test_an_unwritable_data_dir(monkeypatch, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    monkeypatch.setenv("INTERVIEWER_DATA_DIR", str(locked))
    try:
        _assert_one_line(*_run(["weak"], tmp_path), str(locked))
    finally:
        locked.chmod(0o700)


def test_unknown_keys_are_named_with_a_suggestion(isolated_user_dirs, monkeypatch, capsys):
    path = _config(isolated_user_dirs, b'[llm]\nbase_ur = "http://127.0.0.1:8000/v1"\n')
    monkeypatch.setenv("INTERVIEWER_LANGUGE", "en")
    settings = load_settings()
    assert settings.llm.base_url is None
    err = capsys.readouterr().err
    assert f"warning: unknown setting {path}: 'llm.base_ur' is ignored (did you mean 'llm.base_url'?)" in err
    assert "warning: unknown setting INTERVIEWER_LANGUGE is ignored (did you mean 'language'?)" in err


def test_settings_errors_never_carry_the_value(isolated_user_dirs, monkeypatch):
    monkeypatch.setenv("INTERVIEWER_LLM__CONNECT_TIMEOUT_S", "sk-leaked-through-a-typo")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert "sk-leaked" not in str(caught.value) and "INTERVIEWER_LLM__CONNECT_TIMEOUT_S" in str(caught.value)


def test_doctor_hides_the_password_of_a_base_url(monkeypatch, tmp_path):
    monkeypatch.setenv("INTERVIEWER_LLM__BASE_URL", "http://user:hunter2pw@127.0.0.1:9/v1")
    monkeypatch.setenv("INTERVIEWER_LLM__CONNECT_TIMEOUT_S", "1")
    for args in (["doctor"], ["doctor", "--json"]):
        code, output = _run(args, tmp_path)
        assert code == 1 and "hunter2pw" not in output
    data = json.loads(_run(["doctor", "--json"], tmp_path)[1])
    assert data["base_url"] == "http://127.0.0.1:9/v1"


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
@pytest.mark.parametrize("data_dir", ["/proc", "/proc/no-such-dir-for-interviewer"])
def test_a_data_dir_nobody_can_write(monkeypatch, tmp_path, data_dir):
    """/proc refuses new files even to root, so this runs where chmod cannot lock a directory."""
    monkeypatch.setenv("INTERVIEWER_DATA_DIR", data_dir)
    for command in (["weak"], ["data", "export", "out.json"], ["review"], ["ask", "--id", "x"]):
        _assert_one_line(*_run(command, tmp_path), data_dir)


def test_a_group_variable_that_is_not_json(monkeypatch, tmp_path):
    monkeypatch.setenv("INTERVIEWER_LLM", "{not json sk-secret-999")
    code, output = _run(["weak"], tmp_path)
    _assert_one_line(code, output, "INTERVIEWER_LLM")
    assert "sk-secret-999" not in output


def test_the_tui_message_names_the_file(isolated_user_dirs):
    """The Home screen shows `str(error)` of building its services: that line now names the file."""
    from interviewer.services.ui.facade import UiServices

    path = _config(isolated_user_dirs, b'[llm]\napi_key = ["sk-tui-secret"]\n')
    with pytest.raises(SettingsError) as caught:
        UiServices.from_settings()
    assert str(path) in str(caught.value) and "sk-tui-secret" not in str(caught.value)


def test_review_hides_the_database_password() -> None:
    import subprocess
    import sys

    env = {**__import__("os").environ,
           "INTERVIEWER_DATABASE_URL": "postgresql+psycopg://u:secretpw@127.0.0.1:1/x"}
    result = subprocess.run([sys.executable, "-m", "interviewer", "review"], capture_output=True, text=True,
                            env=env, timeout=60)
    assert result.returncode == 1
    assert "secretpw" not in result.stderr + result.stdout and "u:***@" in result.stderr
    assert result.stderr.startswith("error: cannot open database") and "Traceback" not in result.stderr
