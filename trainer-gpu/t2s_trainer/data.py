"""Training data: JSONL chat files -> token ids + targets -> packed rows -> a deterministic step plan.

Pure Python except `collate` (imports torch inside). The plan is a function of (rows, seed, batch sizes,
world size) only, so the data position of any optimizer step is derived from the step number: resuming at
step N replays exactly the rows an uninterrupted run would have used at step N.

Each line of a data file: {"messages": [{"role": "system"|"user"|"assistant", "content": str}, ...]}, with
at least one assistant turn and an assistant turn last. Rendering uses the model tokenizer's chat template.
Labels: `loss_on="assistant"` marks the tokens of each assistant turn (its content and end-of-turn token,
found as the text between the template rendered up to the turn with a generation prompt and rendered
through the turn); `loss_on="all"` marks every token. Targets are shifted inside each example, so a packed
row never asks an example's last token to predict the next example's first one.
"""

from __future__ import annotations

import bisect
import json
import math
import random
from dataclasses import dataclass, field

from .config import ConfigError

IGNORE_INDEX = -100
ROLES = ("system", "user", "assistant")


# ---------------------------------------------------------------------------------------------------------
# Reading and validating JSONL


def validate_record(obj, where: str) -> list[dict]:
    """Return the message list of one JSONL record or raise ConfigError naming file:line."""
    if not isinstance(obj, dict) or "messages" not in obj:
        raise ConfigError(f"{where}: expected an object with a 'messages' list")
    messages = obj["messages"]
    if not isinstance(messages, list) or not messages:
        raise ConfigError(f"{where}: 'messages' must be a non-empty list")
    out = []
    for i, m in enumerate(messages):
        if not isinstance(m, dict):
            raise ConfigError(f"{where}: message {i} is not an object")
        role, content = m.get("role"), m.get("content")
        if role not in ROLES:
            raise ConfigError(f"{where}: message {i} has role {role!r}; expected one of {ROLES}")
        if not isinstance(content, str):
            raise ConfigError(f"{where}: message {i} ({role}) content must be a string")
        out.append({"role": role, "content": content})
    if out[-1]["role"] != "assistant":
        raise ConfigError(f"{where}: the last message must be the assistant's (the training target)")
    return out


def iter_jsonl(paths: list[str], what: str):
    """(object, "path:line") for each non-blank JSON line of the files; a file that cannot be read or a line
    that is not JSON is a ConfigError naming it (`what` says which kind of file, for the message)."""
    for path in paths:
        try:
            fh = open(path, encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read {what} file {path}: {exc}") from exc
        with fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                where = f"{path}:{lineno}"
                try:
                    yield json.loads(line), where
                except json.JSONDecodeError as exc:
                    raise ConfigError(f"{where}: invalid JSON: {exc.msg}") from exc


def read_jsonl(paths: list[str]) -> list[list[dict]]:
    conversations = [validate_record(obj, where) for obj, where in iter_jsonl(paths, "training")]
    if not conversations:
        raise ConfigError(f"no training examples in {paths}")
    return conversations


# ---------------------------------------------------------------------------------------------------------
# Tokenising with the chat template


@dataclass
class Example:
    input_ids: list[int]
    targets: list[int]  # targets[t] = token to predict after position t, or IGNORE_INDEX

    def __len__(self) -> int:
        return len(self.input_ids)

    @property
    def num_targets(self) -> int:
        return sum(t != IGNORE_INDEX for t in self.targets)


def _render(tokenizer, messages, add_generation_prompt: bool) -> str:
    return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=add_generation_prompt)


def assistant_char_spans(tokenizer, messages: list[dict]) -> tuple[str, list[tuple[int, int]]]:
    """Full rendered text and the [start, end) character spans of each assistant turn in it."""
    full = _render(tokenizer, messages, False)
    spans = []
    for i, m in enumerate(messages):
        if m["role"] != "assistant":
            continue
        prompt = _render(tokenizer, messages[:i], True)
        through = _render(tokenizer, messages[: i + 1], False)
        if not (full.startswith(through) and through.startswith(prompt)):
            raise ConfigError(
                "the chat template does not render conversations prefix-stably, so assistant tokens cannot be "
                "located; use loss_on: all"
            )
        spans.append((len(prompt), len(through)))
    return full, spans


