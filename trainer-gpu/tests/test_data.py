"""CPU-safe: JSONL validation, chat-template labelling, packing, the deterministic step plan."""

from __future__ import annotations

import json
import re

import pytest

from t2s_trainer.config import ConfigError
from t2s_trainer.data import (
    IGNORE_INDEX,
    DataPlan,
    build_examples,
    make_example,
    pack_rows,
    read_jsonl,
    row_segments,
    tokenize_conversation,
    validate_record,
)

LLAMA3_TEMPLATE = (
    "{{ bos_token }}{% for m in messages %}<|start_header_id|>{{ m['role'] }}<|end_header_id|>\n\n"
    "{{ m['content'] }}<|eot_id|>{% endfor %}"
    "{% if add_generation_prompt %}<|start_header_id|>assistant<|end_header_id|>\n\n{% endif %}"
)
SPECIALS = ["<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"]


class CharTokenizer:
    """Stand-in for a fast tokenizer: special tokens whole, every other character one token, with offsets."""

    bos_token = "<|begin_of_text|>"

    def __init__(self):
        import jinja2

        self.template = jinja2.Environment().from_string(LLAMA3_TEMPLATE)
        self.vocab: dict[str, int] = {}
        self.inv: dict[int, str] = {}
        self.pattern = re.compile("|".join(re.escape(s) for s in SPECIALS) + "|.", re.S)

    def apply_chat_template(self, messages, tokenize=False, add_generation_prompt=False):
        assert tokenize is False
        return self.template.render(messages=messages, add_generation_prompt=add_generation_prompt,
                                    bos_token=self.bos_token)

    def _id(self, piece):
        if piece not in self.vocab:
            self.vocab[piece] = len(self.vocab)
            self.inv[self.vocab[piece]] = piece
        return self.vocab[piece]

    def __call__(self, text, add_special_tokens=False, return_offsets_mapping=False):
        assert add_special_tokens is False
        ids, offsets = [], []
        for m in self.pattern.finditer(text):
            ids.append(self._id(m.group(0)))
            offsets.append((m.start(), m.end()))
        out = {"input_ids": ids}
        if return_offsets_mapping:
            out["offset_mapping"] = offsets
        return out

    def decode(self, ids):
        return "".join(self.inv[i] for i in ids)


CONV = [
    {"role": "system", "content": "Schema: CREATE TABLE t(a INT);"},
    {"role": "user", "content": "How many rows?"},
    {"role": "assistant", "content": "SELECT COUNT(*) FROM t;"},
]


def test_validate_record_messages():
    assert validate_record({"messages": CONV}, "f:1") == CONV
    bad = [
        ({}, "messages"),
        ({"messages": []}, "non-empty"),
        ({"messages": [{"role": "bot", "content": "x"}]}, "role"),
        ({"messages": [{"role": "user", "content": 3}]}, "content must be a string"),
        ({"messages": [{"role": "user", "content": "q"}]}, "last message must be the assistant"),
    ]
    for obj, msg in bad:
        with pytest.raises(ConfigError, match=msg):
            validate_record(obj, "f:1")


def test_read_jsonl_reports_file_and_line(tmp_path):
    p = tmp_path / "d.jsonl"
    p.write_text(json.dumps({"messages": CONV}) + "\n\n" + "{not json}\n")
    with pytest.raises(ConfigError, match=r"d.jsonl:3: invalid JSON"):
        read_jsonl([str(p)])
    p.write_text(json.dumps({"messages": CONV}) + "\n" + json.dumps({"messages": CONV[:2]}) + "\n")
    with pytest.raises(ConfigError, match=r"d.jsonl:2: the last message"):
        read_jsonl([str(p)])
    p.write_text(json.dumps({"messages": CONV}) + "\n")
    assert read_jsonl([str(p)]) == [CONV]


def test_assistant_only_labels_cover_exactly_the_answer_and_eot():
    tok = CharTokenizer()
    ids, mask = tokenize_conversation(tok, CONV, "assistant")
    labelled = tok.decode([i for i, m in zip(ids, mask) if m])
    assert labelled == "SELECT COUNT(*) FROM t;<|eot_id|>"
    ex = make_example(ids, mask)
    # targets are shifted: position t predicts token t+1; the last position predicts nothing
    assert ex.targets[-1] == IGNORE_INDEX
    predicted = [t for t in ex.targets if t != IGNORE_INDEX]
    assert tok.decode(predicted) == "SELECT COUNT(*) FROM t;<|eot_id|>"
    first = ex.targets.index(predicted[0])
    assert tok.decode(ids[: first + 1]).endswith("<|start_header_id|>assistant<|end_header_id|>\n\n")


