"""Text analysis: normalisation, bilingual terms, stemming, structure counts, reference units."""

from __future__ import annotations

from interviewer.grading.text import (
    analyse,
    canonicalise_terms,
    detect_language,
    normalise,
    split_units,
    stem,
)


def test_normalise_folds_width_case_and_markup() -> None:
    text = "## ＬｏＲＡ\n- **低秩** 矩阵 `A·B` 见 [论文](https://x.y/z) ![图](a.png) $W_0 + \\Delta W$"
    out = normalise(text)
    assert "lora" in out and "低秩" in out and "a·b" in out and "论文" in out
    for noise in ("#", "**", "`", "https", "a.png", "$", "_"):
        assert noise not in out


def test_english_terms_meet_their_chinese_form() -> None:
    out = canonicalise_terms("self-attention and fine-tuning with a batch size of 8 and layer norm")
    assert "自注意力" in out and "微调" in out and "批大小" in out and "层归一化" in out
    assert "attention" not in out
    assert set(analyse("attention 矩阵").content) == set(analyse("注意力 matrices").content)


def test_stem_meets_inflections() -> None:
    assert stem("behaviours") == stem("behaviour")
    assert stem("simulating") == stem("simulation") == stem("simulates")
    assert stem("trained") == stem("training") == "train"
    assert stem("portions") == stem("portion")


def test_function_words_tell_prose_from_a_term_list() -> None:
    prose = analyse("LoRA 通过在注意力层旁边加入两个低秩矩阵来近似权重的更新，并且冻结原模型的参数。")
    terms = analyse("LoRA、低秩矩阵、注意力层、冻结参数")
    assert prose.n_function / prose.n_tokens > 0.2
    assert terms.n_function == 0
    assert terms.mean_clause_tokens < 3 < prose.mean_clause_tokens


def test_detect_language_counts_chinese_with_english_terms_as_chinese() -> None:
    assert detect_language("LoRA 通过 low-rank 矩阵微调 Transformer 模型的注意力层") == "zh"
    assert detect_language("LoRA trains two low-rank matrices beside the frozen weights") == "en"


def test_split_units_sentences_then_clauses() -> None:
    assert split_units("顺序表连续存储。链表不连续；插入方便") == ["顺序表连续存储", "链表不连续", "插入方便"]
    units = split_units("To simulate the behaviour, and to test it")
    assert units == ["To simulate the behaviour", "to test it"]
