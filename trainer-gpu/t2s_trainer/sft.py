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

The run is `SFTRecipe` (torchtune's shape): setup() builds the typed state (Runtime, TrainData, Trainables,
Progress), train() steps until done or a stop request, save() writes the result, cleanup() closes what is open.

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
import shutil
import signal
import sys
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

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
from .compiled import CompileReport, LayerCompiler, skip_reason
from .config import ConfigError, SFTConfig, require_bitsandbytes, to_dict
from .data import DataPlan, DataStats
from .events import EventWriter

EXIT_OK, EXIT_ERROR, EXIT_CONFIG, EXIT_CANCELLED = 0, 1, 2, 3
DONE_FILE = "done.json"
log = logging.getLogger("t2s_trainer")

# Settings that do not change what is trained (excluded from the run's config hash).
_NOT_HASHED = {"resume", "logging_steps", "save_steps", "save_total_limit", "tensorboard", "compile", "compile_dynamic",
               "gradient_checkpointing_ratio"}


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


def lr_schedule(cfg: SFTConfig, optimizer, total: int, start_step: int = 0):
    """transformers' scheduler for cfg.lr_scheduler over `total` optimizer steps, positioned at start_step.

    Warm-up is ceil(warmup_ratio * total) steps, as transformers' Trainer counts it. Note: transformers'
    "constant" ignores warm-up (the original recipe's lr_scheduler_type="constant" ran with none);
    "constant_with_warmup" applies it. Build it before loading a checkpoint's optimizer state: its base
    rate is the configured learning_rate, not the rate a resumed optimizer happened to hold.
    """
    from transformers import get_scheduler

    scheduler = get_scheduler(cfg.lr_scheduler, optimizer, num_warmup_steps=math.ceil(cfg.warmup_ratio * total),
                              num_training_steps=total)
    if start_step:
        seek_schedule(scheduler, start_step)
    return scheduler


