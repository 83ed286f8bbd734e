"""Safe reading of user-supplied text files: size cap before reading, binary and encoding checks."""

from __future__ import annotations

from pathlib import Path

from question_bank.errors import BankError

MAX_FILE_BYTES = 5 * 1024 * 1024
"""Bank and import files above this size are refused before they are read (a bank file is ~100 KB)."""


def read_text(path: Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Return the UTF-8 text of `path`; raise BankError (with a line) for big, binary or non-UTF-8 files."""
    try:
        size = path.stat().st_size
    except OSError as err:
        raise BankError(path, 1, f"cannot read file: {err.strerror or err}") from None
    if path.is_dir():
        raise BankError(path, 1, "is a directory, expected a file")
    if size > max_bytes:
        raise BankError(path, 1, f"file is {size / 1_048_576:.1f} MB, over the {max_bytes // 1_048_576} MB "
                        "limit for bank and import files")
    try:
        data = path.read_bytes()
    except OSError as err:
        raise BankError(path, 1, f"cannot read file: {err.strerror or err}") from None
    nul = data.find(b"\x00")
    if nul >= 0:
        raise BankError(path, data.count(b"\n", 0, nul) + 1, "binary file (NUL byte), expected UTF-8 text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise BankError(path, line, f"not valid UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start})"
                        ) from None
    return text.removeprefix("\ufeff")
