"""Leg odometry: where the pelvis has gone, from joint encoders and the IMU alone (what the real robot has).

The loaded foot is taken as the stance foot and as fixed in the world: the leg whose knee carries the larger
torque (motor torque estimate, rt/lowstate tau_est), or the lower foot when no torque is reported. The
pelvis is where that foot's kinematics put it. When the other foot takes the load, it is anchored where it is
then, so the estimate is continuous. Good for the seconds a plan lasts (it drifts with foot slip); validation measures the
error it leaves against the simulator's ground truth (base_drift).
"""

from __future__ import annotations

import numpy as np

from humanoid_lmm.execution.controllers.body_model import BodyModel
from humanoid_lmm.execution.types import RobotState

__all__ = ["LegOdometry"]

SWITCH_MARGIN_M = 0.01  # without torques: the other foot must be this much lower to take over (no chatter)
SWITCH_RATIO = 1.5  # with torques: the other knee must carry this many times the torque to take over


class LegOdometry:
    def __init__(self, body: BodyModel):
        self.body = body
        cfg = body.pin.config
        self._knees = [next(i for i, n in enumerate(cfg.joint_names) if n.startswith(side) and "knee" in n)
                       for side in ("left", "right")]
        self.reset(None)

    def reset(self, state: RobotState | None) -> None:
        """Start at the origin (pelvis xy = 0) with the current lower foot as the stance foot."""
        self.pelvis = np.zeros(3)
        self._stance = None
        self._anchor = None
        if state is not None:
            self.update(state)

    def update(self, state: RobotState) -> np.ndarray:
        """Pelvis position (3,) relative to where it was at reset [m] (world-aligned axes)."""
        feet = self.body.feet_from_pelvis(state.quat, state.q)  # (2, 3), foot - pelvis
        if state.tau is not None and np.all(np.isfinite(state.tau)):
            load = np.abs(np.asarray(state.tau)[self._knees])
            best = int(np.argmax(load))
            switch = self._stance is not None and best != self._stance and load[best] > SWITCH_RATIO * load[self._stance]
        else:
            best = int(np.argmin(feet[:, 2]))
            switch = self._stance is not None and best != self._stance and \
                feet[best, 2] < feet[self._stance, 2] - SWITCH_MARGIN_M
        if self._stance is None or switch:
            self._stance, self._anchor = best, self.pelvis + feet[best]
        self.pelvis = self._anchor - feet[self._stance]
        return self.pelvis.copy()
