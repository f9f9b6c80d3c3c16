"""Training-throughput benchmark on a named architecture with random weights (nothing is downloaded).

Run (one GPU):

    python -m t2s_trainer bench --arch llama-3.1-8b                          # sft's default (compiled) step, LoRA r256
    python -m t2s_trainer bench --arch llama-3.1-8b --compile false          # the eager step
    python -m t2s_trainer bench --arch llama-3.1-8b --compare-eager true     # eager, then compiled: payoff, loss gap
    python -m t2s_trainer bench --arch llama-3.1-8b --gradient-checkpointing true --gradient-checkpointing-ratio 0.5
    python -m t2s_trainer bench --arch llama-3.1-8b --baseline true          # docs/gpu-notes.md §2's plain loop
    python -m t2s_trainer bench --arch llama-3.2-1b --method full
    python -m t2s_trainer bench --arch tiny --seq-len 256 --steps 3          # smoke test (CPU works too)

Under several GPUs: `torchrun --nproc_per_node N -m t2s_trainer bench ...` (DDP; per-GPU and total tokens/s).

Modes:
* trainer (default): the exact `train_step` of `sft` - fp32 LoRA weights with bf16 autocast and no fp32 cast
  of LoRA inputs, fused chunked lm_head + cross-entropy, fused AdamW, clipping, sdpa (flash path: one
  sequence per row, no mask), decoder layers compiled as `sft` compiles them by default (compiled.py; on
  CUDA); --compile false measures the eager step.
  Compilation happens in the warm-up steps; their time above the steady step is reported as compile time,
  and with --compare-eager also the number of steps after which compiling has paid for itself.
* --baseline: PEFT defaults (fp32 adapters, inputs cast to fp32), `model(input_ids, labels=input_ids).loss`
  (full-vocabulary fp32 logits), fused AdamW, sdpa, no autocast - as measured in docs/gpu-notes.md §2.

FLOPs (printed with the result): per step, with T tokens in rows of length S, L layers, attention width
A = heads * head_dim, N_frozen / N_trainable = weights of all nn.Linear (lm_head included; LoRA A and B are
trainable Linear layers):
    model FLOPs    = T * (4 * N_frozen + 6 * N_trainable) + 6 * L * A * sum(S^2)     (causal attention)
    hardware FLOPs = model FLOPs + [checkpointing] share * (2 * (N - N_lm_head) * T + 2 * L * A * sum(S^2))
                     (share: the fraction of decoder layers that recompute)
MFU = model FLOPs / step time / peak; HFU likewise with hardware FLOPs. Peak = --peak-tflops (989.4, the
H100 SXM dense bf16 spec); the result also gives MFU against 790 TFLOP/s, the bf16 matmul rate measured on
these cards.
"""

from __future__ import annotations

import json
import math
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


def _timed_steps(step, n_warmup: int, n_steps: int, cuda: bool, label: str) -> tuple[list[float], list[float]]:
    """Run warm-up + timed steps; returns (wall time of every step, loss of every step)."""
    import torch

    times, losses = [], []
    for i in range(n_warmup + n_steps):
        t0 = time.perf_counter()
        loss = step()
        if cuda:
            torch.cuda.synchronize()
        times.append(time.perf_counter() - t0)
        losses.append(float(loss))
        print(f"{label} step {i + 1}: {times[-1] * 1000:.1f} ms loss {losses[-1]:.4f}"
              f"{' (warm-up)' if i < n_warmup else ''}", file=sys.stderr, flush=True)
    return times, losses


