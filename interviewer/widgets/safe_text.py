"""Make untrusted text (from the model or the candidate) safe to show.

Terminal escape sequences and control characters are stripped, and the result is rendered as plain `Text`
or as Markdown whose markup characters are escaped, so nothing the model writes can restyle the screen,
move the cursor or inject Textual/Rich markup.
"""

from __future__ import annotations

import re

from rich.text import Text

from interviewer.terminal_text import strip_controls

# Characters that mean something to Markdown (or to HTML inside Markdown).
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~>])")


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
