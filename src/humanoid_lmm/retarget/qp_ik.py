"""Differential IK as a QP on a free-flyer Pinocchio model (mink-style: tasks -> objective, limits -> bounds).

Each iteration solves   min_v  1/2 v' H v + g' v   s.t.  lb <= v_joints <= ub
with H = sum_k w_k J_k' J_k + regularisation, g = -sum_k w_k J_k' e_k, where every task k contributes a
Jacobian J_k and an error e_k (position in world, orientation as log3 in world), and the bounds keep the
joints inside their position limits and, between frames, inside their velocity limits. `build_qp` is
separate from `solve_qp` so the QP can be tested on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pinocchio as pin
import qpsolvers

from humanoid_lmm.errors import RetargetError
from humanoid_lmm.robots import PinocchioRobot

__all__ = ["PositionTask", "OrientationTask", "QPIK"]

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

    def __init__(self, robot: PinocchioRobot, damping: float, posture_weight: float, smooth_weight: float):
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
        H = np.zeros((self.nv, self.nv))
        g = np.zeros(self.nv)
        for t in tasks:
            J = pin.getFrameJacobian(model, data, t.frame, pin.LOCAL_WORLD_ALIGNED)
            if isinstance(t, PositionTask):
                J, e = J[:3], t.target - data.oMf[t.frame].translation
            else:
                J, e = J[3:], pin.log3(t.target @ data.oMf[t.frame].rotation.T)
            H += t.weight * J.T @ J
            g -= t.weight * J.T @ e
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

    def solve_qp(self, H, g, lb, ub) -> np.ndarray:
        v = qpsolvers.solve_qp(0.5 * (H + H.T), g, lb=lb, ub=ub, solver="daqp")
        if v is None or not np.all(np.isfinite(v)):
            raise RetargetError("IK QP has no solution (daqp)")
        return v

    def step(self, q: np.ndarray, tasks: list, q_prev=None, dt=None, iterations: int = 3) -> np.ndarray:
        for _ in range(iterations):
            v = self.solve_qp(*self.build_qp(q, tasks, q_prev, dt))
            q = pin.integrate(self.model, q, v)
            q[self.robot.q_index] = np.clip(q[self.robot.q_index], self.robot.config.q_lower, self.robot.config.q_upper)
        return q
