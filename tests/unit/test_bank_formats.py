"""The five seed formats and their traps, on small inline snippets (parse -> draft -> report)."""

from __future__ import annotations

from pathlib import Path

import pytest

from question_bank import BankError
from question_bank.importer import run_import
from question_bank.importer.clean import clean_markdown
from question_bank.importer.formats import detect, jekyll, markdown, numbered, qlist

MARKDOWN = """## llm training

## 模型训练的基本问题

### 大模型训练中，instruct和prompt分别如何实现？两者的区别是什么？

两种不同的方法。

### Instruct（指令）

**实现方式**：直接向模型提供指令。

### 区别

1. **来源和形式**：
   - 指令来自外部标注；
   - 提示是输入的一部分。

2. **灵活性**：
   - 提示更灵活。

## 文本问题

### 大模型的长文本问题如何解决？如何实现记忆

#### 分段处理：
- 将长文本切分成段落。
"""

NUMBERED = """
[![GitHub stars](https://img.shields.io/github/stars/x/y?style=social)](https://github.com/x/y)

## 2.1 大模型 基础面

 ### 2.1.1 目前主流的开源模型体系有哪些?

  以下是概述：

1. **GPT系列**：
   - 由OpenAI发布。
2. **BERT系列**：
   - 由Google发布。

## 2.7 大模型 参数高效微调(PEFT) 面

  - **LoRA篇**

 ### 2.7.1 什么是 LoRA?

###  2.7.2 LoRA 的思路是什么?

## 2.17 LLMs Tokenizer 篇

 ### 2.17.1 Byte-Pair Encoding(BPE)篇

 #### 2.17.1.1 Byte-Pair Encoding(BPE) 如何构建词典?

[![GitHub stars](https://img.shields.io/github/stars/x/y?style=social)](https://github.com/x/y)
"""

JEKYLL = """---
layout: post
title: Notes
---

## AIGC&LLM Tech Business Notes

### 1.AGI商业化-云计算平台基础

![AGI商业花](_includes/AGI商业化-云平台.jpg)

#### 1.1.商业化的思考

https://ata.alibaba-inc.com/articles/256354

**2.1.LLM路径**

[Transformer **101问题**](https://www.notion.so/Transformer-101-a47acb?pvs=21)

### **1.相比较于llama而言，llama2有哪些改进？**

l**lama是一种**基于Transformer的模型。llama2是改进版本。

上下文长度：llama2的上下文长度是4k。

### **4、instructGPT的原理，讲讲RLHF、SFT、和reward。**

"nolink">RLHF：使用人类反馈训练奖励模型。见[内网文章](https://ata.alibaba-inc.com/articles/1)和[论文](https://arxiv.org/abs/2203.02155)。

SFT：利用人工标注的数据。

### **Explanation of terms**

➢**Prompt**：提示，通过构造提示模板唤醒记忆

➢**ICL**（In-context Learning）：上下文学习

~~~~~~~~~~

**➢epoch：**一个epoch等于使用全部样本训练一次。

**➢神经网络训练：**

训练一个神经网络需要大量数据。

!https://pic3.zhimg.com/80/v2-18f7f8e6cf5c8.webp

## **2. 换算关系**

Batch 个数 = 训练集大小 / Batch Size
"""

QLIST = """# LLM

- Q1 **语言模型的工作机理是什么?**

    - 生成式语言模型的输出是概率分布.
        - 模型预测下一个词语的概率分布.
    - 生成式语言模型的输入
        - 模型将N个Token作为输入.

    ![Untitled](LLM/Untitled.png)

- Q22 **RLHF过程中RM得分越来越高, 效果就一定好吗?**

- Q23 **解释P-tuning 的工作原理.**

- Q25 **`Word2Vec`的原理是什么?**

    - `Word2Vec`是一种生成词向量的模型, 核心思想是预测上下文.
    - 它有两种结构: `CBOW`和`Skip-Gram`.
"""


