"""GRPO step throughput on a random-weight architecture (no download, no reward server): the recipe's own rollout
(`generate` with the KV cache, completions forced to full length) and policy update (log-probabilities, clipped
loss, backward, AdamW on LoRA), with random rewards in place of the reward API's.

    python -m t2s_trainer.grpo_bench --arch llama-3.1-8b --prompts 8 --group-size 8 --prompt-len 1024 \\
        --completion-len 512 [--rollout-batch 64] [--micro-batch 8] [--json-out FILE]

Prints rollout tokens/s (generated tokens), train tokens/s (prompt + completion tokens through forward and
backward), peak GPU memory, and the time one step over 64 prompts would take at these rates.
"""

from __future__ import annotations

import argparse
import json
import time


def main(argv=None) -> int:
    import torch

    from .bench import build_model
    from .config import make_config
    from .grpo import GRPORecipe
    from .grpo_config import GRPOConfig
    from .modeling import apply_lora, enable_gradient_checkpointing

    ap = argparse.ArgumentParser(prog="python -m t2s_trainer.grpo_bench")
    ap.add_argument("--arch", default="llama-3.1-8b")
    ap.add_argument("--prompts", type=int, default=8)
    ap.add_argument("--group-size", type=int, default=8)
    ap.add_argument("--prompt-len", type=int, default=1024)
    ap.add_argument("--completion-len", type=int, default=512)
    ap.add_argument("--rollout-batch", type=int, default=64)
    ap.add_argument("--micro-batch", type=int, default=8)
    ap.add_argument("--lora-r", type=int, default=16)
    ap.add_argument("--gradient-checkpointing", default="true")
    ap.add_argument("--steps", type=int, default=2, help="timed steps after one warm-up step")
    ap.add_argument("--json-out", default="")
    a = ap.parse_args(argv)

    cfg = make_config(GRPOConfig, {
        "model": a.arch, "train_files": ["-"], "output_dir": "-", "reward_url": "http://unused", "reward_source": "-",
        "group_size": a.group_size, "prompts_per_step": a.prompts, "max_completion_tokens": a.completion_len,
        "rollout_batch_size": a.rollout_batch, "micro_batch_size": a.micro_batch, "lora_r": a.lora_r,
        "lora_alpha": 2.0 * a.lora_r, "gradient_checkpointing": a.gradient_checkpointing,
    })
    device = torch.device("cuda", 0)
    torch.backends.cuda.matmul.allow_tf32 = True
    model = build_model(a.arch, torch.bfloat16, device)
    vocab = model.config.vocab_size
    if cfg.gradient_checkpointing:
        enable_gradient_checkpointing(model)
    model = apply_lora(model, cfg.lora_r, cfg.lora_alpha, 0.0, ["all-linear"], fast=True)
    r = GRPORecipe(cfg, events=None, stop=None)
    r.model, r.device, r.pad_id, r.eos_ids = model, device, 0, [vocab - 1]
    r.min_new_tokens = a.completion_len  # random weights: every completion runs to full length
    r.params = [p for p in model.parameters() if p.requires_grad]
    r.optimizer = torch.optim.AdamW(r.params, lr=1e-5, fused=True)
    g = torch.Generator().manual_seed(0)
    r.prompts = [(i, torch.randint(1, vocab - 1, (a.prompt_len,), generator=g).tolist()) for i in range(a.prompts)]

    rows = []
    for step in range(1 + a.steps):
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        _q, prompt_ids, completion_ids = r.rollout(step, list(range(a.prompts)))
        torch.cuda.synchronize()
        t_roll = time.perf_counter() - t0
        rewards = torch.rand(len(completion_ids), generator=g).round()
        m = r.update(prompt_ids, completion_ids, rewards, torch.ones(len(completion_ids), dtype=torch.bool))
        gen = sum(len(c) for c in completion_ids)
        rows.append({"rollout_s": t_roll, "generated": gen, "train_s": m["train_s"], "train_tokens": m["train_tokens"]})
        print(json.dumps({"step": step, "warmup": step == 0, **rows[-1], "loss": m["loss"]}), flush=True)
    timed = rows[1:]
    roll_s = sum(x["rollout_s"] for x in timed) / len(timed)
    train_s = sum(x["train_s"] for x in timed) / len(timed)
    result = {
        "arch": a.arch, "gpu": torch.cuda.get_device_name(0), "prompts": a.prompts, "group_size": a.group_size,
        "prompt_len": a.prompt_len, "completion_len": a.completion_len, "rollout_batch": a.rollout_batch,
        "micro_batch": a.micro_batch, "lora_r": a.lora_r, "gradient_checkpointing": cfg.gradient_checkpointing,
        "rollout_tokens_per_s": round(timed[0]["generated"] / roll_s, 1),
        "train_tokens_per_s": round(timed[0]["train_tokens"] / train_s, 1),
        "rollout_s": round(roll_s, 2), "train_s": round(train_s, 2),
        "peak_mem_gib": round(torch.cuda.max_memory_allocated() / 2**30, 2),
        # A 64-prompt step is 64 / prompts of these batches, one after another (rewards not included).
        "step_64_prompts_s": round((roll_s + train_s) * 64 / a.prompts, 1),
    }
    print(json.dumps(result), flush=True)
    if a.json_out:
        with open(a.json_out, "w") as fh:
            json.dump(result, fh)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
