"""Foot-skate cleanup: a foot on the ground stays where it was put (two-bone leg IK).

A motion decoded from tokens lets a planted foot creep over the floor by a few centimetres: the tokenizer
reconstructs joint rotations, and their small errors add up along the leg. The classic cleanup (Kovar,
Schreiner and Gleicher, "Footskate cleanup for motion capture editing", SCA 2002): find the frames where
a foot is in contact (its toe joint near the ground and slow), pin the toe to the point where the
contact began, and bend hip and knee so that the ankle follows, keeping the foot's orientation in the
world. Pelvis, trunk, arms and head are not touched, nor a foot in the air.

It is causal: a contact's point is where the toe was on its first frame, and a released foot is eased
back to its own path over ``blend`` frames after the contact ends. So a motion fed in chunks (streaming)
comes out exactly as the whole motion does.

    clean = FootLock()(motion)                      # whole motion
    lock = FootLock(); parts = [lock.feed(c) for c in chunks]   # streamed, same frames
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .kinematics import _fk_from_matrices
from .motion import Motion
from .rotations import axis_angle_to_matrix, matrix_to_axis_angle
from .skeleton import SMPL_OFFSETS, joint_index

__all__ = ["FootLockConfig", "FootLock", "lock_feet"]

# (hip, knee, ankle, toe) joint indices of each leg
_LEGS = tuple(tuple(joint_index(f"{side}_{j}") for j in ("hip", "knee", "ankle", "foot")) for side in ("left", "right"))


@dataclass(frozen=True)
class FootLockConfig:
    """height: a toe joint lower than this above the ground (z = 0) may be in contact [m].
    speed: ... and moving slower than this over the ground [m/s].
    blend: frames over which a released foot's correction fades out.
    min_frames: a contact shorter than this is not pinned (a foot brushing the floor mid-step)."""

    height: float = 0.04
    speed: float = 0.3
    blend: int = 4
    min_frames: int = 3

    def __post_init__(self):
        for name, lo in (("height", 0.0), ("speed", 0.0)):
            v = getattr(self, name)
            if not isinstance(v, (int, float)) or not np.isfinite(v) or v <= lo:
                raise ValueError(f"FootLockConfig.{name}: must be a number > {lo}, got {v!r}")
        for name in ("blend", "min_frames"):
            v = getattr(self, name)
            if not isinstance(v, int) or v < 1:
                raise ValueError(f"FootLockConfig.{name}: must be an integer >= 1, got {v!r}")


def _rotation_between(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(N, 3, 3) smallest rotations taking directions a (N, 3) onto b (N, 3)."""
    a = a / np.linalg.norm(a, axis=-1, keepdims=True)
    b = b / np.linalg.norm(b, axis=-1, keepdims=True)
    axis = np.cross(a, b)
    angle = np.arctan2(np.linalg.norm(axis, axis=-1), np.sum(a * b, -1))
    n = np.linalg.norm(axis, axis=-1, keepdims=True)
    axis = np.where(n > 1e-12, axis / np.maximum(n, 1e-12), 0.0)
    return axis_angle_to_matrix(axis * angle[:, None])


def _two_bone(hip, knee, ankle, target):
    """New knee and ankle positions (N, 3): the ankle at ``target`` (or as near as the leg reaches), the
    knee in the plane of hip, target and the old knee, bone lengths kept."""
    l1 = np.linalg.norm(knee - hip, axis=-1)
    l2 = np.linalg.norm(ankle - knee, axis=-1)
    to = target - hip
    d = np.linalg.norm(to, axis=-1)
    u = to / np.maximum(d, 1e-9)[:, None]
    d = np.clip(d, np.abs(l1 - l2) + 1e-6, l1 + l2 - 1e-6)
    bend = knee - hip
    bend = bend - np.sum(bend * u, -1, keepdims=True) * u   # knee direction off the hip-ankle line
    nb = np.linalg.norm(bend, axis=-1, keepdims=True)
    v = np.where(nb > 1e-6, bend / np.maximum(nb, 1e-9), 0.0)
    a = (l1 ** 2 - l2 ** 2 + d ** 2) / (2 * d)
    h = np.sqrt(np.maximum(l1 ** 2 - a ** 2, 0.0))
    return hip + a[:, None] * u + h[:, None] * v, hip + d[:, None] * u


