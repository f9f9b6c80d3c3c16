"""GRPO with an execution reward: the policy samples answers, the suite's reward API scores them by running their SQL.

Run (one GPU):

    T2S_REWARD_URL=http://127.0.0.1:8080 T2S_REWARD_API_KEY=t2s_… \\
    python -m t2s_trainer grpo --config grpo.yaml
    python -m t2s_trainer grpo --model meta-llama/Llama-3.1-8B-Instruct --train-files prompts.jsonl \\
        --reward-source bird-train --output-dir runs/grpo --init-adapter runs/sft/adapter

Each step: `prompts_per_step` prompts (system + user; the gold answer never reaches the policy), `group_size`
completions each, sampled by the policy itself (`generate`, KV cache, batched); one reward request for the whole
batch; advantages within each group; `updates_per_step` optimizer updates of the clipped objective (grpo_loss.py)
on the LoRA weights. The reference model for the optional KL term is the same model with the adapter disabled.

A recipe in torchtune's shape: `setup` (data, model, optimizer, resume), `train` (the loop), `save_checkpoint`,
`cleanup`. stdout carries only progress events (README "Progress events"), as sft's; exit codes as sft's:
0 done, 1 error, 2 bad configuration or data, 3 cancelled (SIGTERM/SIGINT; a checkpoint was written). The adapter
lands in <output_dir>/adapter with the same layout as an SFT adapter, so the evaluator and vLLM load it unchanged.
Sampling of step s is seeded by (seed, s), so a resumed run draws the same completions, gets the same rewards and
computes the same losses as an uninterrupted one; bit for bit with `deterministic: true`, since otherwise attention's
backward can round differently in another process and one flipped sampled token changes a later step.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import random
import time

from .checkpoint import STATE_FILE, clean_stale, commit_dir, list_checkpoints, resolve_resume, rotate, write_json, write_manifest
from .config import ConfigError, to_dict
from .data import iter_jsonl
from .events import EventWriter
from .grpo_config import GRPOConfig
from .reward_client import RewardClient, RewardRequestError, RewardStopped, RewardUnavailable
from .sft import EXIT_CANCELLED, EXIT_OK, Cancelled, StopSignal, pick_pad_id, run_entry

DONE_FILE = "done.json"
log = logging.getLogger("t2s_trainer")
_NOT_HASHED = {"resume", "logging_steps", "save_steps", "save_total_limit", "reward_url", "reward_api_key",
               "reward_max_wait_s"}


def config_hash(cfg: GRPOConfig) -> str:
    d = {k: v for k, v in to_dict(cfg).items() if k not in _NOT_HASHED}
    return hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()[:16]


# ---------------------------------------------------------------------------------------------------------
# Prompts


def read_prompts(paths: list[str]) -> list[tuple[int, list[dict]]]:
    """(question_id, [system, user]) per JSONL line; a trailing assistant turn (the gold answer) is dropped."""
    out = []
    for obj, where in iter_jsonl(paths, "prompt"):
        if not isinstance(obj, dict) or not isinstance(obj.get("messages"), list) or not obj["messages"]:
            raise ConfigError(f"{where}: expected an object with a non-empty 'messages' list")
        qid = obj.get("question_id")
        if not isinstance(qid, int) or isinstance(qid, bool) or qid < 0:
            raise ConfigError(f"{where}: no 'question_id' (GRPO asks the reward API about each prompt's "
                              "question; the trainer service writes it beside each prompt)")
        messages = []
        for i, m in enumerate(obj["messages"]):
            if not isinstance(m, dict) or m.get("role") not in ("system", "user", "assistant") \
                    or not isinstance(m.get("content"), str):
                raise ConfigError(f"{where}: message {i} must be {{role: system|user|assistant, content: str}}")
            messages.append({"role": m["role"], "content": m["content"]})
        while messages and messages[-1]["role"] == "assistant":
            messages.pop()
        if not messages or messages[-1]["role"] != "user":
            raise ConfigError(f"{where}: the prompt must end with a user message")
        out.append((qid, messages))
    if not out:
        raise ConfigError(f"no prompts in {paths}")
    return out


def prompt_ids(tokenizer, messages: list[dict]) -> list[int]:
    """The prompt's tokens as sft renders them (the chat template's text, then the tokenizer without extra
    special tokens), followed by the template's opening of the assistant turn."""
    text = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    return list(tokenizer(text, add_special_tokens=False)["input_ids"])


