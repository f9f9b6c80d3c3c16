#!/usr/bin/env bash
# Issue 8 on a 2-GPU machine: only the FSDP2 full fine-tuning test (loss match with one GPU, resume).
# Usage (repo root): bash trainer-gpu/scripts/device_fsdp.sh
K=fsdp BENCH=0 exec bash "$(dirname "$0")/device_multi_gpu.sh"
