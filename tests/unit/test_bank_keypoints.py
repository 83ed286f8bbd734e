"""Key-point extraction and the difficulty / language / tag heuristics."""

from __future__ import annotations

import pytest

from question_bank.importer.heuristics import difficulty, language, tags
from question_bank.importer.keypoints import MAX_CHARS, extract


def test_numbered_items_with_bold_leads() -> None:
    reference = ("以下是原因：\n\n1. **模型规模**：参数多。能捕捉复杂模式。\n\n"
                 "2. **数据多样性**：数据丰富。\n\n3. **注意力机制**：关注多个部分。\n")
    assert extract(reference) == ["模型规模：参数多。能捕捉复杂模式。", "数据多样性：数据丰富。",
                                  "注意力机制：关注多个部分。"]


def test_lead_only_items_list_their_sub_leads() -> None:
    reference = ("一、基础架构\n\n**1. Transformer模型**\n\n* **自注意力**：全局。\n\n"
                 "二、模型类型\n\n* **自回归模型**：GPT。\n* **自编码模型**：BERT。\n\n"
                 "三、训练过程\n\n* **预训练**：海量文本。\n* **微调**：特定任务。\n")
    assert extract(reference) == ["基础架构：Transformer模型", "模型类型：自回归模型、自编码模型",
                                  "训练过程：预训练、微调"]


def test_shared_sub_leads_become_a_comparison() -> None:
    reference = ("1. 训练目标\n\n* **Prefix LM**：看到整个前缀，更全面。\n"
                 "* **Causal LM**：只看左侧，逐步生成。\n\n"
                 "2. 解码方式\n\n* **Prefix LM**：可以并行。\n* **Causal LM**：逐词生成。\n")
    assert extract(reference) == ["训练目标：Prefix LM：看到整个前缀；Causal LM：只看左侧",
                                  "解码方式：Prefix LM：可以并行；Causal LM：逐词生成"]


def test_colon_lead_lines_group_numbered_lists() -> None:
    reference = ("以下是一些关键考虑:\n\n内容构成:\n\n1. 任务多样性:覆盖问答。\n\n2. 领域覆盖:多个领域。\n\n"
                 "数据收集方法:\n\n1. 人工创作:专家设计。\n\n2. 众包:大量收集。\n\n"
                 "质量控制:\n\n1. 人工审核:专家审核。\n")
    assert extract(reference) == ["内容构成：任务多样性、领域覆盖", "数据收集方法：人工创作、众包",
                                  "质量控制：人工审核：专家审核。"]


def test_unstructured_answer_falls_back_to_sentences_and_citations_are_ignored() -> None:
    reference = "第一句话说明概念。第二句话说明用途。\n\n引用: [https://example.org](https://example.org)"
    assert extract(reference) == ["第一句话说明概念。", "第二句话说明用途。"]


def test_single_sentence_is_split_in_two_halves() -> None:
    points = extract("是的, Transformer架构查看整个句子和单词的位置, "
                     "然后使用注意力权重进行加权, 计算出注意力权重.")
    assert len(points) == 2
    assert points[0].startswith("是的") and points[1].endswith("计算出注意力权重.")


def test_points_are_cut_at_a_sentence_or_clause_end() -> None:
    long_rest = "这是一个很长的句子，" * 20 + "结尾。"
    points = extract(f"1. **甲**：{long_rest}\n2. **乙**：短。\n")
    assert len(points[0]) <= MAX_CHARS
    assert points[0].endswith("句子")  # cut after a clause, trailing comma removed
    assert points[1] == "乙：短。"


@pytest.mark.parametrize(("text", "reference", "points", "expected"), [
    ("什么是 LoRA?", None, 0, 1),
    ("推导一下 旋转位置编码 RoPE ?", None, 0, 2),
    ("GPT和BERT的区别是什么?", "x" * 1600, 6, 2),
    ("大模型训练中，instruct和prompt分别如何实现？两者的区别是什么？", "x" * 3200, 3, 3),
])
def test_difficulty_heuristic(text: str, reference: str | None, points: int, expected: int) -> None:
    assert difficulty(text, reference, points) == expected


def test_language_and_tags() -> None:
    assert language("什么是 LoRA?", "低秩适配") == "zh"
    assert language("What is a KV cache?", "It stores keys and values.") == "en"
    assert language("prefix LM 和 causal LM 区别是什么?") == "zh"
    assert tags("LoRA微调方法的局限性") == ("fine-tuning", "lora")


def test_opening_definition_is_kept_but_generic_openings_are_not() -> None:
    items = "\n\n1. **甲**：第一点。\n2. **乙**：第二点。\n3. **丙**：第三点。\n"
    definition = "负样本是指与目标类别不匹配的数据样本。"
    assert extract(definition + "它很重要。" + items)[0] == definition
    assert extract("这是一个复杂且多维度的问题，以下是分析：" + items)[0] == "甲：第一点。"
