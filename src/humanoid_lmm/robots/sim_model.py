"""The MuJoCo model a robot is *executed* on (the simulated robot and dynamic validation).

G1: holosoma's simulation MJCF (`RobotConfig.sim_model`, from the installed PyPI package, not copied): torque
motors, armature, capsule feet, ankle tendons - the model its balance / tracking policies were trained on. A
robot without one (H1) uses the project's URDF-built model (`build_mujoco_model`, torque motors).
`gantry=True` welds the pelvis in place (a robot hanging on its gantry): an explicit assist that every report
names. Joint ranges and torque limits come from the robot config, so safety and physics agree.
"""

from __future__ import annotations

import copy
from functools import lru_cache

import mujoco
import numpy as np

from humanoid_lmm.errors import ConfigError
from humanoid_lmm.robots.config import RobotConfig
from humanoid_lmm.robots.mujoco_model import MujocoRobot, build_mujoco_model

__all__ = ["build_sim_model", "floor_height_offset"]


@lru_cache(maxsize=8)
def _compiled(cfg: RobotConfig, gantry: bool) -> mujoco.MjModel:
    spec = mujoco.MjSpec.from_file(str(cfg.sim_model))
    pelvis = spec.body(cfg.links.pelvis)
    if pelvis is None:
        raise ConfigError(f"{cfg.sim_model}: no body {cfg.links.pelvis!r}")
    if gantry:
        for j in list(pelvis.joints):
            if j.type == mujoco.mjtJoint.mjJNT_FREE:
                spec.delete(j)
    for i, name in enumerate(cfg.joint_names):
        j = spec.joint(name)
        if j is None:
            raise ConfigError(f"{cfg.sim_model}: joint {name!r} of {cfg.name} is missing")
        lo, hi = (float(v) for v in j.range)
        if j.limited and (abs(lo - cfg.q_lower[i]) > 1e-3 or abs(hi - cfg.q_upper[i]) > 1e-3):
            raise ConfigError(f"{cfg.sim_model}: joint {name} range [{lo}, {hi}] differs from {cfg.source} "
                              f"[{cfg.q_lower[i]}, {cfg.q_upper[i]}]")
    model = spec.compile()
    for i, name in enumerate(cfg.joint_names):
        a = mujoco.mj_name2id(model, mujoco.mjtObj.mjOBJ_ACTUATOR, name)
        if a < 0 or model.actuator_gainprm[a, 0] != 1.0 or model.actuator_biastype[a] != 0:
            raise ConfigError(f"{cfg.sim_model}: expected a torque motor named {name!r}")
        tau = float(cfg.tau_max[i])
        model.actuator_ctrlrange[a] = (-tau, tau)
        model.actuator_ctrllimited[a] = 1
    return model


def floor_height_offset(mj: MujocoRobot) -> float:
    """How far [m] to raise the root so the lowest floor-touching geom just touches z = 0 (after mj_forward)."""
    m, d = mj.model, mj.data
    low = np.inf
    for g in range(m.ngeom):
        if m.geom_bodyid[g] == 0 or (m.geom_contype[g] == 0 and m.geom_conaffinity[g] == 0 and not _in_pair(m, g)):
            continue
        z = float(d.geom_xpos[g][2])
        if m.geom_type[g] == mujoco.mjtGeom.mjGEOM_CAPSULE:  # exact: centre - half-length along z - radius
            z -= abs(d.geom_xmat[g][8]) * m.geom_size[g][1] + m.geom_size[g][0]
        else:  # conservative: bounding sphere
            z -= m.geom_rbound[g]
        low = min(low, z)
    return -low if np.isfinite(low) else 0.0


def _in_pair(m: mujoco.MjModel, g: int) -> bool:
    return bool(m.npair) and bool(np.any((m.pair_geom1 == g) | (m.pair_geom2 == g)))


def build_sim_model(cfg: RobotConfig, gantry: bool = False) -> MujocoRobot:
    """The robot's execution model (torque motors: ctrl = N*m) standing in its default pose on the floor."""
    if cfg.sim_model is None:
        return build_mujoco_model(cfg, actuators="motor", fixed_base=gantry)
    model = copy.copy(_compiled(cfg, gantry))  # each robot gets its own model (validation edits options)
    data = mujoco.MjData(model)
    jids = [mujoco.mj_name2id(model, mujoco.mjtObj.mjOBJ_JOINT, n) for n in cfg.joint_names]
    robot = MujocoRobot(
        config=cfg, model=model, data=data,
        qpos_index=np.array([model.jnt_qposadr[j] for j in jids], dtype=np.int64),
        qvel_index=np.array([model.jnt_dofadr[j] for j in jids], dtype=np.int64),
        actuator_index=np.array([mujoco.mj_name2id(model, mujoco.mjtObj.mjOBJ_ACTUATOR, n) for n in cfg.joint_names]),
        fixed_base=gantry,
    )
    robot.set_state([0.0, 0.0, 1.0], [1.0, 0.0, 0.0, 0.0], cfg.default_q)
    if not gantry:
        robot.set_state([0.0, 0.0, 1.0 + floor_height_offset(robot)], [1.0, 0.0, 0.0, 0.0], cfg.default_q)
    return robot
