"""The one interface every robot-side controller implements.

A controller runs at `rate_hz` (50 Hz for the policies): each `step` reads the measured `RobotState` and the
plan's `Reference` for this instant (or None: no plan, just keep standing) and returns the full-body
`JointCommand` (PD targets, gains, feed-forward) the motor drivers will track until the next step.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from humanoid_lmm.execution.types import JointCommand, Reference, RobotState
from humanoid_lmm.robots import RobotConfig

__all__ = ["Controller", "blend_reference"]


class Controller(ABC):
    name: str = "controller"
    rate_hz: float = 50.0
    balances: bool = False  # True when it keeps a free-standing robot upright

    def __init__(self, robot: RobotConfig):
        self.robot = robot

    @property
    def dt(self) -> float:
        return 1.0 / self.rate_hz

    @abstractmethod
    def reset(self, state: RobotState, last: JointCommand | None = None) -> None:
        """Take over from `last` (the command in force, if any) at the measured state."""

    @abstractmethod
    def step(self, state: RobotState, ref: Reference | None) -> JointCommand:
        """The command for the next 1 / rate_hz seconds."""

    def stand_pose(self) -> np.ndarray:
        """The pose this controller holds when there is no plan (motor order)."""
        return self.robot.default_q.copy()


def blend_reference(cmd: JointCommand, ref: Reference, kp: np.ndarray, kd: np.ndarray,
                    tau: np.ndarray | None = None) -> JointCommand:
    """arm_sdk semantics on `cmd`: the reference's joints become w * reference + (1 - w) * cmd (targets, gains,
    feed-forward), w = ref.weight; the other joints are left to the controller."""
    w = float(np.clip(ref.weight, 0.0, 1.0))
    j = ref.joints
    out = cmd.copy()
    out.q[j] = w * ref.q[j] + (1 - w) * cmd.q[j]
    out.dq[j] = w * ref.dq[j] + (1 - w) * cmd.dq[j]
    out.kp[j] = w * kp[j] + (1 - w) * cmd.kp[j]
    out.kd[j] = w * kd[j] + (1 - w) * cmd.kd[j]
    if tau is not None:
        out.tau[j] = w * tau[j] + (1 - w) * cmd.tau[j]
    out.weight = w
    return out
