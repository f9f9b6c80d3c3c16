"""Model side (imports torch): loading for lora/qlora/full, the fused lm_head + cross-entropy, FLOP counts.

Speed choices (measured in BENCHMARKS.md):
* LoRA weights are kept in fp32 (PEFT's default `autocast_adapter_dtype`) but PEFT's cast of every LoRA
  *input* to fp32 is switched off and the step runs under bf16 autocast, so the LoRA matmuls run on the bf16
  tensor cores instead of in fp32 (the baseline's biggest cost) while the optimizer still updates fp32 weights.
* The loss never materialises full-vocabulary fp32 logits: `LinearCrossEntropy` walks the target rows in
  chunks, computing logits, log-sum-exp, loss and the gradients w.r.t. hidden states (and lm_head weight
  when trained) in the forward pass. Rows without a target (prompt tokens under loss_on=assistant, padding)
  never reach the lm_head at all.
"""

from __future__ import annotations

import torch
from torch import nn

from .config import require_bitsandbytes


def unwrap_peft(model: nn.Module) -> nn.Module:
    """The causal LM itself: a PEFT model's base model, else the model unchanged."""
    return model.get_base_model() if hasattr(model, "get_base_model") else model


# ---------------------------------------------------------------------------------------------------------
# Fused lm_head + cross-entropy


class LinearCrossEntropy(torch.autograd.Function):
    """sum_i CE(hidden_i @ weight.T, target_i), computed chunk by chunk; gradients made in forward."""

    @staticmethod
    def forward(ctx, hidden, weight, targets, chunk_size: int, compute_dtype):
        with torch.autocast(device_type=hidden.device.type, enabled=False):
            n = hidden.shape[0]
            w = weight.to(compute_dtype)
            need_w = ctx.needs_input_grad[1]
            acc = torch.promote_types(compute_dtype, torch.float32)  # softmax / loss / weight-grad precision
            grad_hidden = torch.empty_like(hidden)
            grad_weight = torch.zeros(weight.shape, dtype=acc, device=weight.device) if need_w else None
            loss = torch.zeros((), dtype=acc, device=hidden.device)
            for s in range(0, n, chunk_size):
                e = min(n, s + chunk_size)
                h = hidden[s:e].to(compute_dtype)
                t = targets[s:e]
                logits = (h @ w.t()).to(acc)
                lse = torch.logsumexp(logits, dim=-1)
                loss += (lse - logits.gather(1, t[:, None]).squeeze(1)).sum()
                probs = logits.sub_(lse[:, None]).exp_()  # softmax, in place
                probs[torch.arange(e - s, device=probs.device), t] -= 1.0  # d(sum CE)/d logits
                g = probs.to(compute_dtype)
                grad_hidden[s:e] = (g @ w).to(hidden.dtype)
                if need_w:
                    grad_weight += (g.t() @ h).to(acc)
        ctx.save_for_backward(grad_hidden, grad_weight if need_w else None)
        ctx.weight_dtype = weight.dtype
        return loss

    @staticmethod
    def backward(ctx, grad_out):
        grad_hidden, grad_weight = ctx.saved_tensors
        gh = grad_hidden * grad_out.to(grad_hidden.dtype)
        gw = (grad_weight * grad_out).to(ctx.weight_dtype) if grad_weight is not None else None
        return gh, gw, None, None, None


def linear_cross_entropy_sum(hidden, weight, target_index, target_ids, chunk_size: int, compute_dtype=None):
    """Sum of token losses. hidden: (B, L, d); target_index: flat positions in B*L; target_ids: their labels."""
    flat = hidden.reshape(-1, hidden.shape[-1]).index_select(0, target_index)
    if compute_dtype is None:
        compute_dtype = weight.dtype
    return LinearCrossEntropy.apply(flat, weight, target_ids, chunk_size, compute_dtype)


class CausalLMWithLoss(nn.Module):
    """Wraps a (PEFT or plain) causal LM; forward returns the summed token loss of a packed micro-batch.

    Being the module handed to accelerate (DDP/FSDP), its forward is the one the wrappers hook.
    """

    def __init__(self, model: nn.Module, chunk_size: int = 1024, compute_dtype=None):
        super().__init__()
        self.model = model
        self.chunk_size = chunk_size
        self.compute_dtype = compute_dtype  # bf16 under autocast; None = the lm_head weight's dtype

    def causal_lm(self) -> nn.Module:
        return unwrap_peft(self.model)

    def forward(self, input_ids, position_ids, target_index, target_ids, attention_mask=None):
        lm = self.causal_lm()
        out = lm.model(input_ids=input_ids, attention_mask=attention_mask, position_ids=position_ids, use_cache=False)
        weight = lm.get_output_embeddings().weight
        return linear_cross_entropy_sum(
            out.last_hidden_state, weight, target_index, target_ids, self.chunk_size, self.compute_dtype
        )


# ---------------------------------------------------------------------------------------------------------
# Building models


def enable_fast_lora(model: nn.Module) -> int:
    """Stop PEFT from casting LoRA inputs to the fp32 adapter dtype (autocast then runs them in bf16)."""
    from peft.tuners.tuners_utils import BaseTunerLayer

    n = 0
    for m in model.modules():
        if isinstance(m, BaseTunerLayer):
            m.cast_input_dtype_enabled = False
            n += 1
    return n


