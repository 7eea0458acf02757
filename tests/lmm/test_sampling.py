"""sample_token draws from the temperature / top-k / top-p filtered distribution (empirical check)."""

import numpy as np
import pytest
import torch

from humanoid_lmm.lmm import sample_token
from humanoid_lmm.lmm.configuration_lmm import SamplingConfig

LOGITS = torch.tensor([[2.0, float("-inf"), 1.0, 0.5, 0.0, -1.0, float("-inf")]])


def filtered(temperature, top_k, top_p):
    """Reference: the textbook filter on the full vector."""
    x = LOGITS[0].double().numpy() / temperature
    order = np.argsort(-x, kind="stable")
    keep = np.zeros_like(x, bool)
    keep[order[: (top_k or len(x))]] = True
    p = np.where(keep, np.exp(x - x.max()), 0.0)
    p /= p.sum()
    ps = p[order]
    nucleus = (np.cumsum(ps) - ps) < top_p
    out = np.zeros_like(p)
    out[order[nucleus]] = ps[nucleus]
    return out / out.sum()


@pytest.mark.parametrize("temperature, top_k, top_p", [(1.0, 0, 1.0), (0.7, 0, 0.9), (1.5, 3, 1.0), (1.0, 4, 0.8)])
def test_empirical_distribution_matches_the_filter(temperature, top_k, top_p):
    cfg = SamplingConfig(temperature=temperature, top_k=top_k, top_p=top_p)
    g = torch.Generator().manual_seed(0)
    n = 20000
    counts = np.bincount([sample_token(LOGITS, cfg, g) for _ in range(n)], minlength=LOGITS.shape[1])
    want = filtered(temperature, top_k, top_p)
    assert np.all(counts[want == 0] == 0), (counts, want)  # -inf and filtered tokens never drawn
    sigma = np.sqrt(want * (1 - want) / n)
    assert np.all(np.abs(counts / n - want) <= 5 * sigma + 1e-12), (counts / n, want)


def test_greedy_and_seeded():
    assert sample_token(LOGITS, SamplingConfig(temperature=0.0), None) == 0
    cfg = SamplingConfig()
    a = [sample_token(LOGITS, cfg, torch.Generator().manual_seed(3)) for _ in range(5)]
    b = [sample_token(LOGITS, cfg, torch.Generator().manual_seed(3)) for _ in range(5)]
    assert a == b