def run(cfg: BenchConfig) -> dict:
    import torch
    from accelerate import Accelerator

    from .compiled import LayerCompiler
    from .modeling import (
        CausalLMWithLoss,
        apply_lora,
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
    compiled = cfg.compile and not cfg.baseline and cuda
    t_build = time.perf_counter()
    model = build_model(cfg.arch, dtype, device)
    ckpt_share = 0.0
    if cfg.gradient_checkpointing:
        chosen = enable_gradient_checkpointing(model, cfg.gradient_checkpointing_ratio)
        ckpt_share = len(chosen) / model.config.num_hidden_layers
    if cfg.method == "lora":
        model = apply_lora(model, cfg.lora_r, cfg.lora_alpha, cfg.lora_dropout, ["all-linear"], fast=not cfg.baseline and bf16)
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    lr = 2e-4 if cfg.method == "lora" else 5e-6
    mp = matmul_params(model)
    lm = unwrap_peft(model)
    c = lm.config
    build_s = time.perf_counter() - t_build

    x = _tokens(cfg, c.vocab_size, device)
    optimizer = None

    def new_optimizer():
        nonlocal optimizer
        optimizer = None
        if cuda:
            torch.cuda.empty_cache()
        optimizer = torch.optim.AdamW(params, lr=lr, fused=cuda)

    new_optimizer()
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
                                 max_grad_norm=0.3 if cfg.method == "lora" else 1.0, lr=lr, bf16=bf16, clip=clip)
            return loss / target_ids.numel()

    head_dim = getattr(c, "head_dim", None) or c.hidden_size // c.num_attention_heads
    fl = step_flops(mp, c.num_hidden_layers, c.num_attention_heads * head_dim, [cfg.seq_len] * cfg.batch_size,
                    ckpt_share)

    def measure(label: str) -> dict:
        if cuda:
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
        times, losses = _timed_steps(step, cfg.warmup_steps, cfg.steps, cuda, label)
        timed = times[cfg.warmup_steps:]
        t = statistics.median(timed)
        return {
            "steps_timed": len(timed),
            "step_ms_median": round(t * 1000, 1),
            "step_ms_min": round(min(timed) * 1000, 1),
            "step_ms_max": round(max(timed) * 1000, 1),
            "warmup_ms": [round(w * 1000, 1) for w in times[:cfg.warmup_steps]],
            "tokens_per_s": round(cfg.batch_size * cfg.seq_len / t, 1),
            "tokens_per_s_total": round(world * cfg.batch_size * cfg.seq_len / t, 1),
            "peak_mem_gib": round(torch.cuda.max_memory_allocated(device) / 2**30, 2) if cuda else None,
            "peak_reserved_gib": round(torch.cuda.max_memory_reserved(device) / 2**30, 2) if cuda else None,
            "model_tflops": round(fl["model"] / t / 1e12, 1),
            "mfu": round(fl["model"] / t / (cfg.peak_tflops * 1e12), 4),
            "hfu": round(fl["hardware"] / t / (cfg.peak_tflops * 1e12), 4),
            "mfu_vs_790": round(fl["model"] / t / (MEASURED_PEAK_TFLOPS * 1e12), 4),
            "losses": [round(v, 4) for v in losses],
            "loss_first": round(losses[0], 4),
            "loss_last": round(losses[-1], 4),
            "_median_s": t,
            "_times": times,
        }

    eager = None
    if compiled and cfg.compare_eager:
        start = {id(p): p.detach().clone() for p in params}
        eager = measure("eager")
        with torch.no_grad():  # the compiled run starts from the same weights, a fresh optimizer and RNG
            for p in params:
                p.copy_(start[id(p)])
                p.grad = None
        del start
        new_optimizer()
        torch.manual_seed(cfg.seed)
    compile_report = None
    if compiled:
        compiler = LayerCompiler(model, dynamic=cfg.compile_dynamic)
        compiler.compile()
    r = measure("compiled" if compiled else "eager")
    if compiled:
        compile_report = {"graphs": compiler.graphs(), "dynamic": cfg.compile_dynamic,
                          # warm-up time above the steady step: what compiling cost
                          "compile_s": round(sum(max(0.0, w - r["_median_s"]) for w in r["_times"][:cfg.warmup_steps]), 1)}
        if eager is not None:
            saved_ms = eager["step_ms_median"] - r["step_ms_median"]
            compile_report["eager_step_ms"] = eager["step_ms_median"]
            compile_report["saved_ms_per_step"] = round(saved_ms, 1)
            compile_report["pays_off_after_steps"] = (
                math.ceil(compile_report["compile_s"] * 1000 / saved_ms) if saved_ms > 0 else None)
            gaps = [abs(a - b) for a, b in zip(eager["losses"], r["losses"])]
            compile_report["max_loss_gap"] = round(max(gaps), 4)
            compile_report["max_rel_loss_gap"] = round(max(g / abs(a) for g, a in zip(gaps, eager["losses"])), 5)
    for m in (r, eager):
        if m is not None:
            m.pop("_median_s")
            m.pop("_times")
    result = {
        "mode": "baseline" if cfg.baseline else "trainer",
        "arch": cfg.arch,
        "method": cfg.method,
        "gradient_checkpointing": cfg.gradient_checkpointing,
        "gradient_checkpointing_ratio": cfg.gradient_checkpointing_ratio if cfg.gradient_checkpointing else None,
        "lora_r": cfg.lora_r if cfg.method == "lora" else None,
        "lora_dropout": cfg.lora_dropout if cfg.method == "lora" else None,
        "compile": compiled,
        "tf32": torch.backends.cuda.matmul.allow_tf32,
        "seq_len": cfg.seq_len,
        "batch_size": cfg.batch_size,
        "world_size": world,
        "device": torch.cuda.get_device_name(device) if cuda else "cpu",
        **r,
        "matmul_params": mp,
        "model_tflop_per_step": round(fl["model"] / 1e12, 2),
        "hardware_tflop_per_step": round(fl["hardware"] / 1e12, 2),
        "peak_tflops": cfg.peak_tflops,
        "compile_report": compile_report,
        "eager": eager,
        "build_s": round(build_s, 1),
        "flop_formula": "model = T*(4*N_frozen + 6*N_trainable) + 6*L*A*sum(S^2); hardware adds "
                        "share*(2*(N - N_lm_head)*T + 2*L*A*sum(S^2)) under gradient checkpointing of that share of "
                        "the layers; MFU = model/time/peak",
        "versions": _versions(),
    }
    return result


