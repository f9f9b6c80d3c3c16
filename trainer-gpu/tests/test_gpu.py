"""GPU tests (marker `gpu`; skipped without CUDA): a tiny Llama with a locally trained byte-level BPE tokenizer.

Run on the GPU machine:  python -m pytest -q -m gpu trainer-gpu/tests
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import subprocess_env

pytestmark = pytest.mark.gpu

SPECIALS = ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>",
            "<|finetune_right_pad_id|>"]
LLAMA3_TEMPLATE = (
    "{{ bos_token }}{% for m in messages %}<|start_header_id|>{{ m['role'] }}<|end_header_id|>\n\n"
    "{{ m['content'] }}<|eot_id|>{% endfor %}"
    "{% if add_generation_prompt %}<|start_header_id|>assistant<|end_header_id|>\n\n{% endif %}"
)
TABLES = ["singer", "concert", "stadium", "album", "track", "artist", "city", "country"]
COLUMNS = ["name", "age", "year", "capacity", "title", "genre", "id", "score"]
MAX_LEN = 512


def conversation(i: int) -> list[dict]:
    t, c = TABLES[i % 8], COLUMNS[(i * 3 + i // 8) % 8]
    forms = [f"List every {c} of {t}.", f"Show the {c} for all {t} rows.", f"What {c} values does {t} have?"]
    return [
        {"role": "system", "content": f"You write SQLite queries. Schema: CREATE TABLE {t} (id INT, {c} TEXT);"},
        {"role": "user", "content": forms[i % 3]},
        {"role": "assistant", "content": f"SELECT {c} FROM {t};"},
    ]


def corpus():
    for i in range(400):
        for m in conversation(i):
            yield m["content"]
    yield "How many rows are there in each table? Count distinct values, order by name, limit 10. " * 3


@pytest.fixture(scope="session")
def assets(tmp_path_factory):
    """A tiny Llama checkpoint folder (fp32) with its tokenizer, and an SFT JSONL file."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import AutoModelForCausalLM, PreTrainedTokenizerFast

    from t2s_trainer.archs import llama_config

    root = tmp_path_factory.mktemp("assets")
    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=420, special_tokens=SPECIALS,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    bpe.train_from_iterator(corpus(), trainer)
    tok = PreTrainedTokenizerFast(tokenizer_object=bpe, bos_token="<|begin_of_text|>", eos_token="<|eot_id|>")
    tok.chat_template = LLAMA3_TEMPLATE
    model_dir = root / "tiny-llama"
    tok.save_pretrained(model_dir)
    torch.manual_seed(0)
    cfg = llama_config("tiny", vocab_size=len(tok), bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id,
                       max_position_embeddings=MAX_LEN * 2)
    model = AutoModelForCausalLM.from_config(cfg, dtype=torch.float32)
    model.save_pretrained(model_dir)
    data = root / "train.jsonl"
    with open(data, "w") as fh:
        for i in range(200):
            fh.write(json.dumps({"messages": conversation(i)}) + "\n")
        long = conversation(0)
        long[1] = {"role": "user", "content": "Please explain " + "the schema and the question " * 120}
        fh.write(json.dumps({"messages": long}) + "\n")  # over MAX_LEN tokens: must be skipped and counted
    return {"model": str(model_dir), "data": str(data), "root": root}


def sft_config(assets, out, **over):
    cfg = {
        "model": assets["model"], "train_files": [assets["data"]], "output_dir": str(out), "method": "lora",
        "lora_r": 16, "lora_alpha": 32, "learning_rate": 3e-3, "max_length": MAX_LEN, "global_batch_size": 4,
        "per_device_batch_size": 2, "max_steps": 60, "save_steps": 5, "save_total_limit": 3, "logging_steps": 1,
    }
    cfg.update(over)
    path = os.path.join(assets["root"], f"cfg-{os.path.basename(str(out))}-{len(os.listdir(assets['root']))}.json")
    with open(path, "w") as fh:
        json.dump(cfg, fh)
    return path


def start_sft(config_path, *extra):
    """stderr goes to a file next to the config (a full stderr pipe would block the child)."""
    err = open(config_path + ".stderr", "w")
    return subprocess.Popen(
        [sys.executable, "-m", "t2s_trainer", "sft", "--config", config_path, *extra],
        stdout=subprocess.PIPE, stderr=err, text=True, env=subprocess_env(),
    )


