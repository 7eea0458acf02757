"""Kinematic plausibility checks of motions, shared by the procedural corpus tests, dataset quality
filters and evaluation: foot contact, foot skating, ground penetration, jitter, joint-angle limits.

All functions take world joint positions ``(T, 22, 3)`` [m] (``Motion.positions()``) or a ``Motion``,
with the ground at z = 0 (see :mod:`humanoid_lmm.motion.skeleton`). Foot contact is decided on the toe
joints (``left_foot`` / ``right_foot``), the lowest points of the skeleton's feet.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from ..errors import MotionError
from .motion import Motion
from .rotations import axis_angle_to_matrix, matrix_to_quat
from .skeleton import FOOT_JOINTS, SMPL_JOINT_NAMES, joint_index

__all__ = [
    "TOE_JOINTS",
    "JOINT_LIMITS_DEG",
    "foot_contacts",
    "foot_speeds",
    "foot_skating",
    "penetration",
    "jitter",
    "joint_angles_deg",
    "joint_limit_violations",
    "KinematicReport",
    "kinematic_report",
]

TOE_JOINTS = (joint_index("left_foot"), joint_index("right_foot"))


def _positions(x) -> np.ndarray:
    pos = x.positions() if isinstance(x, Motion) else np.asarray(x, dtype=np.float64)
    if pos.ndim != 3 or pos.shape[1:] != (22, 3) or pos.shape[0] < 1:
        raise MotionError(f"metrics: expected positions (T, 22, 3), got {pos.shape}")
    if not np.isfinite(pos).all():
        raise MotionError("metrics: positions contain NaN/inf")
    return pos


def foot_speeds(positions, fps: float) -> np.ndarray:
    """(T, 2) horizontal speed [m/s] of the (left, right) toe joints; frame t uses t-1 -> t (frame 0: 0 -> 1)."""
    pos = _positions(positions)[:, list(TOE_JOINTS), :2]
    if pos.shape[0] < 2:
        return np.zeros((pos.shape[0], 2))
    v = np.linalg.norm(np.diff(pos, axis=0), axis=-1) * fps
    return np.concatenate([v[:1], v], 0)


def foot_contacts(positions, fps: float, height: float = 0.05, speed: float | None = None) -> np.ndarray:
    """(T, 2) bool contact of the (left, right) foot: toe joint below ``height`` [m] and, if ``speed`` is
    given, moving slower than ``speed`` [m/s]. Height-only contact (default) is what skating is measured on."""
    pos = _positions(positions)
    c = pos[:, list(TOE_JOINTS), 2] < height
    if speed is not None:
        c &= foot_speeds(pos, fps) < speed
    return c


def foot_skating(positions, fps: float, height: float = 0.05) -> dict[str, float]:
    """Toe speed while in (height-based) contact: ``mean`` / ``max`` [m/s] and the ``ratio`` of contact
    frames faster than 0.1 m/s (a common skating threshold). All 0 when the feet never touch the ground."""
    pos = _positions(positions)
    c = foot_contacts(pos, fps, height)
    v = foot_speeds(pos, fps)
    if pos.shape[0] >= 2:  # a frame's speed counts only if the foot was in contact at both ends
        c = c & np.concatenate([c[:1], c[:-1]], 0)
    if not c.any():
        return {"mean": 0.0, "max": 0.0, "ratio": 0.0}
    vc = v[c]
    return {"mean": float(vc.mean()), "max": float(vc.max()), "ratio": float((vc > 0.1).mean())}


def penetration(positions, depth: float = 0.01) -> dict[str, float]:
    """Lowest foot joint height ``min_z`` [m] (negative = below ground) and the ``ratio`` of frames with a
    foot joint deeper than ``depth`` [m]."""
    pos = _positions(positions)
    z = pos[:, list(FOOT_JOINTS), 2].min(1)
    return {"min_z": float(z.min()), "ratio": float((z < -depth).mean())}


def jitter(positions, fps: float) -> dict[str, float]:
    """Jerk (third derivative of joint positions) magnitude: ``mean`` and ``max`` [m/s^3]; 0 if T < 4."""
    pos = _positions(positions)
    if pos.shape[0] < 4:
        return {"mean": 0.0, "max": 0.0}
    j = np.linalg.norm(np.diff(pos, n=3, axis=0), axis=-1) * fps**3
    return {"mean": float(j.mean()), "max": float(j.max())}


# Per-joint plausibility limits on the components of each LOCAL rotation vector (axis * angle), in
# degrees: ((x_min, x_max), (y_min, y_max), (z_min, z_max)). Axes in the parent frame at rest (x forward,
# y left, z up). Knee flexion is +y, hip flexion -y, spine flexion +y, left elbow flexion -z,
# right elbow +z, left hip abduction +x. Generous human ranges, meant to catch broken poses (knees or
# elbows bending backwards, 90-degree spine twists), not to grade style. The pelvis is unlimited.
_S = 180.0
JOINT_LIMITS_DEG: dict[str, tuple[tuple[float, float], ...]] = {
    "left_hip": ((-40, 70), (-140, 40), (-60, 60)),
    "right_hip": ((-70, 40), (-140, 40), (-60, 60)),
    "spine1": ((-40, 40), (-35, 60), (-45, 45)),
    "left_knee": ((-25, 25), (-10, 160), (-25, 25)),
    "right_knee": ((-25, 25), (-10, 160), (-25, 25)),
    "spine2": ((-40, 40), (-35, 60), (-45, 45)),
    "left_ankle": ((-40, 40), (-50, 70), (-40, 40)),
    "right_ankle": ((-40, 40), (-50, 70), (-40, 40)),
    "spine3": ((-40, 40), (-35, 60), (-45, 45)),
    "left_foot": ((-45, 45), (-60, 60), (-45, 45)),
    "right_foot": ((-45, 45), (-60, 60), (-45, 45)),
    "neck": ((-50, 50), (-60, 70), (-80, 80)),
    "left_collar": ((-45, 45), (-45, 45), (-45, 45)),
    "right_collar": ((-45, 45), (-45, 45), (-45, 45)),
    "head": ((-50, 50), (-60, 70), (-80, 80)),
    "left_shoulder": ((-_S, _S), (-_S, _S), (-_S, _S)),
    "right_shoulder": ((-_S, _S), (-_S, _S), (-_S, _S)),
    "left_elbow": ((-40, 40), (-100, 100), (-165, 15)),
    "right_elbow": ((-40, 40), (-100, 100), (-15, 165)),
    "left_wrist": ((-90, 90), (-90, 90), (-90, 90)),
    "right_wrist": ((-90, 90), (-90, 90), (-90, 90)),
}


def joint_angles_deg(rotations: np.ndarray) -> np.ndarray:
    """(T, 22, 3) axis-angle -> (T, 22, 3) rotation-vector components in degrees, angle in [0, 180]."""
    rot = np.asarray(rotations, dtype=np.float64)
    q = matrix_to_quat(axis_angle_to_matrix(rot))  # canonical, w >= 0
    v = q[..., 1:]
    s = np.linalg.norm(v, axis=-1, keepdims=True)
    angle = 2 * np.arctan2(s, q[..., :1])
    return np.degrees(np.where(s > 1e-12, v / np.maximum(s, 1e-12) * angle, 2 * v))


def joint_limit_violations(motion_or_rotations, margin_deg: float = 0.0) -> dict[str, float]:
    """Worst excess [deg] beyond :data:`JOINT_LIMITS_DEG` per joint (only joints that violate), e.g.
    ``{"left_knee": 12.5}``; empty dict if the motion stays inside the limits (+ ``margin_deg``)."""
    rot = motion_or_rotations.rotations if isinstance(motion_or_rotations, Motion) else motion_or_rotations
    ang = joint_angles_deg(rot)
    out = {}
    for name, lims in JOINT_LIMITS_DEG.items():
        j = SMPL_JOINT_NAMES.index(name)
        lo = np.array([l for l, _ in lims]) - margin_deg
        hi = np.array([h for _, h in lims]) + margin_deg
        excess = np.maximum(lo - ang[:, j], ang[:, j] - hi).max()
        if excess > 0:
            out[name] = float(excess)
    return out


@dataclass(frozen=True)
class KinematicReport:
    """Summary of the checks above for one motion (units as in each function)."""

    skate_mean: float
    skate_max: float
    skate_ratio: float
    min_foot_z: float
    penetration_ratio: float
    jerk_mean: float
    jerk_max: float
    limit_violations: dict

    def as_dict(self) -> dict:
        return asdict(self)


def kinematic_report(motion: Motion, contact_height: float = 0.05) -> KinematicReport:
    """All checks on one motion."""
    pos = motion.positions()
    sk = foot_skating(pos, motion.fps, contact_height)
    pe = penetration(pos)
    ji = jitter(pos, motion.fps)
    return KinematicReport(sk["mean"], sk["max"], sk["ratio"], pe["min_z"], pe["ratio"], ji["mean"], ji["max"],
                           joint_limit_violations(motion))
