"""The offline grader on targeted cases: empty, no reference, term lists, off-topic, language, feedback."""

from __future__ import annotations

import asyncio

import pytest

from interviewer.domain import GradeFlag, KeyPoint, Question, SourceRef, Verdict, verdict_for
from interviewer.grading.base import Grader, question_from_row
from interviewer.grading.offline import OfflineGrader

REFERENCE = (
    "LoRA（低秩自适应）是一种参数高效的微调方法。它冻结预训练模型的原始权重，"
    "把权重更新分解为两个低秩矩阵 A 和 B 的乘积，训练时只优化 A 和 B。"
    "这样可训练参数量和显存占用都大幅下降。不同任务可以保存各自的小矩阵并按需切换，"
    "推理时还可以把低秩更新合并回原权重，不增加推理延迟。"
)
KEY_POINTS = (
    "冻结预训练模型的原始权重",
    "权重更新分解为两个低秩矩阵 A 和 B 的乘积，只训练 A 和 B",
    "可训练参数量和显存占用大幅下降",
    "推理时可以把低秩更新合并回原权重，不增加推理延迟",
)


def _question(key_points: tuple[str, ...] = KEY_POINTS, reference: str | None = REFERENCE) -> Question:
    return Question(
        id="peft-lora-abc123",
        topic="peft",
        text="LoRA 的原理是什么？",
        reference=reference,
        key_points=tuple(KeyPoint(id=f"k{i}", text=t) for i, t in enumerate(key_points, 1)),
        difficulty=2,
        sources=(SourceRef(file="seed.txt", line=1),),
    )


@pytest.fixture(scope="module")
def grader() -> OfflineGrader:
    return OfflineGrader()


def test_implements_the_grader_protocol(grader: OfflineGrader) -> None:
    assert isinstance(grader, Grader)
    assert grader.name == "offline-v1"
    sync = grader.grade_sync(_question(), REFERENCE)
    async_grade = asyncio.run(grader.grade(_question(), REFERENCE))
    assert async_grade.score == sync.score
    assert sync.grader == "offline-v1"


def test_reference_itself_is_strong(grader: OfflineGrader) -> None:
    grade = grader.grade_sync(_question(), REFERENCE)
    assert grade.score is not None and grade.score >= 9
    assert grade.verdict == Verdict.STRONG
    assert set(grade.covered) == {"k1", "k2", "k3", "k4"}
    assert grade.missed == ()


@pytest.mark.parametrize("answer", ["", "   ", "不知道", "不知道。", "I don't know", "idk", "pass", "？？"])
def test_empty_or_dont_know_scores_zero(grader: OfflineGrader, answer: str) -> None:
    grade = grader.grade_sync(_question(), answer)
    assert grade.score == 0
    assert grade.verdict == Verdict.WRONG
    assert GradeFlag.EMPTY_ANSWER in grade.flags
    assert grade.missed == ("k1", "k2", "k3", "k4")


def test_no_reference_is_ungraded_with_self_grade_prompt(grader: OfflineGrader) -> None:
    grade = grader.grade_sync(_question(key_points=(), reference=None), "LoRA 训练低秩矩阵。")
    assert grade.score is None
    assert grade.verdict == Verdict.UNGRADED
    assert GradeFlag.NO_REFERENCE in grade.flags
    assert "自评" in grade.feedback


def test_bare_key_terms_score_low_even_when_they_cover_everything(grader: OfflineGrader) -> None:
    terms = "LoRA、低秩矩阵、冻结权重、参数量、显存、合并权重、推理延迟、微调"
    grade = grader.grade_sync(_question(), terms)
    assert grade.score is not None and grade.score <= 3
    assert "术语" in grade.feedback  # the pointer says to explain, not list


def test_fluent_answer_to_another_question_scores_low(grader: OfflineGrader) -> None:
    other = ("Transformer 相比 RNN 的优势在于自注意力可以并行计算，训练速度快；任意两个位置直接相连，"
             "更容易建模长距离依赖。RNN 必须按时间步顺序计算，难以并行，还会有梯度消失。")
    assert (grader.grade_sync(_question(), other).score or 0) <= 2


def test_ranking_follows_content(grader: OfflineGrader) -> None:
    partial = "LoRA 冻结原来的权重，只训练新加的低秩矩阵，所以省显存。"
    paraphrase = ("LoRA 不改动预训练权重，而是让权重的增量等于两个很小的低秩矩阵相乘，"
                  "训练时只更新这两个矩阵，所以要训练的参数和显存都少得多；推理前把增量加回原权重，延迟不变。")
    answers = ("不知道", partial, paraphrase, REFERENCE)
    scores = [grader.grade_sync(_question(), a).score or 0 for a in answers]
    assert scores == sorted(scores) and scores[0] < scores[1] < scores[2]


def test_feedback_names_missed_points_in_the_candidates_language(grader: OfflineGrader) -> None:
    zh = grader.grade_sync(_question(), "LoRA 冻结预训练模型的原始权重，只训练低秩矩阵 A 和 B。")
    assert "k4" in zh.missed
    assert "遗漏" in zh.feedback and "推理" in zh.feedback
    en = grader.grade_sync(_question(), "LoRA freezes the pretrained weights and trains low-rank matrices.")
    assert "Missing" in en.feedback
    forced = grader.grade_sync(_question(), "LoRA 冻结原始权重。", language="en")
    assert "Missing" in forced.feedback


def test_english_answer_to_chinese_question_is_flagged_not_zeroed(grader: OfflineGrader) -> None:
    answer = ("LoRA freezes the pretrained weights and learns the weight update as the product of two "
              "low-rank matrices A and B, so far fewer parameters are trained and GPU memory drops; "
              "at inference the update can be merged back into the weights with no extra latency.")
    grade = grader.grade_sync(_question(), answer)
    assert GradeFlag.LANGUAGE_MISMATCH in grade.flags
    assert grade.score is not None and grade.score >= 5
    assert grade.confidence < grader.grade_sync(_question(), REFERENCE).confidence


def test_confidence_is_low_for_ambiguous_evidence(grader: OfflineGrader) -> None:
    # Right in other (figurative) words: shares almost no vocabulary with the reference.
    figurative = ("LoRA 的思路是不碰原模型，只在旁边挂一个很瘦的小网络：先降维再升维，训练只动这一小块，"
                  "所以便宜；上线时可以把它并回去。")
    grade = grader.grade_sync(_question(), figurative)
    assert grade.confidence < 0.5
    assert GradeFlag.LOW_CONFIDENCE in grade.flags
    assert GradeFlag.LOW_CONFIDENCE not in grader.grade_sync(_question(), REFERENCE).flags


def test_one_sentence_reference_without_key_points() -> None:
    grader = OfflineGrader()
    question = question_from_row("What is the role of a prototype program in problem solving?",
                                 "To simulate the behaviour of portions of the desired software product.")
    good = grader.grade_sync(question, "A prototype simulates the behavior of parts of the desired software "
                                       "product so problems can be found early.")
    wrong = grader.grade_sync(question, "A prototype is the declaration of a function in a header file.")
    assert (good.score or 0) >= 6 > (wrong.score or 0)
    assert good.covered == () and good.missed == ()  # no bank key points, so no ids


def test_verdict_matches_score(grader: OfflineGrader) -> None:
    for answer in ("LoRA 冻结权重。", REFERENCE, "不知道"):
        grade = grader.grade_sync(_question(), answer)
        assert grade.verdict == verdict_for(grade.score)
        assert 0 <= grade.confidence <= 1 and grade.latency_ms is not None
