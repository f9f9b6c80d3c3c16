"""Numerical parity of the compiled and eager training steps against an fp32 reference (issue 17).

`probe()` runs the trainer's own step (`sft.train_step`, LoRA, dropout 0, constant lr, clipping 0.3) from the
same start weights on one batch of random tokens, once per variant, and records each variant's losses and
its step-1 gradient of every LoRA-B weight (B starts at zero, so in step 1 only B has a gradient):

  eager            sft's eager step: bf16 autocast, LoRA matmuls in bf16, lm_head chunks of 1024 rows
  eager_again      the same once more (run-to-run spread of the eager step)
  eager_chunk4096  the lm_head + cross-entropy in one chunk of 4096 rows
  eager_no_rpr     cuBLAS bf16 reduced-precision reductions toggled
  peft_fp32_lora   the PEFT baseline's precision: no autocast, bf16 base layers, LoRA inputs cast to fp32
                   (LoRA matmuls in fp32, TF32 off), the trainer's chunked loss
  compiled         the decoder layers compiled as `sft` compiles them (compiled.LayerCompiler)
  fp32             the reference: the same start weights upcast to fp32, no autocast, TF32 off, fp32 lm_head,
                   every layer checkpointed so that the 8B shape fits in 80 GB

Against the fp32 reference it reports each variant's max relative loss gap over the run and the cosine,
relative L2 error and sign agreement of the step-1 gradients. The GPU tests use it to state what "matches
within bf16 noise" means (BENCHMARKS.md, "Loss parity"): the compiled run must be no further from the fp32
reference than sft's eager default is, give or take eager's own spread between two valid roundings.

    python -m t2s_trainer.parity --arch llama-3.1-8b --json-out parity.json          # ~3 min on an H100
    python -m t2s_trainer.parity --arch tiny --seq-len 512 --steps 50 --lora-r 16 --lora-alpha 32
"""

from __future__ import annotations

import argparse
import json
import sys
import time

ALL_VARIANTS = ("eager", "eager_again", "eager_chunk4096", "eager_no_rpr", "peft_fp32_lora", "compiled", "fp32")


def max_rel_gap(losses: list[float], ref: list[float]) -> float:
    """max over steps of |loss - ref| / |ref|."""
    return max(abs(p - q) / abs(q) for p, q in zip(losses, ref, strict=True))


