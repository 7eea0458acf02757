"""Execution modes: whole-body, or upper-body (arms + waist follow, legs hold the stand as arm_sdk does)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from humanoid_lmm.errors import ConfigError
from humanoid_lmm.robots import RobotConfig, RobotTrajectory, standing_root_height
from humanoid_lmm.sim.config import ModeConfig

__all__ = ["MODES", "choose_mode", "stand_height", "upper_body_execution", "yaw_only"]

MODES = ("auto", "upper_body", "whole_body")


@lru_cache(maxsize=8)
def stand_height(cfg: RobotConfig) -> float:
    """Pelvis height [m] of the default pose with the feet on the floor (cached per config object)."""
    return standing_root_height(cfg)


def yaw_only(quat_wxyz: np.ndarray) -> np.ndarray:
    """The heading part (rotation about world z) of a wxyz quaternion."""
    w, x, y, z = np.asarray(quat_wxyz, float)
    yaw = np.arctan2(2.0 * (w * z + x * y), 1.0 - 2.0 * (y * y + z * z))
    return np.array([np.cos(yaw / 2), 0.0, 0.0, np.sin(yaw / 2)])


def choose_mode(traj: RobotTrajectory, cfg: RobotConfig, mc: ModeConfig, mode: str = "auto") -> str:
    """Resolve "auto": upper_body when `traj.upper_body_only` or the legs and root barely move."""
    if mode not in MODES:
        raise ConfigError(f"mode={mode!r}; valid choices: {list(MODES)}")
    if mode != "auto":
        return mode
    if traj.upper_body_only:
        return "upper_body"
    legs = cfg.lower_body
    leg_motion = float(np.max(np.abs(traj.q[:, legs] - cfg.default_q[legs]))) if legs.size else 0.0
    root_motion = float(np.max(np.linalg.norm(traj.root_pos - traj.root_pos[0], axis=1)))
    if leg_motion <= mc.leg_motion_threshold and root_motion <= mc.root_motion_threshold:
        return "upper_body"
    return "whole_body"


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
        upper_body_only=True,
    )
