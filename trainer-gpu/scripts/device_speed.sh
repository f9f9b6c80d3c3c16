#!/usr/bin/env bash
# Issue 17's measurements in one or two device calls (logs under $OUT; at most 8 files come back).
# Usage (from the folder that holds trainer-gpu/):
#   bash trainer-gpu/scripts/device_speed.sh "env bench"     # the BENCHMARKS.md table, one card, one lease
#   T2S_BIRD_SFT_JSONL=/path/bird-sft.jsonl bash trainer-gpu/scripts/device_speed.sh tests   # the GPU suite
#   bash trainer-gpu/scripts/device_speed.sh parity        # compiled vs eager vs fp32 (python -m t2s_trainer.parity), 8B + tiny
#   bash trainer-gpu/scripts/device_speed.sh test8b        # the parity tests (8B shape and tiny)
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
    bench)  # the issue-17 table: plain PEFT loop vs sft's default (compiled; eager for comparison), with and without checkpointing
      bench 150 --arch llama-3.1-8b --baseline true
      bench 240 --arch llama-3.1-8b --compare-eager true
      bench 150 --arch llama-3.1-8b --baseline true --gradient-checkpointing true
      bench 240 --arch llama-3.1-8b --gradient-checkpointing true --gradient-checkpointing-ratio 0.5 --compare-eager true
      grep -v "FLOPs\|matmul params\|^{" "$OUT/bench.log" ;;
    bench1b)
      bench 200 --arch llama-3.2-1b --method full --compare-eager true ;;
    parity)
      timeout 420 $PY -m t2s_trainer.parity --arch llama-3.1-8b --json-out "$OUT/parity-8b.json" >"$OUT/parity-8b.log" 2>&1
      timeout 150 $PY -m t2s_trainer.parity --arch tiny --seq-len 512 --steps 50 --lora-r 16 --lora-alpha 32 --json-out "$OUT/parity-tiny.json" >"$OUT/parity-tiny.log" 2>&1
      grep -v "Warning\|warn" "$OUT/parity-8b.log" "$OUT/parity-tiny.log" | tail -40 ;;
    tests)  # > 9 min on an H100 with the 8B test (its compiled phase and the compile tests are slow); two calls are safer
      timeout "${TESTS_TIMEOUT:-560}" $PY -m pytest -q -rA -s -p no:cacheprovider trainer-gpu/tests -k "not 8b_shape and not as_exact_as_eager" >"$OUT/gpu-tests.log" 2>&1
      echo "pytest rc=$?"
      grep -E "^(PASSED|FAILED|ERROR)|passed|failed|compiled vs eager|bird-sample:|8B compiled|isolation:|killed after|loss [0-9]" "$OUT/gpu-tests.log" | tail -60 ;;
    test8b)  # the parity tests alone (~3 min on an H100: the 8B shape eager, PEFT-precision, compiled and fp32; the tiny model)
      timeout "${TESTS_TIMEOUT:-300}" $PY -m pytest -q -rA -s -p no:cacheprovider trainer-gpu/tests/test_gpu.py -k as_exact_as_eager >"$OUT/gpu-test-parity.log" 2>&1
      echo "pytest rc=$?"; grep -E "passed|failed|max rel loss gap|Error" "$OUT/gpu-test-parity.log" | tail -20 ;;
  esac
done