def apply_lora(model: nn.Module, r: int, alpha: float, dropout: float, targets: list[str], fast: bool):
    from peft import LoraConfig, get_peft_model

    target_modules = "all-linear" if targets == ["all-linear"] else list(targets)
    lcfg = LoraConfig(
        r=r,
        lora_alpha=alpha,
        lora_dropout=dropout,
        target_modules=target_modules,
        bias="none",
        task_type="CAUSAL_LM",
    )
    model = get_peft_model(model, lcfg)  # autocast_adapter_dtype=True: fp32 adapters on a bf16 base
    if fast:
        enable_fast_lora(model)
    return model


def enable_gradient_checkpointing(model: nn.Module, ratio: float = 1.0) -> list[int]:
    """Non-reentrant activation checkpointing of round(ratio * n) decoder layers, evenly spread.

    Selective by layer: a checkpointed layer keeps only its input and re-runs its forward in backward; the
    others keep their activations. Memory and recompute both scale with the ratio (BENCHMARKS.md: ratio 0.5
    against 1.0 on the 8B shape). Returns the indices of the checkpointed layers.
    """
    from .compiled import decoder_layers, selective_checkpoint_layers

    model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    layers = decoder_layers(model)
    chosen = selective_checkpoint_layers(len(layers), ratio)
    if not all(hasattr(layer, "gradient_checkpointing") for layer in layers):
        return list(range(len(layers)))  # a model without per-layer switches: all of them, as enabled above
    for i, layer in enumerate(layers):
        layer.gradient_checkpointing = i in chosen
    return chosen


def compile_layers(model: nn.Module, dynamic: bool | None = True):
    """torch.compile each decoder layer in place (compiled.py); returns the LayerCompiler."""
    from .compiled import LayerCompiler

    compiler = LayerCompiler(model, dynamic=dynamic)
    compiler.compile()
    return compiler


def load_for_training(cfg, device, world_size: int = 1):
    """The model to train, per cfg.method."""
    from transformers import AutoModelForCausalLM

    autocast = cfg.bf16
    kwargs = {"attn_implementation": cfg.attn_implementation, "trust_remote_code": cfg.trust_remote_code}
    if cfg.method == "full":
        kwargs["dtype"] = torch.float32 if cfg.full_param_dtype == "fp32" else torch.bfloat16
    else:
        kwargs["dtype"] = torch.bfloat16 if autocast else torch.float32
    if cfg.method == "qlora":
        require_bitsandbytes()
        from transformers import BitsAndBytesConfig

        kwargs["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True,
            bnb_4bit_use_double_quant=True,
            bnb_4bit_quant_type="nf4",
            bnb_4bit_compute_dtype=torch.bfloat16,
        )
        kwargs["device_map"] = {"": device}
    elif world_size == 1 or cfg.method != "full":
        kwargs["device_map"] = {"": device}
    model = AutoModelForCausalLM.from_pretrained(cfg.model, **kwargs)
    model.config.use_cache = False
    if cfg.method == "qlora":
        from peft import prepare_model_for_kbit_training

        model = prepare_model_for_kbit_training(
            model,
            use_gradient_checkpointing=cfg.gradient_checkpointing,
            gradient_checkpointing_kwargs={"use_reentrant": False},
        )
    elif cfg.gradient_checkpointing:
        enable_gradient_checkpointing(model, cfg.gradient_checkpointing_ratio)
    if cfg.method in ("lora", "qlora"):
        model = apply_lora(model, cfg.lora_r, cfg.lora_alpha, cfg.lora_dropout, cfg.lora_target_modules, fast=autocast)
    model.train()
    return model  # not compiled yet: the recipe decides (compiled.skip_reason) and keeps the LayerCompiler


# ---------------------------------------------------------------------------------------------------------
# FLOPs (see README "MFU")


def matmul_params(model: nn.Module) -> dict:
    """Weights of every nn.Linear (lm_head included; LoRA A/B are nn.Linear too), split frozen/trainable."""
    out = {"frozen": 0, "trainable": 0, "lm_head": 0}
    lm = unwrap_peft(model)
    head = lm.get_output_embeddings()
    for m in model.modules():
        if isinstance(m, nn.Linear):
            n = m.in_features * m.out_features
            out["trainable" if m.weight.requires_grad else "frozen"] += n
            if m is head:
                out["lm_head"] += n
    return out


def step_flops(params: dict, n_layers: int, attn_dim: int, seq_lens: list[int], checkpointing: float) -> dict:
    """FLOPs of one training step over sequences of the given lengths.

    model (MFU numerator): tokens * (4 * N_frozen + 6 * N_trainable) + 6 * n_layers * attn_dim * sum(S^2)
      - 2 N per token forward, 2 N backward for the input gradient, +2 N for the weight gradient if trained;
      - causal attention: QK^T and PV over the lower triangle, 2 * S^2 * attn_dim forward per layer, twice
        that backward (attn_dim = heads * head_dim).
    hardware (HFU numerator): model + the re-run forward under gradient checkpointing,
      2 * (N - N_lm_head) * tokens + 2 * n_layers * attn_dim * sum(S^2), times `checkpointing`, the share of
      decoder layers that recompute (True = 1.0 = all, 0.5 under selective checkpointing of every other one).
    """
    tokens = sum(seq_lens)
    sq = sum(s * s for s in seq_lens)
    attn = 2 * n_layers * attn_dim * sq
    model = tokens * (4 * params["frozen"] + 6 * params["trainable"]) + 3 * attn
    recompute = 0
    if checkpointing:
        share = float(checkpointing)
        recompute = round(share * (2 * (params["frozen"] + params["trainable"] - params["lm_head"]) * tokens + attn))
    return {"model": model, "hardware": model + recompute, "tokens": tokens}
