"""Whole-motion operations: resampling, ground alignment, canonical facing, a held pose held longer.

All return a new :class:`Motion` (motions are immutable). Frames: z-up, x forward, y left; metres.
"""

from __future__ import annotations

import numpy as np

from ..errors import MotionError
from .motion import Motion
from .rotations import (
    axis_angle_to_matrix,
    axis_angle_to_quat,
    matrix_to_axis_angle,
    quat_slerp,
    quat_to_axis_angle,
)
from .skeleton import FOOT_JOINTS

__all__ = ["resample", "ground_align", "canonical_facing", "heading", "retime_hold", "change_speed"]


def resample(motion: Motion, fps: float) -> Motion:
    """Resample to ``fps`` [1/s]: linear root position, slerp of every joint rotation.

    Output frame k is at time ``k / fps``; frames cover ``[0, (T-1) / motion.fps]`` (the last input frame's
    time is the last output time that fits), so the duration in frames is ``floor((T-1) * fps / in_fps) + 1``.
    """
    try:
        fps = float(fps)
    except (TypeError, ValueError):
        raise MotionError(f"resample: fps must be a number, got {fps!r}") from None
    if not np.isfinite(fps) or fps <= 0:
        raise MotionError(f"resample: fps must be > 0, got {fps!r}")
    T = motion.n_frames
    if abs(fps - motion.fps) < 1e-12 or T == 1:
        return Motion(fps, motion.root_pos, motion.rotations, motion.text)
    t_end = (T - 1) / motion.fps
    n = int(np.floor(t_end * fps + 1e-9)) + 1
    src = np.arange(n) / fps * motion.fps  # fractional input frame index
    i0 = np.clip(np.floor(src).astype(int), 0, T - 2)
    a = src - i0  # (n,) in [0, 1]
    root = motion.root_pos[i0] * (1 - a[:, None]) + motion.root_pos[i0 + 1] * a[:, None]
    q = axis_angle_to_quat(motion.rotations)  # (T, 22, 4)
    qs = quat_slerp(q[i0], q[i0 + 1], np.repeat(a[:, None], q.shape[1], 1))
    return Motion(fps, root, quat_to_axis_angle(qs), motion.text)


def ground_align(motion: Motion, mode: str = "min") -> Motion:
    """Shift the motion vertically so the lowest foot joint touches z = 0.

    Args:
        mode: ``"min"`` the lowest foot joint over the whole motion; ``"first"`` the lowest in frame 0;
            ``"percentile"`` the 5th percentile of per-frame lowest foot joints (robust to a few jumps
            below the floor).
    """
    z = motion.positions()[:, list(FOOT_JOINTS), 2].min(1)  # (T,) lowest foot joint per frame
    if mode == "min":
        dz = z.min()
    elif mode == "first":
        dz = z[0]
    elif mode == "percentile":
        dz = np.percentile(z, 5)
    else:
        raise MotionError(f"ground_align: mode must be 'min', 'first' or 'percentile', got {mode!r}")
    return Motion(motion.fps, motion.root_pos - [0.0, 0.0, dz], motion.rotations, motion.text)


def heading(motion: Motion) -> np.ndarray:
    """(T,) heading yaw [rad] of the pelvis: direction of its forward (x) axis projected on the ground."""
    R = axis_angle_to_matrix(motion.rotations[:, 0])
    return np.arctan2(R[:, 1, 0], R[:, 0, 0])


def canonical_facing(motion: Motion) -> Motion:
    """Rotate about z (through the frame-0 pelvis) so frame 0 faces +x, and move root xy of frame 0 to 0.

    The facing is the pelvis heading (:func:`heading`); height and all local joint rotations are kept.
    """
    yaw = heading(motion)[0]
    c, s = np.cos(-yaw), np.sin(-yaw)
    Rz = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
    root = motion.root_pos - [motion.root_pos[0, 0], motion.root_pos[0, 1], 0.0]
    root = root @ Rz.T
    rot = motion.rotations.copy()
    rot[:, 0] = matrix_to_axis_angle(Rz @ axis_angle_to_matrix(motion.rotations[:, 0]))
    return Motion(motion.fps, root, rot, motion.text)


def retime_hold(motion: Motion, seconds: float, speed: float = 0.1, min_still_s: float = 0.4,
                keep_s: float = 0.5) -> Motion | None:
    """The motion with its held pose held longer (or shorter) so that it lasts ``seconds`` [s].

    The hold is the longest stretch of frames in which every joint moves slower than ``speed`` [m/s];
    its middle frame is repeated (or frames of the stretch are dropped, keeping at least ``keep_s``).
    The way into the pose and out of it are kept as they are. None when the motion has no still
    stretch of at least ``min_still_s`` [s] (nothing is held) or cannot be made that short."""
    pos = motion.positions()
    still = np.r_[False, (np.linalg.norm(np.diff(pos, axis=0), axis=-1).max(-1) * motion.fps) < speed]
    best, start, run = (0, 0), None, 0
    for t, s in enumerate(np.r_[still, False]):
        if s:
            start = t if start is None else start
        elif start is not None:
            best, start = max(best, (t - start, start)), None
    length, first = best
    if length < min_still_s * motion.fps:
        return None
    change = int(round(seconds * motion.fps)) - motion.n_frames
    if change < 0 and length + change < keep_s * motion.fps:
        return None
    mid = first + length // 2
    if change >= 0:
        idx = np.r_[np.arange(mid + 1), np.full(change, mid), np.arange(mid + 1, motion.n_frames)]
    else:
        idx = np.r_[np.arange(mid + 1), np.arange(mid + 1 - change, motion.n_frames)]
    return Motion(motion.fps, motion.root_pos[idx], motion.rotations[idx], motion.text)


def change_speed(motion: Motion, speed: float) -> Motion:
    """The motion played ``speed`` times as fast (> 1 faster, < 1 slower), at its own frame rate: the same
    poses along the same path, the timing scaled as the corpus scales a "quickly" or "slowly" clip."""
    if not np.isfinite(speed) or speed <= 0:
        raise MotionError(f"change_speed: speed must be a number > 0, got {speed!r}")
    return resample(Motion(motion.fps * speed, motion.root_pos, motion.rotations, motion.text), motion.fps)
