"""Plain joint PD at the robot config's gains: no balance.

What the robot gets where no balancing controller exists (H1: only on its gantry in simulation; refused on the
real robot), and the "controller switched off" baseline the tests use to show that balance comes from the
policy (a free-standing G1 on plain PD falls within seconds).
"""

from __future__ import annotations

import numpy as np

from humanoid_lmm.execution.controllers.base import Controller
from humanoid_lmm.execution.types import JointCommand, Reference, RobotState

__all__ = ["PDController"]


class PDController(Controller):
    name = "pd"
    balances = False

    def reset(self, state: RobotState | None, last: JointCommand | None = None) -> None:
        """Stateless: nothing to take over."""

    def step(self, state: RobotState, ref: Reference | None) -> JointCommand:
        n = self.robot.num_joints
        q, dq = self.robot.default_q.copy(), np.zeros(n)
        if ref is not None:
            w, j = float(np.clip(ref.weight, 0.0, 1.0)), ref.joints
            q[j] = w * ref.q[j] + (1 - w) * q[j]
            dq[j] = w * ref.dq[j]
        return JointCommand(q, dq, np.zeros(n), self.robot.kp.copy(), self.robot.kd.copy())
