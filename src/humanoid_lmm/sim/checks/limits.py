"""Joint position / velocity / acceleration of a plan's reference against the safety filter's limits.

The limits are the filter's own (config/execution.yaml `safety`: position margin, reference velocity and
acceleration limits), already multiplied by the validation headroom by the caller: a reference that passes
here is not clipped by the filter on the robot. Only the joints the plan drives are checked (the others are the
balancing controller's). Finite differences at the reference's frame rate, no physics.
"""

from __future__ import annotations

import numpy as np

from humanoid_lmm.execution import SafetyConfig, SafetyFilter
from humanoid_lmm.robots import RobotConfig, RobotTrajectory
from humanoid_lmm.sim.report import Failure

__all__ = ["check_joint_limits", "joint_acceleration", "joint_velocity"]


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


def _per_joint(check: str, excess, value, limit, traj, joints, what: str) -> list[Failure]:
    """One Failure per driven joint with any frame where excess > 0, reported at its worst frame."""
    out = []
    for j in joints:
        if not np.any(excess[:, j] > 0):
            continue
        t = int(np.argmax(excess[:, j]))
        out.append(Failure(check=check, message=f"{what} {value[t, j]:.3f} beyond the safety limit {limit[j]:.3f}",
                           value=float(value[t, j]), limit=float(limit[j]), time_s=float(t / traj.fps),
                           joint=traj.joint_names[j], count=int(np.count_nonzero(excess[:, j] > 0))))
    return out


def check_joint_limits(traj: RobotTrajectory, cfg: RobotConfig, safety: SafetyConfig,
                       joints: np.ndarray | None = None) -> tuple[list[Failure], dict[str, float]]:
    """Reference joints inside the filter's position window, under its velocity and acceleration limits."""
    joints = np.arange(cfg.num_joints) if joints is None else np.asarray(joints)
    f = SafetyFilter(cfg, safety)  # its limits, per joint (reference source)
    q = traj.q
    failures = _per_joint("joint_position", f.lower - q, q, f.lower, traj, joints, "position")
    failures += _per_joint("joint_position", q - f.upper, q, f.upper, traj, joints, "position")
    dq = np.abs(joint_velocity(traj))
    failures += _per_joint("joint_velocity", dq - f.v_max, dq, f.v_max, traj, joints, "|velocity|")
    ddq = np.abs(joint_acceleration(traj))
    failures += _per_joint("joint_acceleration", ddq - f.a_max, ddq, f.a_max, traj, joints, "|acceleration|")
    metrics = {
        "max_velocity_share": float(np.max(dq[:, joints] / f.v_max[joints])) if joints.size else 0.0,
        "max_acceleration_share": float(np.max(ddq[:, joints] / f.a_max[joints])) if joints.size else 0.0,
    }
    return failures, metrics
