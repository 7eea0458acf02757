"""Differential IK as a QP on a free-flyer Pinocchio model (mink-style: tasks -> objective, limits -> bounds).

Each iteration solves   min_v  1/2 v' H v + g' v   s.t.  lb <= v_joints <= ub
with H = sum_k w_k J_k' J_k + regularisation, g = -sum_k w_k J_k' e_k, where every task k contributes a
Jacobian J_k and an error e_k (position in world, orientation as log3 in world), and the bounds keep the
joints inside their position limits and, between frames, inside their velocity limits. An optional
`CollisionAvoidanceLimit` adds inequalities G v <= h for close geometry pairs. `build_qp` is separate from
`solve_qp` so the QP can be tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pinocchio as pin
import qpsolvers

from humanoid_lmm.errors import RetargetError
from humanoid_lmm.retarget.collision import CollisionAvoidanceLimit
from humanoid_lmm.robots import PinocchioRobot

__all__ = ["PositionTask", "OrientationTask", "QPIK"]

_RELINEARISE = 3  # collision rows are recomputed every this many iterations
_ROOT_BOUND = 10.0  # [m or rad] per iteration; the free-flyer is not limited otherwise


@dataclass
class PositionTask:
    frame: int
    target: np.ndarray  # (3,) world [m]
    weight: float


@dataclass
class OrientationTask:
    frame: int
    target: np.ndarray  # (3, 3) world rotation
    weight: float


class QPIK:
    """QP IK on `robot` (motor-order joints at robot.v_index); joints limited to [lower, upper]."""

    def __init__(self, robot: PinocchioRobot, damping: float, posture_weight: float, smooth_weight: float,
                 collision: CollisionAvoidanceLimit | None = None):
        self.collision = collision
        self._checked = None  # (q, (G, h)): collision rows already computed at the last result
        self.robot, self.model, self.data = robot, robot.model, robot.data
        cfg = robot.config
        self.nv = self.model.nv
        self.q_lower = np.full(self.model.nq, -np.inf)
        self.q_upper = np.full(self.model.nq, np.inf)
        self.q_lower[robot.q_index], self.q_upper[robot.q_index] = cfg.q_lower, cfg.q_upper
        self.dq_max = cfg.dq_max
        self.damping, self.posture_weight, self.smooth_weight = damping, posture_weight, smooth_weight
        self.default_q = cfg.default_q

    def build_qp(self, q: np.ndarray, tasks: list, q_prev: np.ndarray | None, dt: float | None):
        """(H, g, lb, ub) for one iteration at configuration q."""
        model, data, r = self.model, self.data, self.robot
        pin.computeJointJacobians(model, data, q)
        pin.updateFramePlacements(model, data)
        Js, es, ws = [], [], []  # stacked (3 per task) rows, errors and weights: one matrix product for H and g
        for t in tasks:
            J = pin.getFrameJacobian(model, data, t.frame, pin.LOCAL_WORLD_ALIGNED)
            if isinstance(t, PositionTask):
                Js.append(J[:3])
                es.append(t.target - data.oMf[t.frame].translation)
            else:
                Js.append(J[3:])
                es.append(pin.log3(t.target @ data.oMf[t.frame].rotation.T))
            ws.append(t.weight)
        if Js:
            J = np.concatenate(Js)  # (3k, nv)
            WJ = J * np.repeat(ws, 3)[:, None]
            H = J.T @ WJ
            g = -(WJ.T @ np.concatenate(es))
        else:
            H, g = np.zeros((self.nv, self.nv)), np.zeros(self.nv)
        vj, qj = r.v_index, q[r.q_index]
        H[vj, vj] += self.damping + self.posture_weight + (self.smooth_weight if q_prev is not None else 0.0)
        g[vj] -= self.posture_weight * (self.default_q - qj)
        H[:6, :6] += self.damping * np.eye(6)
        lb = np.full(self.nv, -_ROOT_BOUND)
        ub = np.full(self.nv, _ROOT_BOUND)
        lb[vj], ub[vj] = r.config.q_lower - qj, r.config.q_upper - qj
        if q_prev is not None:
            qp = q_prev[r.q_index]
            g[vj] -= self.smooth_weight * (qp - qj)
            if dt is not None:
                lb[vj] = np.maximum(lb[vj], qp - self.dq_max * dt - qj)
                ub[vj] = np.minimum(ub[vj], qp + self.dq_max * dt - qj)
        lb = np.minimum(lb, ub)  # a joint already past a bound may only move back
        return H, g, lb, ub

    def build_constraints(self):
        """(G, h) of the collision limit at the configuration of the last `build_qp`, or (None, None)."""
        if self.collision is None:
            return None, None
        gh = self.collision.constraint(self.data)
        return gh if gh is not None else (None, None)

    def solve_qp(self, H, g, lb, ub, G=None, h=None) -> np.ndarray:
        H = 0.5 * (H + H.T)
        v = qpsolvers.solve_qp(H, g, G=G, h=h, lb=lb, ub=ub, solver="daqp")
        if G is not None and (v is None or not np.all(np.isfinite(v))):
            v = qpsolvers.solve_qp(H, g, lb=lb, ub=ub, solver="daqp")  # collision rows infeasible with the bounds
        if v is None or not np.all(np.isfinite(v)):
            raise RetargetError("IK QP has no solution (daqp)")
        return v

    def step(self, q: np.ndarray, tasks: list, q_prev=None, dt=None, iterations: int = 3) -> np.ndarray:
        """`iterations` QP steps from q. The collision rows are linearised every `_RELINEARISE` iterations (once
        per frame at the default 3), and the iterations between spend what is left of their budget (h minus G
        times the steps already taken)."""
        G = h = None
        for it in range(iterations):
            H, g, lb, ub = self.build_qp(q, tasks, q_prev, dt)
            if it % _RELINEARISE == 0:
                cached = self._checked
                same = it == 0 and cached is not None and np.array_equal(cached[0], q)
                G, h = cached[1] if same else self.build_constraints()
                taken = np.zeros(self.nv)
            v = self.solve_qp(H, g, lb, ub, G, None if G is None else h - G @ taken)
            if G is not None:
                taken += v
            q = pin.integrate(self.model, q, v)
            q[self.robot.q_index] = np.clip(q[self.robot.q_index], self.robot.config.q_lower, self.robot.config.q_upper)
        return self._clear_collisions(q, tasks, q_prev, dt) if self.collision is not None else q

    def _clear_collisions(self, q, tasks, q_prev, dt, max_iterations: int = 5):
        """Re-check the collision pairs at the result; while a pair is inside half the margin (the linearisation
        missed a fast approach), take further QP steps re-linearised every step."""
        for _ in range(max_iterations):
            pin.computeJointJacobians(self.model, self.data, q)
            G, h = self.build_constraints()
            if G is None or self.collision.last_min_distance >= 0.5 * self.collision.d_min:
                self._checked = (q.copy(), (G, h))  # the next frame starts here: its first rows are these
                return q
            H, g, lb, ub = self.build_qp(q, tasks, q_prev, dt)
            q = pin.integrate(self.model, q, self.solve_qp(H, g, lb, ub, G, h))
            q[self.robot.q_index] = np.clip(q[self.robot.q_index], self.robot.config.q_lower, self.robot.config.q_upper)
        return q
