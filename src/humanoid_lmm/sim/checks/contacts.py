"""Kinematic replay in MuJoCo: self-collision, ground penetration and foot sliding, frame by frame."""

from __future__ import annotations

import mujoco
import numpy as np

from humanoid_lmm.robots import MujocoRobot, RobotTrajectory
from humanoid_lmm.sim.config import KinematicConfig
from humanoid_lmm.sim.model import floor_geom, foot_body_ids, set_self_collision
from humanoid_lmm.sim.report import Failure

__all__ = ["check_contacts"]


def _body_name(m: mujoco.MjModel, b: int) -> str:
    return m.body(b).name


def check_contacts(traj: RobotTrajectory, mj: MujocoRobot, kc: KinematicConfig) -> tuple[list[Failure], dict[str, float]]:
    """Replay `traj` kinematically (root pose + joints) and inspect MuJoCo's collision detection per frame.

    self_collision: two robot bodies penetrate deeper than `self_collision_depth` (config-excluded pairs and
    parent/child pairs are never tested). ground_penetration: any robot geometry deeper than
    `ground_penetration` below the floor. foot_slide: foot xy speed above `foot_slide_speed` on a frame
    where `traj.contacts` flags that foot (and the previous frame) as in contact.
    """
    m, d = mj.model, mj.data
    set_self_collision(mj, True)
    floor = floor_geom(mj)
    feet = foot_body_ids(mj)
    T = traj.n_frames
    pair_worst: dict[tuple[int, int], tuple[float, int, int]] = {}  # (b1, b2) -> (depth, frame, count)
    ground_worst: dict[int, tuple[float, int, int]] = {}
    foot_xy = np.zeros((T, 2, 2))
    for t in range(T):
        mj.set_state(traj.root_pos[t], traj.root_quat[t], traj.q[t])
        foot_xy[t] = d.xpos[feet, :2]
        n = d.ncon
        if n == 0:
            continue
        geoms = d.contact.geom[:n]
        depth = -d.contact.dist[:n]
        bodies = m.geom_bodyid[geoms]
        for k in range(n):
            g1, g2 = geoms[k]
            if g1 == floor or g2 == floor:
                b = int(bodies[k, 1] if g1 == floor else bodies[k, 0])
                if depth[k] > kc.ground_penetration:
                    old = ground_worst.get(b, (0.0, t, 0))
                    ground_worst[b] = (max(old[0], depth[k]), t if depth[k] > old[0] else old[1], old[2] + 1)
            elif depth[k] > kc.self_collision_depth:
                key = tuple(sorted((int(bodies[k, 0]), int(bodies[k, 1]))))
                old = pair_worst.get(key, (0.0, t, 0))
                pair_worst[key] = (max(old[0], depth[k]), t if depth[k] > old[0] else old[1], old[2] + 1)

    failures = []
    for (b1, b2), (dep, t, cnt) in sorted(pair_worst.items()):
        failures.append(
            Failure("self_collision", f"{_body_name(m, b1)} penetrates {_body_name(m, b2)} by {dep * 1000:.1f} mm",
                    float(dep), kc.self_collision_depth, float(t / traj.fps), f"{_body_name(m, b1)}|{_body_name(m, b2)}", cnt)
        )
    for b, (dep, t, cnt) in sorted(ground_worst.items()):
        failures.append(
            Failure("ground_penetration", f"{_body_name(m, b)} {dep * 1000:.1f} mm below the floor",
                    float(dep), kc.ground_penetration, float(t / traj.fps), _body_name(m, b), cnt)
        )

    max_slide = 0.0
    if T > 1:
        speed = np.linalg.norm(np.diff(foot_xy, axis=0), axis=-1) * traj.fps  # (T-1, 2)
        stance = traj.contacts[1:] & traj.contacts[:-1]
        slide = np.where(stance, speed, 0.0)
        max_slide = float(slide.max())
        for s, foot in enumerate(mj.config.links.feet):
            bad = slide[:, s] > kc.foot_slide_speed
            if bad.any():
                t = int(np.argmax(slide[:, s]))
                failures.append(
                    Failure("foot_slide", f"{foot} slides at {slide[t, s]:.3f} m/s while in contact",
                            float(slide[t, s]), kc.foot_slide_speed, float((t + 1) / traj.fps), foot, int(bad.sum()))
                )
    metrics = {
        "max_self_penetration_m": float(max([v[0] for v in pair_worst.values()], default=0.0)),
        "max_ground_penetration_m": float(max([v[0] for v in ground_worst.values()], default=0.0)),
        "max_foot_slide_speed": max_slide,
    }
    return failures, metrics
