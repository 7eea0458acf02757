"""The protocol's metrics on synthetic embeddings: perfect pairs, shuffled pairs, FID, MModality."""
import numpy as np
import pytest

from humanoid_lmm.eval.t2m_metrics import diversity, fid, gaussian, multimodality, r_precision, replicate


def _unit(x):
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def test_r_precision_of_matched_and_shuffled_pairs():
    rng = np.random.default_rng(0)
    m = _unit(rng.normal(size=(640, 16)))
    t = _unit(m + 0.01 * rng.normal(size=m.shape))
    r, mm = r_precision(t, m, rng.permutation(640))
    assert r[0] == 1.0 and mm < 0.05
    chance = np.mean([r_precision(t[rng.permutation(640)], m, rng.permutation(640))[0] for _ in range(20)], 0)
    assert chance[0] == pytest.approx(1 / 32, abs=0.012) and chance[2] == pytest.approx(3 / 32, abs=0.02)
    with pytest.raises(ValueError, match="at least 32"):
        r_precision(t[:10], m[:10], np.arange(10))


def test_fid_diversity_multimodality():
    rng = np.random.default_rng(1)
    a = rng.normal(size=(2000, 8))
    assert fid(a, gaussian(a)) == pytest.approx(0.0, abs=1e-6)
    assert fid(a + 1.0, gaussian(a)) == pytest.approx(8.0, rel=0.05)      # |mean shift|^2 = 8
    assert diversity(a, 300, rng) == pytest.approx(np.sqrt(2 * 8), rel=0.1)
    same = np.repeat(a[:50, None], 4, 1)
    assert multimodality(same, 10, rng) == 0.0
    assert np.isnan(multimodality(a[:50, None], 10, rng))


def test_replicate_gives_means_and_intervals():
    rng = np.random.default_rng(2)
    m = _unit(rng.normal(size=(128, 16)))
    t = _unit(m + 0.3 * rng.normal(size=m.shape))
    samples = np.stack([_unit(m + 0.2 * rng.normal(size=m.shape)) for _ in range(3)], 1)
    rows = replicate(t, samples, gaussian(m), replications=20)
    assert set(rows) == {"R@1", "R@2", "R@3", "FID", "MM-Dist", "Diversity", "MModality"}
    assert 0 < rows["R@1"].mean <= rows["R@2"].mean <= rows["R@3"].mean <= 1
    assert rows["R@1"].ci95 > 0 and rows["MModality"].mean > 0
    real = replicate(t, m[:, None], gaussian(m), replications=20)
    assert real["FID"].mean == pytest.approx(0.0, abs=1e-6) and real["R@1"].mean >= rows["R@1"].mean
