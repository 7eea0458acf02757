"""MuJoCo model of a robot built from the same URDF as Pinocchio: floor, free root, actuators, armature.

The scene (floor, light, timestep, integrator) is the project's own file `urdf/scene.xml`; the robot's
URDF is compiled from the installed holosoma-retargeting package and attached to it with `mujoco.MjSpec`,
so no third-party file is copied or edited.
"""

from __future__ import annotations

import copy
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import mujoco
import numpy as np

from humanoid_lmm import project_root
from humanoid_lmm.errors import ConfigError
from humanoid_lmm.robots.config import RobotConfig

__all__ = ["MujocoRobot", "build_mujoco_model", "standing_root_height"]

Actuators = Literal["position", "motor", "none"]
SCENE_FILE = "urdf/scene.xml"  # timestep 0.002 s = 500 Hz, the low-level control rate of the real robot


@dataclass
class MujocoRobot:
    """MuJoCo model + data; index arrays locate motor-order joint i in qpos / qvel / ctrl."""

    config: RobotConfig
    model: mujoco.MjModel
    data: mujoco.MjData
    qpos_index: np.ndarray  # (n,)
    qvel_index: np.ndarray  # (n,)
    actuator_index: np.ndarray | None  # (n,) or None when built without actuators
    fixed_base: bool

    def set_state(self, root_pos=None, root_quat_wxyz=None, q_motor=None, dq_motor=None) -> None:
        """Write root pose and joint state (motor order), zero the rest of qvel, and run mj_forward."""
        d = self.data
        d.qvel[:] = 0.0
        if not self.fixed_base:
            if root_pos is not None:
                d.qpos[0:3] = root_pos
            if root_quat_wxyz is not None:
                d.qpos[3:7] = np.asarray(root_quat_wxyz) / np.linalg.norm(root_quat_wxyz)
        if q_motor is not None:
            d.qpos[self.qpos_index] = q_motor
        if dq_motor is not None:
            d.qvel[self.qvel_index] = dq_motor
        mujoco.mj_forward(self.model, d)

    @property
    def q(self) -> np.ndarray:
        return self.data.qpos[self.qpos_index].copy()

    @property
    def dq(self) -> np.ndarray:
        return self.data.qvel[self.qvel_index].copy()

    def body_id(self, name: str) -> int:
        i = mujoco.mj_name2id(self.model, mujoco.mjtObj.mjOBJ_BODY, name)
        if i < 0:
            names = [self.model.body(k).name for k in range(self.model.nbody)]
            raise ConfigError(f"{self.config.name}: no MuJoCo body {name!r}; bodies: {names}")
        return i

    def body_positions(self, links: list[str]) -> np.ndarray:
        """World positions (len(links), 3) of bodies (after mj_forward / mj_step)."""
        return np.stack([self.data.xpos[self.body_id(n)].copy() for n in links])


def _lowest_point(model: mujoco.MjModel, data: mujoco.MjData) -> float:
    """Lowest world z over all collision geometry (mesh vertices exactly; primitives by bounding radius)."""
    low = np.inf
    for g in range(model.ngeom):
        if model.geom_bodyid[g] == 0:
            continue
        if model.geom_type[g] == mujoco.mjtGeom.mjGEOM_MESH:
            mid = model.geom_dataid[g]
            start, count = model.mesh_vertadr[mid], model.mesh_vertnum[mid]
            verts = model.mesh_vert[start : start + count]
            z = (verts @ data.geom_xmat[g].reshape(3, 3).T)[:, 2] + data.geom_xpos[g][2]
            low = min(low, float(z.min()))
        else:
            low = min(low, float(data.geom_xpos[g][2] - model.geom_rbound[g]))
    return low


