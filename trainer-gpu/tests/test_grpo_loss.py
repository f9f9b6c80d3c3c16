"""Needs torch (skipped without): GRPO's advantages, chunked log-probabilities and clipped loss on tiny tensors,
each against a direct restatement of its formula. Runs on the CPU, and on the GPU machine's CPU and GPU."""

from __future__ import annotations

import math

import pytest

torch = pytest.importorskip("torch")

from t2s_trainer.grpo_loss import LinearLogProbs, group_advantages, grpo_token_loss, normalize_loss  # noqa: E402

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


def test_advantages_are_group_zscores_and_silent_groups_are_zero():
    rewards = torch.tensor([[1.0, 0.1, 0.0, 1.0], [0.1, 0.1, 0.1, 0.1], [1.0, 0.0, 5.0, 5.0]], dtype=torch.float64)
    valid = torch.tensor([[True] * 4, [True] * 4, [True, True, False, False]])
    adv, zero = group_advantages(rewards, valid, scale=True, eps=0.0)
    g = [1.0, 0.1, 0.0, 1.0]
    mean = sum(g) / 4
    std = math.sqrt(sum((x - mean) ** 2 for x in g) / 3)  # unbiased, as TRL
    assert torch.allclose(adv[0], torch.tensor([(x - mean) / std for x in g], dtype=torch.float64))
    assert adv[1].abs().sum() == 0  # every completion got the same reward: no signal
    # invalid (unscored) completions get 0 and do not enter the group's mean and std
    # [1, 0]: mean 0.5, unbiased std sqrt(0.5), so ±0.5 / sqrt(0.5)
    assert torch.allclose(adv[2], torch.tensor([0.5 / math.sqrt(0.5), -0.5 / math.sqrt(0.5), 0, 0], dtype=torch.float64))
    assert zero.tolist() == [False, True, False]
    unscaled, _ = group_advantages(rewards, valid, scale=False)
    assert torch.allclose(unscaled[0], torch.tensor([x - mean for x in g], dtype=torch.float64))


def test_one_valid_completion_is_no_signal():
    adv, zero = group_advantages(torch.tensor([[1.0, 0.0]]), torch.tensor([[True, False]]), scale=True)
    assert adv.abs().sum() == 0 and zero.tolist() == [True]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("chunk", [1, 5, 64])
@pytest.mark.parametrize("temperature", [1.0, 0.7])
def test_chunked_logprobs_match_log_softmax_in_value_and_gradient(device, chunk, temperature):
    g = torch.Generator().manual_seed(chunk)
    n, d, v = 23, 8, 41
    hidden = torch.randn(n, d, generator=g, dtype=torch.float64).to(device).requires_grad_()
    weight = (0.5 * torch.randn(v, d, generator=g, dtype=torch.float64)).to(device).requires_grad_()
    targets = torch.randint(0, v, (n,), generator=g).to(device)
    upstream = torch.randn(n, generator=g, dtype=torch.float64).to(device)
    out = LinearLogProbs.apply(hidden, weight, targets, chunk, temperature, torch.float64)
    (out * upstream).sum().backward()
    h2, w2 = hidden.detach().clone().requires_grad_(), weight.detach().clone().requires_grad_()
    ref = torch.log_softmax(h2 @ w2.t() / temperature, dim=-1).gather(1, targets[:, None]).squeeze(1)
    (ref * upstream).sum().backward()
    assert torch.allclose(out, ref, rtol=1e-10, atol=1e-12)
    assert torch.allclose(hidden.grad, h2.grad, rtol=1e-9, atol=1e-12)
    assert torch.allclose(weight.grad, w2.grad, rtol=1e-9, atol=1e-12)


def test_clipped_loss_per_token_with_separate_upper_clip():
    # ratios exp(logp - old): 1.5 (above 1.28), 0.5 (below 0.8), 1.1 (inside)
    old = torch.zeros(2, 3, dtype=torch.float64)
    logp = torch.log(torch.tensor([[1.5, 0.5, 1.1], [1.5, 0.5, 1.1]], dtype=torch.float64))
    adv = torch.tensor([2.0, -1.0], dtype=torch.float64)
    mask = torch.tensor([[1, 1, 1], [1, 1, 0]], dtype=torch.float64)
    loss, clipped, kl = grpo_token_loss(logp, old, adv, mask, 0.2, 0.28)
    want = [[-min(r * 2, min(max(r, 0.8), 1.28) * 2) for r in (1.5, 0.5, 1.1)],
            [-min(r * -1, min(max(r, 0.8), 1.28) * -1) for r in (1.5, 0.5)] + [0.0]]
    assert torch.allclose(loss, torch.tensor(want, dtype=torch.float64))
    # A > 0 is clipped above 1.28 only; A < 0 below 0.8 only; masked tokens never count
    assert clipped.tolist() == [[True, False, False], [False, True, False]]
    assert kl is None


def test_kl_term_is_k3_and_added_with_its_coefficient():
    logp = torch.tensor([[-1.0, -2.0]], dtype=torch.float64, requires_grad=True)
    ref = torch.tensor([[-1.5, -1.0]], dtype=torch.float64)
    adv = torch.tensor([0.0], dtype=torch.float64)
    mask = torch.ones(1, 2, dtype=torch.float64)
    loss, _clipped, kl = grpo_token_loss(logp, logp.detach(), adv, mask, 0.2, 0.2, kl_coef=0.1, ref_logp=ref)
    d = ref - logp.detach()
    assert torch.allclose(kl.detach(), torch.exp(d) - d - 1)
    assert (kl.detach() >= 0).all()
    assert torch.allclose(loss.detach(), 0.1 * kl.detach())


def test_ratio_one_gives_the_policy_gradient_of_the_advantage():
    # With old = logp (one update per batch), d loss / d logp = -A per token: REINFORCE with a group baseline.
    logp = torch.tensor([[-0.3, -0.7], [-1.2, -0.1]], dtype=torch.float64, requires_grad=True)
    adv = torch.tensor([1.5, -0.5], dtype=torch.float64)
    mask = torch.tensor([[1, 1], [1, 0]], dtype=torch.float64)
    loss, _c, _k = grpo_token_loss(logp, logp.detach(), adv, mask, 0.2, 0.28)
    normalize_loss(loss, mask, "token", 3, 2).backward()
    assert torch.allclose(logp.grad, torch.tensor([[-1.5, -1.5], [0.5, 0.0]], dtype=torch.float64) / 3)


def test_token_and_sequence_normalisation_over_micro_batches():
    tok = torch.tensor([[1.0, 2.0, 3.0], [4.0, 0.0, 0.0]], dtype=torch.float64)
    mask = torch.tensor([[1, 1, 1], [1, 0, 0]], dtype=torch.float64)
    # split into two micro-batches: the sum of their shares is the step's loss
    token = normalize_loss(tok[:1], mask[:1], "token", 4, 2) + normalize_loss(tok[1:], mask[1:], "token", 4, 2)
    assert token.item() == pytest.approx((1 + 2 + 3 + 4) / 4)
    seq = normalize_loss(tok[:1], mask[:1], "sequence", 4, 2) + normalize_loss(tok[1:], mask[1:], "sequence", 4, 2)
    assert seq.item() == pytest.approx((6 / 3 + 4 / 1) / 2)
