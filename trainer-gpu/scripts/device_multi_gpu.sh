#!/usr/bin/env bash
# Issue 8 on a 2-GPU machine: the DDP loss-match test and 1- vs 2-GPU bench for scaling.
# Usage (repo root): bash trainer-gpu/scripts/device_multi_gpu.sh
set -u
OUT="${OUT:-/tmp/t2s-out}"; mkdir -p "$OUT"
export PYTHONUNBUFFERED=1 PYTHONPATH="$PWD/trainer-gpu${PYTHONPATH:+:$PYTHONPATH}"
nvidia-smi --query-gpu=name,memory.total --format=csv | tee "$OUT/env.txt"
timeout 240 python3 -m pytest -q -rA -s -p no:cacheprovider trainer-gpu/tests/test_gpu.py -k two_gpu >"$OUT/mgpu-test.log" 2>&1
echo "pytest rc=$?"; grep -E "passed|failed|error|2-GPU vs" "$OUT/mgpu-test.log" | tail -4
b() { local n=$1; shift; echo "=== gpus=$n $*" | tee -a "$OUT/mgpu-bench.log"
  if [ "$n" = 1 ]; then timeout 150 python3 -m t2s_trainer bench "$@" >>"$OUT/mgpu-bench.log" 2>>"$OUT/mgpu-bench-stderr.log"
  else timeout 150 python3 -m torch.distributed.run --nproc_per_node "$n" -m t2s_trainer bench "$@" >>"$OUT/mgpu-bench.log" 2>>"$OUT/mgpu-bench-stderr.log"; fi
  echo "rc=$?" | tee -a "$OUT/mgpu-bench.log"; tail -n 4 "$OUT/mgpu-bench.log"; }
b 1 --arch llama-3.2-1b --method full
b 2 --arch llama-3.2-1b --method full
b 1 --arch llama-3.1-8b
b 2 --arch llama-3.1-8b