def probe(*, arch: str = "llama-3.1-8b", layers: int = 0, seq_len: int = 4096, steps: int = 10, lr: float = 2e-4,
          lora_r: int = 256, lora_alpha: float = 128.0, variants=ALL_VARIANTS, log=print) -> dict:
    """Run the variants (fp32 last: it converts the model) on one CUDA device; returns the result dict."""
    import torch
    from transformers import AutoModelForCausalLM

    from .archs import llama_config
    from .compiled import LayerCompiler
    from .modeling import CausalLMWithLoss, apply_lora, enable_gradient_checkpointing
    from .sft import train_step

    unknown = set(variants) - set(ALL_VARIANTS)
    if unknown:
        raise ValueError(f"unknown variants {sorted(unknown)}; known: {ALL_VARIANTS}")
    variants = sorted(variants, key=ALL_VARIANTS.index)
    dev = torch.device("cuda")
    torch.manual_seed(0)
    config = llama_config(arch, **({"num_hidden_layers": layers} if layers else {}))
    with torch.device(dev):
        model = AutoModelForCausalLM.from_config(config, dtype=torch.bfloat16, attn_implementation="sdpa")
    model.config.use_cache = False
    model = apply_lora(model, lora_r, lora_alpha, 0.0, ["all-linear"], fast=True)
    model.train()
    named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    params = [p for _, p in named]
    b_idx = [i for i, (n, _) in enumerate(named) if "lora_B" in n]
    start = [p.detach().clone() for p in params]
    x = torch.randint(0, config.vocab_size, (1, seq_len), generator=torch.Generator().manual_seed(1)).to(dev)
    batch = {"input_ids": x, "position_ids": torch.arange(seq_len, device=dev)[None],
             "target_index": torch.arange(seq_len - 1, device=dev), "target_ids": x[0, 1:], "attention_mask": None}
    n_targets = seq_len - 1
    results: dict = {}
    grads: dict = {}

    def set_fp32_lora(on: bool):
        from peft.tuners.tuners_utils import BaseTunerLayer

        for m in model.modules():
            if isinstance(m, BaseTunerLayer):
                m.cast_input_dtype_enabled = on

    def run(name: str, *, chunk=1024, bf16=True):
        with torch.no_grad():
            for p, s in zip(params, start, strict=True):
                p.copy_(s.to(p.dtype))
                p.grad = None
        opt = torch.optim.AdamW(params, lr=lr, fused=True)
        wrapper = CausalLMWithLoss(model, chunk, torch.bfloat16 if bf16 else None)
        captured = {}

        def clip(ps, max_norm):  # step 1: keep the raw LoRA-B gradients, then clip as training does
            if not captured:
                captured["g"] = torch.cat([params[i].grad.detach().flatten().float() for i in b_idx]).cpu()
            return torch.nn.utils.clip_grad_norm_(ps, max_norm)

        losses, norms, t0 = [], [], time.perf_counter()
        for _ in range(steps):
            loss, gn = train_step(wrapper, opt, [batch], n_targets, world_size=1, params=params, max_grad_norm=0.3,
                                  bf16=bf16, lr=lr, clip=clip)
            losses.append(float(loss) / n_targets)
            norms.append(float(gn))
        torch.cuda.synchronize()
        grads[name] = captured["g"]
        results[name] = {"losses": losses, "grad_norms": norms, "s": round(time.perf_counter() - t0, 1)}
        log(f"{name:16s} {[round(v, 5) for v in losses]}  step-1 grad norm {norms[0]:.4f}  ({results[name]['s']} s)")
        del opt
        torch.cuda.empty_cache()

    torch.backends.cuda.matmul.allow_tf32 = True  # as bench and sft set it
    for v in variants:
        if v in ("eager", "eager_again"):
            run(v)
        elif v == "eager_chunk4096":
            run(v, chunk=4096)
        elif v == "eager_no_rpr":
            prev = torch.backends.cuda.matmul.allow_bf16_reduced_precision_reduction
            torch.backends.cuda.matmul.allow_bf16_reduced_precision_reduction = not prev
            run(v)
            torch.backends.cuda.matmul.allow_bf16_reduced_precision_reduction = prev
        elif v == "peft_fp32_lora":
            torch.backends.cuda.matmul.allow_tf32 = False
            set_fp32_lora(True)
            run(v, bf16=False)
            set_fp32_lora(False)
            torch.backends.cuda.matmul.allow_tf32 = True
        elif v == "compiled":
            compiler = LayerCompiler(model, dynamic=True)
            compiler.compile()
            run(v)
            for layer in compiler.layers:  # back to eager without the fallback warning
                layer._compiled_call_impl = None
            import torch._dynamo

            torch._dynamo.reset()
        elif v == "fp32":
            torch.backends.cuda.matmul.allow_tf32 = False
            with torch.no_grad():
                for p in model.parameters():
                    p.data = p.data.float()
            torch.cuda.empty_cache()
            enable_gradient_checkpointing(model, 1.0)
            run(v, bf16=False)
            torch.backends.cuda.matmul.allow_tf32 = True

    del model, params, start
    torch.cuda.empty_cache()
    ref_name = "fp32" if "fp32" in grads else variants[0]
    ref = grads[ref_name].to(dev)
    big = ref.abs() >= ref.abs().median()
    for name, gv in grads.items():
        gv = gv.to(dev)
        r = results[name]
        r["cos_vs_ref"] = torch.nn.functional.cosine_similarity(gv, ref, dim=0).item()
        r["rel_l2_vs_ref"] = ((gv - ref).norm() / ref.norm()).item()
        r["sign_agree_vs_ref"] = (torch.sign(gv) == torch.sign(ref)).float().mean().item()
        r["sign_agree_larger_half_vs_ref"] = (torch.sign(gv[big]) == torch.sign(ref[big])).float().mean().item()
        for key, other in (("max_rel_gap_vs_eager", "eager"), ("max_rel_gap_vs_ref", ref_name)):
            if other in results:
                r[key] = max_rel_gap(r["losses"], results[other]["losses"])
        log(f"{name:16s} step-1 LoRA-B grad vs {ref_name}: cos {r['cos_vs_ref']:.6f}  rel L2 {r['rel_l2_vs_ref']:.4f}  "
            f"sign agree {r['sign_agree_vs_ref']:.4f} (larger half {r['sign_agree_larger_half_vs_ref']:.4f});  "
            f"max rel loss gap vs eager {r.get('max_rel_gap_vs_eager', float('nan')):.5f}, "
            f"vs {ref_name} {r['max_rel_gap_vs_ref']:.5f}")
    return {"arch": arch, "layers": config.num_hidden_layers, "seq_len": seq_len, "steps": steps, "lr": lr,
            "lora_r": lora_r, "lora_alpha": lora_alpha, "reference": ref_name, "grad_elements": ref.numel(),
            "device": torch.cuda.get_device_name(0), "torch": torch.__version__, "results": results}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m t2s_trainer.parity", description=__doc__.split("\n\n")[0])
    ap.add_argument("--arch", default="llama-3.1-8b")
    ap.add_argument("--layers", type=int, default=0, help="override num_hidden_layers (0: the arch's)")
    ap.add_argument("--seq-len", type=int, default=4096)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--lora-r", type=int, default=256)
    ap.add_argument("--lora-alpha", type=float, default=128.0)
    ap.add_argument("--variants", default=",".join(ALL_VARIANTS))
    ap.add_argument("--json-out", default="")
    a = ap.parse_args(argv)
    out = probe(arch=a.arch, layers=a.layers, seq_len=a.seq_len, steps=a.steps, lr=a.lr, lora_r=a.lora_r,
                lora_alpha=a.lora_alpha, variants=a.variants.split(","), log=lambda s: print(s, flush=True))
    if a.json_out:
        with open(a.json_out, "w", encoding="utf-8") as fh:
            json.dump(out, fh, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
