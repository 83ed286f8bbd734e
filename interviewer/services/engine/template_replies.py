"""Follow-ups and clarification replies: offline templates, and a guard that keeps the reference secret.

Offline follow-ups ask the missed key point's authored `follow_up` when the bank has one. Otherwise they are
built from the missed key point without quoting it: the template names at most one
short term of the key point (a hint of direction, like a human interviewer's "what about the scaling?"),
never its sentence, in the session's language and the interviewer's persona.

`guard_stream` wraps any streamed reply (LLM or template) and enforces "never reveal the reference answer":
the text is held back by LEAK_WINDOW characters and checked before it is released; if the reply shares a run
of LEAK_WINDOW normalised characters with the reference or a key point (runs that also occur in the question
text do not count: the candidate has seen those), the stream stops with `ReferenceLeak` and the engine
uses the template instead.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import AsyncGenerator, AsyncIterator

from interviewer.domain import KeyPoint, Language, Question
from interviewer.services.engine.api import Persona
from interviewer.services.engine.ports import ClarificationRequest, FollowUpRequest

LEAK_WINDOW = 12
"""Shortest shared run of normalised characters (spaces removed, lower case) that counts as a leak."""
HINT_MAX_CHARS = 8

_FOLLOW_UP: dict[Language, dict[Persona, tuple[str, str]]] = {
    # (with a hint term, without one)
    "zh": {
        "friendly": ("思路不错！关于「{hint}」这方面，你能再多讲讲吗？",
                     "思路不错！还有一个重要方面你没有提到，能再想想还有什么需要考虑的吗？"),
        "standard": ("你的回答还没有涉及「{hint}」相关的内容，请具体说明一下。",
                     "你的回答还遗漏了一个要点，请再补充说明。"),
        "strict": ("你没有解释「{hint}」。请说清楚它的原理和作用。",
                   "回答不完整，缺少关键内容。请补充并给出具体机制。"),
    },
    "en": {
        "friendly": ("Good start! Could you say a bit more about {hint}?",
                     "Good start! One important aspect is still missing. What else matters here?"),
        "standard": ("Your answer has not covered {hint} yet. Please explain that part.",
                     "Your answer misses a key point. Please expand on it."),
        "strict": ("You did not explain {hint}. How exactly does it work, and why does it matter here?",
                   "That answer is incomplete. Which key mechanism is missing? Be specific."),
    },
}
_AGAIN = {"zh": "再追问一点：", "en": "One more thing: "}
_CLARIFY: dict[Language, dict[Persona, str]] = {
    "zh": {
        "friendly": "好问题！按你最熟悉的常见场景来回答就行，把你的假设说出来即可。",
        "standard": "按最常见的情况作答，并说明你的假设。",
        "strict": "按最常见的情况作答，明确写出你的假设。计时仍在继续。",
    },
    "en": {
        "friendly": "Good question! Answer for the most common setting you know, and state your assumptions.",
        "standard": "Answer for the most common setting and state your assumptions.",
        "strict": "Assume the most common setting and state your assumptions. The clock is running.",
    },
}

_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_LATIN_TERM = re.compile(r"[A-Za-z][A-Za-z0-9+#.-]*(?:[ -][A-Z0-9][A-Za-z0-9+#.-]*)*")
_TERM = re.compile(f"{_CJK_RUN.pattern}|{_LATIN_TERM.pattern}")
_LEAD = re.compile(r"\s*([^：:\n]{2,}?)\s*[：:]")  # "训练过程：..." -> 训练过程
# Function words as words ("通过" splits, the 过 of "过程" does not).
_ZH_FUNCTION_WORDS = (
    "可以 通过 进行 使用 因为 所以 如果 并且 基于 以及 或者 一个 一些 一种 "
    "的 是 在 和 与 及 了 对 将 把 被 而 或 即 会 能 就 也 都"
)
_ZH_SPLIT = re.compile("|".join(_ZH_FUNCTION_WORDS.split()))
_EN_STOP = frozenset({
    "a", "an", "the", "of", "to", "in", "on", "for", "and", "or", "is", "are", "be", "by", "with", "as", "at",
    "it", "its", "this", "that", "from", "into", "than", "then", "when", "which", "what", "how", "why",
    "more", "less", "most", "can", "will", "should", "must", "not", "no", "use", "uses", "using",
})


class ReferenceLeak(Exception):
    """A generated reply started to quote the reference answer or a key point."""


def _norm(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).lower() if not ch.isspace())


def _shingles(text: str, size: int) -> set[str]:
    return {text[i:i + size] for i in range(len(text) - size + 1)}


class LeakChecker:
    """Finds runs of LEAK_WINDOW characters shared with the secret texts but not with the question."""

    def __init__(self, question: Question, window: int = LEAK_WINDOW) -> None:
        self.window = window
        secrets = [question.reference or "", *(kp.text for kp in question.key_points)]
        public = _shingles(_norm(question.text), window)
        self._secret = set().union(*(_shingles(_norm(s), window) for s in secrets)) - public

    def leaks(self, text: str) -> bool:
        return not self._secret.isdisjoint(_shingles(_norm(text), self.window))

    def stream(self) -> StreamCheck:
        """An incremental checker for a reply arriving piece by piece (linear in the reply's length)."""
        return StreamCheck(self)


class StreamCheck:
    """Checks only the new shingles of each piece, keeping the last `window - 1` normalised characters."""

    def __init__(self, checker: LeakChecker) -> None:
        self._checker = checker
        self._tail = ""

    def feed(self, piece: str) -> bool:
        """True when the text so far contains a leak."""
        window = self._checker.window
        text = self._tail + _norm(piece)
        self._tail = text[-(window - 1):] if window > 1 else ""
        return not self._checker._secret.isdisjoint(_shingles(text, window))


async def guard_stream(pieces: AsyncIterator[str], question: Question) -> AsyncGenerator[str, None]:
    """Release `pieces` only after checking them (see module docstring); raises ReferenceLeak."""
    checker = LeakChecker(question)
    check = checker.stream()
    text = ""
    released = 0
    try:
        async for piece in pieces:
            text += piece
            if check.feed(piece):
                raise ReferenceLeak("the reply quoted the reference answer")
            # Hold back enough characters that a leak beginning now is caught before any of it is shown.
            safe_until = max(released, len(text) - checker.window)
            if safe_until > released:
                yield text[released:safe_until]
                released = safe_until
        if released < len(text):
            yield text[released:]
    finally:
        closer = getattr(pieces, "aclose", None)
        if closer is not None:
            with contextlib.suppress(Exception):
                await closer()  # release the HTTP stream at once, not when garbage-collected


def hint_term(key_point: KeyPoint | None, question: Question) -> str | None:
    """One short term of the key point to aim the follow-up: its lead label ("训练过程：...") when short, else
    its terms in reading order, preferring terms the question does not use."""
    if key_point is None:
        return None
    terms = [t for t in _candidate_terms(key_point.text) if len(t) <= HINT_MAX_CHARS]
    if not terms:
        return None
    fresh = [t for t in terms if _norm(t) not in _norm(question.text)]
    return (fresh or terms)[0]


def _candidate_terms(text: str) -> list[str]:
    terms: list[str] = []
    lead = _LEAD.match(text)
    if lead:
        terms.append(lead.group(1).strip())
    for match in _TERM.finditer(text):
        token = match.group(0)
        if _CJK_RUN.fullmatch(token):
            terms.extend(part for part in _ZH_SPLIT.split(token) if 2 <= len(part) <= 6)
        else:
            token = token.strip(" .-")
            if len(token) >= 2 and token.lower() not in _EN_STOP:
                terms.append(token)
    return terms


def template_follow_up(request: FollowUpRequest) -> str:
    """The offline follow-up for `request` (never quotes the key point or the reference)."""
    with_hint, without = _FOLLOW_UP[request.language][request.persona]
    authored = request.key_point.follow_up if request.key_point is not None else None
    if authored and request.language == request.question.language:
        # The bank's own follow-up for this point, written by the question's author.
        text = _AGAIN[request.language] + authored if request.index > 1 else authored
        if not LeakChecker(request.question).leaks(authored):
            return text
    hint = hint_term(request.key_point, request.question)
    text = with_hint.format(hint=hint) if hint else without
    if request.index > 1:
        text = _AGAIN[request.language] + text
    if LeakChecker(request.question).leaks(text):
        text = without
    return text


def template_clarification(request: ClarificationRequest) -> str:
    """The offline reply to a clarifying question: assume the common case and state assumptions."""
    return _CLARIFY[request.language][request.persona]


async def _once(text: str) -> AsyncIterator[str]:
    yield text


class TemplateFollowUps:
    """Offline follow-ups (no model)."""

    source = "template"

    def stream(self, request: FollowUpRequest) -> AsyncIterator[str]:
        return _once(template_follow_up(request))


class TemplateClarifier:
    """Offline clarification replies (no model)."""

    source = "template"

    def stream(self, request: ClarificationRequest) -> AsyncIterator[str]:
        return _once(template_clarification(request))
