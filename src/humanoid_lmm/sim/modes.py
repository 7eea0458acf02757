"""Kinematic stand-in for an upper-body plan: what the contact checks replay (the legs are the stand
controller's, so the reference legs are replaced by the stand pose and the pelvis stands still)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from humanoid_lmm.robots import RobotConfig, RobotTrajectory, standing_root_height

__all__ = ["stand_height", "upper_body_execution", "yaw_only"]


@lru_cache(maxsize=8)
def stand_height(cfg: RobotConfig) -> float:
    """Pelvis height [m] of the default pose with the feet on the floor (cached per config object)."""
    return standing_root_height(cfg)


def yaw_only(quat_wxyz: np.ndarray) -> np.ndarray:
    """The heading part (rotation about world z) of a wxyz quaternion."""
    w, x, y, z = np.asarray(quat_wxyz, float)
    yaw = np.arctan2(2.0 * (w * z + x * y), 1.0 - 2.0 * (y * y + z * z))
    return np.array([np.cos(yaw / 2), 0.0, 0.0, np.sin(yaw / 2)])


def upper_body_execution(traj: RobotTrajectory, cfg: RobotConfig) -> RobotTrajectory:
    """What the robot executes in upper-body mode: waist + arms from `traj`; legs at the default pose; the
    pelvis stands still at the first frame's xy and heading, at standing height; both feet in contact."""
    q = traj.q.copy()
    legs = cfg.lower_body
    q[:, legs] = cfg.default_q[legs]
    T = traj.n_frames
    root = np.array([traj.root_pos[0, 0], traj.root_pos[0, 1], stand_height(cfg)])
    return traj.replace(
        q=q,
        root_pos=np.tile(root, (T, 1)),
        root_quat=np.tile(yaw_only(traj.root_quat[0]), (T, 1)),
        contacts=np.ones((T, 2), dtype=bool),
    )
