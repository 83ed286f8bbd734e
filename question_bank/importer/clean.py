"""Clean answer Markdown: drop images and dead intranet/private links, tidy whitespace.

Live public links stay (they are part of the notes); links whose host is known to be unreachable from outside
(company intranets, private Notion pages) keep only their text, and bare lines of such URLs disappear.
"""

from __future__ import annotations

import re

DEAD_HOSTS = ("alibaba-inc.com", "notion.so", "notion.site", "intranet", "corp.", ".internal", "localhost")
"""Substrings of URL hosts treated as dead links."""

# Link texts exclude `[` and link targets stop at an unbalanced `(` (one level of `(...)` allowed), so every
# attempt ends at the next bracket: with `[^\]]*` / `\S+?\)` a line of 60 KB of `[` or `](` took seconds.
_LABEL = r"[^\[\]]*"
_TARGET = r"[^()]*(?:\([^()]*\)[^()]*)*"
_URL = r"[^\s()]+(?:\([^\s()]*\)[^\s()]*)*"
_LINKED_IMAGE = re.compile(rf"\[!\[{_LABEL}\]\({_TARGET}\)\]\({_TARGET}\)")
_IMAGE = re.compile(rf"!\[{_LABEL}\]\({_TARGET}\)")
_BARE_IMAGE = re.compile(r"^\s*!\s*https?://\S+\s*$")
_LINK = re.compile(rf"\[({_LABEL})\]\(({_URL})\)")
_BARE_URL_LINE = re.compile(r"^\s*(?:\*{1,4}\s*)?(https?://\S+?)\s*(?:\*{1,4}\s*)?$")  # no `\s*\*{0,4}\s*`
_IMAGE_URL = re.compile(r"(\.(png|jpe?g|gif|webp|svg)(\?\S*)?$)|(cdn|static|img|pic\d*)\.", re.IGNORECASE)
_JUNK = re.compile(r'^"nolink">')
_BLANKS = re.compile(r"\n{3,}")


def is_dead(url: str) -> bool:
    """Whether a URL points at a host readers of the bank cannot reach."""
    host = re.sub(r"^[a-z]+://", "", url.lower()).split("/", 1)[0]
    return any(marker in host for marker in DEAD_HOSTS)


def clean_markdown(text: str) -> str:
    """The answer without images, dead links and stray markup; '' when nothing is left."""
    lines: list[str] = []
    for raw in text.replace("\t", "    ").splitlines():
        line = _JUNK.sub("", raw.rstrip())
        line = _LINKED_IMAGE.sub("", line)
        line = _IMAGE.sub("", line)
        if _BARE_IMAGE.match(line):
            continue
        bare = _BARE_URL_LINE.match(line)
        if bare and (is_dead(bare.group(1)) or _IMAGE_URL.search(bare.group(1))):
            continue
        line = _LINK.sub(_unlink_dead, line).rstrip()
        lines.append(line)
    body = _BLANKS.sub("\n\n", "\n".join(lines)).strip("\n")
    return body if re.search(r"\w", body) else ""


def _unlink_dead(match: re.Match[str]) -> str:
    label, url = match.group(1), match.group(2)
    if is_dead(url):
        return label
    return match.group(0)
