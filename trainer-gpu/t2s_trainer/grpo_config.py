"""Settings of `python -m t2s_trainer grpo` (pure Python: `--help` and the config tests need no torch).

GRPO (group relative policy optimization) on the prompts of an SFT dataset: for each prompt the policy samples
`group_size` completions, the suite's reward API scores each one by execution, and each completion's advantage is
its reward against its group's mean (divided by the group's std unless `scale_rewards` is off). The loss is the
clipped-ratio policy gradient (PPO's, with a separate upper clip as in DAPO), optionally plus a KL penalty towards
the reference model, which is the same weights with the LoRA adapter switched off (no second copy in memory).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

from .config import ConfigError, _f

LOSS_NORMS = ("token", "sequence")
EXTRACTIONS = ("robust", "cookbook")


@dataclass
class GRPOConfig:
    """GRPO run (`python -m t2s_trainer grpo`)."""

    # --- what to train / where to write
    model: str = _f("", "Base model: a Hugging Face hub id or a local folder (required).")
    train_files: list[str] = _f([], "JSONL prompt files: {\"messages\": [system, user, (assistant)], \"question_id\": N} "
                                    "per line; the assistant turn (the gold answer) is dropped, never shown (required).")
    output_dir: str = _f("", "Run folder: checkpoints and the final adapter (required).")
    init_adapter: str = _f("", "Warm start: an SFT LoRA adapter folder (output_dir/adapter of an sft run); its rank "
                               "and targets replace the lora_* settings. Empty: a fresh adapter.")
    # --- reward API
    reward_url: str = _f("", "Base URL of the suite's gateway (POST {url}/v1/rewards); default: env T2S_REWARD_URL (required).")
    reward_api_key: str = _f("", "Bearer key of the gateway; default: env T2S_REWARD_API_KEY.")
    reward_source: str = _f("", "Source (id or name) whose questions the question_ids name (required).")
    reward_correct: float = _f(1.0, "Reward of SQL whose result equals the gold result (Arctic-Text2SQL-R1: 1).")
    reward_executable: float = _f(0.1, "Reward of SQL that runs but returns another result (Arctic-Text2SQL-R1: 0.1).")
    reward_error: float = _f(0.0, "Reward of anything else (no SQL, error, timeout, rejected).")
    reward_format: float = _f(0.0, "Added when the SQL stands in a closed ```sql fence.")
    reward_extraction: str = _f("robust", "How the reward API finds the SQL in a completion.", EXTRACTIONS)
    reward_timeout_s: float = _f(30.0, "Per-item SQL time limit on the reward side (prediction and gold together).")
    reward_max_wait_s: float = _f(1800.0, "How long a reward outage may pause training (retrying) before the run fails.")
    # --- GRPO
    group_size: int = _f(8, "Completions sampled per prompt (G).")
    prompts_per_step: int = _f(8, "Prompts per optimizer step (the step's batch is prompts_per_step x group_size).")
    temperature: float = _f(1.0, "Sampling temperature of the rollouts (log-probabilities use the same temperature).")
    top_p: float = _f(1.0, "Nucleus sampling of the rollouts (1 = off).")
    max_completion_tokens: int = _f(512, "Tokens generated per completion at most.")
    max_prompt_tokens: int = _f(4096, "Prompts longer than this are skipped (counted in the start event).")
    clip_eps_low: float = _f(0.2, "Lower clip of the probability ratio: 1 - eps.")
    clip_eps_high: float = _f(0.28, "Upper clip of the ratio: 1 + eps (DAPO's clip-higher; = clip_eps_low for PPO's).")
    kl_coef: float = _f(0.0, "Weight of the k3 KL estimate towards the reference (adapter off); 0 skips the reference pass.")
    loss_norm: str = _f("token", "token: the sum of token losses over the step's completion tokens (every token "
                                 "weighs the same); sequence: each completion's mean, averaged (GRPO paper).", LOSS_NORMS)
    scale_rewards: bool = _f(True, "Divide advantages by the group's reward std (false: Dr. GRPO's unscaled advantages).")
    updates_per_step: int = _f(1, "Optimizer updates per batch of rollouts (mu); above 1 the ratio moves away from 1 "
                                  "and the clip acts.")
    # --- LoRA / optimisation
    lora_r: int = _f(16, "LoRA rank (fresh adapter).")
    lora_alpha: float = _f(32.0, "LoRA alpha (fresh adapter).")
    lora_dropout: float = _f(0.0, "LoRA dropout (0: sampling and training see the same policy).")
    lora_target_modules: list[str] = _f(["all-linear"], "LoRA targets (fresh adapter).")
    learning_rate: float = _f(1e-5, "Constant learning rate (AdamW).")
    max_grad_norm: float = _f(1.0, "Gradient clipping norm (0 = off).")
    weight_decay: float = _f(0.0, "AdamW weight decay.")
    adam_beta1: float = _f(0.9, "AdamW beta1.")
    adam_beta2: float = _f(0.99, "AdamW beta2.")
    adam_epsilon: float = _f(1e-8, "AdamW epsilon.")
    max_steps: int = _f(100, "Optimizer steps (each on fresh rollouts).")
    micro_batch_size: int = _f(8, "Completions per forward/backward in training.")
    rollout_batch_size: int = _f(64, "Completions generated together (one generate call).")
    # --- precision / run control
    bf16: bool = _f(True, "bf16 compute (autocast); LoRA weights stay fp32.")
    gradient_checkpointing: bool = _f(True, "Recompute activations in backward.")
    attn_implementation: str = _f("sdpa", "Attention kernel.", ("sdpa", "eager"))
    deterministic: bool = _f(False, "Deterministic kernels (torch.use_deterministic_algorithms, a fixed cuBLAS "
                                    "workspace): two runs, or a run and its resume after a kill, then sample the "
                                    "same completions. Off, attention's backward adds in a varying order, and one "
                                    "rounding difference in the weights can change a later sampled token.")
    loss_chunk_size: int = _f(1024, "Tokens per chunk of the lm_head log-probabilities (never full-vocabulary logits for all).")
    seed: int = _f(42, "Seed of prompt order, LoRA init and sampling (each step's sampling is seeded by seed and step).")
    logging_steps: int = _f(1, "Emit a 'log' event every N steps.")
    save_steps: int = _f(10, "Checkpoint every N steps (0 = only on cancel).")
    save_total_limit: int = _f(2, "Keep the last K complete checkpoints.")
    resume: str = _f("auto", "auto (latest checkpoint in output_dir) | never | <path to checkpoint-N>.")
    trust_remote_code: bool = _f(False, "Pass trust_remote_code to from_pretrained.")

    def resolve(self) -> GRPOConfig:
        """Check every value (fail fast, before torch is imported) and fill the reward endpoint from the environment."""
        if not self.reward_url:
            self.reward_url = os.environ.get("T2S_REWARD_URL", "")
        if not self.reward_api_key:
            self.reward_api_key = os.environ.get("T2S_REWARD_API_KEY", "")
        missing = [n for n in ("model", "output_dir", "reward_url", "reward_source") if not getattr(self, n)]
        if not self.train_files:
            missing.append("train_files")
        if missing:
            raise ConfigError(f"missing required setting(s): {', '.join(missing)}")
        if not self.reward_url.startswith(("http://", "https://")):
            raise ConfigError(f"reward_url must be an http(s) URL, got {self.reward_url!r}")
        for name in ("reward_correct", "reward_executable", "reward_error", "reward_format", "temperature", "top_p",
                     "clip_eps_low", "clip_eps_high", "kl_coef", "learning_rate", "max_grad_norm", "reward_timeout_s",
                     "reward_max_wait_s", "lora_alpha", "weight_decay"):
            v = getattr(self, name)
            if not math.isfinite(v):
                raise ConfigError(f"{name} must be a finite number, got {v}")
        for name in ("reward_correct", "reward_executable", "reward_error", "reward_format"):
            if abs(getattr(self, name)) > 100:
                raise ConfigError(f"{name} must be within [-100, 100] (the reward API's range), got {getattr(self, name)}")
        if self.group_size < 2:
            raise ConfigError(f"group_size must be >= 2 (advantages compare completions of one prompt), got {self.group_size}")
        for name in ("prompts_per_step", "max_completion_tokens", "max_prompt_tokens", "max_steps", "micro_batch_size",
                     "rollout_batch_size", "logging_steps", "loss_chunk_size", "lora_r", "updates_per_step"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name} must be > 0, got {getattr(self, name)}")
        if self.prompts_per_step * self.group_size > 512:
            raise ConfigError("prompts_per_step x group_size must be <= 512 (one reward request)")
        if self.temperature <= 0:
            raise ConfigError(f"temperature must be > 0 (GRPO needs sampled, different completions), got {self.temperature}")
        if not 0 < self.top_p <= 1:
            raise ConfigError(f"top_p must be in (0, 1], got {self.top_p}")
        if not 0 <= self.clip_eps_low < 1:
            raise ConfigError(f"clip_eps_low must be in [0, 1), got {self.clip_eps_low}")
        if self.clip_eps_high < 0:
            raise ConfigError(f"clip_eps_high must be >= 0, got {self.clip_eps_high}")
        if self.kl_coef < 0 or self.learning_rate <= 0 or self.max_grad_norm < 0:
            raise ConfigError("kl_coef and max_grad_norm must be >= 0 and learning_rate > 0")
        if not 0.0 <= self.lora_dropout < 1.0:
            raise ConfigError(f"lora_dropout must be in [0, 1), got {self.lora_dropout}")
        if not 0 < self.reward_timeout_s <= 60:
            raise ConfigError(f"reward_timeout_s must be in (0, 60], got {self.reward_timeout_s}")
        if self.save_steps < 0 or self.save_total_limit < 1:
            raise ConfigError("save_steps must be >= 0 and save_total_limit >= 1")
        if self.init_adapter and not os.path.isfile(os.path.join(self.init_adapter, "adapter_config.json")):
            raise ConfigError(f"init_adapter {self.init_adapter} is not a LoRA adapter folder (no adapter_config.json)")
        return self

    def reward_weights(self) -> dict:
        return {"correct": self.reward_correct, "executable": self.reward_executable, "error": self.reward_error,
                "format": self.reward_format}
