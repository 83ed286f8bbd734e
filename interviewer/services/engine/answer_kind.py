"""Classify a submission before grading: a clarifying question, "I don't know", junk, or an answer.

Clarifying-question heuristic (`looks_like_clarification`), deliberately conservative because a false positive
costs the candidate nothing but a reply while a false negative just grades the question as an (empty) answer:
- short: at most CLARIFY_MAX_CHARS characters and CLARIFY_MAX_WORDS latin words;
- at most two sentences, no code block, no line break list;
- it ends with `?` or `？` AND either contains a clarifying cue ("是指", "你是说", "可以假设",
  "do you mean", "should I", "can I assume", ...) or is very short (<= CLARIFY_BARE_CHARS characters,
  e.g. "哪种模型？").
An answer that ends with a rhetorical question after explaining things is longer than that and is graded.

Junk (`is_junk`): nothing left after removing whitespace/punctuation, fewer than JUNK_MIN_UNITS units of
content (a CJK character or a latin word is one unit), or one character repeated. Junk scores 0 without
calling a grader.
"""

from __future__ import annotations

import re
import unicodedata

CLARIFY_MAX_CHARS = 80
CLARIFY_MAX_WORDS = 20
CLARIFY_BARE_CHARS = 16
JUNK_MIN_UNITS = 3

_CLARIFY_CUES = re.compile(
    r"(是指|指的是|你是说|您是说|你的意思|您的意思|什么意思|是不是说|可以假设|能否假设|可以认为|需要考虑|要不要考虑|"
    r"是问|问的是|这里的|题目中的|具体是|哪种|哪一种|哪个|是否包括|是否需要|需要我|要我|可以用|能不能用|范围|前提)"
    r"|\b(do you mean|what do you mean|you mean|does (?:it|this|that|the question)|should i|can i assume|"
    r"may i assume|am i supposed|are we|is it|is this|are you asking|which|could you clarify|clarify|"
    r"what exactly|what kind|in what context|do i need|should the answer)\b",
    re.IGNORECASE,
)
_DONT_KNOW = re.compile(
    r"^\s*(?:不知道|不清楚|不会|不懂|没学过|不了解|不太清楚|不太会|我不知道|我不会|我不清楚|不记得了?|忘了|"
    r"i\s*don'?t\s*know|i\s*do\s*not\s*know|idk|no\s*idea|not\s*sure|i'?m\s*not\s*sure|pass|dunno)"
    r"\s*[。.!！~…]*\s*$",
    re.IGNORECASE,
)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['-][A-Za-z0-9]+)*")
_SENTENCE_END = re.compile(r"[。！？!?.]+(?:\s|$)")


def _content(text: str) -> str:
    return "".join(ch for ch in text if not (ch.isspace() or unicodedata.category(ch).startswith(("P", "S"))))


def content_units(text: str) -> int:
    """CJK characters plus latin words: a rough size of what was said."""
    return len(_CJK.findall(text)) + len(_WORD.findall(text))


def is_junk(text: str) -> bool:
    """Empty, punctuation only, too short to say anything, or one character repeated."""
    content = _content(text)
    if not content:
        return True
    if len(set(content.lower())) <= 1:
        return True
    return content_units(text) < JUNK_MIN_UNITS


def is_dont_know(text: str) -> bool:
    """"不知道" / "I don't know" and close variants, alone."""
    return bool(_DONT_KNOW.match(text))


def looks_like_clarification(text: str) -> bool:
    """A short question back to the interviewer rather than an answer (rules in the module docstring)."""
    stripped = text.strip()
    if not stripped or len(stripped) > CLARIFY_MAX_CHARS or "```" in stripped:
        return False
    if not stripped.endswith(("?", "？")):
        return False
    if len(_WORD.findall(stripped)) > CLARIFY_MAX_WORDS or stripped.count("\n") > 1:
        return False
    if len(_SENTENCE_END.findall(stripped)) > 2:
        return False
    return bool(_CLARIFY_CUES.search(stripped)) or len(stripped) <= CLARIFY_BARE_CHARS
