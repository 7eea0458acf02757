"""Whole-body tracking: a tracking policy (BeyondMimic-style, e.g. holosoma's WBT) follows the plan's reference.

Observation terms: actions, base_ang_vel, dof_pos (relative to the policy's default), dof_vel,
motion_command (reference joint positions and velocities, absolute), motion_ref_ori_b (the first two columns
of R(robot torso^-1 * reference torso), row-major, both with the heading they had when tracking started
removed: the policy is heading-invariant), optionally projected_gravity. The robot's torso orientation is
the pelvis IMU composed with the waist joints (`BodyModel`). Enter it from a quiet pose: starting a
dynamic pose from rest falls (shared/facts/balance-policies.md).
"""

from __future__ import annotations

import numpy as np

from humanoid_lmm.execution.controllers.base import Controller
from humanoid_lmm.execution.controllers.body_model import BodyModel
from humanoid_lmm.execution.controllers.onnx_policy import OnnxPolicy
from humanoid_lmm.execution.types import JointCommand, Reference, RobotState
from humanoid_lmm.motion.rotations import quat_inverse, quat_multiply, quat_rotate, quat_to_matrix
from humanoid_lmm.robots import RobotConfig

__all__ = ["TrackingController", "heading", "without_heading"]

_DOWN = np.array([0.0, 0.0, -1.0])


def heading(quat_wxyz: np.ndarray) -> float:
    w, x, y, z = quat_wxyz
    return float(np.arctan2(2.0 * (w * z + x * y), 1.0 - 2.0 * (y * y + z * z)))


def without_heading(quat_wxyz: np.ndarray, yaw: float) -> np.ndarray:
    """quat rotated by -yaw about world z."""
    return quat_multiply(np.array([np.cos(-yaw / 2), 0.0, 0.0, np.sin(-yaw / 2)]), quat_wxyz)


class TrackingController(Controller):
    balances = True

    def __init__(self, policy: OnnxPolicy, robot: RobotConfig, body: BodyModel | None = None):
        super().__init__(robot)
        self.policy = policy
        self.name, self.rate_hz = policy.spec.name, policy.spec.rate_hz
        self.body = body or BodyModel(robot, policy.spec.torso_link)
        self.reset(None)

    def stand_pose(self) -> np.ndarray:
        return self.policy.spec.default_q.copy()

    def reset(self, state: RobotState | None, last: JointCommand | None = None) -> None:
        self.last_action = np.zeros(self.robot.num_joints) if last is None else self.policy.action_of(last.q)
        self._robot_yaw0 = None if state is None else heading(self.body.torso_quat(state.quat, state.q))
        self._ref_yaw0 = None

    def step(self, state: RobotState, ref: Reference | None) -> JointCommand:
        p = self.policy
        if ref is None or ref.torso_quat is None:
            raise ValueError("the tracking controller needs a reference with a torso orientation")
        torso = self.body.torso_quat(state.quat, state.q)
        if self._robot_yaw0 is None:
            self._robot_yaw0 = heading(torso)
        if self._ref_yaw0 is None:
            self._ref_yaw0 = heading(ref.torso_quat)
        rel = quat_multiply(quat_inverse(without_heading(torso, self._robot_yaw0)),
                            without_heading(ref.torso_quat, self._ref_yaw0))
        obs = p.observe({
            "actions": self.last_action,
            "base_ang_vel": state.gyro,
            "projected_gravity": quat_rotate(quat_inverse(state.quat), _DOWN),
            "dof_pos": state.q - p.spec.default_q,
            "dof_vel": state.dq,
            "motion_command": np.concatenate([ref.q, ref.dq]),
            "motion_ref_ori_b": quat_to_matrix(rel)[:, :2].reshape(-1),
        })
        self.last_action = p.act(obs)
        n = self.robot.num_joints
        return JointCommand(p.target(self.last_action), np.zeros(n), np.zeros(n), p.kp.copy(), p.kd.copy())
