import itertools

import torch

from humanoid_lmm.tokenizer import EMAVectorQuantizer, LookupFreeQuantizer


def test_lfq_ids_codes_roundtrip_and_bit_order():
    q = LookupFreeQuantizer(5)
    ids = torch.arange(32)
    codes = q.ids_to_codes(ids)
    assert set(codes.unique().tolist()) == {-1.0, 1.0}
    assert torch.equal(q.codes_to_ids(codes), ids)
    # id = sum 2^i [z_i > 0]: only bit 0 positive -> 1, bits 0 and 2 -> 5; z == 0 counts as negative
    assert q.codes_to_ids(torch.tensor([[0.3, -1, -2, -0.1, 0.0]])).item() == 1
    assert q.codes_to_ids(torch.tensor([[0.3, -1, 2, -0.1, 0.0]])).item() == 5


def test_lfq_straight_through_gradient():
    q = LookupFreeQuantizer(4).eval()
    z = torch.randn(10, 4, requires_grad=True)
    out, ids, aux = q(z)
    assert torch.equal(out.detach(), torch.where(z > 0, 1.0, -1.0))
    w = torch.randn(10, 4)
    (out * w).sum().backward()
    assert torch.allclose(z.grad, w)


def test_lfq_entropy_matches_brute_force_softmax():
    torch.manual_seed(0)
    bits, tau = 4, 0.7
    q = LookupFreeQuantizer(bits, temperature=tau).train()
    z = torch.randn(64, bits)
    codes = torch.tensor(list(itertools.product([-1.0, 1.0], repeat=bits)))  # (16, 4)
    logits = -((z[:, None, :] - codes[None]) ** 2).sum(-1) / tau  # (N, 16)
    p = logits.softmax(-1)
    sample_h = -(p * p.log()).sum(-1).mean()
    avg = p.mean(0)
    codebook_h = -(avg * avg.log()).sum()
    assert torch.allclose(q._entropy_penalty(z), sample_h - codebook_h, atol=1e-4)


def test_lfq_entropy_penalty_prefers_confident_diverse_codes():
    q = LookupFreeQuantizer(3).train()
    diverse = LookupFreeQuantizer(3).ids_to_codes(torch.arange(8)).repeat(4, 1) * 3  # all codes, confident
    collapsed = torch.full((32, 3), 3.0)  # one code
    uncertain = torch.randn(32, 3) * 0.01
    assert q._entropy_penalty(diverse) < q._entropy_penalty(collapsed)
    assert q._entropy_penalty(diverse) < q._entropy_penalty(uncertain)


def test_vq_ema_moves_codes_to_data_and_resets_dead_codes():
    torch.manual_seed(0)
    vq = EMAVectorQuantizer(8, 2, decay=0.5, dead_threshold=0.5).train()
    centres = torch.tensor([[5.0, 5.0], [-5.0, 5.0]])
    data = centres.repeat(32, 1) + 0.01 * torch.randn(64, 2)
    for _ in range(30):
        out, ids, aux = vq(data)
    # every data point is quantised to (almost) its centre
    assert torch.allclose(out, centres.repeat(32, 1), atol=0.1)
    assert aux["commit"] < 1e-2
    # dead codes were re-initialised on data points rather than staying at random places
    assert (vq.codebook.abs() > 4).all()
    vq.eval()
    before = vq.codebook.clone()
    vq(torch.randn(16, 2))
    assert torch.equal(before, vq.codebook)  # no update in eval mode