def test_multi_turn_labels_every_assistant_turn():
    tok = CharTokenizer()
    conv = CONV + [{"role": "user", "content": "And distinct?"}, {"role": "assistant", "content": "SELECT 2;"}]
    ids, mask = tokenize_conversation(tok, conv, "assistant")
    assert tok.decode([i for i, m in zip(ids, mask) if m]) == "SELECT COUNT(*) FROM t;<|eot_id|>SELECT 2;<|eot_id|>"


def test_loss_on_all_labels_everything_but_the_first_token():
    tok = CharTokenizer()
    ids, mask = tokenize_conversation(tok, CONV, "all")
    ex = make_example(ids, mask)
    assert ex.num_targets == len(ids) - 1
    assert ex.targets[:-1] == ids[1:]


def test_overlength_examples_are_skipped_and_counted_or_truncated():
    tok = CharTokenizer()
    long_conv = [{"role": "user", "content": "x" * 500}, {"role": "assistant", "content": "SELECT 1;"}]
    convs = [CONV, long_conv, CONV]
    examples, stats = build_examples(tok, convs, max_length=200, loss_on="assistant", truncate=False)
    assert len(examples) == 2 and stats.skipped_overlength == 1 and stats.truncated == 0
    # truncating the long one cuts off its answer: no target left, so it is skipped as such
    examples, stats = build_examples(tok, convs, max_length=200, loss_on="assistant", truncate=True)
    assert stats.truncated == 1 and stats.skipped_no_target == 1 and len(examples) == 2
    examples, stats = build_examples(tok, convs, max_length=200, loss_on="all", truncate=True)
    assert stats.truncated == 1 and len(examples) == 3 and max(len(e) for e in examples) == 200
    with pytest.raises(ConfigError, match="no usable training example"):
        build_examples(tok, [long_conv], max_length=50, loss_on="assistant", truncate=False)


def test_pack_rows_respects_capacity_and_is_deterministic():
    import random

    rng = random.Random(0)
    lengths = [rng.randint(10, 400) for _ in range(500)]
    rows = pack_rows(lengths, 512)
    assert sorted(i for r in rows for i in r) == list(range(500))
    assert all(sum(lengths[i] for i in r) <= 512 for r in rows)
    assert rows == pack_rows(lengths, 512)
    assert len(rows) <= 1.1 * sum(lengths) / 512 + 1  # near-optimal fill
    with pytest.raises(ValueError):
        pack_rows([600], 512)


def test_row_segments_restart_positions():
    a = make_example([1, 2, 3], [False, True, True])
    b = make_example([4, 5], [False, True])
    ids, tg, pos, seg = row_segments([a, b])
    assert ids == [1, 2, 3, 4, 5]
    assert pos == [0, 1, 2, 0, 1]
    assert seg == [0, 0, 0, 1, 1]
    assert tg == [2, 3, IGNORE_INDEX, 5, IGNORE_INDEX]  # no target crosses from a into b


def test_plan_is_a_function_of_the_step_and_keeps_the_global_batch():
    one = DataPlan(num_rows=37, global_batch_size=8, per_device_batch_size=2, world_size=1, seed=42, num_epochs=3)
    assert one.steps_per_epoch == 5 and one.total_steps == 15 and one.grad_accumulation == 4
    again = DataPlan(num_rows=37, global_batch_size=8, per_device_batch_size=2, world_size=1, seed=42, num_epochs=3)
    for step in (0, 4, 7, 14):
        assert one.global_rows(step) == again.global_rows(step)
    # each epoch sees every row (the last batch wraps to the epoch's start)
    seen = [r for s in range(5) for r in one.global_rows(s)]
    assert set(seen) == set(range(37)) and len(seen) == 40
    assert one.global_rows(0) != one.global_rows(5)  # a new permutation per epoch
    # 4 GPUs: same global rows, split across ranks, grad accumulation 1
    four = DataPlan(num_rows=37, global_batch_size=8, per_device_batch_size=2, world_size=4, seed=42, num_epochs=3)
    assert four.grad_accumulation == 1
    for step in range(15):
        union = sorted(r for rank in range(4) for mb in four.micro_batches(step, rank) for r in mb)
        assert union == sorted(one.global_rows(step))
        assert sorted(r for mb in one.micro_batches(step, 0) for r in mb) == union
    assert DataPlan(37, 8, 2, 1, 42, 3, max_steps=4).total_steps == 4
    assert one.epoch_of(5) == 1.0
