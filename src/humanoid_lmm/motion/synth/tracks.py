"""``Tracks``: what a procedural primitive produces before leg IK, and how tracks are combined.

Tracks are in a *local frame*: the body starts standing at the origin facing +x (z-up, y left).
Everything is per frame (T frames at ``fps``):

* ``rot`` (T, 22, 4): local joint quaternions (wxyz) of the upper body, neck/head and toes; the entries
  of the legs (hips, knees, ankles) and of the pelvis are ignored: IK and ``pelvis_quat`` set them.
* ``pelvis_pos`` (T, 3) [m] pelvis position (z absolute height); ``pelvis_quat`` (T, 4) orientation.
* ``foot_xy`` (T, 2, 2) [m] ankle ground position of the (left, right) foot when flat; ``foot_lift``
  (T, 2) [m] ankle height above its flat-standing height; ``foot_yaw`` (T, 2) [rad] heading of each foot;
  ``foot_pitch`` (T, 2) [rad] toes-down pitch, the foot pivoting about its toe joint (heel raise >= 0).
* ``end`` (3,): (x, y, yaw) of the body's standing frame at the last frame; the next primitive starts there.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..rotations import quat_multiply, quat_slerp
from ..skeleton import SMPL_MIRROR

__all__ = ["Tracks", "mirror_tracks", "transform_tracks", "concat_tracks", "yaw_quat"]


@dataclass
class Tracks:
    fps: float
    rot: np.ndarray  # (T, 22, 4)
    pelvis_pos: np.ndarray  # (T, 3)
    pelvis_quat: np.ndarray  # (T, 4)
    foot_xy: np.ndarray  # (T, 2, 2)
    foot_lift: np.ndarray  # (T, 2)
    foot_yaw: np.ndarray  # (T, 2)
    foot_pitch: np.ndarray  # (T, 2)
    end: np.ndarray  # (3,) x, y, yaw

    @property
    def n_frames(self) -> int:
        return int(self.rot.shape[0])


def yaw_quat(yaw) -> np.ndarray:
    """(...,) yaw [rad] -> (..., 4) quaternion about +z."""
    yaw = np.asarray(yaw, dtype=np.float64)
    return np.stack([np.cos(yaw / 2), 0 * yaw, 0 * yaw, np.sin(yaw / 2)], -1)


def _mirror_quat(q: np.ndarray) -> np.ndarray:
    """Quaternion of the rotation reflected through the x-z plane (y -> -y)."""
    return q * np.array([1.0, -1.0, 1.0, -1.0])


def mirror_tracks(tr: Tracks) -> Tracks:
    """Left-right mirror image (y -> -y, left <-> right); a right-handed wave becomes a left-handed one."""
    flip = np.array([1.0, -1.0])
    return Tracks(
        fps=tr.fps,
        rot=_mirror_quat(tr.rot[:, list(SMPL_MIRROR)]),
        pelvis_pos=tr.pelvis_pos * np.array([1.0, -1.0, 1.0]),
        pelvis_quat=_mirror_quat(tr.pelvis_quat),
        foot_xy=tr.foot_xy[:, ::-1] * flip,
        foot_lift=tr.foot_lift[:, ::-1].copy(),
        foot_yaw=-tr.foot_yaw[:, ::-1],
        foot_pitch=tr.foot_pitch[:, ::-1].copy(),
        end=tr.end * np.array([1.0, -1.0, -1.0]),
    )


def transform_tracks(tr: Tracks, x: float, y: float, yaw: float) -> Tracks:
    """Move local-frame tracks to a start frame at (x, y) [m] with heading ``yaw`` [rad]."""
    c, s = np.cos(yaw), np.sin(yaw)
    rz = np.array([[c, -s], [s, c]])
    pp = tr.pelvis_pos.copy()
    pp[:, :2] = pp[:, :2] @ rz.T + (x, y)
    ex, ey = rz @ tr.end[:2] + (x, y)
    return replace(
        tr,
        pelvis_pos=pp,
        pelvis_quat=quat_multiply(yaw_quat(yaw), tr.pelvis_quat),
        foot_xy=tr.foot_xy @ rz.T + (x, y),
        foot_yaw=tr.foot_yaw + yaw,
        end=np.array([ex, ey, tr.end[2] + yaw]),
    )


def concat_tracks(parts: list[Tracks], overlap_frames: int = 0) -> Tracks:
    """Chain primitives: each starts where the previous ended; ``overlap_frames`` are cross-faded.

    Every primitive starts and ends in the neutral standing pose, so in the overlap the two agree on the
    feet and pelvis and only the upper-body rotations differ: they are slerped with a smooth weight.
    """
    out = parts[0]
    for nxt in parts[1:]:
        nxt = transform_tracks(nxt, *out.end)
        k = int(min(overlap_frames, out.n_frames // 3, nxt.n_frames // 3))
        if k > 0:
            w = 0.5 - 0.5 * np.cos(np.pi * (np.arange(k) + 1) / (k + 1))  # (k,) smooth 0 -> 1
            a_rot, b_rot = out.rot[-k:], nxt.rot[:k]
            blend_rot = quat_slerp(a_rot, b_rot, np.broadcast_to(w[:, None], (k, a_rot.shape[1])))
            nxt = replace(nxt, rot=np.concatenate([blend_rot, nxt.rot[k:]]))
            out = replace(out, **{f: getattr(out, f)[:-k] for f in _PER_FRAME})
        out = replace(
            nxt,
            **{f: np.concatenate([getattr(out, f), getattr(nxt, f)]) for f in _PER_FRAME},
        )
    return out


_PER_FRAME = ("rot", "pelvis_pos", "pelvis_quat", "foot_xy", "foot_lift", "foot_yaw", "foot_pitch")
