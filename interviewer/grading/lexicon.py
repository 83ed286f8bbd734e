"""Small word lists for the offline grader: stop-words (zh, en) and bilingual ML terms.

Kept as data in code so the grader needs no files at run time. Terms map English spellings to one canonical
(Chinese) form, so "attention" in an English answer meets "注意力" in a Chinese reference.
"""

from __future__ import annotations


def _words(text: str) -> list[str]:
    return text.split()


EN_STOPWORDS = frozenset(
    _words(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each either else etc even ever every few for
    from further get gets got had has have having he her here hers him his how however i if in into is it its
    itself just let like may me might more most much must my no nor not now of off on once one only or other
    our out over own per rather really same she should so some such than that the their them then there these
    they this those though through thus to too under until up upon us use used uses using very via was way we
    well were what when where whether which while who whom whose why will with within without would yet you
    your e.g i.e ie eg also basically usually often always simply generally called something thing things kind
    make makes made allow allows allowed need needs needed""")
)

# Particles, pronouns, conjunctions, prepositions, light verbs and fillers: structure, not content.
ZH_STOPWORDS = frozenset(
    _words(
    """的 地 得 了 着 过 是 在 和 与 及 以及 或 或者 而 而且 并 并且 但 但是 然而
    因为 所以 因此 如果 那么 就 都 也 还 又 再 更 最 很 非常 比较 较 被 把 对
    对于 将 从 向 为 为了 以 之 其 这 那 这个 那个 这些 那些 这种 那种 这样 那样
    一个 一种 一些 一样 某 某些 各 各种 每 每个 它 它们 他 他们 我 我们 你 你们
    其中 其他 其它 可以 可能 能 能够 会 要 需要 应该 应 进行 通过 使用 利用 采用 用
    用于 用来 使 使得 让 有 没有 具有 存在 包括 包含 如 例如 比如 比如说 等 等等
    之后 之前 时 时候 中 上 下 里 内 外 后 前 由 由于 即 即使 虽然 尽管 只 只是
    只有 不 不是 没 什么 怎么 如何 为什么 哪些 是否 吗 呢 吧 啊 呀 嘛 个 种 次 些
    得到 来 去 做 一 二 两 三 第一 第二 首先 其次 然后 最后 总之 总的来说 另外 此外
    同时 以便 从而 进而 所 所有 主要 一般 通常 一定 就是 还是 而是 只要 之间 方面
    情况 问题 方式 方法 作用 相关 一下 一点 简单 简述 说明 介绍 解释 描述 理解 什么样
    哪 哪个 哪里 好 大 小 多 少 高 低 自己 本身 已经 正在""")
)

# Answers that say nothing: graded 0 with flag `empty_answer`.
DONT_KNOW = (
    r"不知道|不清楚|不会|不懂|不了解|没学过|忘了|不记得|不太清楚|不太会|没有想法|无|略|pass|跳过|"
    r"i\s*do\s*n[o']?t\s*know|i\s*don'?t\s*know|dunno|no\s*idea|not\s*sure|idk|i\s*forgot|skip|n/?a|none|\?+|？+"
)

# canonical: english variants (regex, matched on lower-cased text at word boundaries).
_TERMS = """
注意力: attention|attentions
自注意力: self[- ]attention
多头注意力: multi[- ]head(?:ed)? attention|mha
交叉注意力: cross[- ]attention
位置编码: positional (?:encoding|embedding)s?|position (?:encoding|embedding)s?
旋转位置编码: rotary (?:position(?:al)? )?(?:embedding|encoding)s?|rope
编码器: encoders?
解码器: decoders?
前馈网络: feed[- ]?forward(?: network| layer)?s?|ffn|mlp
残差连接: residual(?: connection)?s?|skip connections?
层归一化: layer ?norm(?:alization)?
归一化: normali[sz]ation|normali[sz]e[sd]?
微调: fine[- ]?tun(?:e|es|ed|ing)|finetun(?:e|es|ed|ing)
指令微调: instruction[- ]tun(?:ing|ed)|instruction fine[- ]?tuning
预训练: pre[- ]?train(?:ed|ing)?
强化学习: reinforcement learning|rl
人类反馈: human feedback
奖励模型: reward models?|rm
奖励: rewards?
策略: polic(?:y|ies)
偏好: preferences?
对齐: align(?:ment|ed|s)?
低秩: low[- ]rank
秩: ranks?
矩阵: matri(?:x|ces)
分解: decompos(?:e|ed|ition)|factori[sz](?:e|ed|ation)
参数: parameters?|params?|weights?
权重: weight matri(?:x|ces)
冻结: free[sz](?:e|es|ing)|frozen
梯度: gradients?
损失: loss(?:es)?
损失函数: loss functions?|objective functions?
交叉熵: cross[- ]entropy
反向传播: back[- ]?propagation|backprop
优化器: optimi[sz]ers?
学习率: learning rates?|lr
过拟合: over[- ]?fit(?:ting|s)?
欠拟合: under[- ]?fit(?:ting|s)?
泛化: generali[sz](?:e|es|ation)
正则化: regulari[sz](?:e|es|ation)
量化: quanti[sz](?:e|ed|es|ation)
剪枝: prun(?:e|ing)
蒸馏: distil(?:l|ls|led|lation)?
推理: inference|reason(?:ing)?
生成: generat(?:e|es|ed|ion|ive)
缓存: cach(?:e|es|ed|ing)
显存: gpu memory|vram
内存: memory
计算量: compute|computation(?:al cost)?|flops
序列: sequences?
长度: lengths?
上下文: contexts?
窗口: windows?
词表: vocabular(?:y|ies)|vocab
分词: tokeni[sz](?:e|er|ers|ation)
词元: tokens?
嵌入: embeddings?|embed(?:s|ded)?
向量: vectors?
语言模型: language models?|lm|lms
大模型: large language models?|llms?
模型: models?
数据集: datasets?|data sets?
数据: data
样本: samples?|examples?
标注: label(?:s|ed|ing)?|annotat(?:e|ed|ion|ions)
训练: train(?:s|ed|ing)?
评估: evaluat(?:e|es|ed|ion)|assess(?:ment)?
指标: metrics?
准确率: accuracy
困惑度: perplexity|ppl
提示: prompts?|prompting
指令: instructions?
任务: tasks?
下游任务: downstream tasks?
零样本: zero[- ]shot
少样本: few[- ]shot
思维链: chain[- ]of[- ]thoughts?|cot
幻觉: hallucinat(?:e|es|ion|ions)
检索: retriev(?:e|al|er|ers)
检索增强生成: retrieval[- ]augmented generation|rag
知识: knowledge
知识图谱: knowledge graphs?
适配器: adapters?
前缀: prefix(?:es)?
多模态: multi[- ]?modal(?:ity)?
图像: images?
文本: texts?
扩散模型: diffusion models?
噪声: nois(?:e|es|y)
对比学习: contrastive learning
稀疏: sparse|sparsity
稠密: dense
混合专家: mixture[- ]of[- ]experts?|moe
专家: experts?
路由: rout(?:er|ing|e)
并行: parallel(?:ism)?
分布式: distributed
批量: batch(?:es)?
批大小: batch[- ]size
轮次: epochs?
精度: precision
浮点: floating[- ]point|float
半精度: half[- ]precision|fp16|bf16
采样: sampl(?:e|ing)
温度: temperature
解码: decoding
贪心: greedy
束搜索: beam[- ]search
自回归: auto[- ]?regressive(?:ly)?
掩码: mask(?:s|ed|ing)?
因果: causal
双向: bidirectional
单向: unidirectional|left[- ]to[- ]right
外推: extrapolat(?:e|ion)
插值: interpolat(?:e|ion)
复杂度: complexit(?:y|ies)
时间复杂度: time complexit(?:y|ies)
空间复杂度: space complexit(?:y|ies)
线性: linear(?:ly)?
二次: quadratic(?:ally)?
平方: square[sd]?
效率: efficien(?:t|cy)
成本: costs?
速度: speed|fast(?:er)?
吞吐量: throughput
延迟: latency
规模: scal(?:e|es|ing)|size
缩放定律: scaling laws?
涌现: emergen(?:t|ce)
能力: capabilit(?:y|ies)|abilit(?:y|ies)
安全: safety|safe
有害: harmful
偏见: bias(?:es)?
奖励黑客: reward hacking
近端策略优化: proximal policy optimi[sz]ation|ppo
直接偏好优化: direct preference optimi[sz]ation|dpo
监督微调: supervised fine[- ]?tuning|sft
人类反馈强化学习: reinforcement learning from human feedback|rlhf
散度: divergence
分类: classif(?:y|ication|ier)
回归: regression
聚类: cluster(?:s|ing)?
相似度: similarit(?:y|ies)
余弦: cosine
概率: probabilit(?:y|ies)
分布: distributions?
输入: inputs?
输出: outputs?
查询: quer(?:y|ies)
键: keys?
值: values?
隐藏层: hidden (?:layer|state)s?
层: layers?
神经网络: neural networks?
循环神经网络: recurrent neural networks?|rnns?
卷积: convolution(?:al)?|cnns?
长期依赖: long[- ](?:range|term) dependenc(?:y|ies)
梯度消失: vanishing gradients?
并行化: paralleli[sz](?:e|ation|able)
"""


def _parse_terms(raw: str) -> tuple[tuple[str, str], ...]:
    pairs: list[tuple[str, str]] = []
    for line in raw.strip().splitlines():
        canonical, variants = line.split(":", 1)
        pairs.append((canonical.strip(), variants.strip()))
    return tuple(pairs)


TERMS: tuple[tuple[str, str], ...] = _parse_terms(_TERMS)
"""(canonical Chinese term, regex of English variants), longest phrases first when applied."""