def seek_schedule(scheduler, step: int) -> None:
    """Put a LambdaLR-based scheduler at 0-based optimizer step `step` (a resumed run) without stepping."""
    scheduler.last_epoch = step
    for group, base, fn in zip(scheduler.optimizer.param_groups, scheduler.base_lrs, scheduler.lr_lambdas):
        group["lr"] = base * fn(step)
    scheduler._last_lr = [g["lr"] for g in scheduler.optimizer.param_groups]


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
               bf16: bool, lr: float | None = None, no_sync=None, backward=None, clip=None):
    """Accumulate gradients over this rank's micro-batches, clip, step. Returns (loss_sum tensor, grad_norm).

    `lr` (if given) is set on every parameter group first; `sft` leaves it to its scheduler instead.
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
    if lr is not None:
        for group in optimizer.param_groups:
            group["lr"] = lr
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    return loss_sum, grad_norm


# ---------------------------------------------------------------------------------------------------------
# Typed state of a run (what setup builds and train/save use)


@dataclass
class Runtime:
    """Where the run executes: one process of `world` (accelerate decides DDP / FSDP2 / single GPU)."""

    accelerator: Any
    rank: int
    world: int
    fsdp: bool
    ddp: bool
    device: Any


@dataclass
class TrainData:
    """The tokenised, packed training rows and the order they are visited in."""

    tokenizer: Any
    pad_id: int
    examples: list
    rows: list[list[int]]  # example indices per packed row
    row_targets: list[int]  # target tokens per row
    row_tokens: list[int]  # tokens per row
    plan: DataPlan
    stats: DataStats
    mask_dtype: Any


@dataclass
class Trainables:
    """The model (unwrapped and as stepped), its optimizer and learning-rate schedule."""

    model: Any  # the PEFT (or plain) causal LM: what is saved
    prepared: Any  # CausalLMWithLoss, wrapped by accelerate under several processes: what is stepped
    optimizer: Any
    scheduler: Any
    params: list
    n_trainable: int
    compiler: LayerCompiler | None
    compile_report: CompileReport


@dataclass
class Progress:
    """Where training stands, and the logging window since the last `log` event."""

    step: int = 0
    last_loss: float | None = None
    window_tokens: int = 0
    window_loss: float = 0.0
    window_targets: int = 0
    window_t0: float = field(default_factory=time.perf_counter)

    def reset_window(self, now: float) -> None:
        self.window_tokens, self.window_loss, self.window_targets, self.window_t0 = 0, 0.0, 0, now


# ---------------------------------------------------------------------------------------------------------
# Checkpoints


def _trainable_state(model):
    return {n: p.detach() for n, p in model.named_parameters() if p.requires_grad}


def save_checkpoint(rt: Runtime, cfg: SFTConfig, tr: Trainables, step: int, extra_state: dict) -> str:
    """All ranks call this. Writes output_dir/checkpoint-<step> atomically; returns its path."""
    import random

    import numpy as np
    import torch
    from safetensors.torch import save_file

    acc = rt.accelerator
    out = cfg.output_dir
    final = os.path.join(out, f"checkpoint-{step}")
    tmp = os.path.join(out, f".tmp-checkpoint-{step}")
    if acc.is_main_process:
        if os.path.exists(tmp):
            shutil.rmtree(tmp)
        os.makedirs(tmp)
    acc.wait_for_everyone()
    if rt.fsdp:
        acc.save_state(os.path.join(tmp, "accelerate"))
    elif acc.is_main_process:
        state = {k: v.contiguous().cpu() for k, v in _trainable_state(tr.model).items()}
        save_file(state, os.path.join(tmp, "trainable.safetensors"))
        torch.save(tr.optimizer.state_dict(), os.path.join(tmp, "optimizer.pt"))
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


def load_checkpoint(rt: Runtime, tr: Trainables, path: str) -> dict:
    import random

    import numpy as np
    import torch
    from safetensors.torch import load_file

    acc = rt.accelerator
    with open(os.path.join(path, STATE_FILE), encoding="utf-8") as fh:
        state = json.load(fh)
    if rt.fsdp:
        acc.load_state(os.path.join(path, "accelerate"))
    else:
        saved = load_file(os.path.join(path, "trainable.safetensors"))
        params = dict(tr.model.named_parameters())
        missing = [n for n, p in params.items() if p.requires_grad and n not in saved]
        if missing:
            raise RuntimeError(f"checkpoint {path} lacks {len(missing)} trainable tensors, e.g. {missing[:3]}")
        with torch.no_grad():
            for name, tensor in saved.items():
                params[name].copy_(tensor.to(params[name].device))
        opt_state = torch.load(os.path.join(path, "optimizer.pt"), map_location=acc.device, weights_only=False)
        tr.optimizer.load_state_dict(opt_state)
    rng_file = os.path.join(path, f"rng_state_{acc.process_index}.pt")
    if os.path.exists(rng_file):
        rng = torch.load(rng_file, weights_only=False)
        random.setstate(rng["python"])
        np.random.set_state(rng["numpy"])
        torch.set_rng_state(rng["cpu"])
        if "cuda" in rng and torch.cuda.is_available():
            torch.cuda.set_rng_state(rng["cuda"])
    return state


def save_final(rt: Runtime, cfg: SFTConfig, tr: Trainables, tokenizer) -> tuple[str, str]:
    """Adapter (lora/qlora) or full model (+ tokenizer, manifest.json) into output_dir, atomically."""
    import torch

    acc = rt.accelerator
    kind = "model" if cfg.method == "full" else "adapter"
    final = os.path.join(cfg.output_dir, kind)
    tmp = os.path.join(cfg.output_dir, f".tmp-{kind}")
    inner = tr.model
    state_dict = None
    if kind == "model" and rt.fsdp:
        full = acc.get_state_dict(tr.prepared)  # gathers the FSDP shards; all ranks must call
        if acc.is_main_process:
            state_dict = {k.removeprefix("model."): v for k, v in full.items()}
            if cfg.bf16:
                state_dict = {k: v.to(torch.bfloat16) if v.is_floating_point() else v for k, v in state_dict.items()}
                inner.config.dtype = torch.bfloat16
    elif kind == "model" and cfg.bf16:
        inner.to(torch.bfloat16)  # training is over: save in the serving dtype (config.json says bfloat16)
    if acc.is_main_process:
        if os.path.exists(tmp):
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
# The recipe: setup / train / save / cleanup (torchtune's shape)


class SFTRecipe:
    """One SFT run. `run()` below drives it: setup() (False: already done), train(), save(), cleanup()."""

    def __init__(self, cfg: SFTConfig, events: EventWriter, stop: StopSignal):
        self.cfg, self.events, self.stop = cfg, events, stop
        self.t_start = time.time()
        self.chash = config_hash(cfg)
        self.done_path = os.path.join(cfg.output_dir, DONE_FILE)
        self.rt: Runtime | None = None
        self.data: TrainData | None = None
        self.tr: Trainables | None = None
        self.progress = Progress()
        self.writer = None  # TensorBoard SummaryWriter on the main process
        self.lr_used: float = 0.0  # the rate of the last step (the scheduler has moved on since)
        self.grad_norm = None  # of the last step (a tensor, None without clipping)

    # -- setup

    def setup(self) -> bool:
        """Everything before the first step. False when output_dir already holds this run's result."""
        self.rt = self._setup_runtime()
        if self._report_already_done():
            return False
        self.data = self._setup_data()
        self.tr = self._setup_model()
        resumed_from = self._resume()
        self._emit_start(resumed_from)
        if self.cfg.tensorboard and self.rt.accelerator.is_main_process:
            from torch.utils.tensorboard import SummaryWriter

            start = self.progress.step
            self.writer = SummaryWriter(os.path.join(self.cfg.output_dir, "runs"), purge_step=start + 1 if start else None)
        return True

    def _setup_runtime(self) -> Runtime:
        import torch
        from accelerate import Accelerator
        from accelerate.utils import DistributedType

        cfg = self.cfg
        acc = Accelerator()
        rt = Runtime(accelerator=acc, rank=acc.process_index, world=acc.num_processes,
                     fsdp=acc.distributed_type == DistributedType.FSDP,
                     ddp=acc.distributed_type == DistributedType.MULTI_GPU, device=acc.device)
        self.events.enabled = acc.is_main_process
        if cfg.method == "full" and rt.world > 1 and not rt.fsdp:
            log.warning("full fine-tuning on %d GPUs without FSDP replicates the model; use configs/accelerate-fsdp.yaml",
                        rt.world)
        if cfg.tf32:
            torch.backends.cuda.matmul.allow_tf32 = True
            torch.backends.cudnn.allow_tf32 = True
        os.makedirs(cfg.output_dir, exist_ok=True)
        if acc.is_main_process:
            clean_stale(cfg.output_dir)
        acc.wait_for_everyone()
        return rt

    def _report_already_done(self) -> bool:
        """A redelivered job whose result exists: report done again without training."""
        cfg = self.cfg
        if cfg.resume != "auto" or not os.path.isfile(self.done_path):
            return False
        with open(self.done_path, encoding="utf-8") as fh:
            done = json.load(fh)
        if done.get("config_hash") != self.chash or not os.path.isdir(done.get("output_path", "")):
            return False
        self.events.emit("start", total_steps=done["total_steps"], start_step=done["step"], world_size=self.rt.world,
                         output_dir=cfg.output_dir, method=cfg.method, model=cfg.model, already_done=True)
        self.events.emit("done", step=done["step"], total_steps=done["total_steps"], output_path=done["output_path"],
                         output_kind=done["output_kind"], already_done=True)
        return True

    def _setup_data(self) -> TrainData:
        import torch
        from transformers import AutoTokenizer

        from .data import build_examples, pack_rows, read_jsonl

        cfg, rt = self.cfg, self.rt
        tokenizer = AutoTokenizer.from_pretrained(cfg.model, trust_remote_code=cfg.trust_remote_code)
        examples, stats = build_examples(tokenizer, read_jsonl(cfg.train_files), cfg.max_length, cfg.loss_on,
                                         cfg.truncate)
        lengths = [len(e) for e in examples]
        rows = pack_rows(lengths, cfg.max_length) if cfg.packing else [[i] for i in range(len(examples))]
        stats.rows = len(rows)
        plan = DataPlan(len(rows), cfg.global_batch_size, cfg.per_device_batch_size, rt.world, cfg.seed,
                        cfg.num_epochs, cfg.max_steps)
        if stats.skipped_overlength:
            log.warning("skipped %d example(s) longer than max_length=%d (set truncate: true to cut them instead)",
                        stats.skipped_overlength, cfg.max_length)
        log.info("data: %s", stats.as_dict())
        return TrainData(
            tokenizer=tokenizer, pad_id=pick_pad_id(tokenizer), examples=examples, rows=rows,
            row_targets=[sum(examples[i].num_targets for i in r) for r in rows],
            row_tokens=[sum(lengths[i] for i in r) for r in rows], plan=plan, stats=stats,
            mask_dtype=torch.bfloat16 if cfg.bf16 else None,
        )

    def _setup_model(self) -> Trainables:
        import torch
        from transformers import set_seed

        from .modeling import CausalLMWithLoss, load_for_training

        cfg, rt = self.cfg, self.rt
        set_seed(cfg.seed)
        device = rt.device
        model = load_for_training(cfg, (device.index or 0) if device.type == "cuda" else "cpu", rt.world)
        if self.data.mask_dtype is None:
            self.data.mask_dtype = next(model.parameters()).dtype
        compiler, report = self._setup_compile(model)
        wrapper = CausalLMWithLoss(model, cfg.loss_chunk_size, torch.bfloat16 if cfg.bf16 else None)
        params = [p for p in wrapper.parameters() if p.requires_grad]
        optimizer = _make_optimizer(cfg, params, device)
        if rt.world > 1:
            # Together: FSDP2 shards the parameters in place and points the optimizer at the shards.
            prepared, optimizer = rt.accelerator.prepare(wrapper, optimizer)
            params = [p for p in prepared.parameters() if p.requires_grad]
        else:
            prepared = wrapper
        # Before any checkpoint is loaded: the schedule's base rate is cfg.learning_rate (lr_schedule).
        scheduler = lr_schedule(cfg, optimizer, self.data.plan.total_steps)
        return Trainables(model=model, prepared=prepared, optimizer=optimizer, scheduler=scheduler, params=params,
                          n_trainable=sum(p.numel() for p in params), compiler=compiler, compile_report=report)

    def _setup_compile(self, model) -> tuple[LayerCompiler | None, CompileReport]:
        cfg, rt = self.cfg, self.rt
        if not cfg.compile:
            return None, CompileReport(requested=False)
        reason = skip_reason(method=cfg.method, fsdp=rt.fsdp, cuda=rt.device.type == "cuda")
        if reason is not None:
            log.info("compile skipped: %s", reason)
            report = CompileReport(requested=True, status="skipped", reason=reason)
            self.events.emit("compile", status="skipped", reason=reason)
            return None, report
        compiler = LayerCompiler(model, dynamic=cfg.compile_dynamic)
        try:
            compiler.compile()  # lazy: the graphs are built during the first step(s)
        except Exception as exc:  # noqa: BLE001 - any failure to set up compile leaves the run eager
            compiler.revert(f"{type(exc).__name__}: {exc}"[:500])
            self.events.emit("compile", status="fallback", reason=compiler.report.reason, step=0)
            return None, compiler.report
        return compiler, compiler.report

    def _resume(self) -> str | None:
        cfg, tr = self.cfg, self.tr
        resumed_from = resolve_resume(cfg.resume, cfg.output_dir)
        if resumed_from:
            state = load_checkpoint(self.rt, tr, resumed_from)
            self.progress.step = state["global_step"]
            seek_schedule(tr.scheduler, self.progress.step)
            if state.get("config_hash") != self.chash:
                log.warning("resuming %s written with a different configuration", resumed_from)
            log.info("resumed from %s at step %d", resumed_from, self.progress.step)
        return resumed_from

    def _emit_start(self, resumed_from: str | None) -> None:
        cfg, d = self.cfg, self.data
        self.events.emit(
            "start", total_steps=d.plan.total_steps, start_step=self.progress.step, world_size=self.rt.world,
            output_dir=cfg.output_dir, method=cfg.method, model=cfg.model, resumed_from=resumed_from,
            grad_accumulation=d.plan.grad_accumulation, global_batch_size=cfg.global_batch_size,
            num_examples=d.stats.examples, num_rows=d.stats.rows, skipped_overlength=d.stats.skipped_overlength,
            truncated=d.stats.truncated, skipped_no_target=d.stats.skipped_no_target,
            trainable_params=self.tr.n_trainable, epochs=cfg.num_epochs, steps_per_epoch=d.plan.steps_per_epoch,
            config_hash=self.chash, compile=self.tr.compile_report.status,
        )

    # -- train

    def train(self) -> int:
        """Optimizer steps until total_steps (EXIT_OK) or a stop request (checkpoint, EXIT_CANCELLED)."""
        import torch

        stop, p, total = self.stop, self.progress, self.data.plan.total_steps
        stop.training = True
        if stop.requested:
            raise Cancelled("signal before training")
        if torch.cuda.is_available():
            torch.cuda.reset_peak_memory_stats()
        p.reset_window(time.perf_counter())
        while p.step < total:
            self._one_step()
            if p.step % self.cfg.logging_steps == 0 or p.step == total:
                self._log()
            if self._stop_requested():
                path = self._checkpoint()  # this step is never saved yet: save_steps comes below
                self.events.emit("cancelled", step=p.step, checkpoint=path, total_steps=total)
                return EXIT_CANCELLED
            if self.cfg.save_steps and p.step % self.cfg.save_steps == 0 and p.step < total:
                self._checkpoint()
        return EXIT_OK

    def _one_step(self) -> None:
        from .data import collate

        cfg, rt, d, tr, p = self.cfg, self.rt, self.data, self.tr, self.progress
        micro = []
        for mb in d.plan.micro_batches(p.step, rt.rank):
            batch, _meta = collate([[d.examples[i] for i in d.rows[r]] for r in mb], d.pad_id, d.mask_dtype, rt.device)
            micro.append(batch)
        grows = d.plan.global_rows(p.step)
        n_targets = sum(d.row_targets[r] for r in grows)
        self.lr_used = tr.optimizer.param_groups[0]["lr"]

        def step_fn():
            return train_step(
                tr.prepared, tr.optimizer, micro, n_targets, world_size=rt.world, params=tr.params,
                max_grad_norm=cfg.max_grad_norm, bf16=cfg.bf16, no_sync=rt.accelerator.no_sync if rt.ddp else None,
                backward=rt.accelerator.backward if rt.world > 1 else None,
                clip=rt.accelerator.clip_grad_norm_ if rt.world > 1 else None,
            )

        if tr.compiler is not None:
            (loss_sum, grad_norm), info = tr.compiler.timed_step(
                p.step + 1, step_fn, lambda: tr.optimizer.zero_grad(set_to_none=True))
            if info is not None:
                self.events.emit("compile", **info)
        else:
            loss_sum, grad_norm = step_fn()
        tr.scheduler.step()
        p.step += 1
        p.window_tokens += sum(d.row_tokens[r] for r in grows)
        if rt.world > 1:
            loss_sum = rt.accelerator.reduce(loss_sum, reduction="sum")
        p.window_loss += float(loss_sum)
        p.window_targets += n_targets
        self.grad_norm = grad_norm

    def _log(self) -> None:
        import torch

        p, total = self.progress, self.data.plan.total_steps
        now = time.perf_counter()
        p.last_loss = p.window_loss / p.window_targets
        gn = float(self.grad_norm) if self.grad_norm is not None else None
        mem = torch.cuda.max_memory_allocated() / 2**30 if torch.cuda.is_available() else 0.0
        tps = p.window_tokens / (now - p.window_t0)
        self.events.emit("log", step=p.step, total_steps=total, epoch=self.data.plan.epoch_of(p.step),
                         loss=round(p.last_loss, 6), lr=self.lr_used, grad_norm=gn if gn is None else round(gn, 6),
                         tokens_per_s=round(tps, 1), gpu_mem_gb=round(mem, 2))
        if self.writer is not None:
            self.writer.add_scalar("train/loss", p.last_loss, p.step)
            self.writer.add_scalar("train/lr", self.lr_used, p.step)
            if gn is not None:
                self.writer.add_scalar("train/grad_norm", gn, p.step)
            self.writer.add_scalar("train/tokens_per_s", tps, p.step)
        p.reset_window(now)

    def _stop_requested(self) -> bool:
        import torch

        requested = self.stop.requested
        if self.rt.world > 1:  # every rank must take the same branch
            flag = torch.tensor([1.0 if requested else 0.0], device=self.rt.device)
            requested = bool(self.rt.accelerator.reduce(flag, reduction="sum").item() > 0)
        return requested

    def _checkpoint(self) -> str:
        p, d = self.progress, self.data
        extra = {"total_steps": d.plan.total_steps, "epoch": d.plan.epoch_of(p.step), "config_hash": self.chash,
                 "world_size": self.rt.world, "seed": self.cfg.seed, "num_rows": len(d.rows), "loss": p.last_loss,
                 "time": time.time()}
        path = save_checkpoint(self.rt, self.cfg, self.tr, p.step, extra)
        self.events.emit("checkpoint", step=p.step, path=path)
        return path

    # -- save / cleanup

    def save(self) -> None:
        """The final adapter or model, done.json (a redelivered job reports done again) and the done event."""
        cfg, p, total = self.cfg, self.progress, self.data.plan.total_steps
        if self.writer is not None:
            self.writer.close()
            self.writer = None
        output_path, kind = save_final(self.rt, cfg, self.tr, self.data.tokenizer)
        if self.rt.accelerator.is_main_process:
            write_json(self.done_path, {"output_path": output_path, "output_kind": kind, "step": p.step,
                                        "total_steps": total, "config_hash": self.chash, "time": time.time()})
        self.events.emit("done", step=p.step, total_steps=total, output_path=output_path, output_kind=kind,
                         train_loss=p.last_loss, runtime_s=round(time.time() - self.t_start, 1),
                         checkpoints=[c for _s, c in list_checkpoints(cfg.output_dir)],
                         compile=self.tr.compile_report.as_dict())

    def cleanup(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


def run(cfg: SFTConfig, events: EventWriter, stop: StopSignal) -> int:
    recipe = SFTRecipe(cfg, events, stop)
    try:
        if not recipe.setup():
            return EXIT_OK
        code = recipe.train()
        if code == EXIT_OK:
            recipe.save()
        return code
    finally:
        recipe.cleanup()


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


def run_entry(cfg, config_error: str | None, body, error_types: tuple[tuple[type[Exception], str], ...] = ()) -> int:
    """The CLI entry every recipe shares: owns stdout, signals, the error/cancel events and the exit code.

    body(events, stop) runs the recipe and returns its exit code; `error_types` names the recipe's own
    expected failures (exception type, the error event's error_type), reported without a traceback."""
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
        return body(events, stop)
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
        known = next((name for cls, name in error_types if isinstance(exc, cls)), None)
        if known is not None:
            events.emit("error", message=str(exc), error_type=known)
            return EXIT_ERROR
        traceback.print_exc(file=sys.stderr)
        kind = "oom" if type(exc).__name__ == "OutOfMemoryError" else "runtime"
        events.emit("error", message=f"{type(exc).__name__}: {exc}", error_type=kind)
        return EXIT_ERROR


def main(cfg: SFTConfig | None, config_error: str | None = None) -> int:
    """Entry point used by the CLI (run_entry owns stdout, signals, events and the exit code)."""

    def body(events: EventWriter, stop: StopSignal) -> int:
        if cfg.method == "qlora":
            require_bitsandbytes()  # before any heavy import: fail at once
        return run(cfg, events, stop)

    return run_entry(cfg, config_error, body)
