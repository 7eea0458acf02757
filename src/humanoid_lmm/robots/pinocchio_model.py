"""Pinocchio model of a robot with a free-flyer root, and the index maps to/from motor order."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pinocchio as pin

from humanoid_lmm.errors import ConfigError
from humanoid_lmm.robots.config import RobotConfig

__all__ = ["PinocchioRobot", "build_pinocchio_model"]


@dataclass
class PinocchioRobot:
    """Pinocchio model + data; `q_index[i]` / `v_index[i]` locate motor-order joint i in q / v."""

    config: RobotConfig
    model: pin.Model
    data: pin.Data
    collision_model: pin.GeometryModel | None
    q_index: np.ndarray  # (n,) into q (nq = 7 + n): root is q[0:7] = xyz + quaternion (x, y, z, w)
    v_index: np.ndarray  # (n,) into v (nv = 6 + n)

    def configuration(self, root_pos, root_quat_wxyz, q_motor) -> np.ndarray:
        """Pinocchio q (nq,) from root position (3,), root quaternion wxyz (4,) and joints (n,) in motor order."""
        q = np.empty(self.model.nq)
        q[:3] = root_pos
        w, x, y, z = np.asarray(root_quat_wxyz, dtype=float) / np.linalg.norm(root_quat_wxyz)
        q[3:7] = (x, y, z, w)
        q[self.q_index] = q_motor
        return q

    def split(self, q: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Inverse of `configuration`: (root_pos (3,), root_quat wxyz (4,), q_motor (n,))."""
        x, y, z, w = q[3:7]
        return q[:3].copy(), np.array([w, x, y, z]), q[self.q_index].copy()

    def frame_id(self, link: str) -> int:
        if not self.model.existFrame(link):
            bodies = [f.name for f in self.model.frames if f.type == pin.FrameType.BODY]
            raise ConfigError(f"{self.config.name}: link {link!r} not in the URDF; links: {bodies}")
        return self.model.getFrameId(link)

    def link_positions(self, q: np.ndarray, links: list[str]) -> np.ndarray:
        """World positions (len(links), 3) of link frames at configuration q."""
        pin.framesForwardKinematics(self.model, self.data, q)
        return np.stack([self.data.oMf[self.frame_id(n)].translation.copy() for n in links])


def build_pinocchio_model(cfg: RobotConfig, with_collisions: bool = False) -> PinocchioRobot:
    """Free-flyer Pinocchio model from the robot's URDF; checks every config joint exists in it."""
    urdf = str(cfg.assets.urdf)
    model = pin.buildModelFromUrdf(urdf, pin.JointModelFreeFlyer())
    missing = [n for n in cfg.joint_names if not model.existJointName(n)]
    if missing:
        raise ConfigError(f"{cfg.source}: joints {missing} are not in {urdf}")
    ids = [model.getJointId(n) for n in cfg.joint_names]
    q_index = np.array([model.joints[i].idx_q for i in ids], dtype=np.int64)
    v_index = np.array([model.joints[i].idx_v for i in ids], dtype=np.int64)
    if model.nq != 7 + cfg.num_joints:
        extra = [model.names[i] for i in range(2, model.njoints) if model.names[i] not in cfg.joint_names]
        raise ConfigError(f"{cfg.source}: URDF has joints the config does not list: {extra}")
    geom = None
    if with_collisions:
        geom = pin.buildGeomFromUrdf(model, urdf, pin.GeometryType.COLLISION, package_dirs=[str(cfg.assets.mesh_dir)])
    return PinocchioRobot(cfg, model, model.createData(), geom, q_index, v_index)
