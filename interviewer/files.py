"""Write an output file the way every command should: atomic for regular files, written through otherwise.

`interviewer data export /dev/null` used to write a temporary file and rename it over the target, which
replaced the device node with a regular file (run as root, that breaks every program that opens /dev/null).
Here only a regular file (or a new path) is replaced by rename; a character device or a FIFO is opened and
written in place, `-` means standard output, and anything else (a directory, a block device, a socket) is
refused. A symlink is followed on purpose: the file it points to is written by the same rules and the link
itself stays (a config file symlinked from a dotfiles repository keeps working).
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

STDOUT = "-"
"""The target name that means standard output."""


def is_stdout(target: str | os.PathLike[str]) -> bool:
    """Whether `target` names standard output (`-`)."""
    return os.fspath(target) == STDOUT


def write_text(target: str | os.PathLike[str], text: str, *, encoding: str = "utf-8",
               private: bool = False) -> None:
    """Write `text` to `target` (see the module docstring); OSError with a clear strerror when it cannot.

    `private`: a regular file ends up mode 0600 and is never readable by others, not even for a moment
    (for files that hold secrets, such as the config file with the API key).
    """
    if is_stdout(target):
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    path = Path(os.path.realpath(target))  # follow symlinks: write what the link points to
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        mode = None
    if mode is None or stat.S_ISREG(mode):
        keep = None if mode is None else stat.S_IMODE(mode)
        _replace(path, text.encode(encoding), 0o600 if private else keep)
    elif stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        with open(path, "w", encoding=encoding) as stream:  # a device or pipe: never renamed over
            stream.write(text)
    else:
        kind = "a directory" if stat.S_ISDIR(mode) else "not a regular file, character device or pipe"
        raise OSError(f"{path} is {kind}")


def _replace(path: Path, data: bytes, mode: int | None) -> None:
    """Write a sibling temporary file, flush it to disk, then rename it over `path` (all or nothing)."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    # O_EXCL: never write through someone else's file or link at the temporary name; 0o666 & umask for new
    # files, the old file's permission bits when replacing one (a 0600 config stays 0600).
    partial.unlink(missing_ok=True)  # left by a killed run with the same pid
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 if mode is None else mode)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if mode is not None:
            os.chmod(partial, mode)  # os.open applied the umask
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
