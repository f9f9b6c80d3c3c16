"""Supervised fine-tuning of a causal LM on the suite's chat JSONL files, with JSON-lines progress on stdout.

Run (one GPU; the trainer service runs exactly the first form):

    python -m t2s_trainer sft --config configs/sft-lora-llama31-8b.yaml
    python -m t2s_trainer sft --model meta-llama/Llama-3.1-8B-Instruct \\
        --train-files data/train_text2sql_sft.jsonl --output-dir runs/llama31-8b-lora
    python -m t2s_trainer sft --config configs/sft-full-llama32-1b.yaml --method full

Several GPUs of one host (same command line after the launcher; global_batch_size is kept):

    accelerate launch --config_file configs/accelerate-ddp.yaml -m t2s_trainer sft --config run.yaml
    accelerate launch --config_file configs/accelerate-fsdp.yaml -m t2s_trainer sft --config run.yaml --method full
    torchrun --nproc_per_node 4 -m t2s_trainer sft --config run.yaml            # DDP

stdout carries only progress events (README.md "Progress events"); logs go to stderr. Exit codes:
0 done, 1 error, 2 bad configuration or data, 3 cancelled (SIGTERM/SIGINT; a checkpoint was written).
The final adapter lands in <output_dir>/adapter (lora/qlora) or the model in <output_dir>/model (full).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import math
import os
import signal
import sys
import time
import traceback

from .checkpoint import (
    STATE_FILE,
    clean_stale,
    commit_dir,
    list_checkpoints,
    resolve_resume,
    rotate,
    write_json,
    write_manifest,
)
from .config import ConfigError, SFTConfig, require_bitsandbytes, to_dict
from .events import EventWriter

EXIT_OK, EXIT_ERROR, EXIT_CONFIG, EXIT_CANCELLED = 0, 1, 2, 3
DONE_FILE = "done.json"
log = logging.getLogger("t2s_trainer")

# Settings that do not change what is trained (excluded from the run's config hash).
_NOT_HASHED = {"resume", "logging_steps", "save_steps", "save_total_limit", "tensorboard"}


class Cancelled(Exception):
    pass


class StopSignal:
    """SIGTERM/SIGINT: during setup abort at once; during training finish the step, checkpoint, exit 3."""

    def __init__(self):
        self.requested = False
        self.training = False
        self.signum = None

    def install(self):
        signal.signal(signal.SIGTERM, self._handler)
        signal.signal(signal.SIGINT, self._handler)

    def _handler(self, signum, _frame):
        self.requested = True
        self.signum = signum
        if not self.training:
            raise Cancelled(signal.Signals(signum).name)


def config_hash(cfg: SFTConfig) -> str:
    d = {k: v for k, v in to_dict(cfg).items() if k not in _NOT_HASHED}
    return hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()[:16]


def lr_at(step: int, total: int, cfg: SFTConfig) -> float:
    """Learning rate for 0-based optimizer step `step` (same formulas as transformers' schedulers).

    Note: transformers' "constant" ignores warm-up (the original recipe's lr_scheduler_type="constant" ran with
    none); "constant_with_warmup" applies it.
    """
    warm = math.ceil(cfg.warmup_ratio * total)
    base = cfg.learning_rate
    if cfg.lr_scheduler == "constant":
        return base
    if step < warm:
        return base * step / max(1, warm)
    if cfg.lr_scheduler == "constant_with_warmup":
        return base
    progress = (step - warm) / max(1, total - warm)
    if cfg.lr_scheduler == "linear":
        return base * max(0.0, 1.0 - progress)
    return base * max(0.0, 0.5 * (1.0 + math.cos(math.pi * progress)))  # cosine


def pick_pad_id(tokenizer) -> int:
    """An existing token as pad (never resize embeddings): pad, else Llama 3's reserved pad token, else eos."""
    if tokenizer.pad_token_id is not None:
        return tokenizer.pad_token_id
    vocab = tokenizer.get_vocab()
    for tok in ("<|finetune_right_pad_id|>", "<|finetune_right_pad|>", "<pad>", "<|pad|>"):
        if tok in vocab:
            return vocab[tok]
    if tokenizer.eos_token_id is None:
        raise ConfigError("tokenizer has neither a pad nor an eos token")
    return tokenizer.eos_token_id


# ---------------------------------------------------------------------------------------------------------
# One optimizer step (shared with `bench`)


