"""Body model of the procedural generator: neutral standing pose, arm/spine pose helpers, and the
analytic leg IK that turns :class:`Tracks` into a :class:`Motion` with planted feet.

Joint rotation conventions on our skeleton (all local, rest = T-pose, z-up, x forward, y left):

* spine / neck / head: +y bends forward, +x bends toward the right side (z toward -y), +z twists left;
* right arm points along -y at rest. ``arm_quats`` builds a shoulder rotation from a desired upper-arm
  direction (chest frame) plus a twist about it, and an elbow flexion (right elbow: +z local);
* legs: hip flexion is -y (thigh forward), knee flexion +y, foot pitch +y = toes down.
"""

from __future__ import annotations

import numpy as np

from ...errors import MotionError
from ..motion import Motion
from ..rotations import (
    axis_angle_to_matrix,
    matrix_to_axis_angle,
    quat_multiply,
    quat_to_matrix,
)
from ..skeleton import NUM_JOINTS, REST_PELVIS_HEIGHT, SMPL_OFFSETS, rest_positions
from .tracks import Tracks

__all__ = [
    "STAND_HEIGHT",
    "NEUTRAL_FOOT_XY",
    "ANKLE_Z",
    "J",
    "neutral_tracks",
    "axis_quat",
    "arm_quats",
    "blend_dirs",
    "set_arm",
    "solve_tracks",
]

J = {name: i for i, name in enumerate((
    "pelvis", "l_hip", "r_hip", "spine1", "l_knee", "r_knee", "spine2", "l_ankle", "r_ankle", "spine3",
    "l_foot", "r_foot", "neck", "l_collar", "r_collar", "head", "l_shoulder", "r_shoulder",
    "l_elbow", "r_elbow", "l_wrist", "r_wrist",
))}  # fmt: skip

_REST = rest_positions()
STAND_HEIGHT = REST_PELVIS_HEIGHT - 0.012  # [m] pelvis height standing, knees slightly soft
ANKLE_Z = _REST[[J["l_ankle"], J["r_ankle"]], 2].copy()  # (2,) ankle height with the foot flat [m]
NEUTRAL_FOOT_XY = np.array([[-0.0553, 0.0902], [-0.0553, -0.0902]])  # (2, 2) ankle xy rel. pelvis [m]
_TOE_OFF = SMPL_OFFSETS[[J["l_foot"], J["r_foot"]]]  # (2, 3) ankle -> toe
_HIP_OFF = SMPL_OFFSETS[[J["l_hip"], J["r_hip"]]]
_KNEE_OFF = SMPL_OFFSETS[[J["l_knee"], J["r_knee"]]]
_ANKLE_OFF = SMPL_OFFSETS[[J["l_ankle"], J["r_ankle"]]]
_THETA_MIN = 0.04  # [rad] knees never lock fully straight in IK


def axis_quat(axis: str, angle) -> np.ndarray:
    """(...,) angle [rad] about the named axis -> (..., 4) quaternion."""
    angle = np.asarray(angle, dtype=np.float64)
    q = np.zeros(angle.shape + (4,))
    q[..., 0] = np.cos(angle / 2)
    q[..., 1 + "xyz".index(axis)] = np.sin(angle / 2)
    return q


def _normalize(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-12)


def blend_dirs(a, b, w, via=None) -> np.ndarray:
    """Spherical interpolation of unit directions a -> b with weight w (T,) in [0, 1] -> (T, 3).

    ``via``: pass through this direction at w = 0.5 (needed when a and b are nearly opposite, e.g. an
    arm going from hanging down to straight up goes out to the side).
    """
    w = np.asarray(w, dtype=np.float64)
    if via is not None:
        first = blend_dirs(a, via, np.clip(2 * w, 0, 1))
        second = blend_dirs(via, b, np.clip(2 * w - 1, 0, 1))
        return np.where((w < 0.5)[..., None], first, second)
    a = np.broadcast_to(_normalize(np.asarray(a, dtype=np.float64)), w.shape + (3,))
    b = np.broadcast_to(_normalize(np.asarray(b, dtype=np.float64)), w.shape + (3,))
    dot = np.clip((a * b).sum(-1), -1.0, 1.0)
    omega = np.arccos(dot)[..., None]
    so = np.sin(omega)
    ww = w[..., None]
    small = so < 1e-6
    wa = np.where(small, 1 - ww, np.sin((1 - ww) * omega) / np.where(small, 1.0, so))
    wb = np.where(small, ww, np.sin(ww * omega) / np.where(small, 1.0, so))
    return _normalize(wa * a + wb * b)


