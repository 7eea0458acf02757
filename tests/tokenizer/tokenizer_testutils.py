"""Helpers of the tokenizer tests (a module name unique across tests/, unlike ``conftest``)."""

from __future__ import annotations

import numpy as np

from humanoid_lmm.motion import REST_PELVIS_HEIGHT, Motion
from humanoid_lmm.tokenizer import MotionTokenizerConfig


def smooth_motion(n_frames: int = 40, seed: int = 0, fps: float = 20.0) -> Motion:
    """A smooth sinusoidal motion: walking-forward pelvis, every joint oscillating (CPU, microseconds)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n_frames)[:, None, None] / fps
    amp = rng.uniform(0.05, 0.4, size=(1, 22, 3))
    freq = rng.uniform(0.3, 1.5, size=(1, 22, 3))
    phase = rng.uniform(0, 2 * np.pi, size=(1, 22, 3))
    rot = amp * np.sin(2 * np.pi * freq * t + phase)
    root = np.zeros((n_frames, 3))
    root[:, 0] = 0.8 * t[:, 0, 0]
    root[:, 2] = REST_PELVIS_HEIGHT + 0.02 * np.sin(4 * t[:, 0, 0])
    return Motion(fps, root, rot, text=f"smooth {seed}")


def tiny_config(**kw) -> MotionTokenizerConfig:
    base = dict(codebook_bits=6, vq_codes=16, vq_dim=8, width=16, res_blocks=1)
    base.update(kw)
    return MotionTokenizerConfig(**base)
