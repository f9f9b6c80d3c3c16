"""GRPO's math on tensors (imports torch): group advantages, per-token log-probabilities, the clipped loss.

Kept apart from the recipe so the CPU tests can check every formula on tiny tensors against a direct
restatement.
"""

from __future__ import annotations

import torch


def group_advantages(rewards: torch.Tensor, valid: torch.Tensor, scale: bool, eps: float = 1e-4):
    """rewards, valid: (P, G). Each completion's reward minus its group's mean, over the group's valid (scored)
    completions, divided by the group's std (unbiased, as TRL) + eps when `scale`. A group with fewer than two
    valid completions or zero variance gets advantage 0: it carries no signal. Returns (advantages (P, G),
    zero_variance (P,) bool)."""
    r = torch.where(valid, rewards, torch.zeros_like(rewards))
    n = valid.sum(dim=1, keepdim=True).to(r.dtype)
    mean = r.sum(dim=1, keepdim=True) / n.clamp(min=1)
    dev = torch.where(valid, r - mean, torch.zeros_like(r))
    var = (dev * dev).sum(dim=1, keepdim=True) / (n - 1).clamp(min=1)
    std = var.sqrt()
    zero = (n.squeeze(1) < 2) | (std.squeeze(1) == 0)
    adv = dev / (std + eps) if scale else dev
    adv = torch.where(zero[:, None] | ~valid, torch.zeros_like(adv), adv)
    return adv, zero


class LinearLogProbs(torch.autograd.Function):
    """log softmax(hidden @ weight.T / temperature)[target] per row, chunk by chunk; backward recomputes the
    chunk's logits, so no (rows x vocab) tensor outlives its chunk."""

    @staticmethod
    def forward(ctx, hidden, weight, targets, chunk_size: int, temperature: float, compute_dtype):
        with torch.autocast(device_type=hidden.device.type, enabled=False):
            n = hidden.shape[0]
            acc = torch.promote_types(compute_dtype, torch.float32)
            w = weight.to(compute_dtype)
            out = torch.empty(n, dtype=acc, device=hidden.device)
            for s in range(0, n, chunk_size):
                e = min(n, s + chunk_size)
                logits = (hidden[s:e].to(compute_dtype) @ w.t()).to(acc) / temperature
                out[s:e] = logits.gather(1, targets[s:e, None]).squeeze(1) - torch.logsumexp(logits, dim=-1)
        ctx.save_for_backward(hidden, weight, targets)
        ctx.chunk_size, ctx.temperature, ctx.compute_dtype = chunk_size, temperature, compute_dtype
        return out

    @staticmethod
    def backward(ctx, grad_out):
        hidden, weight, targets = ctx.saved_tensors
        cd, t = ctx.compute_dtype, ctx.temperature
        need_w = ctx.needs_input_grad[1]
        with torch.autocast(device_type=hidden.device.type, enabled=False):
            acc = torch.promote_types(cd, torch.float32)
            w = weight.to(cd)
            grad_hidden = torch.empty_like(hidden)
            grad_weight = torch.zeros(weight.shape, dtype=acc, device=weight.device) if need_w else None
            for s in range(0, hidden.shape[0], ctx.chunk_size):
                e = min(hidden.shape[0], s + ctx.chunk_size)
                h = hidden[s:e].to(cd)
                logits = (h @ w.t()).to(acc) / t
                # d logp / d logits = (onehot - softmax) / T, times the incoming gradient per row
                g = -torch.softmax(logits, dim=-1)
                g[torch.arange(e - s, device=g.device), targets[s:e]] += 1.0
                g = (g * (grad_out[s:e, None].to(acc) / t)).to(cd)
                grad_hidden[s:e] = (g @ w).to(hidden.dtype)
                if need_w:
                    grad_weight += (g.t() @ h).to(acc)
        gw = grad_weight.to(weight.dtype) if need_w else None
        return grad_hidden, gw, None, None, None, None


def grpo_token_loss(logp, old_logp, adv, mask, eps_low: float, eps_high: float, kl_coef: float = 0.0, ref_logp=None):
    """Per-token GRPO loss and statistics. logp, old_logp, ref_logp, mask: (N, T); adv: (N,).

    loss_t = -min(ratio * A, clip(ratio, 1 - eps_low, 1 + eps_high) * A) + kl_coef * k3,
    ratio = exp(logp - old_logp), k3 = exp(ref - logp) - (ref - logp) - 1 (an unbiased, non-negative KL
    estimate). Returns (per-token loss (N, T), clipped (N, T) bool: tokens whose gradient the clip removed,
    kl (N, T) or None)."""
    ratio = torch.exp(logp - old_logp)
    a = adv[:, None]
    unclipped = ratio * a
    clipped_ratio = torch.clamp(ratio, 1.0 - eps_low, 1.0 + eps_high)
    loss = -torch.minimum(unclipped, clipped_ratio * a)
    clipped = ((ratio < 1.0 - eps_low) & (a < 0)) | ((ratio > 1.0 + eps_high) & (a > 0))
    kl = None
    if ref_logp is not None:
        d = ref_logp - logp
        kl = torch.exp(d) - d - 1.0
        if kl_coef:
            loss = loss + kl_coef * kl
    return loss * mask, clipped & mask.bool(), kl


def normalize_loss(token_loss, mask, norm: str, total_tokens: int, total_sequences: int):
    """The loss of a micro-batch as its share of the step's loss.

    token: sum of token losses / all completion tokens of the step (each token weighs the same, however the
    completions are split into micro-batches); sequence: sum over completions of (their token-loss mean) / the
    step's completions."""
    if norm == "token":
        return token_loss.sum() / max(1, total_tokens)
    lengths = mask.sum(dim=1).clamp(min=1)
    return (token_loss.sum(dim=1) / lengths).sum() / max(1, total_sequences)