def train_step(model, optimizer, micro_batches, n_targets_global: int, *, world_size: int, params, max_grad_norm,
               lr: float, bf16: bool, no_sync=None, backward=None, clip=None):
    """Accumulate gradients over this rank's micro-batches, clip, step. Returns (loss_sum tensor, grad_norm).

    Each micro-batch loss is the *sum* of its token losses divided by the number of target tokens of the
    whole global batch (all micro-batches, all ranks), times world_size because DDP/FSDP average gradients
    over ranks: the gradient is that of the global token-mean loss, independent of how rows are split.
    """
    import torch

    loss_sum = None
    for j, batch in enumerate(micro_batches):
        last = j == len(micro_batches) - 1
        ctx = no_sync(model) if (no_sync is not None and not last) else contextlib.nullcontext()
        with ctx:
            with torch.autocast(device_type="cuda", dtype=torch.bfloat16, enabled=bf16):
                loss = model(**batch)
            scaled = loss * (world_size / n_targets_global)
            if backward is not None:
                backward(scaled)
            else:
                scaled.backward()
        loss_sum = loss.detach() if loss_sum is None else loss_sum + loss.detach()
    clip = clip or torch.nn.utils.clip_grad_norm_
    grad_norm = clip(params, max_grad_norm) if max_grad_norm > 0 else None
    for group in optimizer.param_groups:
        group["lr"] = lr
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    return loss_sum, grad_norm


# ---------------------------------------------------------------------------------------------------------
# Checkpoints


def _trainable_state(model):
    return {n: p.detach() for n, p in model.named_parameters() if p.requires_grad}


def save_checkpoint(ctx, step: int, extra_state: dict) -> str:
    """All ranks call this. Writes output_dir/checkpoint-<step> atomically; returns its path."""
    import random

    import numpy as np
    import torch
    from safetensors.torch import save_file

    acc, cfg = ctx["accelerator"], ctx["cfg"]
    out = cfg.output_dir
    final = os.path.join(out, f"checkpoint-{step}")
    tmp = os.path.join(out, f".tmp-checkpoint-{step}")
    if acc.is_main_process:
        if os.path.exists(tmp):
            import shutil

            shutil.rmtree(tmp)
        os.makedirs(tmp)
    acc.wait_for_everyone()
    if ctx["fsdp"]:
        acc.save_state(os.path.join(tmp, "accelerate"))
    elif acc.is_main_process:
        state = {k: v.contiguous().cpu() for k, v in _trainable_state(ctx["unwrapped"]).items()}
        save_file(state, os.path.join(tmp, "trainable.safetensors"))
        torch.save(ctx["optimizer"].state_dict(), os.path.join(tmp, "optimizer.pt"))
    rng = {"python": random.getstate(), "numpy": np.random.get_state(), "cpu": torch.get_rng_state()}
    if torch.cuda.is_available():
        rng["cuda"] = torch.cuda.get_rng_state()
    torch.save(rng, os.path.join(tmp, f"rng_state_{acc.process_index}.pt"))
    acc.wait_for_everyone()
    if acc.is_main_process:
        write_json(os.path.join(tmp, STATE_FILE), {"global_step": step, **extra_state})
        commit_dir(tmp, final)
        rotate(out, cfg.save_total_limit)
    acc.wait_for_everyone()
    return final


def load_checkpoint(ctx, path: str) -> dict:
    import random

    import numpy as np
    import torch
    from safetensors.torch import load_file

    acc = ctx["accelerator"]
    with open(os.path.join(path, STATE_FILE), encoding="utf-8") as fh:
        state = json.load(fh)
    if ctx["fsdp"]:
        acc.load_state(os.path.join(path, "accelerate"))
    else:
        saved = load_file(os.path.join(path, "trainable.safetensors"))
        params = dict(ctx["unwrapped"].named_parameters())
        missing = [n for n, p in params.items() if p.requires_grad and n not in saved]
        if missing:
            raise RuntimeError(f"checkpoint {path} lacks {len(missing)} trainable tensors, e.g. {missing[:3]}")
        with torch.no_grad():
            for name, tensor in saved.items():
                params[name].copy_(tensor.to(params[name].device))
        opt_state = torch.load(os.path.join(path, "optimizer.pt"), map_location=acc.device, weights_only=False)
        ctx["optimizer"].load_state_dict(opt_state)
    rng_file = os.path.join(path, f"rng_state_{acc.process_index}.pt")
    if os.path.exists(rng_file):
        rng = torch.load(rng_file, weights_only=False)
        random.setstate(rng["python"])
        np.random.set_state(rng["numpy"])
        torch.set_rng_state(rng["cpu"])
        if "cuda" in rng and torch.cuda.is_available():
            torch.cuda.set_rng_state(rng["cuda"])
    return state