def stderr_of(config_path):
    with open(config_path + ".stderr") as fh:
        return fh.read()[-3000:]


def parse(lines):
    return [json.loads(x) for x in lines if x.strip()]


def run_sft(config_path, *extra, timeout=600):
    proc = start_sft(config_path, *extra)
    out, _ = proc.communicate(timeout=timeout)
    events = parse(out.splitlines())  # every stdout line must be an event (json.loads fails otherwise)
    return proc.returncode, events, stderr_of(config_path)


def losses(events):
    return {e["step"]: e["loss"] for e in events if e["event"] == "log"}


@pytest.fixture(scope="session")
def reference_run(assets):
    """An uninterrupted LoRA run with the default settings (compiled decoder layers): 60 steps, checkpoints every 5."""
    out = assets["root"] / "run-a"
    rc, events, err = run_sft(sft_config(assets, out))
    assert rc == 0, err[-3000:]
    return {"out": out, "events": events}


def test_packing_isolation_logits_match_alone(assets):
    """Packed with the block-diagonal mask == each example alone (fp32, max |diff| < 1e-5)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from t2s_trainer.data import collate, make_example, tokenize_conversation

    torch.backends.cuda.matmul.allow_tf32 = False
    tok = AutoTokenizer.from_pretrained(assets["model"])
    model = AutoModelForCausalLM.from_pretrained(assets["model"], dtype=torch.float32, attn_implementation="sdpa")
    model = model.cuda().eval()
    ex = [make_example(*tokenize_conversation(tok, conversation(i), "all")) for i in (1, 6)]
    ex[1] = make_example(ex[1].input_ids + ex[0].input_ids[5:20], [True] * (len(ex[1]) + 15))  # unequal lengths
    assert len(ex[0]) != len(ex[1])
    batch, _ = collate([ex], pad_id=0, mask_dtype=torch.float32, device="cuda")
    with torch.no_grad():
        packed = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                       position_ids=batch["position_ids"]).logits[0]
        leaky = model(input_ids=batch["input_ids"], position_ids=batch["position_ids"]).logits[0]
        alone = [model(input_ids=torch.tensor([e.input_ids], device="cuda")).logits[0] for e in ex]
    n0 = len(ex[0])
    d0 = (packed[:n0] - alone[0]).abs().max().item()
    d1 = (packed[n0:] - alone[1]).abs().max().item()
    leak = (leaky[n0:] - alone[1]).abs().max().item()
    print(f"isolation: max|diff| first {d0:.2e} second {d1:.2e}; position_ids only {leak:.2e}")
    assert d0 < 1e-5 and d1 < 1e-5
    assert leak > 1e-3  # the test can see a leak: position_ids alone do not isolate


def test_packed_loss_equals_sum_of_alone_losses(assets):
    """Through the trainer's own loss path (CausalLMWithLoss, fused chunked cross-entropy), fp32."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from t2s_trainer.data import collate, make_example, tokenize_conversation
    from t2s_trainer.modeling import CausalLMWithLoss

    tok = AutoTokenizer.from_pretrained(assets["model"])
    model = AutoModelForCausalLM.from_pretrained(assets["model"], dtype=torch.float32, attn_implementation="sdpa")
    wrapper = CausalLMWithLoss(model.cuda().eval(), chunk_size=7)
    ex = [make_example(*tokenize_conversation(tok, conversation(i), "assistant")) for i in (2, 3, 4)]
    with torch.no_grad():
        batch, _ = collate([ex], pad_id=0, mask_dtype=torch.float32, device="cuda")
        packed = wrapper(**batch).item()
        alone = sum(wrapper(**collate([[e]], pad_id=0, mask_dtype=torch.float32, device="cuda")[0]).item() for e in ex)
    assert abs(packed - alone) <= 1e-4 * abs(alone)


def test_chunked_ce_bf16_close_to_fp32():
    import torch

    from t2s_trainer.modeling import LinearCrossEntropy

    g = torch.Generator(device="cuda").manual_seed(0)
    h = torch.randn(300, 256, device="cuda", generator=g)
    w = 0.05 * torch.randn(5000, 256, device="cuda", generator=g)
    t = torch.randint(0, 5000, (300,), device="cuda", generator=g)
    ref = torch.nn.functional.cross_entropy(h @ w.t(), t, reduction="sum")
    out = LinearCrossEntropy.apply(h.bfloat16(), w.bfloat16(), t, 128, torch.bfloat16)
    assert abs(out.item() - ref.item()) / ref.item() < 1e-2


