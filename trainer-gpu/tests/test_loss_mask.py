"""Needs torch (skipped without): fused chunked lm_head + cross-entropy, block-diagonal mask, collation.

Run on the CPU where torch is installed, and on the GPU (device "cuda") there.
"""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from t2s_trainer.data import IGNORE_INDEX, block_causal_mask, collate, make_example  # noqa: E402
from t2s_trainer.modeling import LinearCrossEntropy, linear_cross_entropy_sum  # noqa: E402

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("chunk", [1, 7, 64, 1000])
@pytest.mark.parametrize("weight_grad", [False, True])
def test_chunked_ce_matches_reference_fp64(device, chunk, weight_grad):
    g = torch.Generator().manual_seed(chunk)
    n, d, v = 50, 16, 97
    hidden = torch.randn(n, d, generator=g, dtype=torch.float64).to(device).requires_grad_()
    weight = (0.3 * torch.randn(v, d, generator=g, dtype=torch.float64)).to(device).requires_grad_(weight_grad)
    targets = torch.randint(0, v, (n,), generator=g).to(device)
    loss = LinearCrossEntropy.apply(hidden, weight, targets, chunk, torch.float64)
    (2.5 * loss).backward()
    h2 = hidden.detach().clone().requires_grad_()
    w2 = weight.detach().clone().requires_grad_(weight_grad)
    ref = torch.nn.functional.cross_entropy(h2 @ w2.t(), targets, reduction="sum")
    (2.5 * ref).backward()
    assert torch.allclose(loss, ref, rtol=1e-10, atol=1e-10)
    assert torch.allclose(hidden.grad, h2.grad, rtol=1e-9, atol=1e-10)
    if weight_grad:
        assert torch.allclose(weight.grad, w2.grad, rtol=1e-9, atol=1e-10)
    else:
        assert weight.grad is None


def test_chunked_ce_selects_target_rows_only():
    g = torch.Generator().manual_seed(1)
    hidden = torch.randn(2, 5, 8, generator=g, dtype=torch.float64, requires_grad=True)
    weight = torch.randn(11, 8, generator=g, dtype=torch.float64)
    targets = torch.full((2, 5), IGNORE_INDEX)
    targets[0, 1], targets[0, 3], targets[1, 0] = 4, 7, 10
    flat = targets.reshape(-1)
    index = (flat != IGNORE_INDEX).nonzero().squeeze(1)
    loss = linear_cross_entropy_sum(hidden, weight, index, flat[index], chunk_size=2)
    loss.backward()
    ref = torch.nn.functional.cross_entropy((hidden.detach() @ weight.t()).reshape(-1, 11), flat,
                                            ignore_index=IGNORE_INDEX, reduction="sum")
    assert torch.allclose(loss, ref)
    assert hidden.grad[0, 0].abs().sum() == 0 and hidden.grad[0, 1].abs().sum() > 0


def test_block_causal_mask_values():
    seg = torch.tensor([[0, 0, 1, 1, 1, 2]])
    m = block_causal_mask(seg, torch.float32)
    assert m.shape == (1, 1, 6, 6)
    allowed = m[0, 0] == 0
    expected = torch.tensor([
        [1, 0, 0, 0, 0, 0],
        [1, 1, 0, 0, 0, 0],
        [0, 0, 1, 0, 0, 0],
        [0, 0, 1, 1, 0, 0],
        [0, 0, 1, 1, 1, 0],
        [0, 0, 0, 0, 0, 1],
    ], dtype=torch.bool)
    assert torch.equal(allowed, expected)
    assert (m[0, 0][~expected] == torch.finfo(torch.float32).min).all()


def test_collate_packs_with_mask_and_pads_as_its_own_block():
    a = make_example([5, 6, 7], [False, True, True])
    b = make_example([8, 9], [False, True])
    c = make_example([1, 2, 3, 4], [False, False, True, True])
    batch, meta = collate([[a, b], [c]], pad_id=0, mask_dtype=torch.float32)
    assert batch["input_ids"].tolist() == [[5, 6, 7, 8, 9], [1, 2, 3, 4, 0]]
    assert batch["position_ids"].tolist() == [[0, 1, 2, 0, 1], [0, 1, 2, 3, 0]]
    assert meta["targets"].tolist() == [[6, 7, IGNORE_INDEX, 9, IGNORE_INDEX], [IGNORE_INDEX, 3, 4, IGNORE_INDEX, IGNORE_INDEX]]
    assert batch["target_index"].tolist() == [0, 1, 3, 6, 7]
    assert batch["target_ids"].tolist() == [6, 7, 9, 3, 4]
    assert meta["num_tokens"] == 9 and meta["num_targets"] == 5
    allowed = batch["attention_mask"][:, 0] == 0
    assert not allowed[0, 3, 2]  # b's first token cannot see a
    assert allowed[0, 4, 3]
    assert allowed[1, 4].tolist() == [False, False, False, False, True]  # padding sees only itself
    # one example per row and no padding: no mask at all (sdpa's causal flash path)
    batch, _ = collate([[c], [c]], pad_id=0, mask_dtype=torch.float32)
    assert batch["attention_mask"] is None