def arm_quats(direction, twist, elbow) -> tuple[np.ndarray, np.ndarray]:
    """RIGHT arm: upper-arm direction (T, 3) in the chest frame, twist [rad] about it, elbow flexion [rad]
    -> (shoulder quat (T, 4), elbow quat (T, 4)). Twist 0 keeps the elbow bending forward for arms
    hanging down; +pi/2 makes a sideways arm bend upward (waving)."""
    d = _normalize(np.asarray(direction, dtype=np.float64))
    a = np.array([0.0, -1.0, 0.0])
    dot = d @ a
    swing = np.concatenate([(1.0 + dot)[..., None], np.cross(a, d)], -1)
    swing = _normalize(swing)
    tw = np.asarray(twist, dtype=np.float64)
    twist_q = np.concatenate([np.cos(tw / 2)[..., None], np.sin(tw / 2)[..., None] * d], -1)
    return quat_multiply(twist_q, swing), axis_quat("z", elbow)


def set_arm(rot: np.ndarray, side: str, direction, twist, elbow) -> None:
    """Write arm quaternions into ``rot`` (T, 22, 4). ``direction`` is always given for the RIGHT arm
    (y < 0 = outward); the left arm gets the mirror image of that right-arm pose."""
    d = np.array(direction, dtype=np.float64)
    if side == "right":
        sh, el = arm_quats(d, twist, elbow)
        rot[:, J["r_shoulder"]], rot[:, J["r_elbow"]] = sh, el
    elif side == "left":  # mirror image of the right arm with the same parameters
        sh, el = arm_quats(d, twist, elbow)
        m = np.array([1.0, -1.0, 1.0, -1.0])
        rot[:, J["l_shoulder"]], rot[:, J["l_elbow"]] = sh * m, el * m
    else:
        raise ValueError(f"side must be 'left' or 'right', got {side!r}")


ARM_DOWN = np.array([0.02, -0.16, -0.99])  # right upper arm hanging, slightly away from the body
ELBOW_REST = 0.15  # [rad]


def _neutral_rot() -> np.ndarray:
    rot = np.zeros((1, NUM_JOINTS, 4))
    rot[..., 0] = 1.0
    for side in ("left", "right"):
        set_arm(rot, side, ARM_DOWN[None], np.zeros(1), np.full(1, ELBOW_REST))
    return rot[0]


_NEUTRAL_ROT = _neutral_rot()  # (22, 4) standing pose, arms hanging


def neutral_tracks(n_frames: int, fps: float) -> Tracks:
    """Standing still at the origin facing +x, arms hanging: the pose every primitive starts/ends in."""
    T = int(n_frames)
    rot = np.broadcast_to(_NEUTRAL_ROT, (T, NUM_JOINTS, 4)).copy()
    pelvis = np.zeros((T, 3))
    pelvis[:, 2] = STAND_HEIGHT
    quat = np.zeros((T, 4))
    quat[:, 0] = 1.0
    return Tracks(
        fps=float(fps), rot=rot, pelvis_pos=pelvis, pelvis_quat=quat,
        foot_xy=np.broadcast_to(NEUTRAL_FOOT_XY, (T, 2, 2)).copy(), foot_lift=np.zeros((T, 2)),
        foot_yaw=np.zeros((T, 2)), foot_pitch=np.zeros((T, 2)), end=np.zeros(3),
    )


# ----------------------------------------------------------------------------- leg IK
def _knee_table(side: int) -> tuple[np.ndarray, np.ndarray]:
    """Hip-ankle distance as a function of knee flexion, increasing-distance order for np.interp."""
    theta = np.linspace(_THETA_MIN, 2.6, 4000)
    v = _KNEE_OFF[side] + (axis_angle_to_matrix(np.stack([0 * theta, theta, 0 * theta], -1)) @ _ANKLE_OFF[side])
    dist = np.linalg.norm(v, axis=-1)
    return dist[::-1].copy(), theta[::-1].copy()


_TABLES = [_knee_table(0), _knee_table(1)]


def _foot_matrix(yaw: np.ndarray, pitch: np.ndarray) -> np.ndarray:
    zeros = 0 * yaw
    return axis_angle_to_matrix(np.stack([zeros, zeros, yaw], -1)) @ axis_angle_to_matrix(
        np.stack([zeros, pitch, zeros], -1)
    )


