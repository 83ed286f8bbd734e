"""The interface catalogues: complete (every marked string has a zh translation), compiled, consistent.

After adding or changing a `_()` string: `bash scripts/i18n.sh`, translate the new entries in
interviewer/locale/zh/LC_MESSAGES/interviewer.po, then `bash scripts/i18n.sh compile`.
"""

from __future__ import annotations

import io
import re
import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from typer.testing import CliRunner

from interviewer import i18n

REPO = Path(__file__).resolve().parents[2]
LOCALE = REPO / "interviewer" / "locale"
SCRIPT = REPO / "scripts" / "i18n.sh"
LANGUAGES = ("zh", "en")
# What scripts/i18n.sh passes to `pybabel extract` (checked below, so the two cannot drift apart).
EXTRA_KEYWORDS = {"N_": None, "ngettext": (1, 2), "Binding": (3,)}
SCRIPT_FLAGS = "-k N_ -k ngettext:1,2 -k Binding:3"


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "interviewer.po"


def read_catalog(language: str) -> Catalog:
    with po_path(language).open("rb") as file:
        return read_po(file, locale=language)


def extracted() -> dict[str | tuple[str, ...], list[str]]:
    """Every marked string in the package's sources (as `pybabel extract` finds them), with its files."""
    found: dict[str | tuple[str, ...], list[str]] = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        REPO / "interviewer",
        method_map=[("**.py", "python")],
        keywords={**DEFAULT_KEYWORDS, **EXTRA_KEYWORDS},
    ):
        found.setdefault(message, []).append(filename)
    return found


def placeholders(text: str) -> set[tuple[str, str, str]]:
    """The `{name!conv:spec}` fields of a format string (name, conversion, spec)."""
    return {(name, conversion or "", spec or "")
            for _literal, name, spec, conversion in string.Formatter().parse(text) if name is not None}


def test_script_extracts_with_the_keywords_this_test_uses():
    assert SCRIPT_FLAGS in SCRIPT.read_text("utf-8")


def test_every_marked_string_has_a_chinese_translation():
    catalog = read_catalog("zh")
    sources = extracted()
    assert len(sources) > 200  # the extraction did find the interface
    missing = [message for message in sources if catalog.get(message) is None]
    assert not missing, f"not in zh.po (run scripts/i18n.sh): {missing}"
    untranslated = [m.id for m in catalog if m.id and not (all(m.string) if isinstance(m.string, tuple)
                                                           else m.string)]
    assert not untranslated, f"no zh translation: {untranslated}"
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not fuzzy, f"fuzzy (skipped when compiled): {fuzzy}"


def test_no_marked_string_is_built_before_translation():
    """`_(f"...")` or `_("a" + b)` cannot be extracted (nor translated): the text must be one literal with
    `{placeholders}`, formatted after `_()`."""
    import ast

    built = []
    for path in sorted((REPO / "interviewer").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("_", "N_", "ngettext") and node.args
                    and isinstance(node.args[0], ast.JoinedStr | ast.BinOp)):
                built.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert not built


