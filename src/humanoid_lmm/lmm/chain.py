"""Joining motions end to end in the world: each next motion starts where and facing how the last ended.

The motion tokenizer encodes the pelvis heading absolutely, so motion tokens of two clips cannot simply be
concatenated (after "turn right", the next clip would snap back to the old heading). Instead each action
is decoded on its own and rotated about z and moved so that its first frame continues the last frame of
the previous one. Corpus clips start and end standing still, so the joins are between rest poses.

    motion = chain_motions([wave, squat])     # Motions at the same fps -> one Motion
"""
from __future__ import annotations

import numpy as np

from humanoid_lmm.errors import MotionError
from humanoid_lmm.motion import Motion
from humanoid_lmm.motion.ops import heading
from humanoid_lmm.motion.rotations import axis_angle_to_matrix, matrix_to_axis_angle

__all__ = ["chain_motions"]


def _yaw(angle: float) -> np.ndarray:
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def chain_motions(motions: list[Motion], text: str = "") -> Motion:
    """One Motion of ``motions`` in order; motion k+1 is turned by (last heading of k - first heading of
    k+1) [rad] about its first pelvis position, which is moved onto the last pelvis xy of k."""
    if not motions:
        raise MotionError("chain_motions: no motions")
    fps = motions[0].fps
    if any(abs(m.fps - fps) > 1e-9 for m in motions):
        raise MotionError(f"chain_motions: all motions need the same fps, got {[m.fps for m in motions]}")
    roots, rots = [motions[0].root_pos], [motions[0].rotations]
    last = motions[0]
    for m in motions[1:]:
        R = _yaw(float(heading(last)[-1] - heading(m)[0]))
        root = (m.root_pos - m.root_pos[0] * [1.0, 1.0, 0.0]) @ R.T
        root[:, :2] += last.root_pos[-1, :2]
        rot = m.rotations.copy()
        rot[:, 0] = matrix_to_axis_angle(R @ axis_angle_to_matrix(m.rotations[:, 0]))
        last = Motion(fps, root, rot, m.text)
        roots.append(root)
        rots.append(rot)
    return Motion(fps, np.concatenate(roots), np.concatenate(rots), text or " then ".join(m.text for m in motions))
