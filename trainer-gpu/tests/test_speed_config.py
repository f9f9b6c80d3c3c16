"""CPU-safe: the speed settings (compile on, selective checkpointing on) and the recipe's schedule."""

from __future__ import annotations

import math

import pytest

from t2s_trainer.compiled import CompileReport, selective_checkpoint_layers, skip_reason
from t2s_trainer.config import BenchConfig, ConfigError, SFTConfig, make_config
from t2s_trainer.sft import config_hash

BASE = {"model": "m", "train_files": ["a.jsonl"], "output_dir": "o"}


def test_sft_compiles_with_selective_checkpointing_by_default_and_eager_is_a_switch():
    """compile is on by default: 2.55x the PEFT loop on the 8B shape and no further from fp32 than eager
    (the parity GPU tests; BENCHMARKS.md)."""
    cfg = make_config(SFTConfig, BASE)
    assert (cfg.compile, cfg.compile_dynamic, cfg.gradient_checkpointing, cfg.gradient_checkpointing_ratio) == (
        True, True, True, 0.5)
    assert make_config(SFTConfig, BASE, {"compile": False}).compile is False
    # the bench measures sft's default (compiled) step unless --compile false
    bench = make_config(BenchConfig, {})
    assert (bench.compile, bench.compile_dynamic, bench.gradient_checkpointing_ratio, bench.warmup_steps) == (
        True, True, 1.0, 3)


@pytest.mark.parametrize("ratio", [0, -0.5, 1.5])
def test_checkpointing_ratio_outside_0_1_is_refused(ratio):
    with pytest.raises(ConfigError, match="gradient_checkpointing_ratio must be in"):
        make_config(SFTConfig, BASE, {"gradient_checkpointing_ratio": ratio})


def test_compare_eager_needs_the_trainer_step():
    with pytest.raises(ConfigError, match="--compare-eager"):
        make_config(BenchConfig, {"baseline": True, "compare_eager": True})


def test_speed_settings_do_not_change_the_run_identity():
    """A run resumed with compile or the checkpointing ratio switched is the same training run."""
    a = make_config(SFTConfig, BASE)
    b = make_config(SFTConfig, BASE, {"compile": False, "compile_dynamic": False, "gradient_checkpointing_ratio": 1.0})
    c = make_config(SFTConfig, BASE, {"learning_rate": 1e-4})
    assert config_hash(a) == config_hash(b) != config_hash(c)


@pytest.mark.parametrize("n,ratio,expected", [
    (32, 1.0, list(range(32))),
    (32, 0.5, list(range(0, 32, 2))),
    (32, 0.25, list(range(0, 32, 4))),
    (2, 0.5, [0]),
    (4, 0.75, [0, 1, 2]),
    (16, 0.01, []),
])
def test_selective_checkpointing_spreads_the_layers_evenly(n, ratio, expected):
    assert selective_checkpoint_layers(n, ratio) == expected


def test_compile_is_skipped_only_where_not_verified():
    assert skip_reason(method="lora", fsdp=False, cuda=True) is None
    assert skip_reason(method="full", fsdp=False, cuda=True) is None
    assert "qlora" in skip_reason(method="qlora", fsdp=False, cuda=True)
    assert "FSDP2" in skip_reason(method="full", fsdp=True, cuda=True)
    assert skip_reason(method="lora", fsdp=False, cuda=False) == "no CUDA device"


def test_compile_report_is_what_the_done_event_carries():
    r = CompileReport(requested=True, status="compiled", layers=32, dynamic=True, graphs=2, compile_steps=[1, 4],
                      compile_step_s=41.234)
    assert r.as_dict() == {"status": "compiled", "reason": None, "layers": 32, "dynamic": True, "graphs": 2,
                           "compile_steps": [1, 4], "compile_step_s": 41.23}


def _closed_form(step: int, total: int, name: str, base: float, warmup_ratio: float) -> float:
    """The schedules as formulas (the hand-written lr_at this recipe used before transformers.get_scheduler)."""
    warm = math.ceil(warmup_ratio * total)
    if name == "constant":
        return base
    if step < warm:
        return base * step / max(1, warm)
    if name == "constant_with_warmup":
        return base
    progress = (step - warm) / max(1, total - warm)
    if name == "linear":
        return base * max(0.0, 1.0 - progress)
    return base * max(0.0, 0.5 * (1.0 + math.cos(math.pi * progress)))


@pytest.mark.parametrize("name", ["constant", "constant_with_warmup", "linear", "cosine"])
def test_lr_schedule_follows_the_formulas_and_resumes_mid_run(name):
    torch = pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from t2s_trainer.sft import lr_schedule

    total = 40
    cfg = make_config(SFTConfig, BASE, {"lr_scheduler": name, "warmup_ratio": 0.1, "learning_rate": 2e-4})

    def rates(start: int) -> list[float]:
        opt = torch.optim.AdamW([torch.nn.Parameter(torch.zeros(2))], lr=cfg.learning_rate)
        sched = lr_schedule(cfg, opt, total, start_step=start)
        out = []
        for _ in range(start, total):
            out.append(opt.param_groups[0]["lr"])  # the rate the step uses
            opt.step()
            sched.step()
        return out

    expected = [_closed_form(s, total, name, 2e-4, 0.1) for s in range(total)]
    assert rates(0) == pytest.approx(expected, rel=1e-12, abs=1e-18)
    assert rates(17) == pytest.approx(expected[17:], rel=1e-12, abs=1e-18)
