"""Training-throughput benchmark on a named architecture with random weights (nothing is downloaded).

Run (one GPU):

    python -m t2s_trainer bench --arch llama-3.1-8b                          # trainer step, LoRA r256, no ckpt
    python -m t2s_trainer bench --arch llama-3.1-8b --gradient-checkpointing true
    python -m t2s_trainer bench --arch llama-3.1-8b --baseline true          # docs/gpu-notes.md §2's plain loop
    python -m t2s_trainer bench --arch llama-3.2-1b --method full
    python -m t2s_trainer bench --arch tiny --seq-len 256 --steps 3          # smoke test (CPU works too)

Under several GPUs: `torchrun --nproc_per_node N -m t2s_trainer bench ...` (DDP; per-GPU and total tokens/s).

Modes:
* trainer (default): the exact `train_step` of `sft` - fp32 LoRA weights with bf16 autocast and no fp32 cast
  of LoRA inputs, fused chunked lm_head + cross-entropy, fused AdamW, clipping, sdpa (flash path: one
  sequence per row, no mask).
* --baseline: PEFT defaults (fp32 adapters, inputs cast to fp32), `model(input_ids, labels=input_ids).loss`
  (full-vocabulary fp32 logits), fused AdamW, sdpa, no autocast - as measured in docs/gpu-notes.md §2.

FLOPs (printed with the result): per step, with T tokens in rows of length S, L layers, attention width
A = heads * head_dim, N_frozen / N_trainable = weights of all nn.Linear (lm_head included; LoRA A and B are
trainable Linear layers):
    model FLOPs    = T * (4 * N_frozen + 6 * N_trainable) + 6 * L * A * sum(S^2)     (causal attention)
    hardware FLOPs = model FLOPs + [checkpointing] (2 * (N - N_lm_head) * T + 2 * L * A * sum(S^2))
MFU = model FLOPs / step time / peak; HFU likewise with hardware FLOPs. Peak = --peak-tflops (989.4, the
H100 SXM dense bf16 spec); the result also gives MFU against 790 TFLOP/s, the bf16 matmul rate measured on
these cards.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time

from .config import BenchConfig

MEASURED_PEAK_TFLOPS = 790.0


def _tokens(cfg: BenchConfig, vocab: int, device):
    import torch

    g = torch.Generator().manual_seed(cfg.seed + 1)
    n = cfg.batch_size * cfg.seq_len
    if cfg.data_file:
        ids = []
        with open(cfg.data_file, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    ids += json.loads(line)["input_ids"]
                if len(ids) >= n:
                    break
        if len(ids) < n:
            raise ValueError(f"{cfg.data_file} has {len(ids)} tokens, need {n}")
        x = torch.tensor(ids[:n], dtype=torch.long) % vocab
    else:
        x = torch.randint(0, vocab, (n,), generator=g)
    return x.view(cfg.batch_size, cfg.seq_len).to(device)


def build_model(arch: str, dtype, device):
    import torch
    from transformers import AutoModelForCausalLM

    from .archs import llama_config

    torch.manual_seed(0)
    config = llama_config(arch)
    with torch.device(device):
        model = AutoModelForCausalLM.from_config(config, dtype=dtype, attn_implementation="sdpa")
    model.config.use_cache = False
    return model


def run(cfg: BenchConfig) -> dict:
    import torch
    from accelerate import Accelerator

    from .modeling import (
        CausalLMWithLoss,
        apply_lora,
        compile_layers,
        enable_gradient_checkpointing,
        matmul_params,
        step_flops,
        unwrap_peft,
    )
    from .sft import train_step

    accelerator = Accelerator()
    world = accelerator.num_processes
    device = accelerator.device
    cuda = device.type == "cuda"
    torch.manual_seed(cfg.seed)

    bf16 = cuda
    if cfg.method == "full":
        dtype = torch.float32 if cfg.full_param_dtype == "fp32" else torch.bfloat16
    else:
        dtype = torch.bfloat16 if cuda else torch.float32
    torch.backends.cuda.matmul.allow_tf32 = cfg.baseline_tf32 if cfg.baseline else True
    t_build = time.perf_counter()
    model = build_model(cfg.arch, dtype, device)
    if cfg.gradient_checkpointing:
        enable_gradient_checkpointing(model)
    if cfg.method == "lora":
        model = apply_lora(model, cfg.lora_r, cfg.lora_alpha, cfg.lora_dropout, ["all-linear"], fast=not cfg.baseline and bf16)
    if cfg.compile and not cfg.baseline:
        compile_layers(model)
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=2e-4 if cfg.method == "lora" else 5e-6, fused=cuda)
    mp = matmul_params(model)
    lm = unwrap_peft(model)
    c = lm.config
    build_s = time.perf_counter() - t_build

    x = _tokens(cfg, c.vocab_size, device)
    if cfg.baseline:
        step_model = accelerator.prepare(model) if world > 1 else model

        def step():
            out = step_model(input_ids=x, labels=x)
            out.loss.backward()
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            return out.loss.detach()
    else:
        wrapper = CausalLMWithLoss(model, cfg.loss_chunk_size, torch.bfloat16 if bf16 else None)
        step_model = accelerator.prepare(wrapper) if world > 1 else wrapper
        pos = torch.arange(cfg.seq_len, device=device).expand(cfg.batch_size, -1)
        flat = torch.arange(cfg.batch_size * cfg.seq_len, device=device).view(cfg.batch_size, cfg.seq_len)
        target_index = flat[:, :-1].reshape(-1)
        target_ids = x[:, 1:].reshape(-1)
        batch = {"input_ids": x, "position_ids": pos, "target_index": target_index, "target_ids": target_ids,
                 "attention_mask": None}
        n_targets = target_ids.numel() * world
        clip = accelerator.clip_grad_norm_ if world > 1 else None

        def step():
            loss, _ = train_step(step_model, optimizer, [batch], n_targets, world_size=world, params=params,
                                 max_grad_norm=0.3 if cfg.method == "lora" else 1.0,
                                 lr=2e-4 if cfg.method == "lora" else 5e-6, bf16=bf16, clip=clip)
            return loss / target_ids.numel()

    if cuda:
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    times, losses = [], []
    for i in range(cfg.warmup_steps + cfg.steps):
        t0 = time.perf_counter()
        loss = step()
        if cuda:
            torch.cuda.synchronize()
        dt = time.perf_counter() - t0
        losses.append(float(loss))
        if i >= cfg.warmup_steps:
            times.append(dt)
        print(f"step {i + 1}: {dt * 1000:.1f} ms loss {losses[-1]:.4f}{' (warm-up)' if i < cfg.warmup_steps else ''}",
              file=sys.stderr, flush=True)
    t = statistics.median(times)
    head_dim = getattr(c, "head_dim", None) or c.hidden_size // c.num_attention_heads
    fl = step_flops(mp, c.num_hidden_layers, c.num_attention_heads * head_dim, [cfg.seq_len] * cfg.batch_size,
                    cfg.gradient_checkpointing)
    peak = cfg.peak_tflops * 1e12
    result = {
        "mode": "baseline" if cfg.baseline else "trainer",
        "arch": cfg.arch,
        "method": cfg.method,
        "gradient_checkpointing": cfg.gradient_checkpointing,
        "lora_r": cfg.lora_r if cfg.method == "lora" else None,
        "lora_dropout": cfg.lora_dropout if cfg.method == "lora" else None,
        "compile": cfg.compile and not cfg.baseline,
        "tf32": torch.backends.cuda.matmul.allow_tf32,
        "seq_len": cfg.seq_len,
        "batch_size": cfg.batch_size,
        "world_size": world,
        "device": torch.cuda.get_device_name(device) if cuda else "cpu",
        "steps_timed": len(times),
        "step_ms_median": round(t * 1000, 1),
        "step_ms_min": round(min(times) * 1000, 1),
        "step_ms_max": round(max(times) * 1000, 1),
        "tokens_per_s": round(cfg.batch_size * cfg.seq_len / t, 1),
        "tokens_per_s_total": round(world * cfg.batch_size * cfg.seq_len / t, 1),
        "peak_mem_gib": round(torch.cuda.max_memory_allocated(device) / 2**30, 2) if cuda else None,
        "peak_reserved_gib": round(torch.cuda.max_memory_reserved(device) / 2**30, 2) if cuda else None,
        "matmul_params": mp,
        "model_tflop_per_step": round(fl["model"] / 1e12, 2),
        "hardware_tflop_per_step": round(fl["hardware"] / 1e12, 2),
        "model_tflops": round(fl["model"] / t / 1e12, 1),
        "mfu": round(fl["model"] / t / peak, 4),
        "hfu": round(fl["hardware"] / t / peak, 4),
        "mfu_vs_790": round(fl["model"] / t / (MEASURED_PEAK_TFLOPS * 1e12), 4),
        "peak_tflops": cfg.peak_tflops,
        "loss_first": round(losses[0], 4),
        "loss_last": round(losses[-1], 4),
        "build_s": round(build_s, 1),
        "flop_formula": "model = T*(4*N_frozen + 6*N_trainable) + 6*L*A*sum(S^2); hardware adds "
                        "2*(N - N_lm_head)*T + 2*L*A*sum(S^2) under gradient checkpointing; MFU = model/time/peak",
        "versions": _versions(),
    }
    return result


def _versions() -> dict:
    import accelerate
    import peft
    import torch
    import transformers

    return {"torch": torch.__version__, "transformers": transformers.__version__, "peft": peft.__version__,
            "accelerate": accelerate.__version__}


def main(cfg: BenchConfig | None, config_error: str | None = None) -> int:
    if config_error is not None:
        print(f"bench: {config_error}", file=sys.stderr)
        return 2
    os.environ.setdefault("PYTORCH_CUDA_ALLOC_CONF", "expandable_segments:True")
    result = run(cfg)
    if int(os.environ.get("RANK", "0")) != 0:
        return 0
    r = result
    print(
        f"{r['mode']} {r['arch']} {r['method']} ckpt={r['gradient_checkpointing']} dropout={r['lora_dropout']} "
        f"compile={r['compile']} tf32={r['tf32']} seq={r['seq_len']}x{r['batch_size']} on {r['device']}\n"
        f"  step {r['step_ms_median']} ms (median of {r['steps_timed']}; min {r['step_ms_min']}, max {r['step_ms_max']})"
        f"  tokens/s {r['tokens_per_s']}  peak mem {r['peak_mem_gib']} GiB (reserved {r['peak_reserved_gib']})\n"
        f"  {r['model_tflop_per_step']} model TFLOP/step -> {r['model_tflops']} TFLOP/s, MFU {r['mfu']:.1%} of "
        f"{r['peak_tflops']} (={r['mfu_vs_790']:.1%} of 790 measured), HFU {r['hfu']:.1%}\n"
        f"  FLOPs: {r['flop_formula']}\n"
        f"  matmul params: {r['matmul_params']}  loss {r['loss_first']} -> {r['loss_last']}",
        flush=True,
    )
    print(json.dumps({"bench": result}), flush=True)
    if cfg.json_out:
        with open(cfg.json_out, "w", encoding="utf-8") as fh:
            json.dump(result, fh, indent=2)
    return 0
