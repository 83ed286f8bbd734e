"""Strip terminal escape sequences and control characters from untrusted text (model or candidate output).

Used by everything that shows such text: the TUI widgets, transcript export and the plain-terminal commands.
"""

from __future__ import annotations

import re

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
