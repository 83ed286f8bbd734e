"""Near-duplicate detection: the threshold is set on real question pairs from the seeds."""

from __future__ import annotations

import pytest

from question_bank.importer.dedup import THRESHOLD, clusters, normalise, similarity

# Same question asked in two places (seed:line of each side).
REAL_PAIRS = [
    ("WordPiece 与 BPE 异同点是什么?", "Wordpiece与BPE之间有什么区别?"),  # 001:1564 / 004:347
    ("什么是 LoRA?", "LoRA是什么? LoRA微调方法的局限性"),  # 001:1364 / 004:385 (one part matches)
    ("什么是LangChain", "什么是Langchain，原理是什么，有什么应用？"),  # 001:1296 / 003:339
    ("如何使用LangChain?", "LangChain 如何使用?"),  # 001:1302 / 001:1310
    ("大模型怎么评测?", "如何评估LLM的性能"),  # 001:1462 / 004:182
    ("如何构建合理的指令数据集？涉及到内容都有哪些？如何对模型进行评估？",  # 000:43
     "SFT 指令微调数据如何构建?"),  # 001:408
]

# Close wording, different questions: the aspect or the named method differs.
NON_PAIRS = [
    ("前缀微调（Prefix-tuning）的优点是什么?", "前缀微调（Prefix-tuning）的缺点是什么?"),
    ("LoRA 的特点是什么?", "QLoRA 的特点是什么?"),
    ("QLoRA 的思路是怎么样的?", "AdaLoRA 的思路是怎么样的?"),
    ("什么是绝对位置编码?", "什么是相对位置编码?"),
    ("Layer Norm 的计算公式写一下?", "RMS Norm 的计算公式写一下?"),
    ("旋转位置编码 RoPE 思路是什么?", "推导一下 旋转位置编码 RoPE ?"),
    ("什么是LangChain", "LangChain 替代方案?"),
    ("什么是LangChain", "什么是LangChain Agent?"),
    ("指示微调（Prompt-tuning）与 Prefix-tuning 区别 是什么?",
     "指示微调（Prompt-tuning）与 fine-tuning 区别 是什么?"),
    ("大模型训练中，instruct和prompt分别如何实现？两者的区别是什么？", "有哪些大模型的训练集?"),
    ("什么是 LLMs 复读机问题?", "如何缓解 LLMs 复读机问题?"),
    ("大模型的长文本问题如何解决？如何实现对过往数据的理解和记忆", "如何缓解 LLMs 复读机问题?"),
    ("如何训练自己的大模型?", "LLM是如何预训练的?"),
    ("举例介绍一下 不同 大模型LLMs 的分词方式?", "介绍一下 不同 大模型LLMs 的分词方式 的区别?"),
]


@pytest.mark.parametrize(("a", "b"), REAL_PAIRS)
def test_real_duplicates_reach_the_threshold(a: str, b: str) -> None:
    assert similarity(a, b) >= THRESHOLD


@pytest.mark.parametrize(("a", "b"), NON_PAIRS)
def test_similar_but_different_questions_stay_apart(a: str, b: str) -> None:
    assert similarity(a, b) < THRESHOLD


def test_normalise_unifies_synonyms_and_drops_filler() -> None:
    assert normalise("2.1.3 大语言模型的涌现能力是啥原因?") == normalise("LLM涌现能力原因")
    assert normalise("什么是 LoRA?") == normalise("LoRA是什么？") == "lora"


def test_clusters_are_transitive_and_in_input_order() -> None:
    texts = ["什么是 LoRA?", "Transformer 是什么？", "LoRA是什么?", "介绍一下 LoRA"]
    assert clusters(texts) == [[0, 2, 3], [1]]


def test_same_question_twice_is_merged_and_ids_stay_unique_when_not(tmp_path) -> None:
    from question_bank.importer import run_import

    notes = tmp_path / "notes.md"
    notes.write_text("## 笔记\n\n### 什么是 LoRA？\n\n答案一，是更完整的一句话。答案二。\n\n"
                     "### LoRA是什么？\n\n另一个答案。第二句。\n", encoding="utf-8")
    merged = run_import([notes])
    (question,) = merged.questions
    assert [s.line for s in question.sources] == [3, 7] and len(question.alternates) == 1
    assert [row["status"] for row in merged.report] == ["skipped", "imported", "merged"]

    apart = run_import([notes], threshold=101)  # nothing reaches 101: both stay, ids must not collide
    ids = [q.id for q in apart.questions]
    assert len(set(ids)) == 2
    assert sorted(str(row["id"]) for row in apart.report if row["status"] == "imported") == sorted(ids)
