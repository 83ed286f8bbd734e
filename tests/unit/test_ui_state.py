"""Home's form values kept between launches (`services.ui.ui_state`): per profile, never fatal."""

from __future__ import annotations

from pathlib import Path

from interviewer.services.ui.ui_state import SessionForm, load_session_form, save_session_form


def test_saved_values_come_back_per_profile(tmp_path: Path) -> None:
    path = tmp_path / "ui-state.json"
    assert load_session_form("default", path) is None
    save_session_form("default", SessionForm(4, 2.5), path)
    save_session_form("alice", SessionForm(10, 1.0), path)
    assert load_session_form("default", path) == SessionForm(4, 2.5)
    assert load_session_form("alice", path) == SessionForm(10, 1.0)


def test_a_broken_state_file_means_the_defaults_and_is_replaced_on_save(tmp_path: Path) -> None:
    path = tmp_path / "ui-state.json"
    for broken in ("{not json", "[1, 2]", '{"session_form": [3]}',
                   '{"session_form": {"default": {"n_questions": "many"}}}'):
        path.write_text(broken, "utf-8")
        assert load_session_form("default", path) is None
    save_session_form("default", SessionForm(2, 5.0), path)
    assert load_session_form("default", path) == SessionForm(2, 5.0)
