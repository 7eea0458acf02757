"""`retarget(motion, robot) -> RobotTrajectory`: per-frame QP IK with pinned stance feet."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pinocchio as pin

from humanoid_lmm.errors import RetargetError
from humanoid_lmm.motion import SMPL_JOINT_NAMES, Motion
from humanoid_lmm.retarget.collision import CollisionAvoidanceLimit
from humanoid_lmm.retarget.config import RetargetConfig, load_retarget_config
from humanoid_lmm.retarget.qp_ik import QPIK, OrientationTask, PositionTask
from humanoid_lmm.retarget.targets import human_targets
from humanoid_lmm.robots import (
    PinocchioRobot,
    RobotConfig,
    RobotTrajectory,
    build_pinocchio_model,
    load_robot_config,
    standing_root_height,
)

__all__ = ["retarget", "robot_for"]

_FEET = ("left_ankle", "right_ankle")  # SMPL joints whose robot links are the feet
FIRST_FRAME_ITERATIONS = 40


@lru_cache(maxsize=4)
def robot_for(robot: str) -> tuple[RobotConfig, PinocchioRobot, float, np.ndarray]:
    """(config, Pinocchio model, standing pelvis height, standing foot-link positions (2, 3))."""
    cfg = load_robot_config(robot)
    pr = build_pinocchio_model(cfg)
    h = standing_root_height(cfg)
    feet = pr.link_positions(pr.configuration([0, 0, h], [1, 0, 0, 0], cfg.default_q), list(cfg.links.feet))
    return cfg, pr, h, feet


@lru_cache(maxsize=4)
def _collision_limit(robot: str, detection: float, d_min: float, gain: float) -> CollisionAvoidanceLimit:
    return CollisionAvoidanceLimit(robot_for(robot)[1], detection, d_min, gain)


def _half_width(robot: str, left: str, right: str) -> float:
    cfg, pr, h, _ = robot_for(robot)
    p = pr.link_positions(pr.configuration([0, 0, h], [1, 0, 0, 0], cfg.default_q),
                          [cfg.smpl_map[left], cfg.smpl_map[right]])
    return float(0.5 * (p[0, 1] - p[1, 1]))


def _yaw_only(R: np.ndarray) -> np.ndarray:
    yaw = np.arctan2(R[1, 0], R[0, 0])
    return pin.rpy.rpyToMatrix(0.0, 0.0, yaw)


def retarget(motion: Motion, robot: str = "g1", fps: float | None = None,
             config: RetargetConfig | None = None) -> RobotTrajectory:
    """Retarget a human `Motion` to `robot` ("g1" | "h1") at `fps` (default: the motion's rate)."""
    cfg = config or load_retarget_config()
    rcfg, pr, pelvis_h, feet_rest = robot_for(robot)
    fps = float(fps or motion.fps)
    joints = tuple(rcfg.smpl_map)
    ht = human_targets(motion, fps, cfg, robot, pelvis_h, joints,
                       hip_half_width=_half_width(robot, "left_ankle", "right_ankle"),
                       shoulder_half_width=_half_width(robot, "left_shoulder", "right_shoulder"))
    frames = {j: pr.frame_id(rcfg.smpl_map[j]) for j in joints}
    foot_frames = [frames[f] for f in _FEET]
    # Vertical offset so that a standing human's ankles put the robot's feet at their standing height.
    ankle_cols = [joints.index(f) for f in _FEET]
    stand = ht.contacts.all(axis=1)
    ref = ht.positions[stand][:, ankle_cols, 2].mean() if stand.any() else ht.positions[0, ankle_cols, 2].mean()
    z_offset = feet_rest[:, 2].mean() - ref
    targets = ht.positions + np.array([0.0, 0.0, z_offset])
    for side, col in enumerate(ankle_cols):  # a foot never aims below its standing height (no penetration)
        targets[:, col, 2] = np.maximum(targets[:, col, 2], feet_rest[side, 2])

    collision = (_collision_limit(robot, cfg.collision_detection, cfg.collision_min_distance, cfg.collision_gain)
                 if cfg.collision_gain > 0 else None)
    ik = QPIK(pr, cfg.damping, cfg.posture_weight, cfg.smooth_weight, collision)
    T, dt = len(targets), 1.0 / fps
    q = pr.configuration([*targets[0, joints.index("pelvis"), :2], pelvis_h], [1, 0, 0, 0], rcfg.default_q)
    out_q = np.empty((T, rcfg.num_joints))
    out_root = np.empty((T, 3))
    out_quat = np.empty((T, 4))
    residual = np.empty(T)
    pinned: list[pin.SE3 | None] = [None, None]
    q_prev = None
    for t in range(T):
        tasks = []
        for k, j in enumerate(joints):
            w = cfg.weights.get(j, 1.0)
            if j in _FEET and ht.contacts[t, _FEET.index(j)] and pinned[_FEET.index(j)] is not None:
                continue  # replaced by the pinned stance task below
            if w > 0:
                tasks.append(PositionTask(frames[j], targets[t, k], w))
        for j, w in cfg.orientation_weights.items():
            if w > 0 and j in frames:
                tasks.append(OrientationTask(frames[j], ht.rotations[t, SMPL_JOINT_NAMES.index(j)], w))
        for side in range(2):
            if ht.contacts[t, side] and pinned[side] is not None:
                tasks.append(PositionTask(foot_frames[side], pinned[side].translation, cfg.stance_weight))
                tasks.append(OrientationTask(foot_frames[side], pinned[side].rotation, cfg.stance_weight / 10))
            else:  # swing foot: sole parallel to the ground, heading of the human foot
                R = _yaw_only(ht.rotations[t, SMPL_JOINT_NAMES.index(_FEET[side])])
                tasks.append(OrientationTask(foot_frames[side], R, cfg.foot_weight))
        iters = FIRST_FRAME_ITERATIONS if t == 0 else cfg.iterations
        q = ik.step(q, tasks, q_prev, dt if t > 0 else None, iters)
        # Touch-down: pin the foot where it is, flat, at its standing height (no slide, no penetration).
        placements = [pr.data.oMf[f].copy() for f in foot_frames]
        for side in range(2):
            if ht.contacts[t, side] and pinned[side] is None:
                p = placements[side]
                pos = np.array([p.translation[0], p.translation[1], feet_rest[side, 2]])
                pinned[side] = pin.SE3(_yaw_only(p.rotation), pos)
                if t == 0:  # solve frame 0 again with the pin, so it starts planted
                    tasks.append(PositionTask(foot_frames[side], pos, cfg.stance_weight))
            elif not ht.contacts[t, side]:
                pinned[side] = None
        if t == 0 and any(p is not None for p in pinned):
            tasks += [OrientationTask(foot_frames[s], pinned[s].rotation, cfg.stance_weight / 10)
                      for s in range(2) if pinned[s] is not None]
            q = ik.step(q, tasks, None, None, FIRST_FRAME_ITERATIONS // 2)
        pin.framesForwardKinematics(pr.model, pr.data, q)
        got = np.stack([pr.data.oMf[frames[j]].translation for j in joints])
        residual[t] = float(np.linalg.norm(got - targets[t], axis=1).mean())
        out_root[t], out_quat[t], out_q[t] = pr.split(q)
        q_prev = q.copy()
    if not np.all(np.isfinite(out_q)):
        raise RetargetError("retargeting produced non-finite joint positions")
    return RobotTrajectory(
        robot=robot, fps=fps, joint_names=rcfg.joint_names, q=out_q, root_pos=out_root, root_quat=out_quat,
        contacts=ht.contacts.copy(), residual=residual,
        meta={"scale": ht.scale, "targets": targets, "target_joints": joints},
    )
