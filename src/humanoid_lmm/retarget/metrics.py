"""Retargeting quality: MPJPE to the scaled human keypoints, foot slide in stance, ground penetration,
joint-limit violations, self-collisions (URDF collision geometry), jerk."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache

import numpy as np
import pinocchio as pin

from humanoid_lmm.robots import RobotTrajectory
from humanoid_lmm.retarget.retarget import robot_for

__all__ = ["RetargetMetrics", "retarget_metrics"]


@dataclass
class RetargetMetrics:
    frames: int
    mpjpe_mm: float  # mean over frames and tracked keypoints
    mpjpe_max_mm: float
    foot_slide_mm_per_frame: float  # mean xy motion of a stance foot between consecutive stance frames
    foot_slide_max_mm_per_frame: float
    penetration_mm: float  # deepest sole point below the ground (0 = none)
    limit_violations: int  # joint-frames outside [lower, upper]
    velocity_violations: int  # joint-frames faster than the velocity limit
    self_collision_frames: int
    jerk_rad_s3: float  # mean |d^3 q / dt^3|

    def as_dict(self) -> dict:
        return asdict(self)


@lru_cache(maxsize=4)
def _collision_setup(robot: str):
    cfg, pr, _, _ = robot_for(robot)
    geom = pin.buildGeomFromUrdf(pr.model, str(cfg.assets.urdf), pin.GeometryType.COLLISION,
                                 package_dirs=[str(cfg.assets.mesh_dir)])
    excluded = {frozenset(p) for p in cfg.collision_exclude}
    model = pr.model
    for i in range(len(geom.geometryObjects)):
        for j in range(i + 1, len(geom.geometryObjects)):
            gi, gj = geom.geometryObjects[i], geom.geometryObjects[j]
            ji, jj = gi.parentJoint, gj.parentJoint
            adjacent = ji == jj or model.parents[ji] == jj or model.parents[jj] == ji
            bodies = frozenset((model.frames[gi.parentFrame].name, model.frames[gj.parentFrame].name))
            if not adjacent and bodies not in excluded:
                geom.addCollisionPair(pin.CollisionPair(i, j))
    return geom, geom.createData() if hasattr(geom, "createData") else pin.GeometryData(geom)


def _sole_frames(robot: str) -> list[list[int]]:
    """Per foot, the frames of its sole contact spheres (fallback: the foot link)."""
    cfg, pr, _, _ = robot_for(robot)
    out = []
    for foot in cfg.links.feet:
        side = foot.split("_")[0]
        ids = [i for i, f in enumerate(pr.model.frames) if f.name.startswith(side) and "sphere" in f.name
               and "hand" not in f.name]
        out.append(ids or [pr.frame_id(foot)])
    return out


def retarget_metrics(traj: RobotTrajectory, collision_every: int = 5) -> RetargetMetrics:
    cfg, pr, h, _ = robot_for(traj.robot)
    joints = traj.meta.get("target_joints")
    targets = traj.meta.get("targets")
    soles = _sole_frames(traj.robot)
    q0 = pr.configuration([0, 0, h], [1, 0, 0, 0], cfg.default_q)
    pin.framesForwardKinematics(pr.model, pr.data, q0)
    sole_rest = min(pr.data.oMf[f].translation[2] for side in soles for f in side)
    geom, gdata = _collision_setup(traj.robot)
    err, feet_xy, sole_z, collisions = [], [], [], 0
    feet = [pr.frame_id(f) for f in cfg.links.feet]
    for t in range(traj.n_frames):
        q = pr.configuration(traj.root_pos[t], traj.root_quat[t], traj.q[t])
        pin.framesForwardKinematics(pr.model, pr.data, q)
        if targets is not None:
            got = np.stack([pr.data.oMf[pr.frame_id(cfg.smpl_map[j])].translation for j in joints])
            err.append(np.linalg.norm(got - targets[t], axis=1))
        feet_xy.append([pr.data.oMf[f].translation[:2].copy() for f in feet])
        sole_z.append(min(pr.data.oMf[f].translation[2] for side in soles for f in side))
        if t % collision_every == 0:
            pin.updateGeometryPlacements(pr.model, pr.data, geom, gdata)
            if pin.computeCollisions(geom, gdata, True):
                collisions += 1
    feet_xy = np.asarray(feet_xy)  # (T, 2, 2)
    stance = traj.contacts[1:] & traj.contacts[:-1]  # (T-1, 2)
    slide = np.linalg.norm(np.diff(feet_xy, axis=0), axis=2)[stance] * 1e3
    dq = np.diff(traj.q, axis=0) * traj.fps
    jerk = np.diff(traj.q, n=3, axis=0) * traj.fps**3 if traj.n_frames > 3 else np.zeros((1, 1))
    e = np.concatenate(err) * 1e3 if err else np.array([np.nan])
    return RetargetMetrics(
        frames=traj.n_frames,
        mpjpe_mm=float(np.mean(e)),
        mpjpe_max_mm=float(np.max(e)),
        foot_slide_mm_per_frame=float(slide.mean()) if slide.size else 0.0,
        foot_slide_max_mm_per_frame=float(slide.max()) if slide.size else 0.0,
        penetration_mm=float(max(0.0, sole_rest - min(sole_z)) * 1e3),
        limit_violations=int(np.sum((traj.q < cfg.q_lower - 1e-6) | (traj.q > cfg.q_upper + 1e-6))),
        velocity_violations=int(np.sum(np.abs(dq) > cfg.dq_max + 1e-6)),
        self_collision_frames=collisions,
        jerk_rad_s3=float(np.abs(jerk).mean()),
    )
