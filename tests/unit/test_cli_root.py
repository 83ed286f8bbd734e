from __future__ import annotations

import subprocess
import sys

from typer.testing import CliRunner

from interviewer import __version__
from interviewer.cli.main import app
from interviewer.config import load_settings


def test_version_flag_prints_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"interviewer {__version__}"


def test_help_lists_options_and_commands() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for word in ("--db", "--profile", "--version", "bank"):
        assert word in result.output


def test_module_entry_point_runs() -> None:
    out = subprocess.run([sys.executable, "-m", "interviewer", "--version"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert __version__ in out.stdout


def test_settings_env_nesting_and_secret(monkeypatch) -> None:
    monkeypatch.setenv("INTERVIEWER_LLM__BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("INTERVIEWER_LLM__API_KEY", "sekrit")
    settings = load_settings()
    assert settings.llm.base_url == "http://127.0.0.1:9/v1"
    assert settings.llm.configured
    assert "sekrit" not in repr(settings)
    assert settings.llm.api_key.get_secret_value() == "sekrit"


def test_settings_toml_file_below_env(isolated_user_dirs, monkeypatch) -> None:
    cfg = isolated_user_dirs / "config"
    cfg.mkdir(parents=True, exist_ok=True)
    (cfg / "config.toml").write_text('language = "en"\nprofile = "alice"\n[llm]\nmodel = "m1"\n')
    monkeypatch.setenv("INTERVIEWER_PROFILE", "bob")
    settings = load_settings()
    assert settings.language == "en"
    assert settings.llm.model == "m1"
    assert settings.profile == "bob"
    assert settings.resolved_database_url.endswith("interviewer.sqlite3")
