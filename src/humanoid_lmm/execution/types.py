"""The values that flow at run time: measured robot state in, reference for the controller, joint command out.

All joint arrays are (n,) in Unitree motor order. Quaternions are (w, x, y, z).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["JointCommand", "Reference", "RobotState"]


@dataclass
class JointCommand:
    """What one motor-command message carries: tau = tau_ff + kp (q - q_meas) + kd (dq - dq_meas)."""

    q: np.ndarray  # [rad]
    dq: np.ndarray  # [rad/s]
    tau: np.ndarray  # [N*m] feed-forward
    kp: np.ndarray  # [N*m/rad]
    kd: np.ndarray  # [N*m*s/rad]
    mode_machine: int = 0
    weight: float = 1.0  # arm_sdk weight (hg motor slot 29): share of the upper body this command drives

    def copy(self) -> "JointCommand":
        return JointCommand(self.q.copy(), self.dq.copy(), self.tau.copy(), self.kp.copy(), self.kd.copy(),
                            self.mode_machine, self.weight)


@dataclass
class RobotState:
    """What the robot reports (rt/lowstate): joints and the pelvis IMU. `base_pos`/`base_vel` are ground
    truth a simulator may add for measurement; controllers never read them (the real robot has none)."""

    q: np.ndarray  # [rad]
    dq: np.ndarray  # [rad/s]
    quat: np.ndarray  # (4,) pelvis orientation in the world, wxyz
    gyro: np.ndarray  # (3,) pelvis angular velocity in the pelvis frame [rad/s]
    tau: np.ndarray | None = None  # [N*m] estimated joint torque
    base_pos: np.ndarray | None = None  # (3,) simulator only [m]
    base_vel: np.ndarray | None = None  # (3,) simulator only [m/s]


@dataclass
class Reference:
    """What the plan asks of the controller at one instant.

    q, dq: reference joint positions / velocities for the joints in `joints` (the others are the controller's);
    weight: share of those joints the reference drives (arm_sdk semantics, 0..1); velocity: body-frame
    [vx, vy, wz] command (locomotion); torso_quat: reference torso orientation (whole-body tracking).
    """

    q: np.ndarray
    dq: np.ndarray
    joints: np.ndarray  # (k,) motor-order indices the reference drives
    weight: float = 1.0
    velocity: np.ndarray = field(default_factory=lambda: np.zeros(3))
    torso_quat: np.ndarray | None = None
    kp: np.ndarray | None = None  # gains / feed-forward for the reference joints (None: the controller's own)
    kd: np.ndarray | None = None
    tau: np.ndarray | None = None
