"""GPU tests of `grpo` (marker `gpu`): a tiny Llama with a locally trained tokenizer, warm-started by a short SFT on
bird-sample train prompts, then GRPO on the same prompts against the suite's reward API (the evaluator's scorer,
served by test/gpu/reward-server.ts bundled for plain `node`), greedy execution accuracy measured by that scorer.

Needs T2S_GRPO_DATA: a folder with prompts.jsonl (test/gpu/grpo-prompts.ts), train.json, train_databases/ and
reward/ (test/gpu/bundle-reward-server.mjs), and `node` on PATH; skipped otherwise. T2S_GPU_OUT, when set,
receives grpo-results.json (every figure the assertions use).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time

import pytest
from conftest import subprocess_env

pytestmark = pytest.mark.gpu

DATA = os.environ.get("T2S_GRPO_DATA", "")
if not DATA or not os.path.isdir(DATA) or shutil.which("node") is None:
    pytest.skip("needs T2S_GRPO_DATA (prompts, bird-sample train, the bundled reward server) and node on PATH",
                allow_module_level=True)

SPECIALS = ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>",
            "<|finetune_right_pad_id|>"]
LLAMA3_TEMPLATE = (
    "{{ bos_token }}{% for m in messages %}<|start_header_id|>{{ m['role'] }}<|end_header_id|>\n\n"
    "{{ m['content'] }}<|eot_id|>{% endfor %}"
    "{% if add_generation_prompt %}<|start_header_id|>assistant<|end_header_id|>\n\n{% endif %}"
)
SOURCE = "bird-train"
MAX_NEW = 48
RESULTS: dict = {}


def _save_results():
    out = os.environ.get("T2S_GPU_OUT")
    if out:
        with open(os.path.join(out, "grpo-results.json"), "w") as fh:
            json.dump(RESULTS, fh, indent=1)


@pytest.fixture(scope="module")
def reward_url():
    proc = subprocess.Popen(
        ["node", os.path.join(DATA, "reward", "reward-server.js"), "--questions", os.path.join(DATA, "train.json"),
         "--databases", os.path.join(DATA, "train_databases"), "--name", SOURCE, "--sandbox", "8"],
        stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    port = json.loads(line)["listening"]
    yield f"http://127.0.0.1:{port}"
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def assets(tmp_path_factory):
    """Tokenizer trained on the prompts, a tiny Llama (random weights), the prompt file."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import AutoModelForCausalLM, PreTrainedTokenizerFast

    from t2s_trainer.archs import llama_config

    root = tmp_path_factory.mktemp("grpo")
    prompts = os.path.join(DATA, "prompts.jsonl")
    rows = [json.loads(x) for x in open(prompts, encoding="utf-8") if x.strip()]
    corpus = [m["content"] for r in rows for m in r["messages"]]
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    bpe.train_from_iterator(corpus, trainers.BpeTrainer(vocab_size=1024, special_tokens=SPECIALS,
                                                        initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    tok = PreTrainedTokenizerFast(tokenizer_object=bpe, bos_token="<|begin_of_text|>", eos_token="<|eot_id|>")
    tok.chat_template = LLAMA3_TEMPLATE
    model_dir = root / "tiny-llama"
    tok.save_pretrained(model_dir)
    torch.manual_seed(0)
    cfg = llama_config("tiny", vocab_size=len(tok), bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id,
                       hidden_size=256, intermediate_size=512, num_hidden_layers=4, num_attention_heads=8,
                       num_key_value_heads=4, head_dim=32, max_position_embeddings=2048)
    AutoModelForCausalLM.from_config(cfg, dtype=torch.float32).save_pretrained(model_dir)
    return {"model": str(model_dir), "prompts": prompts, "root": root, "rows": rows}


def write_config(root, name, cfg):
    path = os.path.join(root, f"{name}.json")
    with open(path, "w") as fh:
        json.dump(cfg, fh)
    return path


def run_cli(command, config_path, timeout=600):
    err = open(config_path + ".stderr", "w")
    proc = subprocess.run([sys.executable, "-m", "t2s_trainer", command, "--config", config_path],
                          stdout=subprocess.PIPE, stderr=err, text=True, env=subprocess_env(), timeout=timeout)
    events = [json.loads(x) for x in proc.stdout.splitlines() if x.strip()]
    return proc.returncode, events, open(config_path + ".stderr").read()[-3000:]


def greedy_ex(assets, adapter, reward_url) -> float:
    """Greedy answers of the adapter to every prompt, scored by the reward API (the evaluator's scorer): EX."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from t2s_trainer.grpo import prompt_ids, read_prompts
    from t2s_trainer.reward_client import RewardClient

    tok = AutoTokenizer.from_pretrained(assets["model"])
    model = AutoModelForCausalLM.from_pretrained(assets["model"], dtype=torch.float32).cuda()
    model = PeftModel.from_pretrained(model, adapter).eval()
    prompts = read_prompts([assets["prompts"]])
    ids = [prompt_ids(tok, m) for _q, m in prompts]
    width = max(len(x) for x in ids)
    pad = tok.convert_tokens_to_ids("<|finetune_right_pad_id|>")
    batch = torch.tensor([[pad] * (width - len(x)) + list(x) for x in ids], device="cuda")
    mask = torch.tensor([[0] * (width - len(x)) + [1] * len(x) for x in ids], device="cuda")
    with torch.no_grad():
        out = model.generate(input_ids=batch, attention_mask=mask, do_sample=False, max_new_tokens=MAX_NEW,
                             pad_token_id=pad, eos_token_id=tok.eos_token_id)
    texts = [tok.decode(row[width:], skip_special_tokens=True) for row in out.tolist()]
    client = RewardClient(reward_url, "", SOURCE, {"correct": 1, "executable": 0.1, "error": 0, "format": 0},
                          "robust", 30, 60)
    items = client.score([q for q, _m in prompts], texts)
    return sum(it["ex"] for it in items) / len(items)


@pytest.fixture(scope="module")
def warm_start(assets, reward_url):
    """A short SFT on the same prompts (their gold answers), lengthened until greedy EX is off the floor."""
    out = assets["root"] / "sft"
    history = []
    for steps in (120, 160, 200):  # 120 reached 0.175 on an H100 (20-90 gave 0.0-0.1)
        cfg = {"model": assets["model"], "train_files": [assets["prompts"]], "output_dir": str(out), "method": "lora",
               "lora_r": 32, "lora_alpha": 64, "lora_dropout": 0.0, "learning_rate": 3e-3, "max_length": 1024,
               "global_batch_size": 8, "per_device_batch_size": 8, "max_steps": steps, "save_steps": 10,
               "save_total_limit": 1, "gradient_checkpointing": False, "tensorboard": False, "seed": 0,
               # eager: sft compiles by default; compiled (H100, 2026-12-06) the warm start and one GRPO seed did
               # not fit 190 s, where eager the warm start and all three tests took 3 min 22 s
               "compile": False}
        rc, events, err = run_cli("sft", write_config(assets["root"], f"sft-{steps}", cfg))
        assert rc == 0, err
        ex = greedy_ex(assets, str(out / "adapter"), reward_url)
        history.append({"sft_steps": steps, "greedy_ex": ex})
        if ex >= 0.15:
            break
    RESULTS["sft"] = history
    _save_results()
    return {"adapter": str(out / "adapter"), "ex": history[-1]["greedy_ex"]}


def grpo_config(assets, warm_start, reward_url, out, **over):
    # Temperature 0.6: at 1.0 the warm-started tiny model's samples earned no reward at all (30 steps x 3 seeds,
    # H100, 2026-12-06: every group had zero variance, so every advantage and loss was 0 and nothing was learnt).
    cfg = {"model": assets["model"], "train_files": [assets["prompts"]], "output_dir": str(out),
           "init_adapter": warm_start["adapter"], "reward_url": reward_url, "reward_source": SOURCE,
           "group_size": 8, "prompts_per_step": 8, "temperature": 0.6, "max_completion_tokens": MAX_NEW,
           "max_prompt_tokens": 1024, "learning_rate": 1e-3, "max_steps": 30, "micro_batch_size": 32,
           "rollout_batch_size": 64, "save_steps": 0, "gradient_checkpointing": False, "seed": 1}
    cfg.update(over)
    return cfg


def test_grpo_raises_greedy_ex_beyond_seed_noise(assets, warm_start, reward_url):
    before = warm_start["ex"]
    runs = []
    for seed in (1, 2, 3):
        out = assets["root"] / f"grpo-{seed}"
        cfg = grpo_config(assets, warm_start, reward_url, out, seed=seed)
        t0 = time.time()
        rc, events, err = run_cli("grpo", write_config(assets["root"], f"grpo-{seed}", cfg))
        assert rc == 0, err
        logs = [e for e in events if e["event"] == "log"]
        assert len(logs) == 30 and events[-1]["event"] == "done"
        for key in ("reward_mean", "reward_std", "accuracy", "zero_std_groups", "clip_fraction", "completion_len",
                    "rollout_tokens_per_s", "train_tokens_per_s", "loss", "grad_norm"):
            assert key in logs[0], key
        adapter = events[-1]["output_path"]
        assert sorted(os.listdir(adapter)) == sorted(os.listdir(warm_start["adapter"]))  # same artifact layout
        after = greedy_ex(assets, adapter, reward_url)
        runs.append({"seed": seed, "greedy_ex": after, "wall_s": round(time.time() - t0, 1),
                     "reward_mean_first5": statistics.mean(x["reward_mean"] for x in logs[:5]),
                     "reward_mean_last5": statistics.mean(x["reward_mean"] for x in logs[-5:]),
                     "reward_means": [round(x["reward_mean"], 4) for x in logs],
                     "rollout_tokens_per_s": statistics.median(x["rollout_tokens_per_s"] for x in logs),
                     "train_tokens_per_s": statistics.median(x["train_tokens_per_s"] for x in logs)})
        RESULTS["grpo"] = {"before": before, "runs": runs}
        _save_results()
    after = [r["greedy_ex"] for r in runs]
    rise = statistics.mean(after) - before
    noise = statistics.stdev(after)
    RESULTS["grpo"].update({"rise": rise, "seed_stdev": noise})
    _save_results()
    print(f"greedy EX {before:.3f} -> {after} (rise {rise:.3f}, seed stdev {noise:.3f})")
    assert min(after) > before, runs
    assert rise > max(0.05, 3 * noise), runs


def test_grpo_resume_after_sigkill_repeats_rewards_and_losses(assets, warm_start, reward_url):
    base = dict(max_steps=6, save_steps=2, seed=5)
    ref_out = assets["root"] / "resume-ref"
    rc, ref_events, err = run_cli("grpo", write_config(assets["root"], "resume-ref",
                                                       grpo_config(assets, warm_start, reward_url, ref_out, **base)))
    assert rc == 0, err
    ref = {e["step"]: e for e in ref_events if e["event"] == "log"}

    out = assets["root"] / "resume-killed"
    path = write_config(assets["root"], "resume-killed", grpo_config(assets, warm_start, reward_url, out, **base))
    proc = subprocess.Popen([sys.executable, "-m", "t2s_trainer", "grpo", "--config", path], stdout=subprocess.PIPE,
                            stderr=open(path + ".stderr", "w"), text=True, env=subprocess_env())
    before_kill = {}
    for line in proc.stdout:
        e = json.loads(line)
        if e["event"] == "log":
            before_kill[e["step"]] = e
        if e["event"] == "checkpoint" and e["step"] == 4:
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    rc, events, err = run_cli("grpo", path)
    assert rc == 0, err
    start = next(e for e in events if e["event"] == "start")
    assert start["start_step"] == 4 and start["resumed_from"].endswith("checkpoint-4")
    got = {e["step"]: e for e in events if e["event"] == "log"}
    assert sorted(got) == [5, 6]
    RESULTS["resume"] = {s: {"ref": [ref[s]["loss"], ref[s]["reward_mean"]], "resumed": [got[s]["loss"], got[s]["reward_mean"]]}
                         for s in (5, 6)}
    RESULTS["resume"]["before_kill_same_rewards"] = {s: before_kill[s]["rewards"] == ref[s]["rewards"] for s in before_kill}
    _save_results()
    # a run whose rewards are all zero has zero advantages and loss: it would "repeat" trivially
    assert any(r for e in ref.values() for r in e["rewards"]), "no rollout of the reference run earned a reward"
    # Two uninterrupted processes must agree before a resume can be asked to: on the H100 (2026-12-06) step 5
    # after the resume differed from the reference in one completion's reward (0.1 vs 0), and this tells a
    # resume fault from rollouts that are not reproducible across processes.
    for s in sorted(before_kill):
        assert before_kill[s]["rewards"] == ref[s]["rewards"], f"step {s} before the kill: not reproducible"
    for s in (5, 6):
        assert got[s]["rewards"] == ref[s]["rewards"], s
        assert got[s]["loss"] == pytest.approx(ref[s]["loss"], rel=1e-5, abs=1e-7), s


def test_grpo_unknown_question_fails_with_the_reward_apis_message(assets, warm_start, reward_url, tmp_path):
    bad = tmp_path / "bad.jsonl"
    row = dict(assets["rows"][0], question_id=999_999)
    bad.write_text(json.dumps(row) + "\n")
    cfg = grpo_config(assets, warm_start, reward_url, tmp_path / "out", train_files=[str(bad)], max_steps=1)
    rc, events, _err = run_cli("grpo", write_config(tmp_path, "bad", cfg))
    assert rc == 1
    assert events[-1]["event"] == "error" and events[-1]["error_type"] == "reward"
    assert "question_id 999999 is not a question of source" in events[-1]["message"]