def save_final(ctx, tokenizer) -> tuple[str, str]:
    """Adapter (lora/qlora) or full model (+ tokenizer, manifest.json) into output_dir, atomically."""
    import torch

    acc, cfg = ctx["accelerator"], ctx["cfg"]
    kind = "model" if cfg.method == "full" else "adapter"
    final = os.path.join(cfg.output_dir, kind)
    tmp = os.path.join(cfg.output_dir, f".tmp-{kind}")
    inner = ctx["unwrapped"]
    state_dict = None
    if kind == "model" and ctx["fsdp"]:
        full = acc.get_state_dict(ctx["prepared"])  # gathers the FSDP shards; all ranks must call
        if acc.is_main_process:
            state_dict = {k.removeprefix("model."): v for k, v in full.items()}
            if cfg.bf16:
                state_dict = {k: v.to(torch.bfloat16) if v.is_floating_point() else v for k, v in state_dict.items()}
                inner.config.dtype = torch.bfloat16
    elif kind == "model" and cfg.bf16:
        inner.to(torch.bfloat16)  # training is over: save in the serving dtype (config.json says bfloat16)
    if acc.is_main_process:
        if os.path.exists(tmp):
            import shutil

            shutil.rmtree(tmp)
        if kind == "adapter":
            inner.save_pretrained(tmp)
        else:
            inner.save_pretrained(tmp, state_dict=state_dict, safe_serialization=True)
        tokenizer.save_pretrained(tmp)
        write_manifest(tmp, {"kind": kind, "base_model": cfg.model, "method": cfg.method})
        commit_dir(tmp, final)
    acc.wait_for_everyone()
    return final, kind


# ---------------------------------------------------------------------------------------------------------
# The run


