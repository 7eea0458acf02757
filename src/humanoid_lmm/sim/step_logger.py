"""`StepLogger`: collect an `ExecutionLog` from a MuJoCo robot while something steps it.

    logger = StepLogger(mj, capacity=K)
    for k in range(K):
        logger.record(t_k, q_ref_k, tau_k)      # state at t_k, before applying the next targets
        ...step the simulation...
    log = logger.finish(controller="...", mode="whole_body", assist="none")

Per step it reads the joint state, root pose, whole-robot centre of mass (`subtree_com` of the world body),
which foot touches the floor and the support polygon (convex hull of the foot-floor contact points).
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import ConvexHull, QhullError

from humanoid_lmm.robots import MujocoRobot
from humanoid_lmm.sim.execution_log import ExecutionLog, LogEvent
from humanoid_lmm.sim.model import floor_geom, foot_body_ids

__all__ = ["StepLogger", "support_polygon", "torque_limit_events"]


def support_polygon(points: np.ndarray, size: int) -> np.ndarray:
    """(size, 2) counter-clockwise convex hull of contact points (N, 2) [m], NaN-padded (all NaN if N = 0)."""
    out = np.full((size, 2), np.nan)
    pts = np.unique(np.round(np.asarray(points, float).reshape(-1, 2), 5), axis=0)
    if len(pts) >= 3:
        try:
            pts = pts[ConvexHull(pts).vertices]  # 2-D hulls come counter-clockwise
        except QhullError:  # collinear: keep the two ends of the segment
            axis = int(np.argmax(np.ptp(pts, axis=0)))
            pts = pts[[np.argmin(pts[:, axis]), np.argmax(pts[:, axis])]]
    pts = pts[:size]
    out[: len(pts)] = pts
    return out


def torque_limit_events(times, tau, tau_max, names, rel_tol: float = 1e-3, per_joint: int = 10) -> list[LogEvent]:
    """One "torque_limit" event per run of steps in which a joint's torque sat at its limit (clipped)."""
    sat = np.abs(tau) >= np.asarray(tau_max) * (1.0 - rel_tol)
    dt = float(times[1] - times[0]) if len(times) > 1 else 0.0
    events = []
    for j, name in enumerate(names):
        edges = np.flatnonzero(np.diff(np.concatenate([[0], sat[:, j].astype(np.int8), [0]])))
        for start, stop in list(zip(edges[::2], edges[1::2]))[:per_joint]:
            span = float(times[stop - 1] - times[start]) + dt
            events.append(LogEvent(float(times[start]), "torque_limit",
                                   f"{name} clipped at {tau_max[j]:g} N*m for {span:.2f} s", name))
    return events


class StepLogger:
    def __init__(self, mj: MujocoRobot, capacity: int, max_support_points: int = 16):
        m = mj.model
        self.mj, self.size = mj, int(max_support_points)
        self._floor = floor_geom(mj)
        # side of every geom: 0 left foot, 1 right foot (the foot body or anything below it), -1 other
        self._side = np.full(m.ngeom, -1, dtype=np.int64)
        for s, foot in enumerate(foot_body_ids(mj)):
            for g in range(m.ngeom):
                b = int(m.geom_bodyid[g])
                while b > 0 and b != foot:
                    b = int(m.body_parentid[b])
                if b == foot:
                    self._side[g] = s
        self._pelvis = mj.body_id(mj.config.links.pelvis)
        n, K = mj.config.num_joints, int(capacity)
        self.k = 0
        self.times, self.q, self.q_ref, self.tau = np.zeros(K), np.zeros((K, n)), np.zeros((K, n)), np.zeros((K, n))
        self.root_pos, self.root_quat, self.com = np.zeros((K, 3)), np.zeros((K, 4)), np.zeros((K, 3))
        self.support, self.contacts = np.full((K, self.size, 2), np.nan), np.zeros((K, 2), dtype=bool)
        self.qpos = np.zeros((K, m.nq))

    def record(self, t: float, q_ref: np.ndarray, tau: np.ndarray) -> None:
        """Log the robot's current state at trajectory time `t` [s] with the reference and torque of this step."""
        d, k = self.mj.data, self.k
        self.times[k] = t
        self.q[k] = d.qpos[self.mj.qpos_index]
        self.q_ref[k], self.tau[k] = q_ref, tau
        if self.mj.fixed_base:
            self.root_pos[k], self.root_quat[k] = d.xpos[self._pelvis], d.xquat[self._pelvis]
        else:  # the free joint's own coordinates (xpos lags them by one physics step after mj_step)
            self.root_pos[k], self.root_quat[k] = d.qpos[0:3], d.qpos[3:7] / np.linalg.norm(d.qpos[3:7])
        self.com[k] = d.subtree_com[0]
        self.qpos[k] = d.qpos
        n = d.ncon
        if n:
            geoms = d.contact.geom[:n]
            other = np.where(geoms[:, 0] == self._floor, geoms[:, 1], geoms[:, 0])
            on_floor = (geoms == self._floor).any(axis=1) & (self._side[other] >= 0)
            for s in (0, 1):
                self.contacts[k, s] = bool(np.any(on_floor & (self._side[other] == s)))
            if on_floor.any():
                self.support[k] = support_polygon(d.contact.pos[:n][on_floor, :2], self.size)
        self.k += 1

    def finish(self, controller: str, mode: str, assist: str = "none", events=()) -> ExecutionLog:
        """The `ExecutionLog` of the steps recorded so far, with torque-limit events added."""
        k, cfg = self.k, self.mj.config
        cut = {name: getattr(self, name)[:k] for name in
               ("times", "q", "q_ref", "tau", "root_pos", "root_quat", "com", "support", "contacts", "qpos")}
        auto = torque_limit_events(cut["times"], cut["tau"], cfg.tau_max, cfg.joint_names)
        return ExecutionLog(robot=cfg.name, joint_names=cfg.joint_names, tau_max=cfg.tau_max, **cut,
                            events=tuple(auto) + tuple(events), controller=controller, mode=mode, assist=assist)