def prompts_of_step(step: int, n: int, per_step: int, seed: int) -> list[int]:
    """Indices of the prompts of 0-based step `step`: epoch after epoch, each a permutation seeded by (seed, epoch)."""
    out = []
    for k in range(step * per_step, (step + 1) * per_step):
        epoch, pos = divmod(k, n)
        order = list(range(n))
        random.Random(seed * 1_000_003 + epoch).shuffle(order)
        out.append(order[pos])
    return out


# ---------------------------------------------------------------------------------------------------------
# The recipe


class GRPORecipe:
    def __init__(self, cfg: GRPOConfig, events: EventWriter, stop: StopSignal):
        self.cfg, self.events, self.stop = cfg, events, stop
        self.chash = config_hash(cfg)
        self.t_start = time.time()
        self.min_new_tokens = 0  # the benchmark forces full-length completions

    # --- setup

    def setup(self) -> bool:
        """Returns False when the run had already finished (its done event re-emitted)."""
        import torch

        cfg = self.cfg
        if not torch.cuda.is_available():
            raise ConfigError("grpo needs a CUDA GPU")
        self.device = torch.device("cuda", 0)
        torch.backends.cuda.matmul.allow_tf32 = True
        if cfg.deterministic:
            # before the first cuBLAS call: reproducible GEMMs need a fixed workspace
            os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
            torch.use_deterministic_algorithms(True)
        os.makedirs(cfg.output_dir, exist_ok=True)
        clean_stale(cfg.output_dir)
        done_path = os.path.join(cfg.output_dir, DONE_FILE)
        if cfg.resume == "auto" and os.path.isfile(done_path):
            with open(done_path, encoding="utf-8") as fh:
                done = json.load(fh)
            if done.get("config_hash") == self.chash and os.path.isdir(done.get("output_path", "")):
                self.events.emit("start", total_steps=done["total_steps"], start_step=done["step"], world_size=1,
                                 output_dir=cfg.output_dir, method="grpo", model=cfg.model, already_done=True)
                self.events.emit("done", step=done["step"], total_steps=done["total_steps"],
                                 output_path=done["output_path"], output_kind="adapter", already_done=True)
                return False

        from transformers import AutoModelForCausalLM, AutoTokenizer, set_seed

        self.tokenizer = tok = AutoTokenizer.from_pretrained(cfg.model, trust_remote_code=cfg.trust_remote_code)
        self.pad_id = pick_pad_id(tok)
        prompts, skipped = [], 0
        for qid, messages in read_prompts(cfg.train_files):
            ids = prompt_ids(tok, messages)
            if len(ids) > cfg.max_prompt_tokens:
                skipped += 1
                continue
            prompts.append((qid, list(ids)))
        if not prompts:
            raise ConfigError(f"every prompt is longer than max_prompt_tokens={cfg.max_prompt_tokens}")
        self.prompts, self.skipped = prompts, skipped

        set_seed(cfg.seed)
        dtype = torch.bfloat16 if cfg.bf16 else torch.float32
        model = AutoModelForCausalLM.from_pretrained(cfg.model, dtype=dtype, attn_implementation=cfg.attn_implementation,
                                                     device_map={"": 0}, trust_remote_code=cfg.trust_remote_code)
        gen = model.generation_config
        eos = gen.eos_token_id if gen is not None else None
        eos = [eos] if isinstance(eos, int) else list(eos or [])
        if tok.eos_token_id is not None and tok.eos_token_id not in eos:
            eos.append(tok.eos_token_id)
        self.eos_ids = eos
        if cfg.gradient_checkpointing:
            from .modeling import enable_gradient_checkpointing

            enable_gradient_checkpointing(model)
        from .modeling import apply_lora, enable_fast_lora

        if cfg.init_adapter:
            from peft import PeftModel

            model = PeftModel.from_pretrained(model, cfg.init_adapter, is_trainable=True)
            if cfg.bf16:
                enable_fast_lora(model)
        else:
            model = apply_lora(model, cfg.lora_r, cfg.lora_alpha, cfg.lora_dropout, cfg.lora_target_modules, fast=cfg.bf16)
        self.model = model
        self.params = [p for p in model.parameters() if p.requires_grad]
        self.optimizer = torch.optim.AdamW(self.params, lr=cfg.learning_rate, betas=(cfg.adam_beta1, cfg.adam_beta2),
                                           eps=cfg.adam_epsilon, weight_decay=cfg.weight_decay, fused=True)
        self.rewards = RewardClient(cfg.reward_url, cfg.reward_api_key, cfg.reward_source, cfg.reward_weights(),
                                    cfg.reward_extraction, cfg.reward_timeout_s, cfg.reward_max_wait_s,
                                    should_stop=lambda: self.stop.requested)

        self.start_step = 0
        self.resumed_from = resolve_resume(cfg.resume, cfg.output_dir)
        if self.resumed_from:
            self.start_step = self.load_checkpoint(self.resumed_from)
            log.info("resumed from %s at step %d", self.resumed_from, self.start_step)
        self.events.emit("start", total_steps=cfg.max_steps, start_step=self.start_step, world_size=1,
                         output_dir=cfg.output_dir, method="grpo", model=cfg.model, resumed_from=self.resumed_from,
                         num_prompts=len(prompts), skipped_overlength=skipped, group_size=cfg.group_size,
                         prompts_per_step=cfg.prompts_per_step, init_adapter=cfg.init_adapter or None,
                         trainable_params=sum(p.numel() for p in self.params), config_hash=self.chash)
        return True

    # --- one step's pieces

    def rollout(self, step: int, picked: list[int]):
        """group_size sampled completions per picked prompt: (question_ids, prompt ids, completion ids)."""
        import torch

        cfg = self.cfg
        torch.manual_seed(cfg.seed * 100_003 + step)  # the step's sampling depends on (seed, step) only
        seqs = [(self.prompts[i][0], self.prompts[i][1]) for i in picked for _ in range(cfg.group_size)]
        completions: list[list[int]] = []
        self.model.eval()
        with torch.no_grad(), torch.autocast("cuda", dtype=torch.bfloat16, enabled=cfg.bf16):
            for s in range(0, len(seqs), cfg.rollout_batch_size):
                chunk = seqs[s:s + cfg.rollout_batch_size]
                width = max(len(p) for _q, p in chunk)
                ids = torch.full((len(chunk), width), self.pad_id, dtype=torch.long)
                mask = torch.zeros((len(chunk), width), dtype=torch.long)
                for r, (_q, p) in enumerate(chunk):  # left padding: every prompt ends where generation starts
                    ids[r, width - len(p):] = torch.tensor(p)
                    mask[r, width - len(p):] = 1
                out = self.model.generate(
                    input_ids=ids.to(self.device), attention_mask=mask.to(self.device), do_sample=True,
                    temperature=cfg.temperature, top_p=cfg.top_p, top_k=0, max_new_tokens=cfg.max_completion_tokens,
                    pad_token_id=self.pad_id, eos_token_id=self.eos_ids, use_cache=True,
                    min_new_tokens=self.min_new_tokens or None,
                )
                for row in out[:, width:].tolist():
                    cut = len(row)
                    for j, t in enumerate(row):
                        if t in self.eos_ids:
                            cut = j + 1  # the end-of-turn token is part of the completion (it is learnt too)
                            break
                    completions.append(row[:cut])
        self.model.train()
        return [q for q, _p in seqs], [p for _q, p in seqs], completions

    def completion_logprobs(self, prompt_ids, completion_ids, adapter: bool = True):
        """Per-token log-probabilities (at the sampling temperature) of each completion: a flat tensor in
        row-major order, and the (B, T) mask of completion tokens it fills."""
        import torch

        from .grpo_loss import LinearLogProbs
        from .modeling import unwrap_peft

        cfg = self.cfg
        rows = [p + c for p, c in zip(prompt_ids, completion_ids)]
        width = max(len(r) for r in rows)
        tmax = max(len(c) for c in completion_ids)
        ids = torch.full((len(rows), width), self.pad_id, dtype=torch.long)
        attn = torch.zeros((len(rows), width), dtype=torch.long)
        cmask = torch.zeros((len(rows), tmax), dtype=torch.bool)
        index, targets = [], []
        for r, (p, c) in enumerate(zip(prompt_ids, completion_ids)):
            ids[r, :len(p) + len(c)] = torch.tensor(p + c)
            attn[r, :len(p) + len(c)] = 1
            cmask[r, :len(c)] = True
            index.extend(r * width + len(p) - 1 + j for j in range(len(c)))  # the position predicting token j
            targets.extend(c)
        ids, attn, cmask = ids.to(self.device), attn.to(self.device), cmask.to(self.device)
        lm = unwrap_peft(self.model)
        ctx = self.model.disable_adapter() if not adapter else contextlib.nullcontext()
        with ctx, torch.autocast("cuda", dtype=torch.bfloat16, enabled=cfg.bf16):
            hidden = lm.model(input_ids=ids, attention_mask=attn, use_cache=False).last_hidden_state
            flat = hidden.reshape(-1, hidden.shape[-1]).index_select(0, torch.tensor(index, device=self.device))
            weight = lm.get_output_embeddings().weight
            logp = LinearLogProbs.apply(flat, weight, torch.tensor(targets, device=self.device), cfg.loss_chunk_size,
                                        cfg.temperature, torch.bfloat16 if cfg.bf16 else weight.dtype)
        return logp, cmask

    def train_step(self, step: int) -> dict:
        """Rollouts, one reward request, then the policy update; returns the step's metrics."""
        import torch

        cfg = self.cfg
        t0 = time.perf_counter()
        picked = prompts_of_step(step, len(self.prompts), cfg.prompts_per_step, cfg.seed)
        qids, prompt_ids, completion_ids = self.rollout(step, picked)
        t_rollout = time.perf_counter() - t0
        texts = [self.tokenizer.decode([t for t in c if t not in self.eos_ids], skip_special_tokens=True)
                 for c in completion_ids]
        scored = self.rewards.score(qids, texts)
        t_reward = time.perf_counter() - t0 - t_rollout
        rewards = torch.tensor([float(it["reward"]) if it["reward"] is not None else 0.0 for it in scored])
        valid = torch.tensor([it["reward"] is not None for it in scored])
        m = self.update(prompt_ids, completion_ids, rewards, valid)
        n_gen = sum(len(c) for c in completion_ids)
        m.update({
            "accuracy": sum(int(it["ex"]) for it in scored) / len(scored),
            "rollout_tokens_per_s": n_gen / max(t_rollout, 1e-9),
            "tokens_per_s": (m["train_tokens"] + n_gen) / max(time.perf_counter() - t0, 1e-9),
            "rollout_s": t_rollout,
            "reward_s": t_reward,
            "rewards": [it["reward"] for it in scored],
        })
        return m

    def update(self, prompt_ids, completion_ids, rewards, valid) -> dict:
        """The policy update on one batch of scored rollouts (P x G, prompt-major): group advantages, then
        updates_per_step optimizer steps of the clipped objective over micro-batches."""
        import torch

        from .grpo_loss import group_advantages, grpo_token_loss, normalize_loss

        cfg = self.cfg
        t1 = time.perf_counter()
        P, G = len(completion_ids) // cfg.group_size, cfg.group_size
        rewards, valid = rewards.view(P, G), valid.view(P, G)
        adv, zero = group_advantages(rewards, valid, cfg.scale_rewards)
        adv, valid = adv.flatten(), valid.flatten()
        # Completions without a reward (their gold SQL failed) take no part in the loss.
        train_rows = [i for i in range(P * G) if valid[i] and len(completion_ids[i]) > 0]
        total_tokens = sum(len(completion_ids[i]) for i in train_rows)
        micro = [train_rows[s:s + cfg.micro_batch_size] for s in range(0, len(train_rows), cfg.micro_batch_size)]

        def logps(rows, adapter=True):
            return self.completion_logprobs([prompt_ids[i] for i in rows], [completion_ids[i] for i in rows], adapter)

        old, ref = {}, {}
        with torch.no_grad():
            for k, rows in enumerate(micro):
                if cfg.updates_per_step > 1:
                    old[k] = logps(rows)[0].float()
                if cfg.kl_coef > 0:
                    ref[k] = logps(rows, adapter=False)[0].float()
        loss_total, clipped_n, kl_sum, grad_norm = 0.0, 0, 0.0, None
        for _update in range(cfg.updates_per_step):
            loss_total, clipped_n, kl_sum = 0.0, 0, 0.0
            for k, rows in enumerate(micro):
                logp_flat, cmask = logps(rows)
                logp_flat = logp_flat.float()
                old_flat = old.get(k, logp_flat.detach())
                pad = torch.zeros(cmask.shape, device=self.device)
                logp = pad.masked_scatter(cmask, logp_flat)
                old_p = pad.masked_scatter(cmask, old_flat)
                ref_p = pad.masked_scatter(cmask, ref[k]) if k in ref else None
                tok_loss, clipped, kl = grpo_token_loss(logp, old_p, adv[rows].to(self.device), cmask.float(),
                                                        cfg.clip_eps_low, cfg.clip_eps_high, cfg.kl_coef, ref_p)
                loss = normalize_loss(tok_loss, cmask, cfg.loss_norm, total_tokens, len(train_rows))
                loss.backward()
                loss_total += float(loss.detach())
                clipped_n += int(clipped.sum())
                if kl is not None:
                    kl_sum += float((kl * cmask).sum())
            if cfg.max_grad_norm > 0:
                grad_norm = float(torch.nn.utils.clip_grad_norm_(self.params, cfg.max_grad_norm))
            self.optimizer.step()
            self.optimizer.zero_grad(set_to_none=True)
        torch.cuda.synchronize()
        t_train = time.perf_counter() - t1
        train_tokens = sum(len(prompt_ids[i]) + len(completion_ids[i]) for i in train_rows)
        passes = cfg.updates_per_step + (1 if cfg.updates_per_step > 1 else 0) + (1 if cfg.kl_coef > 0 else 0)
        r_valid = rewards.flatten()[valid]
        return {
            "loss": loss_total,
            "grad_norm": grad_norm,
            "reward_mean": float(r_valid.mean()) if len(r_valid) else None,
            "reward_std": float(r_valid.std(unbiased=False)) if len(r_valid) else None,
            "zero_std_groups": float(zero.float().mean()),
            "kl": kl_sum / max(1, total_tokens) if cfg.kl_coef > 0 else None,
            "clip_fraction": clipped_n / max(1, total_tokens),
            "completion_len": sum(len(c) for c in completion_ids) / len(completion_ids),
            "unscored": int((~valid).sum()),
            "train_tokens": train_tokens,
            "train_tokens_per_s": passes * train_tokens / max(t_train, 1e-9),
            "train_s": t_train,
        }

    # --- the loop

    def train(self) -> int:
        import torch

        cfg = self.cfg
        self.stop.training = True
        if self.stop.requested:
            raise Cancelled("signal before training")
        torch.cuda.reset_peak_memory_stats()
        step = self.start_step
        while step < cfg.max_steps:
            try:
                m = self.train_step(step)
            except RewardStopped:
                path = self.save_checkpoint(step)
                self.events.emit("cancelled", step=step, checkpoint=path, total_steps=cfg.max_steps)
                return EXIT_CANCELLED
            step += 1
            if step % cfg.logging_steps == 0 or step == cfg.max_steps:
                mem = torch.cuda.max_memory_allocated() / 2**30
                r = lambda v, n=6: None if v is None else round(v, n)  # noqa: E731
                self.events.emit(
                    "log", step=step, total_steps=cfg.max_steps, epoch=round(step * cfg.prompts_per_step / len(self.prompts), 4),
                    loss=r(m["loss"]), lr=cfg.learning_rate, grad_norm=r(m["grad_norm"]),
                    tokens_per_s=round(m["tokens_per_s"], 1), gpu_mem_gb=round(mem, 2),
                    reward_mean=r(m["reward_mean"]), reward_std=r(m["reward_std"]), accuracy=r(m["accuracy"]),
                    zero_std_groups=r(m["zero_std_groups"]), kl=r(m["kl"]), clip_fraction=r(m["clip_fraction"]),
                    completion_len=round(m["completion_len"], 2), unscored=m["unscored"],
                    rollout_tokens_per_s=round(m["rollout_tokens_per_s"], 1),
                    train_tokens_per_s=round(m["train_tokens_per_s"], 1), rollout_s=round(m["rollout_s"], 3),
                    reward_s=round(m["reward_s"], 3), train_s=round(m["train_s"], 3), rewards=m["rewards"],
                )
            if self.stop.requested:
                path = self.save_checkpoint(step)
                self.events.emit("cancelled", step=step, checkpoint=path, total_steps=cfg.max_steps)
                return EXIT_CANCELLED
            if cfg.save_steps and step % cfg.save_steps == 0 and step < cfg.max_steps:
                self.save_checkpoint(step)
        output_path = self.save_final()
        write_json(os.path.join(cfg.output_dir, DONE_FILE), {"output_path": output_path, "output_kind": "adapter",
                                                            "step": step, "total_steps": cfg.max_steps,
                                                            "config_hash": self.chash, "time": time.time()})
        self.events.emit("done", step=step, total_steps=cfg.max_steps, output_path=output_path, output_kind="adapter",
                         runtime_s=round(time.time() - self.t_start, 1),
                         checkpoints=[p for _s, p in list_checkpoints(cfg.output_dir)])
        return EXIT_OK

    # --- checkpoints and the artifact

    def save_checkpoint(self, step: int) -> str:
        import shutil

        import torch
        from safetensors.torch import save_file

        out = self.cfg.output_dir
        tmp, final = os.path.join(out, f".tmp-checkpoint-{step}"), os.path.join(out, f"checkpoint-{step}")
        if os.path.exists(tmp):
            shutil.rmtree(tmp)
        os.makedirs(tmp)
        state = {n: p.detach().contiguous().cpu() for n, p in self.model.named_parameters() if p.requires_grad}
        save_file(state, os.path.join(tmp, "trainable.safetensors"))
        torch.save(self.optimizer.state_dict(), os.path.join(tmp, "optimizer.pt"))
        write_json(os.path.join(tmp, STATE_FILE), {"global_step": step, "config_hash": self.chash, "method": "grpo",
                                                  "total_steps": self.cfg.max_steps, "time": time.time()})
        commit_dir(tmp, final)
        rotate(out, self.cfg.save_total_limit)
        self.events.emit("checkpoint", step=step, path=final)
        return final

    def load_checkpoint(self, path: str) -> int:
        import torch
        from safetensors.torch import load_file

        with open(os.path.join(path, STATE_FILE), encoding="utf-8") as fh:
            state = json.load(fh)
        if state.get("config_hash") != self.chash:
            log.warning("resuming %s written with a different configuration", path)
        saved = load_file(os.path.join(path, "trainable.safetensors"))
        params = dict(self.model.named_parameters())
        missing = [n for n, p in params.items() if p.requires_grad and n not in saved]
        if missing:
            raise RuntimeError(f"checkpoint {path} lacks {len(missing)} trainable tensors, e.g. {missing[:3]}")
        with torch.no_grad():
            for name, tensor in saved.items():
                params[name].copy_(tensor.to(params[name].device))
        self.optimizer.load_state_dict(torch.load(os.path.join(path, "optimizer.pt"), map_location=self.device,
                                                  weights_only=False))
        return int(state["global_step"])

    def save_final(self) -> str:
        import shutil

        final = os.path.join(self.cfg.output_dir, "adapter")
        tmp = os.path.join(self.cfg.output_dir, ".tmp-adapter")
        if os.path.exists(tmp):
            shutil.rmtree(tmp)
        self.model.save_pretrained(tmp)
        self.tokenizer.save_pretrained(tmp)
        write_manifest(tmp, {"kind": "adapter", "base_model": self.cfg.model, "method": "grpo",
                             "init_adapter": self.cfg.init_adapter or None})
        commit_dir(tmp, final)
        return final

    def cleanup(self) -> None:
        import gc

        import torch

        for name in ("model", "optimizer"):
            if hasattr(self, name):
                delattr(self, name)
        gc.collect()
        if torch.cuda.is_available():
            torch.cuda.empty_cache()


def main(cfg: GRPOConfig | None, config_error: str | None = None) -> int:
    """CLI entry (run_entry owns stdout, signals, the error/cancel events and the exit code, as for sft)."""

    def body(events: EventWriter, stop: StopSignal) -> int:
        recipe = GRPORecipe(cfg, events, stop)
        try:
            return recipe.train() if recipe.setup() else EXIT_OK
        finally:
            recipe.cleanup()

    return run_entry(cfg, config_error, body,
                     error_types=((RewardRequestError, "reward"), (RewardUnavailable, "reward_unavailable")))
