"""CPU-safe: CLI help without torch, config files and precedence, the qlora guard."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import subprocess_env

from t2s_trainer.config import (
    BenchConfig,
    ConfigError,
    MergeConfig,
    SFTConfig,
    make_config,
    parse_bool,
)
from t2s_trainer.data import DataPlan


def run_cli(*args, timeout=120):
    return subprocess.run(
        [sys.executable, "-m", "t2s_trainer", *args], capture_output=True, text=True, env=subprocess_env(),
        timeout=timeout,
    )


def test_help_lists_commands_without_importing_torch():
    code = (
        "import sys, contextlib, io\n"
        "from t2s_trainer.__main__ import main\n"
        "buf = io.StringIO()\n"
        "with contextlib.redirect_stdout(buf):\n"
        "    try:\n"
        "        main(['--help'])\n"
        "    except SystemExit as e:\n"
        "        assert e.code == 0\n"
        "for mod in ('torch', 'transformers', 'peft', 'accelerate'):\n"
        "    assert mod not in sys.modules, mod\n"
        "print(buf.getvalue())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=subprocess_env())
    assert out.returncode == 0, out.stderr
    for cmd in ("sft", "merge", "bench"):
        assert cmd in out.stdout


@pytest.mark.parametrize("cmd", ["sft", "merge", "bench"])
def test_subcommand_help_shows_run_lines(cmd):
    out = run_cli(cmd, "--help")
    assert out.returncode == 0, out.stderr
    assert f"python -m t2s_trainer {cmd}" in out.stdout
    assert "--config FILE" in out.stdout


def test_method_defaults_follow_the_recipe():
    lora = make_config(SFTConfig, {"model": "m", "train_files": ["a.jsonl"], "output_dir": "o"})
    assert (lora.lora_r, lora.lora_alpha, lora.lora_dropout, lora.lora_target_modules) == (256, 128.0, 0.05, ["all-linear"])
    assert (lora.learning_rate, lora.lr_scheduler, lora.warmup_ratio, lora.max_grad_norm) == (
        2e-4, "constant_with_warmup", 0.03, 0.3)
    assert (lora.num_epochs, lora.max_length, lora.seed, lora.global_batch_size) == (3, 4096, 42, 8)
    assert lora.gradient_checkpointing and lora.packing and lora.bf16 and lora.tf32
    assert lora.loss_on == "assistant" and lora.attn_implementation == "sdpa"
    full = make_config(SFTConfig, {"model": "m", "train_files": "a.jsonl", "output_dir": "o", "method": "full"})
    assert (full.learning_rate, full.lr_scheduler, full.warmup_ratio, full.max_grad_norm) == (5e-6, "cosine", 0.1, 1.0)
    assert full.train_files == ["a.jsonl"]


def test_yaml_and_json_files_and_flag_precedence(tmp_path):
    from t2s_trainer.__main__ import build_parser
    from t2s_trainer.config import config_from_args

    yml = tmp_path / "run.yaml"
    yml.write_text("model: base\ntrain_files: [a.jsonl, b.jsonl]\noutput_dir: out\nlearning_rate: 1.0e-4\n"
                   "packing: false\nlora_r: 64\n")
    args = build_parser().parse_args(["sft", "--config", str(yml), "--lora-r", "32", "--packing", "true"])
    cfg = config_from_args(SFTConfig, args)
    assert cfg.train_files == ["a.jsonl", "b.jsonl"]
    assert cfg.learning_rate == 1e-4  # from the file
    assert cfg.lora_r == 32 and cfg.packing is True  # flags win
    js = tmp_path / "run.json"
    js.write_text(json.dumps({"model": "base", "train_files": ["a.jsonl"], "output_dir": "out", "method": "full",
                              "max_steps": 10}))
    cfg = config_from_args(SFTConfig, build_parser().parse_args(["sft", "--config", str(js), "--loss-on", "all"]))
    assert cfg.method == "full" and cfg.max_steps == 10 and cfg.loss_on == "all" and cfg.learning_rate == 5e-6


def test_underscore_flags_also_work():
    from t2s_trainer.__main__ import build_parser
    from t2s_trainer.config import config_from_args

    args = build_parser().parse_args(["sft", "--model", "m", "--train_files", "x.jsonl", "--output_dir", "o"])
    assert config_from_args(SFTConfig, args).output_dir == "o"


@pytest.mark.parametrize(
    "values, message",
    [
        ({"train_files": ["a"], "output_dir": "o"}, "missing required"),
        ({"model": "m", "train_files": ["a"], "output_dir": "o", "learnin_rate": 1}, "unknown setting"),
        ({"model": "m", "train_files": ["a"], "output_dir": "o", "lora_r": "big"}, "lora_r: expected int"),
        ({"model": "m", "train_files": ["a"], "output_dir": "o", "method": "dora"}, "method: must be one of"),
        ({"model": "m", "train_files": ["a"], "output_dir": "o", "lora_dropout": 1.5}, "lora_dropout"),
        ({"model": "m", "train_files": ["a"], "output_dir": "o", "max_length": 0}, "max_length"),
        ({"model": "m", "train_files": ["a"], "output_dir": "o", "packing": "maybe"}, "packing: expected bool"),
    ],
)
def test_bad_settings_are_config_errors(values, message):
    with pytest.raises(ConfigError, match=message):
        make_config(SFTConfig, values)


def test_global_batch_is_kept_across_gpu_counts():
    cfg = make_config(SFTConfig, {"model": "m", "train_files": ["a"], "output_dir": "o", "global_batch_size": 16,
                                  "per_device_batch_size": 2})

    def plan(world):  # built as sft.py builds it
        return DataPlan(100, cfg.global_batch_size, cfg.per_device_batch_size, world, cfg.seed, cfg.num_epochs,
                        cfg.max_steps)

    assert [plan(w).grad_accumulation for w in (1, 2, 4, 8)] == [8, 4, 2, 1]
    with pytest.raises(ConfigError, match=r"global_batch_size 16 is not a multiple of per_device_batch_size 2 x 3 GPU"):
        plan(3)


def test_bool_parsing():
    assert parse_bool("TRUE") and parse_bool("1") and parse_bool("yes") and not parse_bool("off")
    with pytest.raises(ValueError):
        parse_bool("2")


def test_merge_and_bench_configs():
    m = make_config(MergeConfig, {"adapter": "a", "output_dir": "o"})
    assert m.dtype == "bfloat16" and m.base_model == ""
    b = make_config(BenchConfig, {})
    assert (b.arch, b.seq_len, b.batch_size, b.lora_r, b.gradient_checkpointing) == ("llama-3.1-8b", 4096, 1, 256, False)
    with pytest.raises(ConfigError):
        make_config(BenchConfig, {"baseline": True, "method": "full"})


def test_config_error_on_cli_is_an_error_event(tmp_path):
    out = run_cli("sft", "--model", "m", "--output-dir", str(tmp_path))  # no train_files
    assert out.returncode == 2
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 1
    ev = json.loads(lines[0])
    assert ev["event"] == "error" and ev["error_type"] == "config" and "train_files" in ev["message"]


def test_qlora_without_bitsandbytes_fails_at_once(tmp_path):
    import importlib.util

    if importlib.util.find_spec("bitsandbytes") is not None:
        pytest.skip("bitsandbytes is installed here")
    data = tmp_path / "d.jsonl"
    data.write_text('{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}]}\n')
    out = run_cli("sft", "--model", "any/model", "--train-files", str(data), "--output-dir", str(tmp_path / "o"),
                  "--method", "qlora", timeout=60)
    assert out.returncode == 2, out.stderr
    events = [json.loads(x) for x in out.stdout.strip().splitlines()]
    assert [e["event"] for e in events] == ["error"]
    assert "bitsandbytes" in events[0]["message"] and "qlora" in events[0]["message"]
