#!/usr/bin/env bash
# Issue 17's measurements in one or two device calls (logs under $OUT; at most 8 files come back).
# Usage (from the folder that holds trainer-gpu/):
#   bash trainer-gpu/scripts/device_speed.sh "env bench"     # the BENCHMARKS.md table, one card, one lease
#   T2S_BIRD_SFT_JSONL=/path/bird-sft.jsonl bash trainer-gpu/scripts/device_speed.sh tests   # the GPU suite
#   bash trainer-gpu/scripts/device_speed.sh test8b                                         # 8B-shape parity
set -u
PHASES="${1:-env bench}"
OUT="${OUT:-/tmp/t2s-out}"; mkdir -p "$OUT"
export PYTHONUNBUFFERED=1 PYTHONPATH="$PWD/trainer-gpu${PYTHONPATH:+:$PYTHONPATH}"
PY=python3
bench() {  # bench <timeout_s> <args...>: human lines to bench.log, result JSON to bench.jsonl
  local t=$1; shift
  echo "=== python3 -m t2s_trainer bench $*" | tee -a "$OUT/bench.log"
  timeout "$t" $PY -m t2s_trainer bench "$@" --json-out "$OUT/last.json" >>"$OUT/bench.log" 2>>"$OUT/bench-stderr.log" \
    && $PY -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))))' "$OUT/last.json" >>"$OUT/bench.jsonl" \
    || echo "FAILED rc=$? bench $*" | tee -a "$OUT/bench.log"
  rm -f "$OUT/last.json"
}
for phase in $PHASES; do
  case $phase in
    env)
      { nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv
        $PY -c 'import torch,transformers,peft,accelerate;print(torch.__version__,transformers.__version__,peft.__version__,accelerate.__version__)'
      } >"$OUT/env.txt" 2>&1; cat "$OUT/env.txt" ;;
    bench)
      bench 150 --arch llama-3.1-8b --baseline true
      bench 240 --arch llama-3.1-8b --compare-eager true
      bench 150 --arch llama-3.1-8b --baseline true --gradient-checkpointing true
      bench 240 --arch llama-3.1-8b --gradient-checkpointing true --gradient-checkpointing-ratio 0.5 --compare-eager true
      bench 200 --arch llama-3.2-1b --method full --compare-eager true
      cat "$OUT/bench.log" ;;
    tests)  # > 9 min on an H100 with the 8B test (its compiled phase and the compile tests are slow); two calls are safer
      timeout "${TESTS_TIMEOUT:-560}" $PY -m pytest -q -rA -s -p no:cacheprovider trainer-gpu/tests -k "not 8b_shape" >"$OUT/gpu-tests.log" 2>&1
      echo "pytest rc=$?"
      grep -E "^(PASSED|FAILED|ERROR)|passed|failed|compiled vs eager|bird-sample:|8B compiled|isolation:|killed after|loss [0-9]" "$OUT/gpu-tests.log" | tail -60 ;;
    test8b)  # the 8B-shape parity test alone (~2 min: two 8B phases and one compilation)
      timeout 300 $PY -m pytest -q -rA -s -p no:cacheprovider trainer-gpu/tests/test_gpu.py -k 8b_shape >"$OUT/gpu-test-8b.log" 2>&1
      echo "pytest rc=$?"; grep -E "passed|failed|8B compiled|Error" "$OUT/gpu-test-8b.log" | tail -20 ;;
  esac
done