def solve_tracks(tr: Tracks, smooth_frames: int = 5) -> Motion:
    """Leg IK: hips/knees/ankles so each ankle reaches its target with the foot at the requested yaw and
    pitch. Where a planted foot cannot be reached the pelvis is lowered (smoothly); unreachable swing
    targets are pulled in. Returns the Motion (pelvis orientation from ``pelvis_quat``)."""
    P = quat_to_matrix(tr.pelvis_quat)  # (T, 3, 3)
    pelvis = tr.pelvis_pos.copy()
    F = _foot_matrix(tr.foot_yaw, tr.foot_pitch)  # (T, 2, 3, 3)
    F_flat = _foot_matrix(tr.foot_yaw, 0 * tr.foot_pitch)
    ankle = np.concatenate([tr.foot_xy, (ANKLE_Z + tr.foot_lift)[..., None]], -1)  # (T, 2, 3) flat ankle
    ankle = ankle + ((F_flat - F) @ _TOE_OFF[None, :, :, None])[..., 0]  # pivot about the toe
    stance = tr.foot_lift < 1e-3  # (T, 2)

    d_max = np.array([tab[0][-1] for tab in _TABLES]) * 0.999  # (2,)
    hip = pelvis[:, None] + (P[:, None] @ _HIP_OFF[None, :, :, None])[..., 0]  # (T, 2, 3)
    v = ankle - hip
    horiz2 = (v[..., :2] ** 2).sum(-1)
    need_z = np.sqrt(np.maximum(d_max**2 - horiz2, 0.0))
    drop = np.where(stance, np.maximum(-v[..., 2] - need_z, 0.0), 0.0).max(-1)  # (T,)
    if drop.any():
        k = max(int(smooth_frames), 1)
        pad = np.pad(drop, k, mode="edge")
        drop = np.lib.stride_tricks.sliding_window_view(pad, 2 * k + 1).max(-1)
        pad = np.pad(drop, k, mode="edge")
        drop = np.lib.stride_tricks.sliding_window_view(pad, 2 * k + 1).mean(-1)
        drop = np.maximum(drop, 0.0)
        pelvis[:, 2] -= drop
        hip[..., 2] -= drop[:, None]
        v = ankle - hip
    dist = np.linalg.norm(v, axis=-1)  # (T, 2)
    v = v * np.minimum(1.0, d_max / np.maximum(dist, 1e-9))[..., None]
    dist = np.minimum(dist, d_max)

    mats = quat_to_matrix(tr.rot)  # (T, 22, 3, 3)
    mats[:, 0] = P
    x_axis, up = np.array([1.0, 0.0, 0.0]), np.array([0.0, 0.0, 1.0])
    for s, (hip_j, knee_j, ankle_j) in enumerate(((1, 4, 7), (2, 5, 8))):
        theta = np.interp(dist[:, s], *_TABLES[s])  # (T,) knee flexion
        ry = axis_angle_to_matrix(np.stack([0 * theta, theta, 0 * theta], -1))  # (T, 3, 3)
        u = _KNEE_OFF[s] + (ry @ _ANKLE_OFF[s])  # (T, 3) hip->ankle in the thigh frame
        e1 = _normalize(u)
        e2 = _normalize(x_axis - (e1 @ x_axis)[:, None] * e1)
        f1 = _normalize(v[:, s])
        fwd = np.stack([np.cos(tr.foot_yaw[:, s]), np.sin(tr.foot_yaw[:, s]), 0 * theta], -1)
        elev = np.arctan2((f1 * fwd).sum(-1), -f1[:, 2])
        h = np.cos(elev)[:, None] * fwd + np.sin(elev)[:, None] * up
        f2 = _normalize(h - (f1 * h).sum(-1, keepdims=True) * f1)
        A = np.stack([e1, e2, np.cross(e1, e2)], -1)
        B = np.stack([f1, f2, np.cross(f1, f2)], -1)
        thigh = B @ np.swapaxes(A, -1, -2)  # world rotation of the thigh frame
        mats[:, hip_j] = np.swapaxes(P, -1, -2) @ thigh
        mats[:, knee_j] = ry
        mats[:, ankle_j] = np.swapaxes(thigh @ ry, -1, -2) @ F[:, s]
    rotations = matrix_to_axis_angle(mats)
    if not np.isfinite(rotations).all() or not np.isfinite(pelvis).all():
        raise MotionError("solve_tracks: IK produced non-finite values")
    return Motion(tr.fps, pelvis, rotations)