def _import(tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return run_import([path])


def _rows(result, status: str) -> list[dict]:
    return [row for row in result.report if row["status"] == status]


@pytest.mark.parametrize(("text", "parser"), [(MARKDOWN, markdown), (NUMBERED, numbered), (JEKYLL, jekyll),
                                              (QLIST, qlist)])
def test_format_detection(text: str, parser) -> None:
    assert detect(text) is parser


def test_markdown_subheadings_stay_in_the_answer(tmp_path: Path) -> None:
    result = _import(tmp_path, "000.txt", MARKDOWN)
    by_topic = {q.topic: q for q in result.questions}
    assert {topic: q.text for topic, q in by_topic.items()} == {
        "training": "大模型训练中，instruct和prompt分别如何实现？两者的区别是什么？",
        "long-text": "大模型的长文本问题如何解决？如何实现记忆"}
    first = by_topic["training"]
    assert "### Instruct（指令）" in first.reference and "### 区别" in first.reference
    assert result.topics["training"].name == "模型训练的基本问题"
    reasons = {row["heading"]: row["reason"] for row in _rows(result, "skipped")}
    assert reasons["Instruct（指令）"] == "sub-heading inside the answer to line 5"
    assert reasons["区别"].startswith("sub-heading inside the answer")
    assert reasons["模型训练的基本问题"] == "section heading (topic name)"


def test_numbered_groupings_and_unanswered_headings(tmp_path: Path) -> None:
    result = _import(tmp_path, "001.txt", NUMBERED)
    by_text = {q.text: q for q in result.questions}
    assert set(by_text) == {"目前主流的开源模型体系有哪些?", "什么是 LoRA?", "LoRA 的思路是什么?",
                            "Byte-Pair Encoding(BPE) 如何构建词典?"}
    answered = by_text["目前主流的开源模型体系有哪些?"]
    assert answered.topic == "basics" and "GPT系列" in answered.reference
    assert [k.text for k in answered.key_points] == ["GPT系列：由OpenAI发布。", "BERT系列：由Google发布。"]
    for text in ("什么是 LoRA?", "LoRA 的思路是什么?", "Byte-Pair Encoding(BPE) 如何构建词典?"):
        assert by_text[text].reference is None and by_text[text].key_points == ()  # never invented
    assert by_text["什么是 LoRA?"].topic == "peft"
    skipped = {row["heading"]: row["reason"] for row in _rows(result, "skipped")}
    assert skipped["- **LoRA篇**"].startswith("sub-topic grouping")
    assert skipped["### 2.17.1 Byte-Pair Encoding(BPE)篇"].startswith("sub-topic grouping heading")
    assert [row["line"] for row in _rows(result, "imported")] == [6, 19, 21, 27]


def test_jekyll_front_matter_notes_links_and_glossary(tmp_path: Path) -> None:
    result = _import(tmp_path, "003.txt", JEKYLL)
    assert [q.text for q in result.questions] == ["相比较于llama而言，llama2有哪些改进？",
                                                  "instructGPT的原理，讲讲RLHF、SFT、和reward。"]
    llama, rlhf = result.questions
    assert llama.reference.startswith("llama是一种基于Transformer的模型。")  # cut bold markers dropped
    assert "nolink" not in rlhf.reference
    assert "内网文章" in rlhf.reference and "alibaba-inc" not in rlhf.reference  # dead link -> its text
    assert "[论文](https://arxiv.org/abs/2203.02155)" in rlhf.reference  # live link kept
    glossary = {g.term: g for g in result.glossary}
    assert list(glossary) == ["Prompt", "ICL（In-context Learning）", "epoch", "神经网络训练"]
    assert glossary["epoch"].definition == "一个epoch等于使用全部样本训练一次。"
    assert glossary["神经网络训练"].definition == "训练一个神经网络需要大量数据。"  # image URL removed
    assert glossary["Prompt"].source.line == 34
    reasons = {row["heading"]: row["reason"] for row in _rows(result, "skipped")}
    assert reasons["--- (front matter)"] == "Jekyll front matter"
    assert reasons["### 1.AGI商业化-云计算平台基础"].startswith("business notes / link list")
    assert reasons["#### 1.1.商业化的思考"].startswith("business notes / link list")
    assert reasons["### **Explanation of terms**"].startswith("glossary section")
    assert reasons["## **2. 换算关系**"].startswith("numbered heading that is not a question")
    assert reasons["**2.1.LLM路径**"].startswith("bold line in the business notes")


def test_qlist_nested_answers_and_missing_answers(tmp_path: Path) -> None:
    result = _import(tmp_path, "004.txt", QLIST)
    by_text = {q.text: q for q in result.questions}
    first = by_text["语言模型的工作机理是什么?"]
    assert first.reference.startswith("- 生成式语言模型的输出是概率分布.")  # dedented from 4 spaces
    assert "Untitled" not in first.reference  # image placeholder removed
    assert [k.text for k in first.key_points] == ["生成式语言模型的输出是概率分布.",
                                                  "生成式语言模型的输入：模型将N个Token作为输入."]
    assert by_text["RLHF过程中RM得分越来越高, 效果就一定好吗?"].reference is None
    assert by_text["解释P-tuning 的工作原理."].reference is None
    assert "Word2Vec的原理是什么?" in by_text  # code spans dropped from the question text
    assert all(q.topic == "llm-concepts" for q in result.questions)


def test_unrecognised_file_is_an_error_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("just some prose\nwithout headings\n", encoding="utf-8")
    with pytest.raises(BankError, match="no question headings found") as info:
        run_import([path])
    assert info.value.file == str(path) and info.value.line == 1


@pytest.mark.parametrize(("raw", "expected"), [
    ("![Untitled](LLM/Untitled.png)\n\ntext", "text"),
    ("[![stars](https://img.shields.io/x.svg)](https://github.com/x)\n\ntext", "text"),
    ("https://ai-studio-static-online.cdn.bcebos.com/22834a91ea80\n\ntext", "text"),
    ("!https://pic3.zhimg.com/80/v2-a6c3.webp\ntext", "text"),
    ("https://ata.alibaba-inc.com/articles/263468\ntext", "text"),
    ("see [GPT](https://www.notion.so/GPT-3-5?pvs=21) now", "see GPT now"),
    ("see [paper](https://arxiv.org/abs/1) now", "see [paper](https://arxiv.org/abs/1) now"),
    ("a  \n\n\n\nb\t", "a\n\nb"),
    ("![only an image](x.png)", ""),
])
def test_cleaning(raw: str, expected: str) -> None:
    assert clean_markdown(raw) == expected


def test_english_notes_get_language_en(tmp_path: Path) -> None:
    notes = ("## Serving\n\n### What is a KV cache?\n\n"
             "1. **Keys and values**: cached per layer. Saves compute.\n"
             "2. **Memory**: grows with sequence length.\n")
    result = _import(tmp_path, "en.md", notes)
    (question,) = result.questions
    assert question.language == "en" and question.topic == "serving"
    assert [k.text for k in question.key_points] == ["Keys and values: cached per layer. Saves compute.",
                                                     "Memory: grows with sequence length."]