def _describe(m: dict, r: dict) -> str:
    return (
        f"  step {m['step_ms_median']} ms (median of {m['steps_timed']}; min {m['step_ms_min']}, max {m['step_ms_max']})"
        f"  tokens/s {m['tokens_per_s']}  peak mem {m['peak_mem_gib']} GiB (reserved {m['peak_reserved_gib']})\n"
        f"  {r['model_tflop_per_step']} model TFLOP/step -> {m['model_tflops']} TFLOP/s, MFU {m['mfu']:.1%} of "
        f"{r['peak_tflops']} (={m['mfu_vs_790']:.1%} of 790 measured), HFU {m['hfu']:.1%}  loss {m['loss_first']} -> "
        f"{m['loss_last']}"
    )


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
        f"{r['mode']} {r['arch']} {r['method']} ckpt={r['gradient_checkpointing']}"
        f"{'' if not r['gradient_checkpointing'] else ' ratio=' + str(r['gradient_checkpointing_ratio'])} "
        f"dropout={r['lora_dropout']} compile={r['compile']} tf32={r['tf32']} seq={r['seq_len']}x{r['batch_size']} "
        f"on {r['device']}",
        flush=True,
    )
    if r["eager"] is not None:
        print("  eager (same weights, same process):\n" + _describe(r["eager"], r), flush=True)
        print("  compiled:", flush=True)
    print(_describe(r, r), flush=True)
    cr = r["compile_report"]
    if cr is not None:
        line = f"  compile: {cr['compile_s']} s over the warm-up steps {r['warmup_ms']} ms, {cr['graphs']} graph(s)"
        if "pays_off_after_steps" in cr:
            line += (f"; saves {cr['saved_ms_per_step']} ms/step vs eager, pays off after {cr['pays_off_after_steps']}"
                     f" steps; max loss gap vs eager {cr['max_loss_gap']} (rel {cr['max_rel_loss_gap']}) over "
                     f"{len(r['losses'])} steps")
        print(line, flush=True)
    print(f"  FLOPs: {r['flop_formula']}\n  matmul params: {r['matmul_params']}", flush=True)
    print(json.dumps({"bench": result}), flush=True)
    if cfg.json_out:
        with open(cfg.json_out, "w", encoding="utf-8") as fh:
            json.dump(result, fh, indent=2)
    return 0
