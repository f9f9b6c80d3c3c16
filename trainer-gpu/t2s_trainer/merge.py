"""Merge a LoRA adapter into its base model: a plain transformers folder that vLLM can serve.

Run:

    python -m t2s_trainer merge --adapter runs/llama31-8b-lora/adapter --output-dir runs/llama31-8b-lora/merged
    python -m t2s_trainer merge --adapter runs/x/adapter --base-model /models/Llama-3.1-8B-Instruct \\
        --output-dir /models/llama31-8b-text2sql --dtype bfloat16 --device cpu
    vllm serve runs/llama31-8b-lora/merged            # then serve it

The base comes from --base-model or the adapter's adapter_config.json (base_model_name_or_path). The output
holds config.json, generation_config.json, model*.safetensors, the tokenizer (from the adapter folder, which
sft writes it into, else from the base) and manifest.json (sha256 of every file). It is written to a
temporary folder and renamed into place, so a reader never sees half a model. Embeddings are never resized
(sft adds no tokens), so vocabulary sizes match the base. Prints one JSON line (done/error) on stdout.
Exit codes: 0 done, 1 error, 2 bad arguments.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback

from .checkpoint import commit_dir, tmp_dir, write_manifest
from .config import ConfigError, MergeConfig
from .events import format_event


def run(cfg: MergeConfig) -> str:
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    cfg_path = os.path.join(cfg.adapter, "adapter_config.json")
    if not os.path.isfile(cfg_path):
        raise ConfigError(f"{cfg.adapter} is not a PEFT adapter folder (no adapter_config.json)")
    with open(cfg_path, encoding="utf-8") as fh:
        adapter_cfg = json.load(fh)
    base = cfg.base_model or adapter_cfg.get("base_model_name_or_path")
    if not base:
        raise ConfigError("no base model: pass --base-model (adapter_config.json names none)")
    device = cfg.device
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    dtype = getattr(torch, cfg.dtype)
    print(f"merging {cfg.adapter} into {base} on {device} ({cfg.dtype})", file=sys.stderr)
    model = AutoModelForCausalLM.from_pretrained(
        base, dtype=dtype, device_map={"": device}, trust_remote_code=cfg.trust_remote_code
    )
    model = PeftModel.from_pretrained(model, cfg.adapter)
    model = model.merge_and_unload()
    model = model.to(dtype)
    tok_src = cfg.adapter if os.path.isfile(os.path.join(cfg.adapter, "tokenizer_config.json")) else base
    tokenizer = AutoTokenizer.from_pretrained(tok_src, trust_remote_code=cfg.trust_remote_code)
    emb = model.get_input_embeddings().weight.shape[0]
    if emb < len(tokenizer):
        raise RuntimeError(f"tokenizer has {len(tokenizer)} tokens but the embedding only {emb} rows")

    out = os.path.abspath(cfg.output_dir)
    parent = os.path.dirname(out)
    os.makedirs(parent, exist_ok=True)
    tmp = tmp_dir(parent, os.path.basename(out))
    model.save_pretrained(tmp, safe_serialization=True, max_shard_size=cfg.max_shard_size)
    tokenizer.save_pretrained(tmp)
    write_manifest(tmp, {"kind": "merged", "base_model": base, "adapter": os.path.abspath(cfg.adapter),
                         "dtype": cfg.dtype})
    commit_dir(tmp, out)
    return out


def main(cfg: MergeConfig | None, config_error: str | None = None) -> int:
    if config_error is not None:
        print(format_event("error", message=config_error, error_type="config"), flush=True)
        return 2
    t0 = time.time()
    try:
        out = run(cfg)
    except ConfigError as exc:
        print(format_event("error", message=str(exc), error_type="config"), flush=True)
        return 2
    except Exception as exc:  # noqa: BLE001
        traceback.print_exc(file=sys.stderr)
        print(format_event("error", message=f"{type(exc).__name__}: {exc}", error_type="runtime"), flush=True)
        return 1
    print(format_event("done", step=0, total_steps=0, output_path=out, output_kind="merged",
                       runtime_s=round(time.time() - t0, 1)), flush=True)
    return 0
