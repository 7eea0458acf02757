"""The HumanML3D text-to-motion metrics on evaluator embeddings, with the protocol's replications.

Per replication (Guo et al. 2022, ``eval_t2m``): the test pairs are shuffled and cut into batches of
32; in each batch every text ranks the 32 motions by Euclidean distance and R@k counts the texts whose
own motion is among the k nearest; MM-Dist is the mean text-to-own-motion distance. FID compares the
Gaussian of the motion embeddings with that of the real test motions; Diversity is the mean distance
of ``diversity_pairs`` random motion pairs; MModality the mean distance between pairs of motions
generated for the same text. Each metric is reported as mean and 95 % confidence interval
(1.96 std / sqrt(replications)) over the replications.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import linalg

__all__ = ["METRICS", "Interval", "r_precision", "fid", "gaussian", "diversity", "multimodality", "replicate"]

METRICS = ("R@1", "R@2", "R@3", "FID", "MM-Dist", "Diversity", "MModality")


@dataclass(frozen=True)
class Interval:
    mean: float
    ci95: float

    def __str__(self) -> str:
        m = 0.0 if abs(self.mean) < 5e-4 else self.mean     # no "-0.000" for a numerically zero FID
        return f"{m:.3f}±{self.ci95:.3f}"


def r_precision(text: np.ndarray, motion: np.ndarray, order: np.ndarray, batch: int = 32, top_k: int = 3):
    """(R@1..R@top_k array, MM-Dist) over the full batches of ``order`` (row i of text pairs with row i
    of motion)."""
    hits, dists, n = np.zeros(top_k), [], 0
    for i in range(0, len(order) - batch + 1, batch):
        idx = order[i:i + batch]
        d = np.linalg.norm(text[idx, None] - motion[None, idx], axis=-1)     # (32, 32)
        rank = (d < np.diag(d)[:, None]).sum(1)                             # motions nearer than its own
        hits += [(rank < k).sum() for k in range(1, top_k + 1)]
        dists.append(np.diag(d))
        n += batch
    if n == 0:
        raise ValueError(f"r_precision: need at least {batch} pairs, got {len(order)}")
    return hits / n, float(np.concatenate(dists).mean())


def gaussian(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return x.mean(0), np.cov(x, rowvar=False)


def fid(x: np.ndarray, ref: tuple[np.ndarray, np.ndarray]) -> float:
    """Fréchet distance between the Gaussian of ``x`` (N, D) and ``ref`` = (mean, cov)."""
    mu1, s1 = gaussian(x)
    mu2, s2 = ref
    covmean = linalg.sqrtm(s1 @ s2)
    if not np.isfinite(covmean).all():
        off = np.eye(len(s1)) * 1e-6
        covmean = linalg.sqrtm((s1 + off) @ (s2 + off))
    covmean = np.real(covmean)
    return float(((mu1 - mu2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean))


def diversity(x: np.ndarray, pairs: int, rng: np.random.Generator) -> float:
    pairs = min(pairs, len(x) - 1)
    a, b = rng.choice(len(x), pairs, replace=False), rng.choice(len(x), pairs, replace=False)
    return float(np.linalg.norm(x[a] - x[b], axis=-1).mean())


def multimodality(groups: np.ndarray, pairs: int, rng: np.random.Generator) -> float:
    """(N, K, D) K motions per text -> mean distance of ``pairs`` random same-text pairs per text."""
    K = groups.shape[1]
    if K < 2:
        return float("nan")
    a = rng.integers(0, K, (len(groups), pairs))
    b = (a + rng.integers(1, K, (len(groups), pairs))) % K                   # a different sample
    rows = np.arange(len(groups))[:, None]
    return float(np.linalg.norm(groups[rows, a] - groups[rows, b], axis=-1).mean())


def replicate(text: np.ndarray, samples: np.ndarray, ref: tuple[np.ndarray, np.ndarray], replications: int = 20,
              batch: int = 32, seed: int = 0, diversity_pairs: int = 300, mm_pairs: int = 10,
              fid_motions: np.ndarray | None = None) -> dict[str, Interval]:
    """Metrics of one table row. ``text`` (N, D); ``samples`` (N, K, D): K motions per text (replication
    r uses sample r mod K of every text); ``ref``: real-motion Gaussian for FID; ``fid_motions``
    (M, D): FID of this set instead (the Real row's disjoint real clips)."""
    rng = np.random.default_rng(seed)
    N, K, _ = samples.shape
    vals = {m: [] for m in METRICS}
    for r in range(replications):
        motion = samples[:, r % K]
        (r1, r2, r3), mm = r_precision(text, motion, rng.permutation(N), batch)
        vals["R@1"].append(r1), vals["R@2"].append(r2), vals["R@3"].append(r3), vals["MM-Dist"].append(mm)
        vals["FID"].append(fid(motion if fid_motions is None else fid_motions, ref))
        vals["Diversity"].append(diversity(motion, diversity_pairs, rng))
        vals["MModality"].append(multimodality(samples, mm_pairs, rng))
    out = {}
    for m, v in vals.items():
        v = np.asarray(v, dtype=np.float64)
        out[m] = Interval(float(v.mean()), float(1.96 * v.std() / np.sqrt(len(v))))
    return out
