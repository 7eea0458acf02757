"""Reconstruction metrics of a MotionTokenizer on whole motions (the held-out split of a corpus).

Per motion: ``recon = tok.reconstruct(motion)`` (encode, decode, cut to length, same start xy), then
joint positions by FK on the canonical skeleton of both:

* ``mpjpe_mm``: mean over frames and 22 joints of |p_rec - p_gt| after subtracting each frame's pelvis
  position (root-relative pose error) [mm];
* ``global_mpjpe_mm``: the same without root alignment (includes the integrated root drift) [mm];
* ``root_error_mm``: mean pelvis position error [mm] (xy integrated from the decoded velocities);
* ``utilisation``: distinct token ids used / codebook size; ``perplexity``: exp of the entropy of the
  id histogram (all parts pooled);
* ``tokens_per_second``: tokens per second of motion (fps / alpha * P).

Frame-weighted averages over all motions.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import numpy as np

from ..motion import Motion
from .tokenizer import MotionTokenizer

__all__ = ["evaluate_tokenizer", "reconstruction_errors"]


def reconstruction_errors(gt: Motion, rec: Motion) -> dict[str, float]:
    """Per-motion errors [mm] between two motions of the same length."""
    pg, pr = gt.positions(), rec.positions()  # (T, 22, 3) [m]
    rel = (pr - pr[:, :1]) - (pg - pg[:, :1])
    return {
        "mpjpe_mm": float(np.linalg.norm(rel, axis=-1).mean() * 1000),
        "global_mpjpe_mm": float(np.linalg.norm(pr - pg, axis=-1).mean() * 1000),
        "root_error_mm": float(np.linalg.norm(pr[:, 0] - pg[:, 0], axis=-1).mean() * 1000),
    }


def evaluate_tokenizer(tok: MotionTokenizer, motions: Iterable[Motion], max_motions: int | None = None) -> dict:
    """Frame-weighted reconstruction errors and codebook statistics over ``motions``."""
    sums = {"mpjpe_mm": 0.0, "global_mpjpe_mm": 0.0, "root_error_mm": 0.0}
    frames = 0
    counts = np.zeros(tok.codebook_size, dtype=np.int64)
    n = 0
    t_enc = t_dec = 0.0
    for m in motions:
        if max_motions is not None and n >= max_motions:
            break
        t = time.perf_counter()
        ids = tok.encode(m)
        t_enc += time.perf_counter() - t
        t = time.perf_counter()
        rec = tok.decode(ids, m.text, start_xy=m.root_pos[0, :2]).slice(0, m.n_frames)
        t_dec += time.perf_counter() - t
        np.add.at(counts, ids.reshape(-1), 1)
        for k, v in reconstruction_errors(m, rec).items():
            sums[k] += v * m.n_frames
        frames += m.n_frames
        n += 1
    if n == 0:
        raise ValueError("evaluate_tokenizer: no motions")
    p = counts[counts > 0] / counts.sum()
    return {
        "motions": n,
        "frames": frames,
        **{k: v / frames for k, v in sums.items()},
        "used_codes": int((counts > 0).sum()),
        "codebook_size": tok.codebook_size,
        "utilisation": float((counts > 0).sum() / tok.codebook_size),
        "perplexity": float(np.exp(-(p * np.log(p)).sum())),
        "tokens_per_second": tok.tokens_per_second,
        "encode_frames_per_s": frames / max(t_enc, 1e-9),
        "decode_frames_per_s": frames / max(t_dec, 1e-9),
    }
