"""Stand / locomotion / upper-body-over-balance: one velocity-command policy under three roles.

- stand: velocity zero, the policy holds the robot on its feet;
- locomotion: the plan's body-frame [vx, vy, wz] command at each step;
- upper body (arm_sdk semantics): the plan's joints are blended over the policy's targets with weight w,
  at the arm gains, plus gravity feed-forward; the overridden arm joints are *masked* in the observation -
  reported to the policy as its own last command at rest - so their motion does not push it off balance
  (measured: unmasked, a wave crouches the G1 and both arms topple it; masked it stands; see
  shared/facts/balance-policies.md). The waist is overridden but observed as it is (masking it fell).

Observation terms (config/policies/<name>.yaml): actions, base_ang_vel, projected_gravity, command_lin_vel,
command_ang_vel, dof_pos (relative to the policy's default), dof_vel, sin_phase, cos_phase. Gait phase:
starts at [0, pi] when a non-zero command arrives, advances 2 pi / (rate * period) per step, and both legs
sit at pi while the command is zero (standing).
"""

from __future__ import annotations

import numpy as np

from humanoid_lmm.execution.config import ControllerSetConfig
from humanoid_lmm.execution.controllers.base import Controller, blend_reference
from humanoid_lmm.execution.controllers.body_model import BodyModel
from humanoid_lmm.execution.controllers.onnx_policy import OnnxPolicy
from humanoid_lmm.execution.types import JointCommand, Reference, RobotState
from humanoid_lmm.motion.rotations import quat_inverse, quat_rotate
from humanoid_lmm.robots import RobotConfig

__all__ = ["LocomotionController", "STAND_DEADBAND"]

STAND_DEADBAND = 0.01  # [m/s, rad/s] commands below this are "stand" (holosoma policies/locomotion.py)
_DOWN = np.array([0.0, 0.0, -1.0])


class LocomotionController(Controller):
    balances = True

    def __init__(self, policy: OnnxPolicy, robot: RobotConfig, cfg: ControllerSetConfig, body: BodyModel | None = None):
        super().__init__(robot)
        self.policy, self.cfg = policy, cfg
        self.name, self.rate_hz = policy.spec.name, policy.spec.rate_hz
        n = robot.num_joints
        self.arm_kp, self.arm_kd = np.full(n, cfg.arm_kp), np.full(n, cfg.arm_kd)
        self.body = body if body is not None or not cfg.gravity_feedforward else BodyModel(robot)
        self._unmaskable = np.array(["waist" in nm or "torso" in nm for nm in robot.joint_names])
        self._dphase = 2 * np.pi / (self.rate_hz * policy.spec.gait_period_s)
        self.reset(None)

    def stand_pose(self) -> np.ndarray:
        return self.policy.spec.default_q.copy()

    def reset(self, state: RobotState | None, last: JointCommand | None = None) -> None:
        self.last_action = np.zeros(self.robot.num_joints) if last is None else self.policy.action_of(last.q)
        self.phase = np.array([np.pi, np.pi])
        self.standing = True

    def _advance_phase(self, cmd: np.ndarray) -> None:
        if np.linalg.norm(cmd[:2]) < STAND_DEADBAND and abs(cmd[2]) < STAND_DEADBAND:
            self.phase[:] = np.pi
            self.standing = True
        elif self.standing:
            self.phase = np.array([0.0, np.pi])
            self.standing = False
        else:
            self.phase = np.fmod(self.phase + self._dphase + np.pi, 2 * np.pi) - np.pi

    def step(self, state: RobotState, ref: Reference | None) -> JointCommand:
        p = self.policy
        cmd = np.zeros(3) if ref is None else np.asarray(ref.velocity, float)
        self._advance_phase(cmd)
        q, dq = state.q.copy(), state.dq.copy()
        if ref is not None and self.cfg.masked and ref.weight > 0:
            masked = ref.joints[~self._unmaskable[ref.joints]]
            q[masked] = p.target(self.last_action)[masked]  # "where I told it to be, at rest"
            dq[masked] = 0.0
        obs = p.observe({
            "actions": self.last_action,
            "base_ang_vel": state.gyro,
            "projected_gravity": quat_rotate(quat_inverse(state.quat), _DOWN),
            "command_lin_vel": cmd[:2],
            "command_ang_vel": cmd[2:3],
            "dof_pos": q - p.spec.default_q,
            "dof_vel": dq,
            "sin_phase": np.sin(self.phase),
            "cos_phase": np.cos(self.phase),
        })
        self.last_action = p.act(obs)
        n = self.robot.num_joints
        out = JointCommand(p.target(self.last_action), np.zeros(n), np.zeros(n), p.kp.copy(), p.kd.copy())
        if ref is None:
            return out
        tau = ref.tau if ref.tau is not None else self.body.gravity(state.quat, state.q) if self.body is not None else None
        kp = self.arm_kp if ref.kp is None else ref.kp
        kd = self.arm_kd if ref.kd is None else ref.kd
        return blend_reference(out, ref, kp, kd, tau)