def tokenize_conversation(tokenizer, messages: list[dict], loss_on: str) -> tuple[list[int], list[bool]]:
    """Token ids of the rendered conversation and, per token, whether it carries loss."""
    if loss_on == "all":
        text = _render(tokenizer, messages, False)
        ids = tokenizer(text, add_special_tokens=False)["input_ids"]
        return list(ids), [True] * len(ids)
    text, spans = assistant_char_spans(tokenizer, messages)
    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    ids, offsets = list(enc["input_ids"]), enc["offset_mapping"]
    mask = []
    for start, end in offsets:
        inside = any(start < e and (end > s or (start == end and s <= start)) for s, e in spans)
        mask.append(inside)
    return ids, mask


def make_example(ids: list[int], loss_mask: list[bool]) -> Example:
    targets = [ids[t + 1] if loss_mask[t + 1] else IGNORE_INDEX for t in range(len(ids) - 1)]
    targets.append(IGNORE_INDEX)
    return Example(ids, targets)


@dataclass
class DataStats:
    conversations: int = 0
    examples: int = 0
    skipped_overlength: int = 0
    truncated: int = 0
    skipped_no_target: int = 0
    tokens: int = 0
    target_tokens: int = 0
    max_example_tokens: int = 0
    rows: int = 0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def build_examples(tokenizer, conversations, max_length: int, loss_on: str, truncate: bool):
    """Tokenise; over-length examples are skipped (counted) unless `truncate` (then cut to max_length)."""
    stats = DataStats(conversations=len(conversations))
    examples = []
    for messages in conversations:
        ids, mask = tokenize_conversation(tokenizer, messages, loss_on)
        if len(ids) > max_length:
            if not truncate:
                stats.skipped_overlength += 1
                continue
            ids, mask = ids[:max_length], mask[:max_length]
            stats.truncated += 1
        ex = make_example(ids, mask)
        n = ex.num_targets
        if n == 0:
            stats.skipped_no_target += 1
            continue
        examples.append(ex)
        stats.tokens += len(ex)
        stats.target_tokens += n
        stats.max_example_tokens = max(stats.max_example_tokens, len(ex))
    stats.examples = len(examples)
    if not examples:
        raise ConfigError(
            f"no usable training example: {stats.skipped_overlength} over max_length {max_length}, "
            f"{stats.skipped_no_target} without target tokens"
        )
    return examples, stats


# ---------------------------------------------------------------------------------------------------------
# Packing and the step plan


def pack_rows(lengths: list[int], capacity: int) -> list[list[int]]:
    """Best-fit-decreasing bin packing of example indices into rows of at most `capacity` tokens.

    Deterministic: ties are broken by example index. Each row lists its examples longest first.
    """
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    rows: list[list[int]] = []
    free: list[tuple[int, int]] = []  # sorted (remaining capacity, row id)
    for i in order:
        n = lengths[i]
        if n > capacity:
            raise ValueError(f"example {i} has {n} tokens > capacity {capacity}")
        k = bisect.bisect_left(free, (n, -1))
        if k < len(free):
            remaining, row = free.pop(k)
            rows[row].append(i)
            remaining -= n
        else:
            row = len(rows)
            rows.append([i])
            remaining = capacity - n
        if remaining > 0:
            bisect.insort(free, (remaining, row))
    return rows


@dataclass
class DataPlan:
    """Which rows each rank uses at each optimizer step; a pure function of the step number."""

    num_rows: int
    global_batch_size: int
    per_device_batch_size: int
    world_size: int
    seed: int
    num_epochs: int
    max_steps: int = -1
    _perms: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        if self.global_batch_size % (self.per_device_batch_size * self.world_size):
            raise ConfigError(
                f"global_batch_size {self.global_batch_size} is not a multiple of per_device_batch_size "
                f"{self.per_device_batch_size} x {self.world_size} GPU(s)"
            )

    @property
    def grad_accumulation(self) -> int:
        return self.global_batch_size // (self.per_device_batch_size * self.world_size)

    @property
    def steps_per_epoch(self) -> int:
        return max(1, math.ceil(self.num_rows / self.global_batch_size))

    @property
    def total_steps(self) -> int:
        return self.max_steps if self.max_steps > 0 else self.steps_per_epoch * self.num_epochs

    def epoch_of(self, step: int) -> float:
        """Fractional epoch after `step` optimizer steps."""
        return round(step / self.steps_per_epoch, 4)

    def permutation(self, epoch: int) -> list[int]:
        if epoch not in self._perms:
            perm = list(range(self.num_rows))
            random.Random(self.seed * 1_000_003 + epoch).shuffle(perm)
            self._perms = {epoch: perm}  # keep one epoch cached
        return self._perms[epoch]

    def global_rows(self, step: int) -> list[int]:
        """Rows of optimizer step `step` (0-based). The last batch of an epoch wraps to the epoch's start."""
        epoch, k = divmod(step, self.steps_per_epoch)
        perm = self.permutation(epoch)
        start = k * self.global_batch_size
        rows = perm[start : start + self.global_batch_size]
        while len(rows) < self.global_batch_size:
            rows += perm[: self.global_batch_size - len(rows)]
        return rows

    def micro_batches(self, step: int, rank: int) -> list[list[int]]:
        """This rank's micro-batches (grad_accumulation of them, per_device_batch_size rows each)."""
        rows = self.global_rows(step)
        b, w = self.per_device_batch_size, self.world_size
        return [rows[(j * w + rank) * b : (j * w + rank + 1) * b] for j in range(self.grad_accumulation)]


