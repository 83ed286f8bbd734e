"""Read vLLM's prefix-cache counters from its Prometheus `/metrics` text, for benchmarks.

vLLM 0.32 exports `vllm:prefix_cache_queries_total` and `vllm:prefix_cache_hits_total` (counted in tokens);
older releases used `vllm:gpu_prefix_cache_*`. Counters are cumulative: compare two readings with `since()`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SAMPLE = re.compile(r"^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?P<labels>[^}]*)\})?\s+(?P<value>\S+)")
_LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')
_NAMES = {
    "queries": ("vllm:prefix_cache_queries", "vllm:gpu_prefix_cache_queries"),
    "hits": ("vllm:prefix_cache_hits", "vllm:gpu_prefix_cache_hits"),
}


@dataclass(frozen=True)
class PrefixCacheStats:
    """Cumulative prefix-cache lookups and hits, in prompt tokens; `found` False: the server has none."""

    queries: float = 0.0
    hits: float = 0.0
    found: bool = False

    @property
    def hit_rate(self) -> float | None:
        """Hits / queries, or None before any query."""
        return self.hits / self.queries if self.queries else None

    def since(self, earlier: PrefixCacheStats) -> PrefixCacheStats:
        """The counters accumulated between an earlier reading and this one."""
        return PrefixCacheStats(self.queries - earlier.queries, self.hits - earlier.hits, self.found)


def parse_prefix_cache(text: str, *, model_name: str | None = None) -> PrefixCacheStats:
    """Sum the prefix-cache counters in Prometheus exposition text (only `model_name`'s series if given)."""
    totals = {"queries": 0.0, "hits": 0.0}
    found = False
    for line in text.splitlines():
        match = _SAMPLE.match(line)
        if match is None:
            continue
        kind = _kind(match["name"])
        if kind is None:
            continue
        labels = dict(_LABEL.findall(match["labels"] or ""))
        if model_name is not None and labels.get("model_name", model_name) != model_name:
            continue
        try:
            totals[kind] += float(match["value"])
        except ValueError:
            continue
        found = True
    return PrefixCacheStats(totals["queries"], totals["hits"], found)


def _kind(name: str) -> str | None:
    base = name.removesuffix("_total")
    for kind, names in _NAMES.items():
        if base in names:
            return kind
    return None
