#!/usr/bin/env bash
# Issue 8 on a 2-GPU machine: FSDP2 full fine-tuning of the tiny Llama against one GPU, and its resume.
# Usage (repo root): bash trainer-gpu/scripts/device_fsdp.sh
set -u
OUT="${OUT:-/tmp/t2s-out}"; mkdir -p "$OUT"
export PYTHONUNBUFFERED=1 PYTHONPATH="$PWD/trainer-gpu${PYTHONPATH:+:$PYTHONPATH}"
nvidia-smi --query-gpu=name,memory.total --format=csv | tee "$OUT/env.txt"
timeout 420 python3 -m pytest -q -rA -s -p no:cacheprovider trainer-gpu/tests/test_gpu.py -k fsdp >"$OUT/fsdp-test.log" 2>&1
echo "pytest rc=$?"; grep -E "passed|failed|error|FSDP2 2-GPU" "$OUT/fsdp-test.log" | tail -5
# On failure, the last stderr of the launched trainer (the test names it in its assertion).
for f in $(ls -t /tmp/pytest-of-*/pytest-*/assets*/cfg-fsdp-*.stderr 2>/dev/null | head -2); do cp "$f" "$OUT/"; done
