"""Training data of the tokenizer: a corpus split as a list of (T_i, 135) d135 arrays, normalisation
statistics, and a seeded sampler of fixed-length windows with a validity mask (short motions padded).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import ConfigError
from ..motion import Motion, motion_to_d135

__all__ = ["load_split_d135", "load_split_motions", "d135_stats", "rotate_heading", "WindowSampler", "MIN_STD"]

MIN_STD = 1e-2  # floor of the per-column std used for normalisation (near-constant 6D columns)


def load_split_motions(root: str | Path, split: str) -> list[Motion]:
    """Motions of one split of a corpus directory.

    A MotionLib dataset (``root/index.json``, ``humanoid_lmm.motion.dataset.MotionLibDataset``), or else
    every ``*.npz`` (``Motion.save_npz`` format) under ``root/split``.
    """
    root = Path(root)
    if not root.exists():
        raise ConfigError(f"corpus {root} does not exist")
    if (root / "index.json").is_file():
        from ..motion.dataset import MotionLibDataset

        ds = MotionLibDataset(root, split)
        if len(ds) == 0:
            raise ConfigError(f"corpus {root}: split {split!r} is empty")
        return [ds[i].motion for i in range(len(ds))]
    files = sorted((root / split).rglob("*.npz"))
    if not files:
        raise ConfigError(f"corpus {root}: no motions for split {split!r} (looked for {root / split}/**/*.npz)")
    return [Motion.load_npz(f) for f in files]


def load_split_d135(root, split: str, fps: float | None = None) -> list[np.ndarray]:
    """(T_i, 135) float32 features of every motion in the split; checks the fps when given.

    ``root``: one corpus directory or a list of them (their splits are concatenated).
    """
    if isinstance(root, (list, tuple)):
        return [x for r in root for x in load_split_d135(r, split, fps)]
    motions = load_split_motions(root, split)
    if fps is not None:
        bad = [m.fps for m in motions if abs(m.fps - fps) > 1e-6]
        if bad:
            raise ConfigError(f"corpus {root}/{split}: {len(bad)} motions not at {fps:g} fps (e.g. {bad[0]:g})")
    return [motion_to_d135(m) for m in motions]


def d135_stats(seqs: list[np.ndarray], min_std: float = MIN_STD) -> tuple[np.ndarray, np.ndarray]:
    """Per-column mean and std (floored at ``min_std``) over all frames, float32 (135,) each."""
    cat = np.concatenate(seqs, 0).astype(np.float64)
    return cat.mean(0).astype(np.float32), np.maximum(cat.std(0), min_std).astype(np.float32)


def rotate_heading(x: np.ndarray, yaw: np.ndarray) -> np.ndarray:
    """Turn whole d135 windows (B, T, 135) about the world z axis by ``yaw`` (B,) [rad].

    Only the absolute root rotation changes (both stored 6D columns are rotated about z); the root
    velocity is expressed in the heading frame and the height and joint rotations are local, so they
    are unchanged. Returns a new array.
    """
    out = x.copy()
    c, s = np.cos(yaw)[:, None], np.sin(yaw)[:, None]
    for k in (0, 3):  # the two 6D columns: (x, y, z) at k, k+1, k+2
        vx, vy = x[..., k], x[..., k + 1]
        out[..., k] = c * vx - s * vy
        out[..., k + 1] = s * vx + c * vy
    return out


class WindowSampler:
    """Random fixed-length windows from variable-length sequences, deterministic for a given seed.

    A sequence shorter than the window is padded by repeating its last frame; the mask marks padding.
    Sequences are drawn with probability proportional to their number of windows (at least 1).
    ``yaw_augment``: turn each window about z by a uniform random heading (see :func:`rotate_heading`).
    """

    def __init__(self, seqs: list[np.ndarray], window: int, seed: int = 0, yaw_augment: bool = False):
        if not seqs:
            raise ConfigError("WindowSampler: empty list of sequences")
        self.seqs = seqs
        self.window = window
        self.yaw_augment = yaw_augment
        self.rng = np.random.default_rng(seed)
        weights = np.array([max(len(s) - window + 1, 1) for s in seqs], dtype=np.float64)
        self.p = weights / weights.sum()

    def sample(self, batch_size: int) -> tuple[np.ndarray, np.ndarray]:
        """-> x (B, W, 135) float32, mask (B, W) bool."""
        W = self.window
        x = np.empty((batch_size, W, 135), dtype=np.float32)
        mask = np.ones((batch_size, W), dtype=bool)
        for b, i in enumerate(self.rng.choice(len(self.seqs), size=batch_size, p=self.p)):
            s = self.seqs[i]
            if len(s) >= W:
                start = int(self.rng.integers(0, len(s) - W + 1))
                x[b] = s[start : start + W]
            else:
                x[b, : len(s)] = s
                x[b, len(s) :] = s[-1]
                mask[b, len(s) :] = False
        if self.yaw_augment:
            x = rotate_heading(x, self.rng.uniform(-np.pi, np.pi, batch_size)).astype(np.float32)
        return x, mask

    def state(self) -> dict:
        return self.rng.bit_generator.state

    def set_state(self, state: dict) -> None:
        self.rng.bit_generator.state = state
