"""Issue 16 item 7: output files are replaced atomically only when they are regular files; a device, a pipe or
`-` is written through, a symlink is followed (the link stays), anything else is refused."""

from __future__ import annotations

import json
import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from interviewer.cli.main import app
from interviewer.files import write_text

runner = CliRunner()


@pytest.fixture(params=["device", "fifo"])
def special_file(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Path, list[bytes]]]:
    """A character device like /dev/null made with mknod (root only), or a FIFO drained by a reader thread."""
    path = tmp_path / "null"
    received: list[bytes] = []
    if request.param == "device":
        try:
            os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        except OSError:
            pytest.skip("mknod needs root (CAP_MKNOD): the FIFO case covers the rest")
        yield path, received
        assert stat.S_ISCHR(path.lstat().st_mode), "the device node was replaced"
        return
    os.mkfifo(path)

    def drain() -> None:
        with open(path, "rb") as stream:
            received.append(stream.read())

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    yield path, received
    reader.join(timeout=30)
    assert received, "nothing was written into the pipe"
    assert stat.S_ISFIFO(path.lstat().st_mode), "the pipe was replaced"


def test_data_export_writes_through_a_device_and_keeps_it(special_file: tuple[Path, list[bytes]],
                                                          tmp_path: Path) -> None:
    path, received = special_file
    db = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    result = runner.invoke(app, ["--db", db, "data", "export", str(path)])
    assert result.exit_code == 0, result.output
    mode = path.lstat().st_mode
    assert stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)
    assert not list(tmp_path.glob(".null.*"))  # no temporary file left beside it
    if received:  # a FIFO: the reader got the whole export
        assert json.loads(received[0])["format"] == "interviewer-export"


def test_data_export_to_stdout_keeps_stdout_pure_json(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    result = runner.invoke(app, ["--db", db, "data", "export", "-"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["format"] == "interviewer-export"
    assert "exported" in result.stderr and not (tmp_path / "-").exists()


def test_regular_file_is_replaced_atomically_and_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "config.toml"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o600)
    inode = target.stat().st_ino
    write_text(target, "新内容\n")
    assert target.read_text(encoding="utf-8") == "新内容\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.stat().st_ino != inode  # renamed over, not truncated in place
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml"]


def test_symlink_is_followed_and_kept(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_text(link, "new")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new"
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "made.json")
    write_text(dangling, "made")
    assert dangling.is_symlink() and (tmp_path / "made.json").read_text(encoding="utf-8") == "made"


def test_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="is a directory"):
        write_text(tmp_path, "x")
    db = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    result = runner.invoke(app, ["--db", db, "data", "export", str(tmp_path)])
    assert result.exit_code == 1 and "is a directory" in result.output and "Traceback" not in result.output


def test_dash_means_stdout(capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                           ) -> None:
    monkeypatch.chdir(tmp_path)
    write_text("-", "to stdout")
    assert capsys.readouterr().out == "to stdout" and not (tmp_path / "-").exists()


def test_private_files_are_never_readable_by_others(tmp_path) -> None:
    import stat

    from interviewer.files import write_text

    fresh, loose = tmp_path / "new.toml", tmp_path / "old.toml"
    loose.write_text("x = 1\n", encoding="utf-8")
    loose.chmod(0o644)
    for path in (fresh, loose):
        write_text(path, "[llm]\napi_key = \"k\"\n", private=True)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600 and "api_key" in path.read_text(encoding="utf-8")