def _spec(cfg: RobotConfig, actuators: Actuators, fixed_base: bool, root_height: float) -> mujoco.MjSpec:
    robot = mujoco.MjSpec.from_file(str(cfg.assets.urdf))
    robot.meshdir = str(cfg.assets.mesh_dir)
    robot.compiler.fusestatic = False  # keep fixed links (torso, hands) as bodies: same frames as Pinocchio
    robot.compiler.discardvisual = True  # the collision meshes are the visual meshes in these URDFs
    pelvis = robot.body(cfg.links.pelvis)
    if fixed_base:
        pelvis.pos = [0.0, 0.0, root_height]
    else:
        pelvis.add_freejoint(name="root")
    spec = mujoco.MjSpec.from_file(str(project_root() / SCENE_FILE))
    with _quiet_empty_prefix():  # empty prefix keeps the URDF names, which every stage uses
        spec.worldbody.add_frame().attach_body(pelvis, "", "")
    for i, name in enumerate(cfg.joint_names):
        j = spec.joint(name)
        if j is None:
            raise ConfigError(f"{cfg.source}: joint {name!r} not in {cfg.assets.urdf}")
        j.range = [cfg.q_lower[i], cfg.q_upper[i]]
        j.limited = mujoco.mjtLimited.mjLIMITED_TRUE
        j.armature = float(cfg.armature[i])
        j.damping = [cfg.joint_damping, 0.0, 0.0]  # MuJoCo 4: damping polynomial (linear term first)
        tau = float(cfg.tau_max[i])
        if actuators == "position":
            a = spec.add_actuator(name=name, target=name, trntype=mujoco.mjtTrn.mjTRN_JOINT)
            a.set_to_position(kp=float(cfg.kp[i]), kv=float(cfg.kd[i]))
            a.forcerange = [-tau, tau]
            a.forcelimited = mujoco.mjtLimited.mjLIMITED_TRUE
            a.ctrlrange = [cfg.q_lower[i], cfg.q_upper[i]]
            a.ctrllimited = mujoco.mjtLimited.mjLIMITED_TRUE
        elif actuators == "motor":
            a = spec.add_actuator(name=name, target=name, trntype=mujoco.mjtTrn.mjTRN_JOINT)
            a.ctrlrange = [-tau, tau]
            a.ctrllimited = mujoco.mjtLimited.mjLIMITED_TRUE
    for a, b in cfg.collision_exclude:
        spec.add_exclude(bodyname1=a, bodyname2=b)
    return spec


_EMPTY_PREFIX = "Attaching a spec with an empty prefix"


@contextmanager
def _quiet_empty_prefix():
    """Silence only MuJoCo's empty-prefix notice (we keep URDF names and never save the attached spec)."""
    previous = mujoco.get_mju_user_warning()

    def relay(msg: str) -> None:
        if _EMPTY_PREFIX not in msg:
            (previous or warnings.warn)(msg)

    mujoco.set_mju_user_warning(relay)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=_EMPTY_PREFIX)
            yield
    finally:
        mujoco.set_mju_user_warning(previous)


def _compile(spec: mujoco.MjSpec) -> mujoco.MjModel:
    with _quiet_empty_prefix():
        return spec.compile()


@lru_cache(maxsize=16)
def _compiled_model(cfg: RobotConfig, actuators: str, fixed_base: bool, root_height: float) -> mujoco.MjModel:
    """Compiling meshes takes ~1 s: compile once per variant, hand out copies."""
    return _compile(_spec(cfg, actuators, fixed_base, root_height))


@lru_cache(maxsize=None)
def standing_root_height(cfg: RobotConfig) -> float:
    """Pelvis height [m] at which the default pose's lowest point touches z = 0."""
    m = _compiled_model(cfg, "none", False, 0.0)
    d = mujoco.MjData(m)
    d.qpos[0:7] = [0, 0, 0, 1, 0, 0, 0]
    for i, name in enumerate(cfg.joint_names):
        d.qpos[m.jnt_qposadr[mujoco.mj_name2id(m, mujoco.mjtObj.mjOBJ_JOINT, name)]] = cfg.default_q[i]
    mujoco.mj_forward(m, d)
    return -_lowest_point(m, d)


def build_mujoco_model(
    cfg: RobotConfig, actuators: Actuators = "position", fixed_base: bool = False, root_height: float | None = None
) -> MujocoRobot:
    """Compile the robot's MuJoCo model and put it in the default standing pose on the floor.

    actuators: "position" (PD servo: kp, kd and torque limit from the config, ctrl = target angle [rad]),
    "motor" (ctrl = torque [N*m], clipped to the effort limit) or "none".
    fixed_base: weld the pelvis at `root_height` (default: standing height) instead of a free joint.
    """
    if actuators not in ("position", "motor", "none"):
        raise ConfigError(f"actuators={actuators!r}; valid choices: ['position', 'motor', 'none']")
    h = standing_root_height(cfg) if root_height is None else float(root_height)
    model = copy.copy(_compiled_model(cfg, actuators, fixed_base, h))
    data = mujoco.MjData(model)
    jids = [mujoco.mj_name2id(model, mujoco.mjtObj.mjOBJ_JOINT, n) for n in cfg.joint_names]
    act = None
    if actuators != "none":
        act = np.array([mujoco.mj_name2id(model, mujoco.mjtObj.mjOBJ_ACTUATOR, n) for n in cfg.joint_names])
    robot = MujocoRobot(
        config=cfg,
        model=model,
        data=data,
        qpos_index=np.array([model.jnt_qposadr[j] for j in jids], dtype=np.int64),
        qvel_index=np.array([model.jnt_dofadr[j] for j in jids], dtype=np.int64),
        actuator_index=act,
        fixed_base=fixed_base,
    )
    robot.set_state([0.0, 0.0, h], [1.0, 0.0, 0.0, 0.0], cfg.default_q)
    if act is not None and actuators == "position":
        data.ctrl[act] = cfg.default_q
    return robot