def test_assistant_only_labels_with_real_tokenizer(assets):
    from transformers import AutoTokenizer

    from t2s_trainer.data import IGNORE_INDEX, make_example, tokenize_conversation

    tok = AutoTokenizer.from_pretrained(assets["model"])
    conv = conversation(5)
    ids, mask = tokenize_conversation(tok, conv, "assistant")
    assert tok.decode([i for i, m in zip(ids, mask) if m]) == conv[-1]["content"] + "<|eot_id|>"
    ex = make_example(ids, mask)
    assert tok.decode([t for t in ex.targets if t != IGNORE_INDEX]) == conv[-1]["content"] + "<|eot_id|>"
    assert tok.decode(ids) == tok.apply_chat_template(conv, tokenize=False)


def test_sft_runs_loss_falls_and_reports(reference_run):
    events = reference_run["events"]
    kinds = [e["event"] for e in events]
    assert kinds[0] == "start" and kinds[-1] == "done"
    start = events[0]
    assert start["skipped_overlength"] == 1 and start["num_examples"] == 200 and start["total_steps"] == 60
    assert start["grad_accumulation"] == 2
    assert start["compile"] == "compiled"  # the default (BENCHMARKS.md: speed and the parity rule)
    logs = [e for e in events if e["event"] == "log"]
    assert [e["step"] for e in logs] == list(range(1, 61))
    for e in logs:
        assert e["tokens_per_s"] > 0 and e["gpu_mem_gb"] > 0 and e["lr"] >= 0 and e["grad_norm"] is not None
    assert logs[0]["lr"] == 0.0 and logs[-1]["lr"] == 3e-3  # linear warm-up from 0 (as transformers), then constant
    first = sum(e["loss"] for e in logs[:3]) / 3
    last = sum(e["loss"] for e in logs[-3:]) / 3
    print(f"loss {first:.3f} -> {last:.3f}")
    # On the H100: 5.993 -> 5.026 (lr 3e-3), 6.01 -> 5.06 (lr 1e-3). The tiny random model cannot go much lower
    # with LoRA: its RMSNorm weights and lm_head stay frozen at init (std 0.02), which bounds the logits to about
    # +-1.3, i.e. the loss to about ln(420) - 2.6 = 3.5.
    assert last < 0.9 * first
    ckpts = [e["step"] for e in events if e["event"] == "checkpoint"]
    assert ckpts == list(range(5, 60, 5))
    done = events[-1]
    assert done["output_kind"] == "adapter" and os.path.isdir(done["output_path"])
    out = reference_run["out"]
    assert sorted(n for n in os.listdir(out) if n.startswith("checkpoint-")) == [
        "checkpoint-45", "checkpoint-50", "checkpoint-55"]
    assert any(n.startswith("events.out.tfevents") for n in os.listdir(out / "runs"))


def test_adapter_saves_and_reloads(assets, reference_run):
    import torch
    from peft import PeftModel
    from safetensors.torch import load_file
    from transformers import AutoModelForCausalLM

    from t2s_trainer.checkpoint import verify_manifest

    adapter = reference_run["events"][-1]["output_path"]
    for f in ("adapter_config.json", "adapter_model.safetensors", "tokenizer_config.json", "manifest.json"):
        assert os.path.isfile(os.path.join(adapter, f)), f
    assert verify_manifest(adapter)
    saved = load_file(os.path.join(adapter, "adapter_model.safetensors"))
    assert any("lora_B" in k and v.abs().sum() > 0 for k, v in saved.items())
    base = AutoModelForCausalLM.from_pretrained(assets["model"], dtype=torch.float32)
    model = PeftModel.from_pretrained(base, adapter)
    loaded = {n: p for n, p in model.named_parameters() if "lora_" in n}
    assert len(loaded) == len(saved)
    for name, tensor in saved.items():
        match = [p for n, p in loaded.items() if n.replace(".default", "") == name]
        assert len(match) == 1 and torch.equal(match[0].detach().cpu(), tensor), name


@pytest.fixture(scope="session")
def eager_reference_run(assets):
    """The reference run with `compile: false`: what the every-step resume check compares against."""
    out = assets["root"] / "run-a-eager"
    rc, events, err = run_sft(sft_config(assets, out, compile=False))
    assert rc == 0, err[-3000:]
    assert events[0]["compile"] == "off"
    return {"out": out, "events": events}


