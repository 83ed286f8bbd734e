"""Text analysis for the offline grader: normalisation, jieba segmentation, English stemming, stop-words.

`analyse(text)` returns an `Analysis` with content tokens (canonical forms: bilingual terms mapped to one
spelling, English stemmed), CJK character bigrams (robust to segmentation differences) and structure counts
(function words, sentences) used to tell an explained answer from a bare list of terms.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from interviewer.grading.lexicon import EN_STOPWORDS, TERMS, ZH_STOPWORDS

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[a-z][a-z0-9]*(?:'[a-z]+)?")
_BRITISH_OUR = re.compile(r"(?<=[a-z]{3})our(s|ed|ing|ite|ites)?$")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_SENTENCE_END = re.compile(r"[。！？!?；;\n]|\.(?:\s|$)")
_CLAUSE_PUNCT = frozenset("，,、：:；;。！？!?()（）[]【】\"'“”‘’/\\|-—–~·…")

_MARKDOWN_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), " "),  # images
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links keep their text
    (re.compile(r"https?://\S+"), " "),
    (re.compile(r"```[^\n]*\n?"), "\n"),  # fence markers; the code itself is kept as text
    (re.compile(r"`([^`]*)`"), r"\1"),
    (re.compile(r"\$\$?|\\[()\[\]]"), " "),  # LaTeX delimiters
    (re.compile(r"\\(?:mathrm|text|mathbf|operatorname|left|right|frac|sqrt|cdot|times|sum|log|exp)\b"),
     " "),
    (re.compile(r"[{}^_]"), " "),
    (re.compile(r"^\s{0,3}(?:#{1,6}|>|[-*+]|\d+[.)、])\s+", re.MULTILINE), "\n"),  # headings, bullets
    (re.compile(r"\*\*|__|~~|\*"), " "),
    (re.compile(r"<[^>\n]{1,40}>"), " "),  # html tags
)

INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
"""Zero-width characters and bidi controls: removed before any check, so they cannot hide words."""


@dataclass(frozen=True)
class Analysis:
    """One analysed text."""

    content: tuple[str, ...]
    """Content tokens in order: canonical, lower-case, stemmed; stop-words and punctuation removed."""
    bigrams: tuple[str, ...]
    """Character bigrams of the CJK content tokens (in order), to match across segmentation differences."""
    n_tokens: int
    """All word tokens, stop-words included."""
    n_function: int
    """Stop-word tokens: particles, prepositions, light verbs; prose has many, a term list almost none."""
    n_sentences: int
    mean_clause_tokens: float
    """Word tokens per clause (split at any punctuation): a bare list has 1-3."""
    language: str
    """"zh" or "en" by script."""


def normalise(text: str) -> str:
    """NFKC (full-width to half-width), lower-case, markdown/code/LaTeX markup removed, spaces squeezed."""
    text = unicodedata.normalize("NFKC", text).lower()
    for pattern, replacement in _MARKDOWN_RULES:
        text = pattern.sub(replacement, text)
    text = re.sub(r"[ \t\u3000]+", " ", text)
    return re.sub(r"\n\s*\n+", "\n", text).strip()


def detect_language(text: str) -> str:
    """"zh" when CJK characters outnumber Latin words (technical Chinese text is full of English terms)."""
    cjk = len(_CJK.findall(text))
    latin_words = len(re.findall(r"[A-Za-z]{2,}", text))
    return "zh" if cjk > latin_words else "en"


_jieba_lock = threading.Lock()
_jieba_ready: Any = None


def _jieba() -> Any:
    """jieba, initialised once (dictionary load ~1 s), quiet, with the lexicon's terms as words."""
    global _jieba_ready
    if _jieba_ready is None:
        with _jieba_lock:
            if _jieba_ready is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                for canonical, _ in TERMS:
                    jieba.add_word(canonical, freq=20000)
                _jieba_ready = jieba
    return _jieba_ready


