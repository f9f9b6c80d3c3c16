"""CPU-safe: the example configs shipped in configs/ parse and keep the recipe's values."""

from __future__ import annotations

import os

import yaml

from t2s_trainer.config import SFTConfig, load_config_file, make_config

CONFIGS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "configs")


def test_sft_examples_parse():
    lora = make_config(SFTConfig, load_config_file(os.path.join(CONFIGS, "sft-lora-llama31-8b.yaml")))
    assert (lora.method, lora.lora_r, lora.lora_alpha, lora.learning_rate, lora.global_batch_size) == (
        "lora", 256, 128.0, 2e-4, 8)
    assert (lora.compile, lora.gradient_checkpointing, lora.gradient_checkpointing_ratio) == (True, True, 0.5)
    full = make_config(SFTConfig, load_config_file(os.path.join(CONFIGS, "sft-full-llama32-1b.yaml")))
    assert (full.method, full.learning_rate, full.lr_scheduler) == ("full", 5e-6, "cosine")


def test_accelerate_configs_name_the_backends():
    ddp = yaml.safe_load(open(os.path.join(CONFIGS, "accelerate-ddp.yaml")))
    fsdp = yaml.safe_load(open(os.path.join(CONFIGS, "accelerate-fsdp.yaml")))
    assert ddp["distributed_type"] == "MULTI_GPU"
    assert fsdp["distributed_type"] == "FSDP" and fsdp["fsdp_config"]["fsdp_version"] == 2
    assert fsdp["fsdp_config"]["fsdp_transformer_layer_cls_to_wrap"] == "LlamaDecoderLayer"
