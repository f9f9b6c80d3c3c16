"""Configuration dataclasses for the three commands, loadable from JSON or YAML, overridable by CLI flags.

Pure Python on purpose: `python -m t2s_trainer --help` and the config tests must work where torch is not
installed. Precedence: dataclass defaults < `--config` file < command-line flags. Fields whose default is
`None` and whose help says "method default" are filled in by `SFTConfig.resolve()` from the recipe
(docs/recipe-formats.md §5): LoRA/QLoRA get lr 2e-4, constant schedule with warmup 0.03, max_grad_norm 0.3; full
fine-tuning gets lr 5e-6, cosine, warmup 0.1, max_grad_norm 1.0.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import os
import typing
from dataclasses import dataclass, field


class ConfigError(ValueError):
    """A configuration or input-data problem the user must fix (exit code 2)."""


def require_bitsandbytes() -> None:
    """qlora needs bitsandbytes; fail at once (before torch is even imported) with a message saying so."""
    if importlib.util.find_spec("bitsandbytes") is None:
        raise ConfigError(
            "method 'qlora' needs the bitsandbytes package, which is not installed in this environment "
            "(pip install bitsandbytes); use method 'lora' (bf16 base) instead"
        )


def _f(default, help: str, choices: tuple | None = None, **kw):
    meta = {"help": help}
    if choices is not None:
        meta["choices"] = choices
    if isinstance(default, list):
        return field(default_factory=lambda d=default: list(d), metadata=meta, **kw)
    return field(default=default, metadata=meta, **kw)


METHODS = ("lora", "qlora", "full")
SCHEDULERS = ("constant", "constant_with_warmup", "cosine", "linear")
RECIPE_DEFAULTS = {
    # method -> (learning_rate, lr_scheduler, warmup_ratio, max_grad_norm)
    "lora": (2e-4, "constant_with_warmup", 0.03, 0.3),
    "qlora": (2e-4, "constant_with_warmup", 0.03, 0.3),
    "full": (5e-6, "cosine", 0.1, 1.0),
}


@dataclass
class SFTConfig:
    """Supervised fine-tuning run (`python -m t2s_trainer sft`)."""

    # --- what to train on / where to write
    model: str = _f("", "Base model: a Hugging Face hub id or a local folder (required).")
    train_files: list[str] = _f([], "One or more JSONL files, each line {\"messages\": [...]} (required).")
    output_dir: str = _f("", "Run folder: checkpoints, TensorBoard logs, the final adapter/model (required).")
    # --- method
    method: str = _f("lora", "lora | qlora (4-bit base, needs bitsandbytes) | full.", METHODS)
    lora_r: int = _f(256, "LoRA rank.")
    lora_alpha: float = _f(128.0, "LoRA alpha (scaling = alpha / r).")
    lora_dropout: float = _f(0.05, "Dropout on the LoRA input (0 disables it and saves time and memory).")
    lora_target_modules: list[str] = _f(["all-linear"], "LoRA target modules; 'all-linear' = every linear layer except lm_head.")
    # --- optimisation (None = method default from the recipe)
    learning_rate: float | None = _f(None, "Peak learning rate (method default: 2e-4 lora/qlora, 5e-6 full).")
    lr_scheduler: str | None = _f(
        None, "Schedule (method default: constant_with_warmup lora/qlora, cosine full).", SCHEDULERS
    )
    warmup_ratio: float | None = _f(None, "Warm-up fraction of total steps (method default: 0.03 lora/qlora, 0.1 full).")
    max_grad_norm: float | None = _f(None, "Gradient clipping norm (method default: 0.3 lora/qlora, 1.0 full).")
    weight_decay: float = _f(0.0, "AdamW weight decay.")
    adam_beta1: float = _f(0.9, "AdamW beta1.")
    adam_beta2: float = _f(0.999, "AdamW beta2.")
    adam_epsilon: float = _f(1e-8, "AdamW epsilon.")
    num_epochs: int = _f(3, "Epochs over the (packed) training rows.")
    max_steps: int = _f(-1, "If > 0, stop after this many optimizer steps (overrides num_epochs).")
    # --- batching
    per_device_batch_size: int = _f(1, "Rows (packed sequences) per GPU per micro-step.")
    global_batch_size: int = _f(8, "Rows per optimizer step over all GPUs; grad accumulation = global / (per_device * GPUs).")
    # --- data
    max_length: int = _f(4096, "Maximum tokens per example and per packed row.")
    truncate: bool = _f(False, "Truncate over-length examples to max_length instead of skipping them (skipped by default, count reported).")
    packing: bool = _f(True, "Pack several examples per row (first-fit-decreasing); attention never crosses examples.")
    loss_on: str = _f("assistant", "Which tokens carry loss: assistant (assistant turns only) | all (whole conversation, the recipe's).", ("assistant", "all"))
    # --- precision / speed
    bf16: bool = _f(True, "bf16 compute (autocast); LoRA weights and full-FT master weights stay fp32.")
    tf32: bool = _f(True, "Allow TF32 matmuls for fp32 work.")
    gradient_checkpointing: bool = _f(True, "Recompute activations in backward (less memory, slower; see gradient_checkpointing_ratio).")
    gradient_checkpointing_ratio: float = _f(
        0.5, "Share of decoder layers that recompute (evenly spread) when gradient_checkpointing is on: 1.0 = all "
        "(least memory), 0.5 = every other layer (BENCHMARKS.md, 8B LoRA at seq 4096: 44.5 GiB eager, 38.6 GiB compiled).")
    attn_implementation: str = _f("sdpa", "Attention kernel: sdpa (required for isolated packing on these machines) | eager.", ("sdpa", "eager"))
    compile: bool = _f(True, "torch.compile each decoder layer on CUDA (~1.3x faster than eager, and closer to an fp32 run on the "
                       "8B shape; BENCHMARKS.md). Skipped for qlora, FSDP and CPU runs; falls back to eager, logged, if "
                       "compilation fails. false: the eager step.")
    compile_dynamic: bool = _f(True, "Compile with the sequence length symbolic (one graph for all packed row lengths); false: static first, one recompile at the second length.")
    loss_chunk_size: int = _f(1024, "Rows per chunk in the fused lm_head + cross-entropy (never materialises full fp32 logits).")
    full_param_dtype: str = _f("fp32", "Full fine-tuning master weights: fp32 (mixed precision) | bf16 (half the memory, less exact).", ("fp32", "bf16"))
    # --- run control
    seed: int = _f(42, "Seed for data order, LoRA init and dropout.")
    logging_steps: int = _f(1, "Emit a 'log' event every N optimizer steps.")
    save_steps: int = _f(50, "Write a checkpoint every N optimizer steps (0 = only on cancel).")
    save_total_limit: int = _f(2, "Keep the last K complete checkpoints.")
    resume: str = _f("auto", "auto (latest complete checkpoint in output_dir, if any) | never | <path to checkpoint-N>.")
    tensorboard: bool = _f(True, "Write TensorBoard logs under output_dir/runs.")
    trust_remote_code: bool = _f(False, "Pass trust_remote_code to from_pretrained.")

    def resolve(self) -> SFTConfig:
        """Check the values and fill the method defaults; returns self."""
        missing = [n for n in ("model", "output_dir") if not getattr(self, n)]
        if not self.train_files:
            missing.append("train_files")
        if missing:
            raise ConfigError(f"missing required setting(s): {', '.join(missing)}")
        if self.method not in METHODS:
            raise ConfigError(f"method must be one of {METHODS}, got {self.method!r}")
        lr, sched, warm, clip = RECIPE_DEFAULTS[self.method]
        if self.learning_rate is None:
            self.learning_rate = lr
        if self.lr_scheduler is None:
            self.lr_scheduler = sched
        if self.warmup_ratio is None:
            self.warmup_ratio = warm
        if self.max_grad_norm is None:
            self.max_grad_norm = clip
        for name in ("max_length", "per_device_batch_size", "global_batch_size", "logging_steps", "loss_chunk_size", "lora_r"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name} must be > 0, got {getattr(self, name)}")
        if self.num_epochs <= 0 and self.max_steps <= 0:
            raise ConfigError("num_epochs or max_steps must be > 0")
        if not 0.0 <= self.lora_dropout < 1.0:
            raise ConfigError(f"lora_dropout must be in [0, 1), got {self.lora_dropout}")
        if not 0.0 <= self.warmup_ratio < 1.0:
            raise ConfigError(f"warmup_ratio must be in [0, 1), got {self.warmup_ratio}")
        if not 0.0 < self.gradient_checkpointing_ratio <= 1.0:
            raise ConfigError(f"gradient_checkpointing_ratio must be in (0, 1], got {self.gradient_checkpointing_ratio}")
        if self.save_steps < 0 or self.save_total_limit < 1:
            raise ConfigError("save_steps must be >= 0 and save_total_limit >= 1")
        return self


@dataclass
class MergeConfig:
    """Merge a LoRA adapter into its base model (`python -m t2s_trainer merge`)."""

    adapter: str = _f("", "Adapter folder written by sft (output_dir/adapter) (required).")
    output_dir: str = _f("", "Folder for the merged model (required; written atomically).")
    base_model: str = _f("", "Base model id/path; default: base_model_name_or_path from adapter_config.json.")
    dtype: str = _f("bfloat16", "dtype of the merged weights.", ("bfloat16", "float16", "float32"))
    device: str = _f("auto", "Where to merge: auto (cuda if available) | cpu | cuda.", ("auto", "cpu", "cuda"))
    max_shard_size: str = _f("5GB", "safetensors shard size.")
    trust_remote_code: bool = _f(False, "Pass trust_remote_code to from_pretrained.")

    def resolve(self) -> MergeConfig:
        missing = [n for n in ("adapter", "output_dir") if not getattr(self, n)]
        if missing:
            raise ConfigError(f"missing required setting(s): {', '.join(missing)}")
        return self


ARCHS = ("llama-3.1-8b", "llama-3.2-1b", "tiny")


@dataclass
class BenchConfig:
    """Throughput benchmark on a randomly initialised model (`python -m t2s_trainer bench`)."""

    arch: str = _f("llama-3.1-8b", "Architecture built in code with random bf16 weights (no download).", ARCHS)
    method: str = _f("lora", "lora | full.", ("lora", "full"))
    baseline: bool = _f(False, "Run the plain PyTorch + PEFT loop of docs/gpu-notes.md §2 instead of the trainer's step.")
    seq_len: int = _f(4096, "Tokens per row.")
    batch_size: int = _f(1, "Rows per step (per GPU).")
    steps: int = _f(5, "Timed steps (median reported).")
    warmup_steps: int = _f(3, "Untimed steps first (compilation happens in them).")
    gradient_checkpointing: bool = _f(False, "Recompute activations in backward.")
    gradient_checkpointing_ratio: float = _f(1.0, "Share of decoder layers that recompute (evenly spread) under --gradient-checkpointing.")
    lora_r: int = _f(256, "LoRA rank.")
    lora_alpha: float = _f(128.0, "LoRA alpha.")
    lora_dropout: float = _f(0.05, "LoRA dropout.")
    baseline_tf32: bool = _f(False, "Allow TF32 for the baseline's fp32 LoRA matmuls (PyTorch's default is off).")
    compile: bool = _f(True, "torch.compile each decoder layer (trainer mode on CUDA), as sft does by default; --compile false "
                       "measures the eager step.")
    compile_dynamic: bool = _f(True, "Compile with the sequence length symbolic, as sft does.")
    compare_eager: bool = _f(False, "Trainer mode: time the eager step first, then the compiled one from the same weights "
                             "and optimizer state; prints both, the compile time, when it pays off and the loss gap.")
    loss_chunk_size: int = _f(1024, "Rows per chunk in the fused lm_head + cross-entropy (trainer mode).")
    full_param_dtype: str = _f("fp32", "Full fine-tuning master weights (trainer mode).", ("fp32", "bf16"))
    data_file: str = _f("", "Optional token file: JSONL lines {\"input_ids\": [...]} (else uniform random tokens).")
    peak_tflops: float = _f(989.4, "Peak dense bf16 TFLOP/s the MFU is divided by (H100 SXM spec; ~790 measured).")
    seed: int = _f(0, "Seed for weights and tokens.")
    json_out: str = _f("", "Also write the result JSON to this file.")

    def resolve(self) -> BenchConfig:
        if self.steps <= 0 or self.seq_len <= 1 or self.batch_size <= 0:
            raise ConfigError("steps, batch_size must be > 0 and seq_len > 1")
        if self.baseline and self.method != "lora":
            raise ConfigError("--baseline is the LoRA loop of docs/gpu-notes.md §2; use it with method lora")
        if not 0.0 < self.gradient_checkpointing_ratio <= 1.0:
            raise ConfigError(f"gradient_checkpointing_ratio must be in (0, 1], got {self.gradient_checkpointing_ratio}")
        if self.compare_eager and self.baseline:
            raise ConfigError("--compare-eager compares the trainer's eager and compiled steps; not with --baseline")
        return self


# ---------------------------------------------------------------------------------------------------------
# Loading and parsing


def load_config_file(path: str) -> dict:
    """Read a JSON (.json) or YAML (.yaml/.yml, needs PyYAML) mapping."""
    if not os.path.isfile(path):
        raise ConfigError(f"config file not found: {path}")
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    if path.endswith((".yaml", ".yml")):
        try:
            import yaml
        except ImportError as exc:  # pragma: no cover - PyYAML ships with transformers' deps
            raise ConfigError("YAML config needs PyYAML (pip install pyyaml); or use a .json file") from exc
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path}: invalid YAML: {exc}") from exc
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path}: invalid JSON: {exc}") from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: top level must be a mapping of setting -> value")
    return data


def _type_info(cls) -> dict[str, tuple[type, bool]]:
    """field name -> (base type, is_list)."""
    hints = typing.get_type_hints(cls)
    out = {}
    for f in dataclasses.fields(cls):
        t = hints[f.name]
        args = [a for a in typing.get_args(t) if a is not type(None)]
        origin = typing.get_origin(t)
        if origin is list:
            out[f.name] = (typing.get_args(t)[0], True)
        elif args and origin is not list:  # Optional[X] / X | None
            out[f.name] = (args[0], False)
        else:
            out[f.name] = (t, False)
    return out


def parse_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    s = str(value).strip().lower()
    if s in ("1", "true", "yes", "on"):
        return True
    if s in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"not a boolean: {value!r}")


def _coerce(name: str, value, base: type, is_list: bool, choices):
    if value is None:
        return None
    if is_list:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise ConfigError(f"{name}: expected a list, got {type(value).__name__}")
        return [_coerce(name, v, base, False, choices) for v in value]
    try:
        if base is bool:
            out = parse_bool(value)
        elif base is int:
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError(value)
            out = int(value)
        elif base is float:
            if isinstance(value, bool):
                raise ValueError(value)
            out = float(value)
        else:
            if not isinstance(value, str):
                raise ValueError(value)
            out = value
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{name}: expected {base.__name__}, got {value!r}") from exc
    if choices is not None and out not in choices:
        raise ConfigError(f"{name}: must be one of {list(choices)}, got {out!r}")
    return out


def make_config(cls, *sources: dict):
    """Build `cls` from mappings applied in order (later wins); unknown keys are an error."""
    types = _type_info(cls)
    meta = {f.name: f.metadata for f in dataclasses.fields(cls)}
    values = {}
    for src in sources:
        for key, value in src.items():
            name = key.replace("-", "_")
            if name not in types:
                raise ConfigError(f"unknown setting {key!r} for {cls.__name__}; known: {', '.join(sorted(types))}")
            base, is_list = types[name]
            values[name] = _coerce(name, value, base, is_list, meta[name].get("choices"))
    return cls(**values).resolve()


def add_dataclass_arguments(parser: argparse.ArgumentParser, cls) -> None:
    """One `--flag` per field (dashes or underscores). Defaults are SUPPRESSed so only given flags override."""
    types = _type_info(cls)
    for f in dataclasses.fields(cls):
        base, is_list = types[f.name]
        default = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        kwargs = {"dest": f.name, "default": argparse.SUPPRESS}
        help_text = f.metadata.get("help", "")
        help_text += f" [default: {default if default not in ('', None) else '-'}]"
        kwargs["help"] = help_text.replace("%", "%%")
        if f.metadata.get("choices"):
            kwargs["choices"] = list(f.metadata["choices"])
        if is_list:
            kwargs["nargs"] = "+"
            kwargs["metavar"] = f.name.upper()
        elif base is bool:
            kwargs["type"] = parse_bool
            kwargs["metavar"] = "true|false"
        else:
            kwargs["type"] = base
        flags = ["--" + f.name.replace("_", "-")]
        if "_" in f.name:
            flags.append("--" + f.name)
        parser.add_argument(*flags, **kwargs)


def config_from_args(cls, args: argparse.Namespace):
    """defaults < --config file < flags."""
    file_values = load_config_file(args.config) if getattr(args, "config", None) else {}
    field_names = {f.name for f in dataclasses.fields(cls)}
    cli_values = {k: v for k, v in vars(args).items() if k in field_names}
    return make_config(cls, file_values, cli_values)


def to_dict(cfg) -> dict:
    return dataclasses.asdict(cfg)