def test_resume_after_sigkill_continues_with_the_same_losses(assets, eager_reference_run):
    """Eager (`compile: false`) on both sides: a resumed run must repeat the uninterrupted one within 1e-3 at
    every step. Compiled on both sides this check failed once (H100) although the first resumed step matched
    to 6 decimals: compiled runs are likely not bitwise reproducible across processes (inductor picks kernel
    configurations by timing them, which can reorder float sums), and 50 steps at lr 3e-3 grow that. The
    default (compiled) resume is checked by the SIGTERM test (first resumed step)."""
    from t2s_trainer.checkpoint import list_checkpoints

    ref = losses(eager_reference_run["events"])
    out = assets["root"] / "run-b"
    cfg = sft_config(assets, out, compile=False)
    proc = start_sft(cfg)
    seen = []
    for line in proc.stdout:
        ev = json.loads(line)
        seen.append(ev)
        if ev["event"] == "checkpoint" and ev["step"] >= 10:
            proc.send_signal(signal.SIGKILL)  # whatever it is doing now (maybe saving the next checkpoint)
            break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    complete = [step for step, _path in list_checkpoints(str(out))]
    killed_at = max(e["step"] for e in seen if e["event"] == "log")
    rc, events, err = run_sft(cfg)
    assert rc == 0, err[-3000:]
    start = events[0]
    assert start["start_step"] == complete[-1] >= 10 and start["resumed_from"].endswith(f"checkpoint-{complete[-1]}")
    got = losses(events)
    steps = sorted(got)
    assert steps == list(range(complete[-1] + 1, 61))  # no step trained twice within the run, none missing
    print(f"killed after step {killed_at}; resumed at {complete[-1]}; next loss {got[steps[0]]} vs {ref[steps[0]]}")
    assert abs(got[steps[0]] - ref[steps[0]]) < 1e-3
    assert max(abs(got[s] - ref[s]) for s in steps) < 1e-3
    assert not [n for n in os.listdir(out) if n.startswith(".tmp-")]
    # redelivery after done: reports done again without training
    rc, again, _ = run_sft(cfg)
    assert rc == 0 and [e["event"] for e in again] == ["start", "done"] and again[-1]["already_done"]


def test_sigterm_writes_checkpoint_and_reports_cancelled(assets, reference_run):
    """The defaults (compiled) on both sides, so the default path's resume is covered: the step after the
    resume repeats the reference's."""
    out = assets["root"] / "run-c"
    cfg = sft_config(assets, out, save_steps=0)
    proc = start_sft(cfg)
    events = []
    for line in proc.stdout:
        ev = json.loads(line)
        events.append(ev)
        if ev["event"] == "log" and ev["step"] == 3:
            proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=120)
    assert proc.returncode == 3, stderr_of(cfg)
    last = events[-1]
    assert last["event"] == "cancelled" and last["step"] >= 3
    ck = last["checkpoint"]
    assert os.path.basename(ck) == f"checkpoint-{last['step']}"
    with open(os.path.join(ck, "trainer_state.json")) as fh:
        assert json.load(fh)["global_step"] == last["step"]
    assert [e["event"] for e in events].count("checkpoint") == 1
    rc, resumed, err = run_sft(cfg)
    assert rc == 0, err[-3000:]
    assert resumed[0]["start_step"] == last["step"]
    ref = losses(reference_run["events"])
    nxt = last["step"] + 1
    assert abs(losses(resumed)[nxt] - ref[nxt]) < 1e-3