def test_nothing_is_translated_at_import_time():
    """A module-level `_()` would freeze the language the module was imported in (use `N_()` there)."""
    import ast

    early = []
    for path in sorted((REPO / "interviewer").rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        deferred = {id(sub) for node in ast.walk(tree)
                    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
                    for sub in ast.walk(node)}
        early += [f"{path.relative_to(REPO)}:{node.lineno}" for node in ast.walk(tree)
                  if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                  and node.func.id in ("_", "ngettext") and id(node) not in deferred]
    assert not early


def test_english_catalogue_lists_the_same_strings():
    zh, en = read_catalog("zh"), read_catalog("en")
    assert {m.id for m in zh if m.id} == {m.id for m in en if m.id}


@pytest.mark.parametrize("language", LANGUAGES)
def test_committed_mo_files_are_compiled_from_the_po_files(language):
    buffer = io.BytesIO()
    write_mo(buffer, read_catalog(language))
    committed = (LOCALE / language / "LC_MESSAGES" / "interviewer.mo").read_bytes()
    assert committed == buffer.getvalue(), "stale .mo: run `bash scripts/i18n.sh compile`"


def test_translations_keep_the_placeholders_of_their_msgid():
    wrong = []
    for message in read_catalog("zh"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = placeholders(ids[-1]) | placeholders(ids[0])
        wrong += [(ids[0], text) for text in strings if text and placeholders(text) != expected]
    assert not wrong


def test_chinese_wording_uses_the_agreed_terms():
    catalog = read_catalog("zh")

    def zh(message: str) -> str:
        entry = catalog.get(message)
        assert entry is not None, message
        return str(entry.string)

    assert zh("Quit") == "退出" and zh("Help") == "帮助" and zh("Reference answer") == "参考答案"
    assert zh("Next question") == "下一题" and "提交" in zh("Submit / next")
    assert "LLM" in zh("LLM endpoint")  # technical terms stay in English
    assert not re.search(r"[A-Za-z]{4,}", zh("Timed interview"))


def test_language_follows_the_setting_unless_pinned():
    i18n.pin_language(None)
    i18n.apply_setting("zh")
    assert i18n.current_language() == "zh" and i18n._("Quit") == "退出"
    i18n.apply_setting("en")
    assert i18n._("Quit") == "Quit"
    i18n.pin_language("en")
    i18n.apply_setting("zh")
    assert i18n.current_language() == "en" and i18n._("Quit") == "Quit"
    i18n.reset()
    assert i18n.current_language() == "en"
    i18n.apply_setting("zh")
    assert i18n._("Quit") == "退出"


def test_plural_forms_in_both_languages():
    i18n.pin_language("en")
    assert i18n.ngettext("{n} session", "{n} sessions", 1).format(n=1) == "1 session"
    assert i18n.ngettext("{n} session", "{n} sessions", 3).format(n=3) == "3 sessions"
    i18n.pin_language("zh")
    assert i18n.ngettext("{n} session", "{n} sessions", 3).format(n=3) == "3 个会话"


@pytest.mark.parametrize(("language", "expected"), [("en", "no sessions yet"), ("zh", "还没有会话")])
def test_cli_messages_follow_interviewer_language(monkeypatch, tmp_path, language, expected):
    from interviewer.cli.main import app

    i18n.pin_language(None)  # as in real use: the setting decides
    monkeypatch.setenv("INTERVIEWER_LANGUAGE", language)
    result = CliRunner().invoke(app, ["--db", f"sqlite:///{tmp_path / 'cli.sqlite3'}", "review"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == expected


def test_cli_error_lines_are_translated_but_keep_their_prefix(monkeypatch, tmp_path):
    from interviewer.cli.main import app

    i18n.pin_language(None)
    monkeypatch.setenv("INTERVIEWER_LANGUAGE", "zh")
    result = CliRunner().invoke(app, ["--db", f"sqlite:///{tmp_path / 'cli.sqlite3'}", "review", "-e", "pdf"])
    assert result.exit_code == 1
    assert "error: 未知的导出格式 'pdf'（请用 md 或 json）" in result.output


def test_interface_language_reads_the_variable_then_the_file_and_creates_nothing(monkeypatch, tmp_path):
    from interviewer.cli.tui import interface_language

    config_dir = tmp_path / "config"
    monkeypatch.setenv("INTERVIEWER_CONFIG_DIR", str(config_dir))
    assert interface_language() == "zh" and not config_dir.exists()  # the default; no directory made
    config_dir.mkdir()
    (config_dir / "config.toml").write_text('language = "en"\n', "utf-8")
    assert interface_language() == "en"
    monkeypatch.setenv("INTERVIEWER_LANGUAGE", "zh")
    assert interface_language() == "zh"  # the variable wins, as in the settings
    monkeypatch.delenv("INTERVIEWER_LANGUAGE")
    (config_dir / "config.toml").write_text("language = [", "utf-8")  # broken: reported elsewhere
    assert interface_language() == "zh"
