"""One cached MuJoCo robot per robot name for validation, and switches for its collision filtering."""

from __future__ import annotations

from functools import lru_cache

import mujoco
import numpy as np

from humanoid_lmm.robots import MujocoRobot, RobotConfig, build_mujoco_model

__all__ = ["validation_robot", "set_self_collision", "floor_geom", "foot_body_ids", "foot_mesh_geoms"]


@lru_cache(maxsize=4)
def validation_robot(cfg: RobotConfig) -> MujocoRobot:
    """The robot with position actuators (PD at the config gains), cached per config object.

    Used for the kinematic checks (contacts, self-collision) of a reference; the dynamic run uses
    `robots.build_sim_model`. Shared and mutable: `set_self_collision` rewrites the collision flags before
    each use, so one validation at a time per process.
    """
    return build_mujoco_model(cfg, actuators="position")


def floor_geom(mj: MujocoRobot) -> int:
    return int(mujoco.mj_name2id(mj.model, mujoco.mjtObj.mjOBJ_GEOM, "floor"))


def foot_body_ids(mj: MujocoRobot) -> np.ndarray:
    return np.array([mj.body_id(n) for n in mj.config.links.feet])


def _in_subtree(m: mujoco.MjModel, body: int, root: int) -> bool:
    while body > 0:
        if body == root:
            return True
        body = int(m.body_parentid[body])
    return False


def foot_mesh_geoms(mj: MujocoRobot) -> np.ndarray:
    """Mesh geoms of the foot bodies, for feet that also carry sphere contact points (G1/H1 sole spheres);
    empty for a foot without spheres (its mesh then stays the contact geometry)."""
    m = mj.model
    out = []
    for foot in foot_body_ids(mj):
        spheres = [g for g in range(m.ngeom) if m.geom_type[g] == mujoco.mjtGeom.mjGEOM_SPHERE and _in_subtree(m, int(m.geom_bodyid[g]), int(foot))]
        if spheres:
            out += [g for g in range(m.ngeom) if m.geom_bodyid[g] == foot and m.geom_type[g] == mujoco.mjtGeom.mjGEOM_MESH]
    return np.array(out, dtype=np.int64)


def set_self_collision(mj: MujocoRobot, enabled: bool, foot_mesh: bool = True) -> None:
    """Robot geoms collide with each other and the floor (enabled) or with the floor only (disabled).

    Bit 1: floor; bit 2: robot. Pairs excluded in the config stay excluded (MjSpec excludes).
    foot_mesh=False: feet touch the floor through their sole spheres only (the foot meshes duplicate them;
    dropping them roughly halves the contact count and makes the dynamic run ~40 % faster).
    """
    m = mj.model
    robot = m.geom_bodyid > 0
    m.geom_contype[~robot] = 1
    m.geom_conaffinity[~robot] = 1 | 2
    m.geom_contype[robot] = 2
    m.geom_conaffinity[robot] = 1 | (2 if enabled else 0)
    if not foot_mesh:
        meshes = foot_mesh_geoms(mj)
        m.geom_contype[meshes] = 0
        m.geom_conaffinity[meshes] = 0