class FootLock:
    """Pins planted feet; keeps its contact state between :meth:`feed` calls (one instance per motion)."""

    def __init__(self, config: FootLockConfig | None = None):
        self.config = config or FootLockConfig()
        self._last_toe = None                       # (2, 3) raw toe positions of the previous frame
        self._target = [None, None]                 # pinned toe xy per foot while in contact
        self._run = [0, 0]                          # frames the contact condition has held
        self._offset = np.zeros((2, 2))             # current xy correction per foot [m]
        self._fade = [0, 0]                         # frames left of a release fade

    def __call__(self, motion: Motion) -> Motion:
        """The whole motion (state is reset first)."""
        self.__init__(self.config)
        return self.feed(motion)

    def _offsets(self, toe: np.ndarray, fps: float) -> np.ndarray:
        """(T, 2, 2) xy correction of each foot's toe, frame by frame (causal)."""
        c, out = self.config, np.zeros((len(toe), 2, 2))
        for t in range(len(toe)):
            prev = self._last_toe if self._last_toe is not None else toe[t]
            speed = np.linalg.norm(toe[t, :, :2] - prev[:, :2], axis=-1) * fps
            for f in range(2):
                down = toe[t, f, 2] < c.height and speed[f] < c.speed
                self._run[f] = self._run[f] + 1 if down else 0
                if down and self._run[f] >= c.min_frames:
                    if self._target[f] is None:    # contact begins: pin where the (corrected) toe is now
                        self._target[f] = toe[t, f, :2] + self._offset[f]
                    self._offset[f] = self._target[f] - toe[t, f, :2]
                    self._fade[f] = c.blend
                else:
                    self._target[f] = None
                    if self._fade[f] > 0:          # released: ease back onto the foot's own path
                        self._offset[f] *= (self._fade[f] - 1) / self._fade[f]
                        self._fade[f] -= 1
                    else:
                        self._offset[f] = 0.0
            out[t] = self._offset
            self._last_toe = toe[t].copy()
        return out

    def feed(self, motion: Motion) -> Motion:
        """The next frames of a motion, corrected (same frame count)."""
        mats = axis_angle_to_matrix(np.asarray(motion.rotations, np.float64))
        pos, glob = _fk_from_matrices(np.asarray(motion.root_pos, np.float64), mats, SMPL_OFFSETS, np)
        offsets = self._offsets(pos[:, [leg[3] for leg in _LEGS]], motion.fps)
        rots = np.array(motion.rotations, np.float64)
        for f, (hip, knee, ankle, _) in enumerate(_LEGS):
            frames = np.flatnonzero(np.abs(offsets[:, f]).max(-1) > 1e-6)
            if len(frames) == 0:
                continue
            p, g = pos[frames], glob[frames]
            target = p[:, ankle] + np.pad(offsets[frames, f], ((0, 0), (0, 1)))
            new_knee, new_ankle = _two_bone(p[:, hip], p[:, knee], p[:, ankle], target)
            thigh = _rotation_between(p[:, knee] - p[:, hip], new_knee - p[:, hip]) @ g[:, hip]
            shin_now = thigh @ mats[frames, knee] @ SMPL_OFFSETS[ankle]
            shin = _rotation_between(shin_now, new_ankle - new_knee) @ thigh @ mats[frames, knee]
            parent = g[:, 0]   # the hips hang off the pelvis
            rots[frames, hip] = matrix_to_axis_angle(np.swapaxes(parent, -1, -2) @ thigh)
            rots[frames, knee] = matrix_to_axis_angle(np.swapaxes(thigh, -1, -2) @ shin)
            rots[frames, ankle] = matrix_to_axis_angle(np.swapaxes(shin, -1, -2) @ g[:, ankle])  # foot kept
        return Motion(motion.fps, motion.root_pos, rots, motion.text)


def lock_feet(motion: Motion, config: FootLockConfig | None = None) -> Motion:
    """``FootLock(config)(motion)``."""
    return FootLock(config)(motion)
