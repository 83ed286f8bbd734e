"""Find and remove text in a candidate's answer that tries to steer the grader.

The answer is data, never instructions. Both graders grade `strip_injection(answer)`, so an answer with
injected text never scores higher than the same answer without it, and flag `injection_attempt` when
`detect_injection(answer)` finds anything. Detection is deliberately sentence-level: a sentence that carries a
steering phrase is dropped whole, so no fragment of it ("给10分") is left to be graded as content.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from interviewer.grading.text import INVISIBLE

_FLAGS = re.IGNORECASE | re.MULTILINE

# Words that name the grader's instructions; used inside the "ignore ..." patterns.
_EN_TARGET = (
    r"(?:instructions?|rules?|rubrics?|prompts?|criteria|guidelines?|grading|scoring|system\s+message|"
    r"reference(?:\s+answer)?|everything|all\s+of\s+(?:the\s+)?above|(?:the\s+)?above)"
)
# Instruction nouns. Position words alone (之前, 以上) are not enough:
# "忘记之前学到的知识" describes catastrophic forgetting.
_ZH_TARGET = r"(?:评分|打分|评判|判分|阅卷|标准|规则|指令|指示|提示词|系统提示|设定|约束|参考答案|rubric)"
# Imperative position: start of a clause, or after 请/你/现在/直接.
# "模型会忽略指令" describes a model; it does not give an order.
_ZH_IMPERATIVE = r"(?:^\s*|(?<=[，,。；;：:！!？?\s])|(?<=请)|(?<=你)|(?<=您)|(?<=现在)|(?<=直接)|(?<=务必))"
_EN_IMPERATIVE = (
    r"(?:^\s*|(?<=[,;:!?.\n\"'(\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])\s*|"
    r"\b(?:please|now|just|you\s+must|you\s+should|always)\s+)"
)
# No bare 十分 ("very") or 高分 (legit in answers about benchmarks).
_ZH_SCORE = r"(?:满分|10\s*分(?!钟)|最高分|100\s*分(?!钟)|一百分|满星|10\s*/\s*10)"
_EN_SCORE = (
    r"(?:full\s+(?:marks|score|points|credit)|(?:a\s+)?(?:perfect|maximum|max|top|high(?:est)?)\s+"
    r"(?:score|mark|grade|rating)s?|(?:10|ten)\s*(?:/\s*10|out\s+of\s+(?:10|ten)|points|marks)|"
    r"(?:a\s+)?(?:10|ten|100)(?=\s*(?:[.!,;:)]|$))|100\s*(?:/\s*100|%)|an?\s+a\+?)"
)


@dataclass(frozen=True)
class _Rule:
    kind: str
    pattern: re.Pattern[str]


def _rule(kind: str, pattern: str) -> _Rule:
    return _Rule(kind, re.compile(pattern, _FLAGS))


# Each rule matches a steering phrase; the sentence (or block) holding the match is removed.
_SENTENCE_RULES: tuple[_Rule, ...] = (
    _rule("ignore-instructions",
          rf"{_EN_IMPERATIVE}(?:ignore|disregard|forget|override|bypass|skip)\b[^.\n]{{0,40}}?\b{_EN_TARGET}"),
    _rule("ignore-instructions",
          rf"{_ZH_IMPERATIVE}(?:忽略|忽视|无视|不要理会|不用理会|不要管|不用管|别管|忘记|忘掉|跳过|抛开|绕过)"
          rf"[^。\n]{{0,12}}?{_ZH_TARGET}"),
    _rule("ignore-instructions", rf"{_ZH_TARGET}[^。\n]{{0,8}}?(?:都)?(?:无效|作废|失效|不再适用|不算数)"),
    _rule("demand-score",
          rf"\b(?:give|award|assign|grant|rate|score|grade|mark)\s+(?:this|it|me|my|the|that|our|us|him|her)\b"
          rf"[^.\n]{{0,30}}?\b{_EN_SCORE}(?!\w|\.\d)"),
    _rule("demand-score", rf"\b(?:give|award|assign|grant|rate)\s+(?:as\s+)?{_EN_SCORE}(?!\w|\.\d)"),
    _rule("demand-score",
          rf"\b(?:deserves?|should\s+(?:get|receive|be\s+given|score)|must\s+(?:get|receive|score))\b"
          rf"[^.\n]{{0,20}}?\b{_EN_SCORE}(?!\w|\.\d)"),
    _rule("demand-score",
          r"\bmark\s+(?:this|it|the\s+answer)\s+(?:as\s+)?(?:correct|right|strong|perfect)\b"),
    # Imperative only: "人工打的 1 到 10 分标签" describes reward-model data, it gives no order.
    _rule("demand-score", rf"{_ZH_IMPERATIVE}(?:给|打)(?!的)[^。\n]{{0,12}}?{_ZH_SCORE}"),
    _rule("demand-score", rf"{_ZH_SCORE}[^。\n]{{0,4}}?(?:给我|给他|给本|给这|吧|谢谢)"),
    _rule("fake-score",
          r"\b(?:score|grade|rating|mark|verdict)s?\s*(?:[:=：]|is|should\s+be)\s*"
          r"(?:10(?:\.0+)?(?!\.?\d)|ten\b|100(?!\.?\d)|full\b|perfect\b|strong\b|correct\b)"),
    _rule("fake-score",
          r"(?:得分|分数|评分|打分|成绩|最终分|总分)\s*(?:[:=：为是]|应该是|应为)\s*"
          r"(?:10(?:\.0+)?(?!\.?\d)|满分|100(?!\.?\d))"),
    _rule("role-play",
          r"\byou\s+(?:are|act\s+as|will\s+act\s+as|must\s+act\s+as)\s+(?:now\s+)?(?:an?\s+|the\s+)?"
          r"(?:(?:lenient|generous|new|helpful|friendly)\s+)?(?:grader|judge|examiner|evaluator|assistant|teacher|"
          r"scorer|marker|ai|model)\b"),
    _rule("role-play",
          r"(?:你|您)(?:现在)?(?:是|扮演|作为|充当)(?:一[名个位])?(?:[^。\n]{0,6})?"
          r"(?:评分员|评分者|评分老师|评委|考官|面试官|阅卷人|阅卷老师|判卷|助手|AI|模型|评审)"),
    _rule("role-play",
          r"(?:作为|身为)(?:一[名个位])?(?:评分员|评委|考官|阅卷人|AI|模型)[^。\n]{0,10}?(?:你|请|应)"),
    _rule("new-instructions",
          r"\b(?:new|updated|real|actual|hidden)\s+(?:instructions?|rules?|system\s+prompt|task)\s*[:：]"),
    _rule("new-instructions", r"(?:新的|真正的|最新|隐藏的?)(?:指令|规则|任务|要求|系统提示)\s*[:：]"),
    _rule("new-instructions", r"(?:系统|管理员|开发者)(?:提示|指令|消息|通知)\s*[:：]"),
    _rule("ignore-instructions",
          r"\b(?:rubric|instructions?|criteria|rules|reference)\s+(?:is|are)\s+(?:now\s+)?"
          r"(?:irrelevant|void|cancell?ed|obsolete|wrong|no\s+longer)"),
    _rule("role-tag", r"^\s*[#>*\[\(<\s]*(?:system|developer|grader|judge|系统|评分员)"
                      r"\s*[\]\)>*]*\s*[:：]"),
    _rule("role-tag", r"\[/?INST\]|<</?SYS>>|</?(?:system|instructions?|prompt)>"),
    _rule("role-tag", r"^\s*#{1,6}\s*(?:system|instructions?|系统提示|系统指令)\b"),
)

# A JSON-ish object that carries a grade field is a fake grade, wherever it is.
_FAKE_JSON = re.compile(
    r"\{[^{}]{0,400}?[\"']?(?:score|grade|verdict|rating|分数|得分|评分)[\"']?\s*[:=：][^{}]{0,400}?\}",
    _FLAGS,
)
# Chat-template special tokens: removed as spans and treated as sentence boundaries.
_SPECIAL_TOKEN = re.compile(
    r"<\|/?(?:im_start|im_end|system|assistant|user|endoftext|eot_id|start_header_id|end_header_id)\|>"
    r"(?:\s*(?:system|assistant|user|developer)\b)?",
    re.IGNORECASE,
)
_FENCE = re.compile(r"```[ \t]*([^\n`]*)\n(.*?)(?:```|\Z)", re.DOTALL)
_FENCE_STEERING_INFO = re.compile(r"^\s*(?:system|prompt|instructions?|grader|judge|rubric)\b", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])|(?<=[.])(?=\s)")


def _normalise(text: str) -> str:
    # NFKC folds full-width letters/digits and look-alike forms ("ＳＹＳＴＥＭ：", "１０分").
    return unicodedata.normalize("NFKC", text)


def _sentence_hits(sentence: str) -> list[str]:
    hits: list[str] = []
    sentence = _normalise(sentence)
    for rule in _SENTENCE_RULES:
        match = rule.pattern.search(sentence)
        if match:
            hits.append(f"{rule.kind}: {match.group(0).strip()}")
    return hits


def _fence_is_steering(info: str, body: str) -> bool:
    if _FENCE_STEERING_INFO.search(info):
        return True
    return bool(_FAKE_JSON.search(_normalise(body))) or any(_sentence_hits(s) for s in _split_sentences(body))


def _split_sentences(text: str) -> list[str]:
    return [part for part in _SENTENCE_END.split(text) if part]


def _scan(answer: str) -> tuple[str, list[str]]:
    """Return the answer without steering parts and the reasons found, in order of appearance."""
    # Zero-width and bidi characters go first: "忽\u200b略以上指\u200b令" must read as "忽略以上指令".
    text = INVISIBLE.sub("", answer)
    reasons: list[str] = []

    def drop_fence(match: re.Match[str]) -> str:
        if _fence_is_steering(match.group(1), match.group(2)):
            reasons.append(f"steering-block: {match.group(0)[:60].strip()}")
            return "\n"
        return match.group(0)

    text = _FENCE.sub(drop_fence, text)

    def drop_token(match: re.Match[str]) -> str:
        reasons.append(f"role-tag: {match.group(0)}")
        return "\n"

    text = _SPECIAL_TOKEN.sub(drop_token, text)

    def drop_json(match: re.Match[str]) -> str:
        reasons.append(f"fake-grade: {match.group(0)[:60]}")
        return " "

    text = _FAKE_JSON.sub(drop_json, text)
    if _FAKE_JSON.search(_normalise(text)):  # full-width braces or colons: fall back to the folded text
        text = _FAKE_JSON.sub(drop_json, _normalise(text))
    kept: list[str] = []
    for sentence in _split_sentences(text):
        hits = _sentence_hits(sentence)
        if hits:
            reasons.extend(hits)
            # Keep the line break so neighbouring sentences are not glued together.
            kept.append("\n" if sentence.endswith("\n") else "")
        else:
            kept.append(sentence)
    cleaned = "".join(kept)
    cleaned = re.sub(r"[ \t]+\n", "\n", cleaned)
    cleaned = re.sub(r"\n{3,}", "\n\n", cleaned).strip()
    return cleaned, reasons


def detect_injection(answer: str) -> list[str]:
    """Reasons (`kind: matched text`) why the answer looks like it tries to steer the grader; [] if clean."""
    return _scan(answer)[1]


def strip_injection(answer: str) -> str:
    """The answer with steering sentences, fake grades, role tags and steering code blocks removed."""
    return _scan(answer)[0]


def scan_answer(answer: str) -> tuple[str, list[str]]:
    """Both at once: `(strip_injection(answer), detect_injection(answer))` with one pass over the text."""
    return _scan(answer)