def run(cfg: SFTConfig, events: EventWriter, stop: StopSignal) -> int:
    import torch
    from accelerate import Accelerator
    from accelerate.utils import DistributedType

    from .data import DataPlan, build_examples, collate, pack_rows, read_jsonl

    t_start = time.time()
    accelerator = Accelerator()
    rank, world = accelerator.process_index, accelerator.num_processes
    events.enabled = accelerator.is_main_process
    fsdp = accelerator.distributed_type == DistributedType.FSDP
    ddp = accelerator.distributed_type == DistributedType.MULTI_GPU
    device = accelerator.device
    if cfg.method == "full" and world > 1 and not fsdp:
        log.warning("full fine-tuning on %d GPUs without FSDP replicates the model; use configs/accelerate-fsdp.yaml", world)
    if cfg.tf32:
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    os.makedirs(cfg.output_dir, exist_ok=True)
    if accelerator.is_main_process:
        clean_stale(cfg.output_dir)
    accelerator.wait_for_everyone()
    chash = config_hash(cfg)

    # Already finished (a redelivered job): report done again without training.
    done_path = os.path.join(cfg.output_dir, DONE_FILE)
    if cfg.resume == "auto" and os.path.isfile(done_path):
        with open(done_path, encoding="utf-8") as fh:
            done = json.load(fh)
        if done.get("config_hash") == chash and os.path.isdir(done.get("output_path", "")):
            events.emit("start", total_steps=done["total_steps"], start_step=done["step"], world_size=world,
                        output_dir=cfg.output_dir, method=cfg.method, model=cfg.model, already_done=True)
            events.emit("done", step=done["step"], total_steps=done["total_steps"], output_path=done["output_path"],
                        output_kind=done["output_kind"], already_done=True)
            return EXIT_OK

    # Data
    from transformers import AutoTokenizer, set_seed

    tokenizer = AutoTokenizer.from_pretrained(cfg.model, trust_remote_code=cfg.trust_remote_code)
    pad_id = pick_pad_id(tokenizer)
    conversations = read_jsonl(cfg.train_files)
    examples, stats = build_examples(tokenizer, conversations, cfg.max_length, cfg.loss_on, cfg.truncate)
    lengths = [len(e) for e in examples]
    rows = pack_rows(lengths, cfg.max_length) if cfg.packing else [[i] for i in range(len(examples))]
    stats.rows = len(rows)
    row_targets = [sum(examples[i].num_targets for i in r) for r in rows]
    row_tokens = [sum(lengths[i] for i in r) for r in rows]
    plan = DataPlan(len(rows), cfg.global_batch_size, cfg.per_device_batch_size, world, cfg.seed, cfg.num_epochs,
                    cfg.max_steps)
    total = plan.total_steps
    if stats.skipped_overlength:
        log.warning("skipped %d example(s) longer than max_length=%d (set truncate: true to cut them instead)",
                    stats.skipped_overlength, cfg.max_length)
    log.info("data: %s", stats.as_dict())

    # Model
    from .modeling import CausalLMWithLoss, load_for_training

    set_seed(cfg.seed)
    model = load_for_training(cfg, (device.index or 0) if device.type == "cuda" else "cpu", world)
    compute_dtype = torch.bfloat16 if cfg.bf16 else None
    wrapper = CausalLMWithLoss(model, cfg.loss_chunk_size, compute_dtype)
    params = [p for p in wrapper.parameters() if p.requires_grad]
    optimizer = _make_optimizer(cfg, params, device)
    if world > 1:
        # Together: FSDP2 shards the parameters in place and points the optimizer at the shards.
        prepared, optimizer = accelerator.prepare(wrapper, optimizer)
        params = [p for p in prepared.parameters() if p.requires_grad]
    else:
        prepared = wrapper
    ctx = {"accelerator": accelerator, "cfg": cfg, "fsdp": fsdp, "optimizer": optimizer, "unwrapped": model,
           "prepared": prepared}
    n_trainable = sum(p.numel() for p in params)

    start_step = 0
    resumed_from = resolve_resume(cfg.resume, cfg.output_dir)
    if resumed_from:
        state = load_checkpoint(ctx, resumed_from)
        start_step = state["global_step"]
        if state.get("config_hash") != chash:
            log.warning("resuming %s written with a different configuration", resumed_from)
        log.info("resumed from %s at step %d", resumed_from, start_step)

    events.emit("start", total_steps=total, start_step=start_step, world_size=world, output_dir=cfg.output_dir,
                method=cfg.method, model=cfg.model, resumed_from=resumed_from, grad_accumulation=plan.grad_accumulation,
                global_batch_size=cfg.global_batch_size, num_examples=stats.examples, num_rows=stats.rows,
                skipped_overlength=stats.skipped_overlength, truncated=stats.truncated,
                skipped_no_target=stats.skipped_no_target, trainable_params=n_trainable, epochs=cfg.num_epochs,
                steps_per_epoch=plan.steps_per_epoch, config_hash=chash)

    writer = None
    if cfg.tensorboard and accelerator.is_main_process:
        from torch.utils.tensorboard import SummaryWriter

        writer = SummaryWriter(os.path.join(cfg.output_dir, "runs"), purge_step=start_step + 1 if start_step else None)

    mask_dtype = torch.bfloat16 if cfg.bf16 else next(model.parameters()).dtype
    no_sync = accelerator.no_sync if ddp else None
    backward = accelerator.backward if world > 1 else None
    clip = accelerator.clip_grad_norm_ if world > 1 else None

    def state_extra(step, last_loss):
        return {"total_steps": total, "epoch": plan.epoch_of(step), "config_hash": chash, "world_size": world,
                "seed": cfg.seed, "num_rows": len(rows), "loss": last_loss, "time": time.time()}

    def checkpoint(step, last_loss):
        path = save_checkpoint(ctx, step, state_extra(step, last_loss))
        events.emit("checkpoint", step=step, path=path)
        return path

    # Training
    stop.training = True
    if stop.requested:
        raise Cancelled("signal before training")
    step, last_loss = start_step, None
    window_tokens, window_t0, window_loss, window_targets = 0, time.perf_counter(), 0.0, 0
    if torch.cuda.is_available():
        torch.cuda.reset_peak_memory_stats()
    while step < total:
        micro = []
        for mb in plan.micro_batches(step, rank):
            batch, _meta = collate([[examples[i] for i in rows[r]] for r in mb], pad_id, mask_dtype, device)
            micro.append(batch)
        grows = plan.global_rows(step)
        n_targets = sum(row_targets[r] for r in grows)
        lr_used = lr_at(step, total, cfg)
        loss_sum, grad_norm = train_step(
            prepared, optimizer, micro, n_targets, world_size=world, params=params,
            max_grad_norm=cfg.max_grad_norm, lr=lr_used, bf16=cfg.bf16, no_sync=no_sync,
            backward=backward, clip=clip,
        )
        step += 1
        window_tokens += sum(row_tokens[r] for r in grows)
        if world > 1:
            loss_sum = accelerator.reduce(loss_sum, reduction="sum")
        window_loss += float(loss_sum)
        window_targets += n_targets
        if step % cfg.logging_steps == 0 or step == total:
            now = time.perf_counter()
            last_loss = window_loss / window_targets
            gn = float(grad_norm) if grad_norm is not None else None
            mem = torch.cuda.max_memory_allocated() / 2**30 if torch.cuda.is_available() else 0.0
            tps = window_tokens / (now - window_t0)
            events.emit("log", step=step, total_steps=total, epoch=plan.epoch_of(step), loss=round(last_loss, 6),
                        lr=lr_used, grad_norm=gn if gn is None else round(gn, 6), tokens_per_s=round(tps, 1),
                        gpu_mem_gb=round(mem, 2))
            if writer is not None:
                writer.add_scalar("train/loss", last_loss, step)
                writer.add_scalar("train/lr", lr_used, step)
                if gn is not None:
                    writer.add_scalar("train/grad_norm", gn, step)
                writer.add_scalar("train/tokens_per_s", tps, step)
            window_tokens, window_t0, window_loss, window_targets = 0, now, 0.0, 0
        requested = stop.requested
        if world > 1:
            flag = torch.tensor([1.0 if requested else 0.0], device=device)
            requested = bool(accelerator.reduce(flag, reduction="sum").item() > 0)
        if requested:
            path = checkpoint(step, last_loss)  # this step is never saved yet: save_steps comes below
            if writer is not None:
                writer.close()
            events.emit("cancelled", step=step, checkpoint=path, total_steps=total)
            return EXIT_CANCELLED
        if cfg.save_steps and step % cfg.save_steps == 0 and step < total:
            checkpoint(step, last_loss)

    if writer is not None:
        writer.close()
    output_path, kind = save_final(ctx, tokenizer)
    if accelerator.is_main_process:
        write_json(done_path, {"output_path": output_path, "output_kind": kind, "step": step, "total_steps": total,
                               "config_hash": chash, "time": time.time()})
    events.emit("done", step=step, total_steps=total, output_path=output_path, output_kind=kind, train_loss=last_loss,
                runtime_s=round(time.time() - t_start, 1),
                checkpoints=[p for _s, p in list_checkpoints(cfg.output_dir)])
    return EXIT_OK