@lru_cache(maxsize=1)
def _term_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    # One alternation scanned left to right: the earliest match wins ("self-attention" before "attention"),
    # and at the same start the longer variant list is tried first ("batch size" before "batch").
    pairs = sorted(TERMS, key=lambda pair: len(pair[1]), reverse=True)
    groups = {f"t{i}": canonical for i, (canonical, _) in enumerate(pairs)}
    body = "|".join(f"(?P<t{i}>{variants})" for i, (_, variants) in enumerate(pairs))
    # The look-ahead makes every position that is not a Latin letter (all of Chinese text) fail at once.
    return re.compile(rf"(?=[a-z])(?<![a-z0-9])(?:{body})(?![a-z0-9])"), groups


def canonicalise_terms(text: str) -> str:
    """Replace English spellings of known ML terms by their canonical Chinese form (text is lower-case)."""
    if not re.search(r"[a-z]", text):
        return text
    pattern, groups = _term_pattern()
    return pattern.sub(lambda m: f" {groups[m.lastgroup or '']} ", text)


@lru_cache(maxsize=1)
def _snowball() -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """Snowball (Porter 2) English stem, with British -our spellings folded to -or first."""
    if len(word) > 5:
        word = _BRITISH_OUR.sub(r"or\1", word)
    return str(_snowball().stemWord(word))


def _is_cjk_word(token: str) -> bool:
    return bool(_CJK.match(token))


def segment(text: str) -> list[str]:
    """jieba tokens of a normalised text, blanks dropped."""
    return [tok for tok in _jieba().lcut(text) if tok.strip()]


_segment = segment


def _classify(token: str) -> tuple[str | None, bool]:
    """(content form or None, is a word) for one jieba token."""
    if _is_cjk_word(token):
        return (None if token in ZH_STOPWORDS else token), True
    if _NUMBER.match(token):
        return token, True
    if _LATIN_WORD.fullmatch(token):
        if token in EN_STOPWORDS or len(token) == 1:
            return None, True
        return stem(token), True
    return None, False


def _bigrams(tokens: list[str]) -> list[str]:
    grams: list[str] = []
    for tok in tokens:
        if not _is_cjk_word(tok):
            continue
        if len(tok) == 1:
            grams.append(tok)
        grams.extend(tok[i : i + 2] for i in range(len(tok) - 1))
    return grams


@lru_cache(maxsize=4096)
def analyse(text: str) -> Analysis:
    """Analyse a text (cached: references and key points are analysed once)."""
    clean = canonicalise_terms(normalise(text))
    content: list[str] = []
    n_tokens = n_function = 0
    clauses: list[int] = [0]
    for token in _segment(clean):
        if token in _CLAUSE_PUNCT or token == "\n":
            if clauses[-1]:
                clauses.append(0)
            continue
        form, is_word = _classify(token)
        if not is_word:
            continue
        n_tokens += 1
        clauses[-1] += 1
        if form is None:
            n_function += 1
        else:
            content.append(form)
    filled = [c for c in clauses if c]
    sentences = [s for s in _SENTENCE_END.split(clean) if s.strip()]
    return Analysis(
        content=tuple(content),
        bigrams=tuple(_bigrams(content)),
        n_tokens=n_tokens,
        n_function=n_function,
        n_sentences=len(sentences),
        mean_clause_tokens=(sum(filled) / len(filled)) if filled else 0.0,
        language=detect_language(text),
    )


def split_units(text: str) -> list[str]:
    """Split a reference into checkable units: sentences, or clauses when it is a single sentence."""
    clean = unicodedata.normalize("NFKC", text)
    units = [u.strip() for u in re.split(r"[。！？!?；;\n]+|\.(?:\s+|$)", clean) if len(u.strip()) > 1]
    if len(units) <= 1:
        units = [u.strip() for u in re.split(r"[，,、:：]|\band\b", clean) if len(u.strip()) > 1]
    return units or [clean.strip()]
