"""Joint position / velocity / acceleration limits of a trajectory (finite differences, no physics)."""

from __future__ import annotations

import numpy as np

from humanoid_lmm.robots import RobotConfig, RobotTrajectory
from humanoid_lmm.sim.config import KinematicConfig
from humanoid_lmm.sim.report import Failure

__all__ = ["check_joint_limits", "joint_velocity", "joint_acceleration"]


def joint_velocity(traj: RobotTrajectory) -> np.ndarray:
    """(T, n) joint velocity [rad/s] by central differences (one-sided at the ends)."""
    if traj.n_frames < 2:
        return np.zeros_like(traj.q)
    return np.gradient(traj.q, 1.0 / traj.fps, axis=0)


def joint_acceleration(traj: RobotTrajectory) -> np.ndarray:
    """(T, n) joint acceleration [rad/s^2] by second differences."""
    if traj.n_frames < 3:
        return np.zeros_like(traj.q)
    return np.gradient(joint_velocity(traj), 1.0 / traj.fps, axis=0)


def _per_joint(check: str, excess: np.ndarray, value: np.ndarray, limit: np.ndarray, traj, what: str) -> list[Failure]:
    """One Failure per joint with any frame where excess > 0, reported at its worst frame."""
    out = []
    for j in np.flatnonzero(np.any(excess > 0, axis=0)):
        t = int(np.argmax(excess[:, j]))
        out.append(
            Failure(
                check=check,
                message=f"{what} {value[t, j]:.3f} beyond limit {limit[t, j]:.3f}",
                value=float(value[t, j]),
                limit=float(limit[t, j]),
                time_s=float(t / traj.fps),
                joint=traj.joint_names[j],
                count=int(np.count_nonzero(excess[:, j] > 0)),
            )
        )
    return out


def check_joint_limits(traj: RobotTrajectory, cfg: RobotConfig, kc: KinematicConfig) -> tuple[list[Failure], dict[str, float]]:
    """Position (with tolerance), velocity (scale x URDF limit, capped) and acceleration checks; returns failures, metrics."""
    q = traj.q
    T = traj.n_frames
    lo = np.broadcast_to(cfg.q_lower - kc.position_tolerance, q.shape)
    hi = np.broadcast_to(cfg.q_upper + kc.position_tolerance, q.shape)
    below, above = lo - q, q - hi
    failures = _per_joint("joint_position", below, q, lo, traj, "position")
    failures += _per_joint("joint_position", above, q, hi, traj, "position")

    dq = joint_velocity(traj)
    vmax = cfg.dq_max * kc.velocity_scale
    if kc.velocity_cap is not None:
        vmax = np.minimum(vmax, kc.velocity_cap)
    vmax = np.broadcast_to(vmax, (T, cfg.num_joints))
    failures += _per_joint("joint_velocity", np.abs(dq) - vmax, np.abs(dq), vmax, traj, "|velocity|")

    ddq = joint_acceleration(traj)
    amax = np.full((T, cfg.num_joints), kc.acceleration_max)
    failures += _per_joint("joint_acceleration", np.abs(ddq) - amax, np.abs(ddq), amax, traj, "|acceleration|")

    metrics = {
        "max_limit_excess_rad": float(max(0.0, np.max(cfg.q_lower - q), np.max(q - cfg.q_upper))),
        "max_velocity_ratio": float(np.max(np.abs(dq) / cfg.dq_max)),
        "max_acceleration": float(np.max(np.abs(ddq))),
    }
    return failures, metrics
