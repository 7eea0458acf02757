"""Body-frame kinematic signals of a Motion, the inputs of the behaviour checks.

Every signal is a (T,) array in metres, radians or degrees (named in each property), computed once per
motion and cached. Horizontal directions are taken in the heading frame of the same frame (x forward,
y left, z up; the heading is the hip axis), so an arm raised while turning is still "up and to the
side"; displacements of the pelvis are measured in the heading frame of frame 0. Arm and leg signals
are per side and mirrored, so ``out`` is positive away from the body on both sides.

    from humanoid_lmm.eval.kinematics import BodySignals
    s = BodySignals.of(motion)
    s.wrist_up("right").max()     # [m] highest right wrist above the right shoulder
"""
from __future__ import annotations

from functools import cached_property

import numpy as np

__all__ = ["J", "BodySignals", "count_peaks", "longest_run", "other"]

J = {n: i for i, n in enumerate((
    "pelvis", "left_hip", "right_hip", "spine1", "left_knee", "right_knee", "spine2", "left_ankle",
    "right_ankle", "spine3", "left_foot", "right_foot", "neck", "left_collar", "right_collar", "head",
    "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist"))}


def other(side: str) -> str:
    return "left" if side == "right" else "right"


def count_peaks(x: np.ndarray, prominence: float) -> int:
    """Number of maxima of ``x`` rising at least ``prominence`` above the minima on both sides."""
    count, state = 0, "up"
    rising_from, peak, low = x[0], -np.inf, x[0]
    for v in x:
        if state == "up":
            peak = max(peak, v)
            if peak - rising_from >= prominence and peak - v >= prominence:
                count, state, low = count + 1, "down", v
        else:
            low = min(low, v)
            if v - low >= prominence:
                state, rising_from, peak = "up", low, v
    return count


def longest_run(mask: np.ndarray) -> int:
    """Length of the longest run of consecutive True values in a (T,) bool array [frames]."""
    best = run = 0
    for v in np.asarray(mask, dtype=bool):
        run = run + 1 if v else 0
        best = max(best, run)
    return best