def _make_optimizer(cfg: SFTConfig, params, device):
    import torch

    return torch.optim.AdamW(
        params,
        lr=cfg.learning_rate,
        betas=(cfg.adam_beta1, cfg.adam_beta2),
        eps=cfg.adam_epsilon,
        weight_decay=cfg.weight_decay,
        fused=device.type == "cuda",
    )


def main(cfg: SFTConfig | None, config_error: str | None = None) -> int:
    """Entry point used by the CLI: owns stdout, signals, the error/cancel events and the exit code."""
    events = EventWriter.capture_stdout()
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if config_error is not None:
        events.emit("error", message=config_error, error_type="config")
        return EXIT_CONFIG
    os.environ.setdefault("PYTORCH_CUDA_ALLOC_CONF", "expandable_segments:True")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    stop = StopSignal()
    stop.install()
    try:
        if cfg.method == "qlora":
            require_bitsandbytes()  # before any heavy import: fail at once
        return run(cfg, events, stop)
    except Cancelled as exc:
        log.info("cancelled during setup (%s)", exc)
        checkpoints = list_checkpoints(cfg.output_dir) if cfg and os.path.isdir(cfg.output_dir) else []
        events.emit("cancelled", step=checkpoints[-1][0] if checkpoints else 0,
                    checkpoint=checkpoints[-1][1] if checkpoints else None)
        return EXIT_CANCELLED
    except ConfigError as exc:
        events.emit("error", message=str(exc), error_type="config")
        return EXIT_CONFIG
    except Exception as exc:  # noqa: BLE001 - every failure must reach the service as an event
        traceback.print_exc(file=sys.stderr)
        kind = "oom" if type(exc).__name__ == "OutOfMemoryError" else "runtime"
        events.emit("error", message=f"{type(exc).__name__}: {exc}", error_type=kind)
        return EXIT_ERROR
