#!/usr/bin/env bash
# Issue 8 on a 2-GPU machine: the multi-GPU tests (DDP loss match; FSDP2 full fine-tuning and its
# resume) and the 1- vs 2-GPU bench for scaling.
# Usage (repo root): bash trainer-gpu/scripts/device_multi_gpu.sh
#   K=<pytest -k expression> (default two_gpu: both tests), BENCH=0 to skip the bench.
set -u
OUT="${OUT:-/tmp/t2s-out}"; mkdir -p "$OUT"
export PYTHONUNBUFFERED=1 PYTHONPATH="$PWD/trainer-gpu${PYTHONPATH:+:$PYTHONPATH}"
nvidia-smi --query-gpu=name,memory.total --format=csv | tee "$OUT/env.txt"
timeout 420 python3 -m pytest -q -rA -s -p no:cacheprovider trainer-gpu/tests/test_gpu.py -k "${K:-two_gpu}" >"$OUT/mgpu-test.log" 2>&1
echo "pytest rc=$?"; grep -E "passed|failed|error|2-GPU vs|resume from" "$OUT/mgpu-test.log" | tail -6
# On failure, the stderr of the last launched trainers (the tests name them in their assertions).
for f in $(ls -t /tmp/pytest-of-*/pytest-*/assets*/cfg-*.stderr 2>/dev/null | head -2); do cp "$f" "$OUT/"; done
[ "${BENCH:-1}" = 0 ] && exit 0
b() { local n=$1; shift; echo "=== gpus=$n $*" | tee -a "$OUT/mgpu-bench.log"
  if [ "$n" = 1 ]; then timeout 150 python3 -m t2s_trainer bench "$@" >>"$OUT/mgpu-bench.log" 2>>"$OUT/mgpu-bench-stderr.log"
  else timeout 150 python3 -m torch.distributed.run --nproc_per_node "$n" -m t2s_trainer bench "$@" >>"$OUT/mgpu-bench.log" 2>>"$OUT/mgpu-bench-stderr.log"; fi
  echo "rc=$?" | tee -a "$OUT/mgpu-bench.log"; tail -n 4 "$OUT/mgpu-bench.log"; }
b 1 --arch llama-3.2-1b --method full
b 2 --arch llama-3.2-1b --method full
b 1 --arch llama-3.1-8b
b 2 --arch llama-3.1-8b
