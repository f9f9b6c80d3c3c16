#!/usr/bin/env bash
# One call on the GPU machine: environment, GPU tests, benchmarks. Logs under $OUT (at most 8 files come back).
# Usage (from the repo root): bash trainer-gpu/scripts/device_run.sh "tests bench8b bench8b-more bench1b compile"
set -u
PHASES="${1:-tests bench8b}"
OUT="${OUT:-/tmp/t2s-out}"; mkdir -p "$OUT"
export PYTHONUNBUFFERED=1 PYTHONPATH="$PWD/trainer-gpu${PYTHONPATH:+:$PYTHONPATH}"
PY=python3
B="$PY -m t2s_trainer bench"
bench() {  # bench <timeout_s> <args...>: result JSON appended to bench.jsonl, human lines to bench.log
  local t=$1; shift
  echo "=== bench $*" | tee -a "$OUT/bench.log"
  timeout "$t" $B "$@" --json-out "$OUT/last.json" >>"$OUT/bench.log" 2>>"$OUT/bench-stderr.log" \
    && cat "$OUT/last.json" | $PY -c 'import json,sys; print(json.dumps(json.load(sys.stdin)))' >>"$OUT/bench.jsonl" \
    || echo "FAILED rc=$? bench $*" | tee -a "$OUT/bench.log"
  tail -n 6 "$OUT/bench.log"
}
for phase in $PHASES; do
  case $phase in
    env)
      { nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv
        $PY -c 'import torch,transformers,peft,accelerate,tokenizers,safetensors;print(torch.__version__,transformers.__version__,peft.__version__,accelerate.__version__,tokenizers.__version__,safetensors.__version__)'
        $PY -m pip list 2>/dev/null | grep -i -E '^(torch|transformers|peft|accelerate|tensorboard|safetensors|tokenizers|huggingface.hub|pyyaml|numpy|pytest|bitsandbytes) '
      } >"$OUT/env.txt" 2>&1; cat "$OUT/env.txt" ;;
    tests)
      timeout 560 $PY -m pytest -q -rA -p no:cacheprovider trainer-gpu/tests -k "not 8b_shape" >"$OUT/gpu-tests.log" 2>&1
      echo "pytest rc=$?"; grep -E "passed|failed|error" "$OUT/gpu-tests.log" | tail -3 ;;
    smoke)
      bench 120 --arch tiny --seq-len 256 --steps 3
      bench 120 --arch tiny --seq-len 256 --steps 3 --baseline true ;;
    bench8b)
      bench 240 --arch llama-3.1-8b --baseline true
      bench 240 --arch llama-3.1-8b ;;                 # the bench default: the compiled (opt-in) step
    bench8b-more)
      bench 240 --arch llama-3.1-8b --gradient-checkpointing true
      bench 240 --arch llama-3.1-8b --baseline true --gradient-checkpointing true
      bench 240 --arch llama-3.1-8b --lora-dropout 0 ;;
    bench1b)
      bench 240 --arch llama-3.2-1b --method full
      bench 240 --arch llama-3.2-1b --method full --gradient-checkpointing true ;;
    compile)
      bench 400 --arch llama-3.1-8b --compare-eager true ;;
  esac
done