def test_merge_gives_a_model_that_generates(assets, reference_run):
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from t2s_trainer.checkpoint import verify_manifest

    adapter = reference_run["events"][-1]["output_path"]
    merged_dir = assets["root"] / "merged"
    out = subprocess.run(
        [sys.executable, "-m", "t2s_trainer", "merge", "--adapter", adapter, "--output-dir", str(merged_dir),
         "--dtype", "float32"], capture_output=True, text=True, env=subprocess_env(), timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    ev = json.loads(out.stdout.strip().splitlines()[-1])
    assert ev["event"] == "done" and ev["output_path"] == str(merged_dir)
    assert verify_manifest(str(merged_dir))
    for f in ("config.json", "model.safetensors", "tokenizer_config.json", "generation_config.json"):
        assert os.path.isfile(merged_dir / f), f
    tok = AutoTokenizer.from_pretrained(merged_dir)
    merged = AutoModelForCausalLM.from_pretrained(merged_dir, dtype=torch.float32).cuda().eval()
    base = AutoModelForCausalLM.from_pretrained(assets["model"], dtype=torch.float32)
    peft_model = PeftModel.from_pretrained(base, adapter).cuda().eval()
    prompt = tok.apply_chat_template(conversation(7)[:2], add_generation_prompt=True, tokenize=False)
    ids = tok(prompt, add_special_tokens=False, return_tensors="pt")["input_ids"].cuda()
    with torch.no_grad():
        a = merged(input_ids=ids).logits
        b = peft_model(input_ids=ids).logits
        gen = merged.generate(ids, max_new_tokens=12, do_sample=False, pad_token_id=tok.eos_token_id)
    assert (a - b).abs().max().item() < 1e-3
    assert gen.shape[1] > ids.shape[1]
    print("generated:", repr(tok.decode(gen[0, ids.shape[1]:])))


def test_full_finetune_tiny(assets):
    import torch
    from transformers import AutoModelForCausalLM

    out = assets["root"] / "run-full"
    rc, events, err = run_sft(sft_config(assets, out, method="full", learning_rate=1e-4, max_steps=6, save_steps=3))
    assert rc == 0, err[-3000:]
    assert events[-1]["output_kind"] == "model"
    model = AutoModelForCausalLM.from_pretrained(events[-1]["output_path"], dtype="auto")
    base = AutoModelForCausalLM.from_pretrained(assets["model"], dtype=torch.float32)
    diff = max((p.float() - q).abs().max().item() for p, q in zip(model.parameters(), base.parameters()))
    assert diff > 0
    assert next(model.parameters()).dtype == torch.bfloat16  # saved in the serving dtype


def test_qlora_without_bitsandbytes_is_a_clear_error(assets):
    import importlib.util

    if importlib.util.find_spec("bitsandbytes") is not None:
        pytest.skip("bitsandbytes installed")
    t0 = time.time()
    rc, events, _ = run_sft(sft_config(assets, assets["root"] / "run-q", method="qlora"))
    assert rc == 2 and events[-1]["event"] == "error" and "bitsandbytes" in events[-1]["message"]
    assert time.time() - t0 < 30


@pytest.mark.parametrize("bf16", [False, True])
def test_compiled_layers_match_eager(assets, bf16):
    """compile: true (the default) must compute the same loss and LoRA gradients as eager."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from t2s_trainer.data import collate, make_example, tokenize_conversation
    from t2s_trainer.modeling import CausalLMWithLoss, apply_lora, compile_layers

    torch.backends.cuda.matmul.allow_tf32 = False
    tok = AutoTokenizer.from_pretrained(assets["model"])
    dtype = torch.bfloat16 if bf16 else torch.float32
    model = AutoModelForCausalLM.from_pretrained(assets["model"], dtype=dtype, attn_implementation="sdpa").cuda()
    torch.manual_seed(0)
    model = apply_lora(model, 16, 32, 0.0, ["all-linear"], fast=bf16)
    for n, p in model.named_parameters():
        if "lora_B" in n:
            torch.nn.init.normal_(p, std=0.02)  # non-zero B so every LoRA gradient is exercised
    wrapper = CausalLMWithLoss(model, 64, torch.bfloat16 if bf16 else None).train()
    ex = [make_example(*tokenize_conversation(tok, conversation(i), "all")) for i in (1, 2, 3)]
    batch, _ = collate([ex], pad_id=0, mask_dtype=dtype if not bf16 else torch.bfloat16, device="cuda")
    params = [p for p in model.parameters() if p.requires_grad]

    def loss_and_grads():
        for p in params:
            p.grad = None
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=bf16):
            loss = wrapper(**batch)
        loss.backward()
        return loss.item(), torch.cat([p.grad.flatten().float() for p in params])

    l0, g0 = loss_and_grads()
    compile_layers(model)
    l1, g1 = loss_and_grads()
    l2, g2 = loss_and_grads()  # second call: after compilation warm-up
    rel = ((g2 - g0).norm() / g0.norm()).item()
    print(f"compile bf16={bf16}: loss {l0:.6f} vs {l1:.6f}/{l2:.6f}; grad rel diff {rel:.2e}")
    tol = 2e-2 if bf16 else 1e-4
    assert abs(l2 - l0) <= tol * abs(l0) and rel < (5e-2 if bf16 else 1e-3)


def _compile_events(events):
    return [e for e in events if e["event"] == "compile"]


def test_sft_compiled_matches_eager_over_50_steps(assets, reference_run):
    """sft end to end, compiled (the default) and eager, 50 steps of the tiny LoRA run on the test data: the
    compile events and the two runs' losses. Dropout is off in both (compiled dropout draws its masks from
    another random stream: a different but equally valid run). This is the plumbing check; how close the
    compiled step must be is stated and measured against fp32 by the parity tests below
    (`..._as_exact_as_eager_...`). Here 2e-2 relative per step is a coarse bound (measured 1.06e-3 on an H100)
    that still catches a wrong kernel (a dropped LoRA term, a mask that leaks): the untrained vs trained gap
    here is ~15 %."""
    runs = {}
    for compiled in (True, False):
        out = assets["root"] / f"parity-{'compiled' if compiled else 'eager'}"
        rc, events, err = run_sft(sft_config(assets, out, max_steps=50, save_steps=0, lora_dropout=0.0,
                                             compile=compiled))
        assert rc == 0, err[-3000:]
        runs[compiled] = events
    a, b = losses(runs[True]), losses(runs[False])
    assert sorted(a) == sorted(b) == list(range(1, 51))
    rel = max(abs(a[s] - b[s]) / b[s] for s in a)
    print(f"compiled vs eager, tiny LoRA, 50 steps: max relative loss gap {rel:.2e}; "
          f"losses {b[1]:.4f}->{b[50]:.4f} eager, {a[1]:.4f}->{a[50]:.4f} compiled")
    assert rel < 2e-2
    comp = _compile_events(runs[True])
    assert comp and comp[0]["status"] == "compiled" and comp[0]["step"] == 1
    done = runs[True][-1]
    assert done["compile"]["status"] == "compiled" and done["compile"]["layers"] == 2
    assert runs[True][0]["compile"] == "compiled" and runs[False][0]["compile"] == "off"
    assert _compile_events(runs[False]) == []
    # the default reference run is compiled
    assert reference_run["events"][-1]["compile"]["status"] == "compiled"


def test_compile_does_not_recompile_for_each_row_length_of_a_real_dataset(assets):
    """Packed rows of the SFT dataset built from bird-sample (T2S_BIRD_SFT_JSONL: the suite's cookbook prompts
    over ../shared/data/bird-sample, 1,081 conversations), tokenised with the tests' tokenizer: each step
    has rows of another length; compilation must happen in a few steps, not in every one."""
    path = os.environ.get("T2S_BIRD_SFT_JSONL", "")
    if not os.path.isfile(path):
        pytest.skip("set T2S_BIRD_SFT_JSONL to the SFT JSONL built from bird-sample")
    from transformers import AutoTokenizer

    from t2s_trainer.data import DataPlan, build_examples, pack_rows, read_jsonl

    steps = 40
    tok = AutoTokenizer.from_pretrained(assets["model"])
    examples, _ = build_examples(tok, read_jsonl([path]), 4096, "assistant", True)
    lengths = [len(e) for e in examples]
    rows = pack_rows(lengths, 4096)
    plan = DataPlan(len(rows), 1, 1, 1, 42, 1, steps)
    seen = [sum(lengths[i] for i in rows[r]) for s in range(steps) for r in plan.global_rows(s)]
    out = assets["root"] / "bird-compile"
    rc, events, err = run_sft(sft_config(assets, out, train_files=[path], max_length=4096, truncate=True,
                                         per_device_batch_size=1, global_batch_size=1, max_steps=steps,
                                         save_steps=0, compile=True))
    assert rc == 0, err[-3000:]
    rep = events[-1]["compile"]
    print(f"bird-sample: {len(examples)} examples in {len(rows)} rows; {steps} steps saw {len(set(seen))} "
          f"distinct row lengths ({min(seen)}-{max(seen)} tokens); compiled {rep['graphs']} graph(s) in steps "
          f"{rep['compile_steps']} ({rep['compile_step_s']} s)")
    assert len(set(seen)) >= 10  # the data does vary
    assert rep["status"] == "compiled" and len(rep["compile_steps"]) <= 3


def _assert_compiled_as_exact_as_eager(r: dict, label: str) -> None:
    """The parity rule (BENCHMARKS.md, "Loss parity"), applied to a `parity.probe` result.

    "Matches within bf16 noise" is measured, not guessed: the fp32 reference is exact arithmetic for this
    purpose, eager's distance from it is the bf16 error of sft's default step, and eager with the PEFT
    baseline's precision (LoRA in fp32) shows how far another valid rounding of the same step moves. The
    compiled run must be no further from fp32 than eager is, give or take that spread, in its losses over the
    run and in its step-1 gradients; and before any update (step 1) every variant computes the same loss up
    to bf16's unit roundoff, 2^-8.
    """
    res = r["results"]
    eager, alt, comp, ref = res["eager"], res["peft_fp32_lora"], res["compiled"], res["fp32"]
    spread = alt["max_rel_gap_vs_eager"]
    print(f"{label}: max rel loss gap to fp32: eager {eager['max_rel_gap_vs_ref']:.2e}, compiled "
          f"{comp['max_rel_gap_vs_ref']:.2e} (eager's spread {spread:.2e}); step-1 grad rel L2 to fp32: eager "
          f"{eager['rel_l2_vs_ref']:.4f}, compiled {comp['rel_l2_vs_ref']:.4f}, spread "
          f"{abs(alt['rel_l2_vs_ref'] - eager['rel_l2_vs_ref']):.4f}; compiled vs eager {comp['max_rel_gap_vs_eager']:.2e}")
    for v in (eager, alt, comp):
        assert len(v["losses"]) == r["steps"]
        assert abs(v["losses"][0] - ref["losses"][0]) <= 2**-8 * ref["losses"][0]
    assert comp["max_rel_gap_vs_ref"] <= eager["max_rel_gap_vs_ref"] + spread
    assert comp["rel_l2_vs_ref"] <= eager["rel_l2_vs_ref"] + abs(alt["rel_l2_vs_ref"] - eager["rel_l2_vs_ref"])
    # the runs learn, by more than the gaps measured: a frozen run would "match" trivially
    assert (ref["losses"][0] - ref["losses"][-1]) / ref["losses"][0] > eager["max_rel_gap_vs_ref"] + spread


PARITY_VARIANTS = ("eager", "peft_fp32_lora", "compiled", "fp32")


def test_tiny_compiled_as_exact_as_eager_over_50_steps():
    """Issue 17: 50 steps of a tiny Llama (LoRA r 16, seq 512), compiled vs eager vs fp32 (the parity rule)."""
    from t2s_trainer import parity

    r = parity.probe(arch="tiny", seq_len=512, steps=50, lora_r=16, lora_alpha=32, variants=PARITY_VARIANTS)
    _assert_compiled_as_exact_as_eager(r, "tiny, 50 steps")


def test_8b_shape_compiled_as_exact_as_eager_over_10_steps():
    """Issue 17: the Llama-3.1-8B shape (random weights), LoRA r 256, seq 4096, 10 steps (the parity rule).

    Here compiled and eager part after the first update (losses 11.0 vs 12.0 at step 2) and fp32 sides with
    the compiled run (11.1): eager's bf16 rounding between the element-wise ops that inductor fuses loses much
    of the small first LoRA update; the step-1 gradients of all variants are equally close to fp32."""
    import torch

    if torch.cuda.get_device_properties(0).total_memory < 70 * 2**30:
        pytest.skip("needs ~60 GiB of GPU memory")
    from t2s_trainer import parity

    r = parity.probe(arch="llama-3.1-8b", steps=10, variants=PARITY_VARIANTS)
    torch.cuda.empty_cache()  # the tests after this one start their own processes on the same card
    _assert_compiled_as_exact_as_eager(r, "8B shape, 10 steps")


def _gpu_count() -> int:
    import torch

    return torch.cuda.device_count()


def _launch_sft(config_path, launcher, timeout=600):
    """`launcher` (argv up to the module to run) + `-m t2s_trainer sft --config config_path`, stderr to the
    config's .stderr file; asserts exit 0 and returns the events."""
    with open(config_path + ".stderr", "w") as err_file:
        proc = subprocess.run(
            [*launcher, "-m", "t2s_trainer", "sft", "--config", config_path],
            stdout=subprocess.PIPE, stderr=err_file, text=True, env=subprocess_env(), timeout=timeout,
        )
    assert proc.returncode == 0, stderr_of(config_path)
    return parse(proc.stdout.splitlines())