# ---------------------------------------------------------------------------------------------------------
# Collation (torch)


def row_segments(row_examples: list[Example]) -> tuple[list[int], list[int], list[int], list[int]]:
    """Concatenate a row's examples: input ids, targets, position ids (restart per example), segment ids."""
    ids, tg, pos, seg = [], [], [], []
    for s, ex in enumerate(row_examples):
        ids += ex.input_ids
        tg += ex.targets
        pos += range(len(ex))
        seg += [s] * len(ex)
    return ids, tg, pos, seg


def collate(rows: list[list[Example]], pad_id: int, mask_dtype, device=None, pad_to_multiple: int = 1):
    """Model inputs for one micro-batch, and host-side facts about it: (batch, meta).

    batch: input_ids, position_ids (restarting at each example), target_index / target_ids (flat positions
    that carry loss and their labels), attention_mask. meta: num_tokens (non-padding), num_targets, targets.

    `attention_mask` is None when every row holds exactly one example and no padding (plain causal
    attention, sdpa's flash path); otherwise a (B, 1, L, L) additive block-diagonal causal mask: 0 where
    query and key are in the same example and key <= query, dtype-min elsewhere. Padding is its own block
    with targets IGNORE_INDEX.
    """
    import torch

    parts = [row_segments(r) for r in rows]
    length = max(len(p[0]) for p in parts)
    length = -(-length // pad_to_multiple) * pad_to_multiple
    need_mask = any(len(r) > 1 for r in rows) or any(len(p[0]) != length for p in parts)
    ids_t, tg_t, pos_t, seg_t = [], [], [], []
    real_tokens = 0
    for ids, tg, pos, seg in parts:
        n, pad = len(ids), length - len(ids)
        real_tokens += n
        ids_t.append(ids + [pad_id] * pad)
        tg_t.append(tg + [IGNORE_INDEX] * pad)
        pos_t.append(pos + list(range(pad)))
        seg_t.append(seg + [len(set(seg))] * pad)
    targets = torch.tensor(tg_t, dtype=torch.long)
    flat = targets.reshape(-1)
    target_index = (flat != IGNORE_INDEX).nonzero().squeeze(1)
    batch = {
        "input_ids": torch.tensor(ids_t, dtype=torch.long),
        "position_ids": torch.tensor(pos_t, dtype=torch.long),
        "target_index": target_index,
        "target_ids": flat.index_select(0, target_index),
    }
    if device is not None:
        batch = {k: v.to(device, non_blocking=True) for k, v in batch.items()}
    batch["attention_mask"] = None
    if need_mask:
        seg = torch.tensor(seg_t, dtype=torch.int32, device=batch["input_ids"].device)
        batch["attention_mask"] = block_causal_mask(seg, mask_dtype)
    meta = {"num_tokens": real_tokens, "num_targets": int(target_index.numel()), "targets": targets}
    return batch, meta


def block_causal_mask(segment_ids, dtype):
    """(B, L) segment ids -> (B, 1, L, L) additive mask (0 = attend, finfo(dtype).min = blocked)."""
    import torch

    length = segment_ids.shape[1]
    same = segment_ids[:, :, None] == segment_ids[:, None, :]
    causal = torch.ones(length, length, dtype=torch.bool, device=segment_ids.device).tril_()
    allowed = (same & causal)[:, None, :, :]
    mask = torch.zeros(allowed.shape, dtype=dtype, device=segment_ids.device)
    return mask.masked_fill_(~allowed, torch.finfo(dtype).min)
