"""The simulated stand-in for Unitree's built-in G1 controller: the stand policy, with rt/arm_sdk blended over it.

On the real G1 the built-in controller keeps balance while rt/arm_sdk commands the waist and arms, weighted
by motor_cmd[29].q. The simulated robot (control.SimRobot) and validation of arm_sdk plans (sim) run this
stand-in instead: the project's stand policy (config/execution.yaml controllers.<robot>.stand) with the
arm_sdk joints overridden at the received gains and weight (and masked in its observation).
"""

from __future__ import annotations

from humanoid_lmm.execution.config import ExecutionConfig
from humanoid_lmm.execution.controllers import build_controller
from humanoid_lmm.execution.types import JointCommand, Reference, RobotState
from humanoid_lmm.robots import RobotConfig

__all__ = ["BuiltinStandIn"]


class BuiltinStandIn:
    def __init__(self, robot: RobotConfig, cfg: ExecutionConfig):
        self.robot = robot
        self.controller = build_controller(robot, cfg, "stand")
        self.rate_hz = self.controller.rate_hz
        self.name = f"built-in stand-in ({self.controller.name})"

    def reset(self, state: RobotState | None) -> None:
        self.controller.reset(state)

    def step(self, state: RobotState, arm_sdk: JointCommand | None) -> JointCommand:
        """The full-body command in force: the stand policy, the arm_sdk joints blended in by its weight."""
        ref = None
        if arm_sdk is not None and arm_sdk.weight > 0.0:
            ub = self.robot.upper_body
            ref = Reference(q=arm_sdk.q, dq=arm_sdk.dq, joints=ub, weight=arm_sdk.weight, kp=arm_sdk.kp,
                            kd=arm_sdk.kd, tau=arm_sdk.tau)
        out = self.controller.step(state, ref)
        out.weight = 0.0 if ref is None else ref.weight  # the share of the upper body arm_sdk drives
        return out
