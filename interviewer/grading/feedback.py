"""Short feedback in the candidate's language: what was good, what was missing, one concrete pointer."""

from __future__ import annotations

import re
from dataclasses import dataclass

from interviewer.domain import Language

_MAX_POINT_CHARS = 40
_MAX_LISTED = 3


@dataclass(frozen=True)
class FeedbackFacts:
    """What the grader found, in words the feedback can use."""

    language: Language
    question: str = ""
    covered: tuple[str, ...] = ()
    missed: tuple[str, ...] = ()
    explained: bool = True
    relevant: bool = True
    score: float | None = None
    empty: bool = False
    no_reference: bool = False
    steered: bool = False  # the answer tried to instruct the grader; that text was ignored
    corrections: tuple[str, ...] = ()  # of misconceptions the answer asserted
    suspect: str | None = None  # retraction | repetition | word_salad: why the score was capped


_SUSPECT = {
    "zh": {"retraction": "答案推翻了自己前面的说法，按错误作答处理，分数封顶。",
           "repetition": "答案重复同样的内容，重复部分不计分，分数封顶。",
           "word_salad": "答案只是把术语打乱堆在一起，没有成句的解释，分数封顶。"},
    "en": {"retraction": "The answer retracts its own claims; it is graded as wrong and capped.",
           "repetition": "The answer repeats the same text; repeats earn nothing and the score is capped.",
           "word_salad": "The answer is terms in random order, not sentences; the score is capped."},
}


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_POINT_CHARS else text[: _MAX_POINT_CHARS - 1] + "…"


def _listed(points: tuple[str, ...], sep: str) -> str:
    shown = [f"“{_short(p)}”" for p in points[:_MAX_LISTED]]
    return sep.join(shown)


_STEERED = {
    "zh": "答案中有试图指挥评分的内容（如“给10分”），已忽略，只按其余内容评分。",
    "en": "Text in the answer that tried to instruct the grader (e.g. \"give 10\") was ignored; "
          "only the rest was graded.",
}


def write_feedback(facts: FeedbackFacts) -> str:
    """Feedback text for one grade (zh or en)."""
    body = _zh(facts) if facts.language == "zh" else _en(facts)
    extra = [_SUSPECT[facts.language][facts.suspect]] if facts.suspect else []
    label = "纠正：" if facts.language == "zh" else "Correction: "
    extra += [f"{label}{c}" for c in facts.corrections]
    if extra:
        body = ("" if facts.language == "zh" else " ").join([body, *extra]).strip()
    if not facts.steered:
        return body
    return _STEERED["zh"] + body if facts.language == "zh" else f"{_STEERED['en']} {body}"


def _zh(f: FeedbackFacts) -> str:
    if f.no_reference:
        return ("这道题没有参考答案，离线评分无法给出分数。"
                "请对照你掌握的资料自评（0–10 分），并记下不确定的地方。")
    if f.empty:
        first = f"可以先从“{_short(f.missed[0])}”说起。" if f.missed else "先写下你知道的定义和用途。"
        return f"没有作答，记 0 分。即使不确定，也尽量写出思路：{first}"
    parts: list[str] = []
    if not f.relevant:
        parts.append(f"回答似乎没有围绕题目“{_short(f.question)}”展开。")
    if f.covered:
        parts.append(f"答到了：{_listed(f.covered, '、')}。")
    else:
        parts.append("没有覆盖参考答案中的要点。")
    if f.missed:
        more = f"等 {len(f.missed)} 点" if len(f.missed) > _MAX_LISTED else ""
        parts.append(f"遗漏：{_listed(f.missed, '、')}{more}。")
    if not f.explained:
        parts.append("建议：不要只罗列术语，逐条说明它是什么、为什么、怎么做。")
    elif f.missed:
        parts.append(f"建议：补充说明“{_short(f.missed[0])}”。")
    else:
        parts.append("建议：再举一个具体例子或说明取舍，回答会更有说服力。")
    return "".join(parts)


def _en(f: FeedbackFacts) -> str:
    if f.no_reference:
        return ("This question has no reference answer, so the offline grader gives no score. "
                "Grade yourself (0-10) against what you know and note what you were unsure of.")
    if f.empty:
        first = f"start with “{_short(f.missed[0])}”." if f.missed else "write down what you know."
        return f"No answer, so 0 points. Even when unsure, sketch your reasoning: {first}"
    parts: list[str] = []
    if not f.relevant:
        parts.append(f"The answer does not seem to address the question “{_short(f.question)}”.")
    if f.covered:
        parts.append(f"Covered: {_listed(f.covered, ', ')}.")
    else:
        parts.append("None of the reference's key points were covered.")
    if f.missed:
        more = f" and {len(f.missed) - _MAX_LISTED} more" if len(f.missed) > _MAX_LISTED else ""
        parts.append(f"Missing: {_listed(f.missed, ', ')}{more}.")
    if not f.explained:
        parts.append("Pointer: do not just list terms; explain what each is, why it matters, how it works.")
    elif f.missed:
        parts.append(f"Pointer: add an explanation of “{_short(f.missed[0])}”.")
    else:
        parts.append("Pointer: add a concrete example or a trade-off to make the answer convincing.")
    return " ".join(parts)


# The sentences of `_zh`/`_en` that list covered or missed points (quoted points may hold any punctuation
# but the closing quote).
_POINT_LIST = re.compile(
    r"(?:答到了|遗漏)：(?:“[^”]*”、?)+(?:等 \d+ 点)?。"
    r"|没有覆盖参考答案中的要点。"
    r"|(?:Covered|Missing): (?:“[^”]*”(?:, )?)+(?: and \d+ more)?\.\s*"
    r"|None of the reference's key points were covered\.\s*"
)


def without_point_lists(feedback: str) -> str:
    """The feedback less its covered/missed sentences: where the key points are shown one by one (grade
    card, exports) those lists repeat them, and after a follow-up they describe the first answer only."""
    return _POINT_LIST.sub("", feedback).strip()
