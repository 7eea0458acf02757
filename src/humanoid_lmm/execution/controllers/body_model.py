"""What controllers compute from the robot model on the robot: torso orientation and gravity torques.

Both use Pinocchio on the robot's URDF with the measured joints and the pelvis IMU orientation (the position
of the floating base does not enter either), so they run on the real robot exactly as in simulation.
"""

from __future__ import annotations

import numpy as np
import pinocchio as pin

from humanoid_lmm.motion.rotations import matrix_to_quat
from humanoid_lmm.robots import RobotConfig, build_pinocchio_model

__all__ = ["BodyModel"]


class BodyModel:
    def __init__(self, robot: RobotConfig, torso_link: str | None = None):
        self.pin = build_pinocchio_model(robot)
        self._torso = self.pin.frame_id(torso_link or robot.links.torso)
        self._feet = [self.pin.frame_id(f) for f in robot.links.feet]
        self._data = self.pin.model.createData()

    def _q(self, quat_wxyz, q_motor) -> np.ndarray:
        return self.pin.configuration(np.zeros(3), quat_wxyz, q_motor)

    def torso_quat(self, quat_wxyz, q_motor) -> np.ndarray:
        """World orientation (wxyz) of the torso link given the pelvis orientation and the joints."""
        m, d = self.pin.model, self._data
        pin.framesForwardKinematics(m, d, self._q(quat_wxyz, q_motor))
        return matrix_to_quat(d.oMf[self._torso].rotation.copy())

    def torso_quats(self, root_quats: np.ndarray, q: np.ndarray) -> np.ndarray:
        """(T, 4) torso orientations along a trajectory (T, 4) root quaternions, (T, n) joints."""
        return np.stack([self.torso_quat(root_quats[t], q[t]) for t in range(len(q))])

    def feet_from_pelvis(self, quat_wxyz, q_motor) -> np.ndarray:
        """(2, 3) left/right foot positions relative to the pelvis, in world-aligned axes (IMU orientation)."""
        m, d = self.pin.model, self._data
        pin.framesForwardKinematics(m, d, self._q(quat_wxyz, q_motor))
        return np.stack([d.oMf[f].translation.copy() for f in self._feet])

    def gravity(self, quat_wxyz, q_motor) -> np.ndarray:
        """Joint torques (n,) [N*m] that hold the current pose against gravity (motor order)."""
        g = pin.computeGeneralizedGravity(self.pin.model, self._data, self._q(quat_wxyz, q_motor))
        return np.asarray(g)[self.pin.v_index]
