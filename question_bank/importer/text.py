"""Small text helpers shared by the format parsers."""

from __future__ import annotations

import re

_HEADING_START = re.compile(r"\s{0,3}(#{1,6})\s+")
_HEADING = re.compile(r"\s{0,3}(#{1,6})\s+(.*)")
_EMPHASIS = re.compile(r"\*{2,3}|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)")
_QUESTION_MARK = re.compile(r"[?？]")
_LETTER = re.compile(r"[^\W\d_]")
_ASKING = re.compile(
    r"^(如何|怎么|怎样|为什么|为何|什么|是否|哪些|有哪些|介绍|简单介绍|解释|讲讲|谈谈|说说|简述|请|对比|比较|"
    r"what\b|how\b|why\b|when\b|which\b|explain\b|describe\b|compare\b|is\b|are\b|does\b|do\b|can\b)",
    re.IGNORECASE,
)
_ASKING_ANYWHERE = re.compile(r"(是什么|是啥|区别|异同|原理|吗$|呢$|么$)")


def heading_match(line: str) -> re.Match[str] | None:
    """Match an ATX heading line: group 1 the `#`s, group 2 the text without closing `#`s and spaces.

    The same groups as `^\\s{0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$`, whose lazy text and three trailing runs
    backtrack in cubic time on a line of spaces; here the closing run is trimmed with `rstrip` first.
    """
    start = _HEADING_START.match(line)
    if start is None or "\n" in line:
        return None
    rest = line[start.end():]
    end = start.end() + len(rest.rstrip().rstrip("#").rstrip())
    return _HEADING.match(line, 0, end)


def strip_emphasis(text: str) -> str:
    """Remove Markdown bold/italic markers (`**x**`, `***x***`, `*x*`), keeping the words."""
    return _EMPHASIS.sub("", text)


def plain(text: str) -> str:
    """One-line plain text: no emphasis, no code backticks, collapsed spaces."""
    return re.sub(r"\s+", " ", strip_emphasis(text).replace("`", "")).strip()


def is_question(text: str) -> bool:
    """Whether a heading reads as a question (question mark, asking verb or 是什么/区别-style phrase)."""
    words = plain(text)
    if not _LETTER.search(words):
        return False  # `### ？` or `### **` asks nothing
    if _QUESTION_MARK.search(words):
        return True
    # Short labels such as `区别` or `原理` are answer sub-headings, not questions.
    return len(words) >= 6 and bool(_ASKING.match(words) or _ASKING_ANYWHERE.search(words))


_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff\uff08\uff09（）])\s+(?=[\u3400-\u9fff（）])")
_SPACE_BEFORE_MARK = re.compile(r"(?<!\s)\s+(?=[?？!！。，,])")  # starts only at a run's first space: linear


def tidy_question(text: str) -> str:
    """Question text with the seeds' odd spacing removed (`区别 是什么 ?` -> `区别是什么?`)."""
    return _SPACE_BEFORE_MARK.sub("", _CJK_GAP.sub("", plain(text)))


def join_body(lines: list[str]) -> str:
    """Body lines joined as text without leading/trailing blank lines."""
    return "\n".join(lines).strip("\n")