def _torchrun(n=2):
    return [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", str(n)]


def _accelerate_fsdp(n=2):
    """`accelerate launch` with the shipped FSDP2 config on `n` GPUs."""
    fsdp_yaml = os.path.join(os.path.dirname(__file__), "..", "configs", "accelerate-fsdp.yaml")
    return [sys.executable, "-m", "accelerate.commands.launch", "--config_file", fsdp_yaml, "--num_processes", str(n)]


def _assert_two_gpu_losses_match(events_one, events_two, label):
    """The 2-GPU run reports world_size 2 and the 1-GPU losses within 1e-2; returns the 2-GPU losses."""
    assert [e for e in events_two if e["event"] == "start"][0]["world_size"] == 2
    a, b = losses(events_one), losses(events_two)
    assert sorted(a) == sorted(b)
    worst = max(abs(a[s] - b[s]) for s in a)
    print(f"{label}: {len(a)} steps, max |loss difference| {worst:.2e}")
    assert worst < 1e-2
    return b


@pytest.mark.gpu
def test_two_gpu_ddp_matches_one_gpu(assets):
    """Issue 8: the same global batch on 2 GPUs (torchrun, DDP) gives the 1-GPU losses within 1e-2."""
    if _gpu_count() < 2:
        pytest.skip("needs 2 GPUs")
    one = sft_config(assets, assets["root"] / "ddp-one", max_steps=20, save_steps=100)
    rc, events, err = run_sft(one)
    assert rc == 0, err[-3000:]
    two = sft_config(assets, assets["root"] / "ddp-two", max_steps=20, save_steps=100)
    events2 = _launch_sft(two, _torchrun(2))
    _assert_two_gpu_losses_match(events, events2, "2-GPU vs 1-GPU")


@pytest.mark.gpu
def test_two_gpu_fsdp_full_matches_one_gpu_and_resumes(assets):
    """Issue 8: full fine-tuning under FSDP2 on 2 GPUs follows the 1-GPU losses, writes sharded
    checkpoints it can resume from, and gathers one servable model on rank 0."""
    from safetensors import safe_open

    if _gpu_count() < 2:
        pytest.skip("needs 2 GPUs")
    common = {"method": "full", "learning_rate": 1e-4, "max_steps": 10, "save_steps": 5}
    one = sft_config(assets, assets["root"] / "fsdp-one", **common)
    rc, events, err = run_sft(one)
    assert rc == 0, err
    out_two = assets["root"] / "fsdp-two"
    two = sft_config(assets, out_two, **common)
    events2 = _launch_sft(two, _accelerate_fsdp(2))
    b = _assert_two_gpu_losses_match(events, events2, "FSDP2 2-GPU vs 1-GPU full")

    # One model on rank 0 with every tensor of the 1-GPU model, same shapes, finite.
    def tensors(folder):
        with safe_open(os.path.join(folder, "model.safetensors"), "pt") as f:
            return {k: f.get_tensor(k) for k in f.keys()}
    t1, t2 = tensors(assets["root"] / "fsdp-one" / "model"), tensors(out_two / "model")
    assert sorted(t1) == sorted(t2)
    assert all(t1[k].shape == t2[k].shape and bool(t2[k].float().isfinite().all()) for k in t1)
    assert (out_two / "checkpoint-5" / "accelerate").is_dir()

    # Interrupted after the checkpoint at step 5 (its result and done marker gone): the same run
    # resumes from the sharded state and repeats steps 6-10 as the uninterrupted run did.
    import shutil

    shutil.rmtree(out_two / "model")
    os.remove(out_two / "done.json")
    events3 = _launch_sft(two, _accelerate_fsdp(2))
    start = [e for e in events3 if e["event"] == "start"][0]
    assert start["start_step"] == 5 and start["world_size"] == 2
    resumed = losses(events3)
    assert sorted(resumed) == [6, 7, 8, 9, 10]
    drift = max(abs(resumed[s] - b[s]) for s in resumed)
    print(f"FSDP2 resume from step 5: steps 6-10, max |loss difference| {drift:.2e}")
    assert drift < 1e-3
    assert (out_two / "model" / "model.safetensors").is_file()