class BodySignals:
    """Lazily computed signals of one motion (world joint positions (T, 22, 3) and local rotations)."""

    def __init__(self, positions: np.ndarray, rotations: np.ndarray | None, fps: float):
        self.pos = np.asarray(positions, dtype=np.float64)
        self.rot = None if rotations is None else np.asarray(rotations, dtype=np.float64)
        self.fps = float(fps)
        self.T = len(self.pos)

    @classmethod
    def of(cls, motion) -> "BodySignals":
        return cls(motion.positions(), getattr(motion, "rotations", None), getattr(motion, "fps", 20.0))

    # ------------------------------------------------------------------------------- frames
    @cached_property
    def yaw(self) -> np.ndarray:
        """(T,) unwrapped heading [rad] of the hip axis (counter-clockwise = turning left)."""
        left = self.pos[:, J["left_hip"]] - self.pos[:, J["right_hip"]]
        return np.unwrap(np.arctan2(-left[:, 0], left[:, 1]))

    @cached_property
    def _axes(self) -> tuple[np.ndarray, np.ndarray]:
        c, s = np.cos(self.yaw), np.sin(self.yaw)
        z = np.zeros_like(c)
        return np.stack([c, s, z], -1), np.stack([-s, c, z], -1)   # forward (T, 3), left (T, 3)

    def local(self, v: np.ndarray) -> np.ndarray:
        """(T, 3) world vectors -> (T, 3) in the heading frame of each frame (forward, left, up)."""
        fwd, left = self._axes
        return np.stack([(v * fwd).sum(-1), (v * left).sum(-1), v[:, 2]], -1)

    def rel(self, joint: str, base: str) -> np.ndarray:
        """(T, 3) joint position relative to ``base`` in the heading frame (forward, left, up) [m]."""
        return self.local(self.pos[:, J[joint]] - self.pos[:, J[base]])

    # ------------------------------------------------------------------------------- arms
    def wrist(self, side: str) -> np.ndarray:
        """(T, 3) wrist - shoulder (forward, out, up) [m]; ``out`` points away from the body."""
        r = self.rel(f"{side}_wrist", f"{side}_shoulder")
        return r * np.array([1.0, 1.0 if side == "left" else -1.0, 1.0])

    def wrist_up(self, side: str) -> np.ndarray:
        """(T,) wrist height above its shoulder [m] (about -0.5 hanging)."""
        return self.wrist(side)[:, 2]

    def wrist_fwd(self, side: str) -> np.ndarray:
        """(T,) wrist in front of its shoulder [m]."""
        return self.wrist(side)[:, 0]

    def arm_moved(self, side: str) -> np.ndarray:
        """(T,) distance of the wrist from where it was at frame 0, relative to the shoulder [m]."""
        w = self.wrist(side)
        return np.linalg.norm(w - w[0], axis=-1)

    def elbow_angle(self, side: str) -> np.ndarray:
        """(T,) elbow flexion [deg]: 0 = straight arm."""
        s, e, w = (self.pos[:, J[f"{side}_{j}"]] for j in ("shoulder", "elbow", "wrist"))
        a, b = s - e, w - e
        cos = (a * b).sum(-1) / np.maximum(np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1), 1e-9)
        return 180.0 - np.degrees(np.arccos(np.clip(cos, -1, 1)))

    @cached_property
    def wrist_gap(self) -> np.ndarray:
        """(T,) distance between the wrists [m]."""
        return np.linalg.norm(self.pos[:, J["left_wrist"]] - self.pos[:, J["right_wrist"]], axis=-1)

    def wrist_to_head(self, side: str) -> np.ndarray:
        """(T,) distance of the wrist from the head joint [m]."""
        return np.linalg.norm(self.pos[:, J[f"{side}_wrist"]] - self.pos[:, J["head"]], axis=-1)

    def shoulder_lift(self, side: str) -> np.ndarray:
        """(T,) shoulder height above the neck, minus its frame-0 value [m] (a shrug lifts it)."""
        h = self.pos[:, J[f"{side}_shoulder"], 2] - self.pos[:, J["neck"], 2]
        return h - h[0]

    # ------------------------------------------------------------------------------- legs / root
    def foot_lift(self, side: str) -> np.ndarray:
        """(T,) height of the foot's lowest joint (ankle or toe) above its frame-0 height [m]."""
        z = np.minimum(self.pos[:, J[f"{side}_ankle"], 2], self.pos[:, J[f"{side}_foot"], 2])
        return z - z[0]

    def heel_lift(self, side: str) -> np.ndarray:
        """(T,) ankle height minus toe height, relative to frame 0 [m] (rising onto the toes)."""
        d = self.pos[:, J[f"{side}_ankle"], 2] - self.pos[:, J[f"{side}_foot"], 2]
        return d - d[0]

    def ankle(self, side: str) -> np.ndarray:
        """(T, 3) ankle - pelvis in the heading frame (forward, out, up) [m]."""
        r = self.rel(f"{side}_ankle", "pelvis")
        return r * np.array([1.0, 1.0 if side == "left" else -1.0, 1.0])

    def ankle_travel(self, side: str) -> np.ndarray:
        """(T,) horizontal ankle movement relative to the pelvis since frame 0 [m], signed forward."""
        a = self.ankle(side)
        return a[:, 0] - a[0, 0]

    def foot_disp(self, side: str) -> np.ndarray:
        """(T, 2) ankle displacement over the ground since frame 0, frame 0's heading (forward, left) [m]."""
        d = self.pos[:, J[f"{side}_ankle"]] - self.pos[0, J[f"{side}_ankle"]]
        c, s = np.cos(self.yaw[0]), np.sin(self.yaw[0])
        return np.stack([d[:, 0] * c + d[:, 1] * s, -d[:, 0] * s + d[:, 1] * c], -1)

    @cached_property
    def drop(self) -> np.ndarray:
        """(T,) pelvis height below its frame-0 height [m]."""
        h = self.pos[:, J["pelvis"], 2]
        return h[0] - h

    @cached_property
    def root_disp(self) -> np.ndarray:
        """(T, 2) pelvis displacement since frame 0 in frame 0's heading (forward, left) [m]."""
        d = self.pos[:, J["pelvis"]] - self.pos[0, J["pelvis"]]
        c, s = np.cos(self.yaw[0]), np.sin(self.yaw[0])
        return np.stack([d[:, 0] * c + d[:, 1] * s, -d[:, 0] * s + d[:, 1] * c], -1)

    @cached_property
    def turn_deg(self) -> np.ndarray:
        """(T,) heading change since frame 0 [deg], counter-clockwise (left) positive."""
        return np.degrees(self.yaw - self.yaw[0])

    # ------------------------------------------------------------------------------- trunk / head
    @cached_property
    def trunk_pitch(self) -> np.ndarray:
        """(T,) forward lean of the pelvis -> neck line [deg] (0 upright)."""
        t = self.rel("neck", "pelvis")
        return np.degrees(np.arctan2(t[:, 0], t[:, 2]))

    @cached_property
    def trunk_roll(self) -> np.ndarray:
        """(T,) sideways lean of the pelvis -> neck line [deg], to the left positive."""
        t = self.rel("neck", "pelvis")
        return np.degrees(np.arctan2(t[:, 1], t[:, 2]))

    @cached_property
    def _head_in_trunk(self) -> np.ndarray:
        """(T, 3, 3) head orientation relative to the upper trunk (spine3), from the local rotations."""
        from humanoid_lmm.motion.kinematics import global_rotations

        if self.rot is None:
            return np.broadcast_to(np.eye(3), (self.T, 3, 3))
        g = global_rotations(self.rot)  # (T, 22, 3, 3)
        return np.swapaxes(g[:, J["spine3"]], -1, -2) @ g[:, J["head"]]

    @cached_property
    def head_pitch(self) -> np.ndarray:
        """(T,) head bent forward relative to the trunk [deg] (nodding), minus frame 0."""
        f = self._head_in_trunk[:, :, 0]   # the head's forward axis in the trunk frame
        p = np.degrees(np.arctan2(-f[:, 2], f[:, 0]))
        return p - p[0]

    @cached_property
    def head_yaw(self) -> np.ndarray:
        """(T,) head turned left relative to the trunk [deg], minus frame 0."""
        f = self._head_in_trunk[:, :, 0]
        y = np.degrees(np.arctan2(f[:, 1], f[:, 0]))
        return y - y[0]

    def collar_lift(self, side: str) -> np.ndarray:
        """(T,) elevation of the collar bone (shoulder girdle) from its local rotation [deg], minus frame 0
        (a shrug lifts both; positive = up on either side)."""
        if self.rot is None:
            return np.zeros(self.T)
        x = np.degrees(self.rot[:, J[f"{side}_collar"], 0]) * (1.0 if side == "left" else -1.0)
        return x - x[0]

    @cached_property
    def chest_yaw(self) -> np.ndarray:
        """(T,) shoulder line turned left relative to the hip line [deg], minus frame 0."""
        s = self.pos[:, J["left_shoulder"]] - self.pos[:, J["right_shoulder"]]
        y = np.unwrap(np.arctan2(-s[:, 0], s[:, 1])) - self.yaw
        return np.degrees(y - y[0])
