"""The one error type of the bank: every message names the file and line (`FILE:LINE: what is wrong`)."""

from __future__ import annotations

from pathlib import Path


class BankError(Exception):
    """A bank or import file that cannot be used. `str(err)` is one line: `FILE:LINE: what is wrong`."""

    def __init__(self, file: Path | str, line: int, message: str) -> None:
        self.file = str(file)
        self.line = max(1, int(line))
        self.message = message
        super().__init__(f"{self.file}:{self.line}: {message}")
