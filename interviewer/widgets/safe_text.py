"""Make untrusted text (from the model or the candidate) safe to show.

Terminal escape sequences and control characters are stripped, and the result is rendered as plain `Text`
or as Markdown whose markup characters are escaped, so nothing the model writes can restyle the screen,
move the cursor or inject Textual/Rich markup.
"""

from __future__ import annotations

import re

from rich.text import Text

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
# Characters that mean something to Markdown (or to HTML inside Markdown).
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~>])")


def strip_controls(text: str) -> str:
    """Remove terminal escape sequences and control characters; keep tabs (as spaces) and newlines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ESCAPES.sub("", text)
    text = _CONTROLS.sub("", text)
    return text.replace("\t", "    ")


def safe_text(text: str, style: str = "") -> Text:
    """Untrusted text as a Rich `Text` (never parsed as markup)."""
    return Text(strip_controls(text), style=style)


def escape_markdown(text: str) -> str:
    """Untrusted text as Markdown that renders literally (markup characters backslash-escaped)."""
    cleaned = strip_controls(text)
    lines = [_MARKDOWN_SPECIALS.sub(r"\\\1", line) for line in cleaned.split("\n")]
    # Two trailing spaces keep single line breaks the candidate typed.
    return "  \n".join(lines)


def trusted_markdown(text: str) -> str:
    """Bank text (questions, references we ship) as Markdown: markup kept, escapes/controls removed."""
    return strip_controls(text)
