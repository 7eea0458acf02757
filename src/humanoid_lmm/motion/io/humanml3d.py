"""HumanML3D: import ``new_joints`` positions, export the 263-dim ``new_joint_vecs`` features.

Import: ``new_joints/*.npy`` are (T, 22, 3) SMPL-order joint positions, y-up (z forward, x left), metres,
20 fps; converted to our frame and fitted with the position IK (scaled by height).

Export (:func:`motion_to_hml263`) follows the public definition (HumanML3D ``motion_representation``,
``process_file``) on our FK positions, with feet-contact threshold 0.002 m^2/frame^2 on the squared
displacement of the ankle + toe joints. Per frame ``t`` of ``T - 1`` (the last frame has no velocity):

=========  =====  ==========================================================================
slice      dims   content (y-up, each frame expressed in the heading frame ``r_t``)
=========  =====  ==========================================================================
0          1      root angular velocity about y [rad/frame] (``arcsin`` of the quaternion's y part)
1:3        2      root linear velocity (x, z) [m/frame] in the heading frame of frame t+1
3          1      root height y [m]
4:67       63     ric: joints 1..21 positions relative to the root's ground point, heading frame
67:193     126    joints 1..21 local rotations, 6D (first two matrix columns), y-up frame
193:259    66     local velocities of all 22 joints [m/frame], heading frame
259:263    4      foot contacts (left ankle, left toe, right ankle, right toe) in {0, 1}
=========  =====  ==========================================================================

Before the features the motion is made canonical like HumanML3D: lowest joint on the floor (y = 0), root
xz of frame 0 at the origin, frame 0 facing +z (heading from the hips and shoulders "across" vector).
Differences from the original, documented on purpose: no re-targeting to HumanML3D's uniform skeleton
(we use our canonical SMPL skeleton, which is close), and the 6D rotations are our SMPL local rotations
(T-pose rest), not HumanML3D's own IK angles; standard T2M evaluators read the ric / velocity / contact
parts, and their Mean/Std normalisation is left to the evaluator.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ...errors import MotionError
from ..motion import Motion
from ..rotations import axis_angle_to_matrix, matrix_to_6d, quat_inverse, quat_multiply, quat_rotate
from ..skeleton import NUM_JOINTS
from .axes import OURS_TO_Y_UP, yup_to_ours
from .ik import IKResult, positions_to_motion

__all__ = ["HML_DIM", "HML_FPS", "load_new_joints", "motion_to_hml263", "hml263_to_positions", "hml_canonical_positions"]

HML_DIM = 263
HML_FPS = 20.0
_FID_L, _FID_R = (7, 10), (8, 11)
_FACE = (2, 1, 17, 16)  # r_hip, l_hip, sdr_r, sdr_l (SMPL indices)


def load_new_joints(path: str | Path, *, fps: float = HML_FPS, refine_steps: int = 30, text: str = "") -> IKResult:
    """HumanML3D ``new_joints`` .npy (T, 22, 3), y-up -> :class:`IKResult` (motion + residual mm)."""
    path = Path(path)
    if not path.is_file():
        raise MotionError(f"load_new_joints: no such file {path}")
    pos = np.load(path)
    if pos.ndim != 3 or pos.shape[1:] != (NUM_JOINTS, 3):
        raise MotionError(f"load_new_joints: {path}: expected (T, 22, 3), got {pos.shape}")
    return positions_to_motion(yup_to_ours(pos), fps, refine_steps=refine_steps, text=text)


def _heading_quat(pos: np.ndarray) -> np.ndarray:
    """(T, 22, 3) y-up positions -> (T, 4) quaternion rotating the facing direction onto +z."""
    r_hip, l_hip, sdr_r, sdr_l = _FACE
    across = (pos[:, r_hip] - pos[:, l_hip]) + (pos[:, sdr_r] - pos[:, sdr_l])
    across /= np.linalg.norm(across, axis=-1, keepdims=True)
    forward = np.cross(np.array([0.0, 1.0, 0.0]), across)
    forward /= np.linalg.norm(forward, axis=-1, keepdims=True)
    target = np.array([0.0, 0.0, 1.0])
    # quaternion between forward and +z (rotation about y)
    v = np.cross(forward, target)
    w = np.sqrt((forward**2).sum(-1) * (target**2).sum()) + (forward * target).sum(-1)
    q = np.concatenate([w[:, None], v], -1)
    return q / np.linalg.norm(q, axis=-1, keepdims=True)


def hml_canonical_positions(motion: Motion) -> np.ndarray:
    """(T, 22, 3) y-up positions on the floor, root xz of frame 0 at the origin, frame 0 facing +z."""
    pos = motion.positions() @ OURS_TO_Y_UP.T
    pos = pos - [0.0, pos[..., 1].min(), 0.0]
    pos = pos - [pos[0, 0, 0], 0.0, pos[0, 0, 2]]
    q0 = _heading_quat(pos[:1])[0]
    return quat_rotate(np.broadcast_to(q0, pos.shape[:-1] + (4,)), pos)


def motion_to_hml263(motion: Motion) -> np.ndarray:
    """(T-1, 263) float32 HumanML3D features of ``motion`` (T >= 2); layout in the module docstring."""
    if motion.n_frames < 2:
        raise MotionError("motion_to_hml263: needs at least 2 frames")
    pos = hml_canonical_positions(motion)  # (T, 22, 3)
    T = pos.shape[0]
    r_rot = _heading_quat(pos)  # (T, 4)
    # contacts
    def contact(fid):
        d = ((pos[1:, list(fid)] - pos[:-1, list(fid)]) ** 2).sum(-1)  # (T-1, 2)
        return (d < 0.002).astype(np.float64)

    feet_l, feet_r = contact(_FID_L), contact(_FID_R)
    # ric: relative to root xz, rotated into the heading frame
    ric = pos.copy()
    ric[..., 0] -= ric[:, :1, 0]
    ric[..., 2] -= ric[:, :1, 2]
    ric = quat_rotate(np.repeat(r_rot[:, None], NUM_JOINTS, 1), ric)
    ric_data = ric[:, 1:].reshape(T, -1)
    # local rotations (6D) in the y-up frame
    C = OURS_TO_Y_UP
    R = C @ axis_angle_to_matrix(motion.rotations) @ C.T
    rot_data = matrix_to_6d(R[:, 1:]).reshape(T, -1)
    # local velocities
    local_vel = quat_rotate(np.repeat(r_rot[:-1, None], NUM_JOINTS, 1), pos[1:] - pos[:-1]).reshape(T - 1, -1)
    # root
    velocity = quat_rotate(r_rot[1:], pos[1:, 0] - pos[:-1, 0])
    r_vel = quat_multiply(r_rot[1:], quat_inverse(r_rot[:-1]))
    root_data = np.concatenate([np.arcsin(np.clip(r_vel[:, 2:3], -1, 1)), velocity[:, [0, 2]], pos[:-1, 0, 1:2]], -1)
    data = np.concatenate([root_data, ric_data[:-1], rot_data[:-1], local_vel, feet_l, feet_r], -1)
    assert data.shape == (T - 1, HML_DIM), data.shape
    return data.astype(np.float32)


def hml263_to_positions(data: np.ndarray) -> np.ndarray:
    """Recover (T-1, 22, 3) y-up joint positions from 263 features (HumanML3D ``recover_from_ric``)."""
    data = np.asarray(data, dtype=np.float64)
    if data.ndim != 2 or data.shape[1] != HML_DIM:
        raise MotionError(f"hml263_to_positions: expected (T, {HML_DIM}), got {data.shape}")
    rot_vel = data[:, 0]
    ang = np.zeros_like(rot_vel)
    ang[1:] = np.cumsum(rot_vel[:-1])
    r_rot = np.stack([np.cos(ang), np.zeros_like(ang), np.sin(ang), np.zeros_like(ang)], -1)
    r_pos = np.zeros((len(data), 3))
    r_pos[1:, [0, 2]] = data[:-1, 1:3]
    r_pos = np.cumsum(quat_rotate(quat_inverse(r_rot), r_pos), 0)
    r_pos[:, 1] = data[:, 3]
    ric = data[:, 4:67].reshape(-1, NUM_JOINTS - 1, 3)
    ric = quat_rotate(np.repeat(quat_inverse(r_rot)[:, None], NUM_JOINTS - 1, 1), ric)
    ric[..., 0] += r_pos[:, None, 0]
    ric[..., 2] += r_pos[:, None, 2]
    return np.concatenate([r_pos[:, None], ric], 1)
