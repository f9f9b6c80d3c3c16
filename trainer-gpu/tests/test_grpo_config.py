"""CPU-safe: GRPO settings are checked before torch is imported; prompt files and the step plan."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import subprocess_env

from t2s_trainer.config import ConfigError, make_config
from t2s_trainer.grpo import prompts_of_step, read_prompts
from t2s_trainer.grpo_config import GRPOConfig

BASE = {"model": "m", "train_files": ["p.jsonl"], "output_dir": "out", "reward_url": "http://127.0.0.1:8080",
        "reward_source": "bird-train"}


def cfg(**over):
    return make_config(GRPOConfig, {**BASE, **over})


def test_defaults_are_arctic_r1_rewards_and_dapo_clip():
    c = cfg()
    assert c.reward_weights() == {"correct": 1.0, "executable": 0.1, "error": 0.0, "format": 0.0}
    assert (c.group_size, c.prompts_per_step, c.clip_eps_low, c.clip_eps_high, c.kl_coef, c.loss_norm) == \
        (8, 8, 0.2, 0.28, 0.0, "token")


@pytest.mark.parametrize("over, message", [
    ({"reward_correct": float("nan")}, "reward_correct must be a finite number"),
    ({"reward_format": "inf"}, "reward_format must be a finite number"),
    ({"reward_executable": 1000}, "reward_executable must be within [-100, 100]"),
    ({"group_size": 1}, "group_size must be >= 2"),
    ({"temperature": 0}, "temperature must be > 0"),
    ({"top_p": 1.5}, "top_p must be in (0, 1]"),
    ({"clip_eps_low": 1.0}, "clip_eps_low must be in [0, 1)"),
    ({"clip_eps_high": -0.1}, "clip_eps_high must be >= 0"),
    ({"kl_coef": -1}, "kl_coef and max_grad_norm must be >= 0"),
    ({"prompts_per_step": 64, "group_size": 16}, "prompts_per_step x group_size must be <= 512"),
    ({"max_completion_tokens": 0}, "max_completion_tokens must be > 0"),
    ({"reward_timeout_s": 120}, "reward_timeout_s must be in (0, 60]"),
    ({"reward_url": "127.0.0.1:8080"}, "reward_url must be an http(s) URL"),
    ({"reward_source": ""}, "missing required setting(s): reward_source"),
    ({"loss_norm": "batch"}, "loss_norm: must be one of"),
    ({"init_adapter": "/nonexistent"}, "is not a LoRA adapter folder"),
    ({"clip_ratio": 0.2}, "unknown setting 'clip_ratio'"),
])
def test_bad_settings_fail_with_their_own_message(over, message):
    with pytest.raises(ConfigError) as exc:
        cfg(**over)
    assert message in str(exc.value)


def test_reward_endpoint_from_the_environment(monkeypatch):
    monkeypatch.setenv("T2S_REWARD_URL", "http://gateway:8080")
    monkeypatch.setenv("T2S_REWARD_API_KEY", "t2s_key")
    c = make_config(GRPOConfig, {k: v for k, v in BASE.items() if k != "reward_url"})
    assert (c.reward_url, c.reward_api_key) == ("http://gateway:8080", "t2s_key")
    monkeypatch.delenv("T2S_REWARD_URL")
    with pytest.raises(ConfigError, match="reward_url"):
        make_config(GRPOConfig, {k: v for k, v in BASE.items() if k != "reward_url"})


def test_cli_bad_config_is_an_error_event_and_exit_2_without_torch(tmp_path):
    path = tmp_path / "grpo.json"
    path.write_text(json.dumps({**BASE, "reward_correct": "NaN"}))
    code = (
        "import sys\n"
        "from t2s_trainer.__main__ import main\n"
        f"rc = main(['grpo', '--config', {str(path)!r}])\n"
        "assert 'torch' not in sys.modules, 'torch imported for a bad config'\n"
        "sys.exit(rc)\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=subprocess_env(), timeout=60)
    assert res.returncode == 2, res.stderr
    event = json.loads(res.stdout.strip().splitlines()[-1])
    assert event["event"] == "error" and event["error_type"] == "config"
    assert "reward_correct must be a finite number" in event["message"]


def test_prompts_drop_the_gold_answer_and_need_question_ids(tmp_path):
    good = tmp_path / "p.jsonl"
    msgs = [{"role": "system", "content": "schema"}, {"role": "user", "content": "q?"},
            {"role": "assistant", "content": "SELECT gold"}]
    good.write_text(json.dumps({"messages": msgs, "question_id": 7}) + "\n\n" +
                    json.dumps({"messages": msgs[:2], "question_id": 8}) + "\n")
    assert read_prompts([str(good)]) == [(7, msgs[:2]), (8, msgs[:2])]
    no_id = tmp_path / "sft.jsonl"
    no_id.write_text(json.dumps({"messages": msgs}) + "\n")
    with pytest.raises(ConfigError, match=r"sft.jsonl:1: no 'question_id'"):
        read_prompts([str(no_id)])
    no_user = tmp_path / "bad.jsonl"
    no_user.write_text(json.dumps({"messages": [msgs[0], msgs[2]], "question_id": 1}) + "\n")
    with pytest.raises(ConfigError, match="must end with a user message"):
        read_prompts([str(no_user)])


def test_step_plan_covers_every_prompt_each_epoch_and_depends_on_step_only():
    n, per = 10, 4
    steps = [prompts_of_step(s, n, per, seed=3) for s in range(5)]
    flat = [i for s in steps for i in s]
    assert sorted(flat[:10]) == list(range(10)) and sorted(flat[10:20]) == list(range(10))
    assert prompts_of_step(3, n, per, seed=3) == steps[3]  # a resumed run picks the same prompts
    assert prompts_of_step(0, n, per, seed=4) != steps[0]
