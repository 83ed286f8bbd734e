"""Strip terminal escape sequences and control characters from untrusted text (model or candidate output,
bank files, imported notes, server messages).

The one path for such text: the TUI widgets, transcript export, the plain-terminal commands (`strip_controls`,
`one_line`), Markdown exports (`html_text`) and the notes importer (`remove_escapes`).
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

# CSI (ESC [ ... final), OSC (ESC ] ... BEL/ST), other two-byte ESC sequences, and 8-bit C1 CSI/OSC.
_ESCAPES = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]          # CSI
    | \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?  # OSC, terminated by BEL or ST (or unterminated)
    | \x1b[PX^_][^\x1b]*(?:\x1b\\)?  # DCS / SOS / PM / APC strings
    | \x1b[@-Z\\-_]                  # two-byte Fe sequences
    | \x1b.?                         # any other stray ESC
    | \x9b[0-?]*[ -/]*[@-~]          # 8-bit CSI
    | \x9d[^\x07\x9c]*[\x07\x9c]?    # 8-bit OSC
    """,
    re.VERBOSE,
)
# C0 controls except tab and newline, DEL, C1 controls, and bidi overrides that can disguise text.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069]")


def strip_controls(text: str) -> str:
    """Remove terminal escape sequences and control characters; keep tabs (as spaces) and newlines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ESCAPES.sub("", text)
    text = _CONTROLS.sub("", text)
    return text.replace("\t", "    ")


# The same sequences, but a string body never runs past its line (stored text keeps its line numbers), and
# tab, newline and carriage return stay: text cleaned here is stored, not printed.
_ESCAPES_IN_LINE = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]
    | \x1b\][^\x07\x1b\n]*(?:\x07|\x1b\\)?
    | \x1b[PX^_][^\x1b\n]*(?:\x1b\\)?
    | \x1b[@-Z\\-_]
    | \x1b[^\n]?
    | \x9b[0-?]*[ -/]*[@-~]
    | \x9d[^\x07\x9c\n]*[\x07\x9c]?
    """,
    re.VERBOSE,
)
_CONTROLS_IN_LINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069]")


def remove_escapes(text: str) -> str:
    """Untrusted text to store (imported notes): escapes and controls removed, lines kept as they are."""
    return _CONTROLS_IN_LINE.sub("", _ESCAPES_IN_LINE.sub("", text))


def one_line(text: str) -> str:
    """Untrusted text for one terminal line (a table cell, an error): cleaned, whitespace collapsed."""
    return " ".join(strip_controls(text).split())


def html_text(text: str) -> str:
    """Untrusted text inside Markdown that may hold HTML (`<details>`): cleaned, `&`, `<`, `>` escaped."""
    return html.escape(strip_controls(text), quote=False)


_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def terminal_json(data: Any) -> str:
    """JSON for a terminal: the data unchanged, but C1 controls (8-bit CSI/OSC) and bidi overrides in strings
    are written as `\\u` escapes (`json.dumps` escapes C0 controls such as ESC itself, not these)."""
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
