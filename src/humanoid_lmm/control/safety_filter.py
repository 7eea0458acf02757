"""The always-on safety filter: a pure class that turns a desired joint target into a safe one.

Order per step (all per joint, motor order):
1. non-finite target -> hold the last safe output (result.fault = "non_finite"; the caller enters hold);
2. clamp to [q_lower + margin, q_upper - margin];
3. velocity limit min(scale * dq_max, cap) and a (discrete) braking limit ~sqrt(2 * a_max * |error|), then
   acceleration limit a_max: a second-order rate limiter that cannot overshoot a step;
4. torque cap: |kp * (q_des - q) + kd * (dq_des - dq)| <= torque_scale * tau_max by moving q_des toward q;
5. clamp to the joint limits again (position limits win).
Every clip is counted in the EventLog; the result is what will actually be sent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from humanoid_lmm.control.config import SafetyConfig
from humanoid_lmm.control.events import EventLog
from humanoid_lmm.robots import RobotConfig

__all__ = ["FilterResult", "SafetyFilter"]

_TOL = 1e-9


@dataclass(frozen=True)
class FilterResult:
    q: np.ndarray  # (n,) safe target [rad]
    dq: np.ndarray  # (n,) its velocity [rad/s] (sent as dq feed-forward: 0 by the bridge)
    clipped: frozenset  # subset of {"position", "velocity", "acceleration", "torque"}
    fault: str | None = None  # "non_finite" when the input was rejected


class SafetyFilter:
    """Stateful (last output) but pure: no clock, no I/O. Call `reset(q)` before the first `step`."""

    def __init__(self, robot: RobotConfig, cfg: SafetyConfig | None = None, events: EventLog | None = None):
        self.robot = robot
        self.cfg = cfg or SafetyConfig()
        self.events = events if events is not None else EventLog()
        n = robot.num_joints
        half = 0.5 * (robot.q_upper - robot.q_lower)
        margin = np.minimum(self.cfg.joint_margin, 0.49 * half)
        self.lower = robot.q_lower + margin
        self.upper = robot.q_upper - margin
        self.v_max = np.minimum(self.cfg.max_velocity_scale * robot.dq_max, self.cfg.max_velocity_cap)
        self.a_max = np.full(n, self.cfg.max_acceleration)
        self.tau_cap = self.cfg.torque_scale * robot.tau_max
        self._q: np.ndarray | None = None
        self._v = np.zeros(n)

    @property
    def last(self) -> np.ndarray | None:
        return None if self._q is None else self._q.copy()

    def reset(self, q: np.ndarray, dq: np.ndarray | None = None) -> None:
        """Start from the measured pose `q` (clamped into the limits) at rest (or velocity `dq`)."""
        q = np.asarray(q, dtype=float)
        if q.shape != (self.robot.num_joints,) or not np.all(np.isfinite(q)):
            raise ValueError(f"SafetyFilter.reset: q must be finite with shape ({self.robot.num_joints},)")
        self._q = np.clip(q, self.lower, self.upper)
        self._v = np.zeros_like(q) if dq is None else np.clip(np.nan_to_num(dq), -self.v_max, self.v_max)

    def step(
        self,
        q_des: np.ndarray,
        dt: float,
        q_meas: np.ndarray | None = None,
        dq_meas: np.ndarray | None = None,
        kp: np.ndarray | None = None,
        kd: np.ndarray | None = None,
    ) -> FilterResult:
        """One control period `dt` [s]: return the safe target. Torque cap needs q_meas, dq_meas, kp, kd."""
        if self._q is None:
            raise RuntimeError("SafetyFilter.step before reset(q_measured)")
        q_des = np.asarray(q_des, dtype=float)
        if q_des.shape != self._q.shape or not np.all(np.isfinite(q_des)) or not (dt > 0 and np.isfinite(dt)):
            bad = "shape" if q_des.shape != self._q.shape else "dt" if not (dt > 0 and np.isfinite(dt)) else \
                f"joints {np.flatnonzero(~np.isfinite(q_des)).tolist()}"
            self.events.record("non_finite", f"rejected target ({bad}); holding last safe target")
            self._v[:] = 0.0
            return FilterResult(self._q.copy(), np.zeros_like(self._q), frozenset(), "non_finite")
        clipped = set()
        q = np.clip(q_des, self.lower, self.upper)
        if np.any(np.abs(q - q_des) > _TOL):
            clipped.add("position")
            self._log("clip_position", q_des, q)
        # second-order rate limiter
        err = q - self._q
        v_want = err / dt
        adt = self.a_max * dt  # discrete braking limit: stop exactly at the target decelerating at a_max
        v_lim = np.minimum(self.v_max, adt * (np.sqrt(0.25 + 2.0 * np.abs(err) / (adt * dt)) - 0.5))
        v = np.clip(v_want, -v_lim, v_lim)
        if np.any(np.abs(v - v_want) > 1e-6 + 1e-3 * self.v_max) and np.any(np.abs(v_want) > self.v_max):
            clipped.add("velocity")
            self._log("clip_velocity", v_want, v)
        dv = self.a_max * dt
        v_acc = np.clip(v, self._v - dv, self._v + dv)
        if np.any(np.abs(v_acc - v) > 1e-6):
            clipped.add("acceleration")
            self._log("clip_acceleration", v, v_acc)
        # never step past the (clamped) target because of the acceleration floor
        step = v_acc * dt
        over = np.abs(step) > np.abs(err)
        step = np.where(over & (np.sign(step) == np.sign(err)), err, step)
        q_out = self._q + step
        v_out = step / dt
        if q_meas is not None and kp is not None:
            q_out = self._torque_cap(q_out, np.asarray(q_meas, float), dq_meas, np.asarray(kp, float), kd, clipped)
            q_out = np.clip(q_out, self.lower, self.upper)
            v_out = (q_out - self._q) / dt
        self._q = q_out
        self._v = np.clip(v_out, -self.v_max, self.v_max)
        return FilterResult(q_out.copy(), self._v.copy(), frozenset(clipped))

    def _torque_cap(self, q_out, q_meas, dq_meas, kp, kd, clipped) -> np.ndarray:
        """Command dq is 0, so tau_est = kp (q_des - q) - kd dq; keep it within +-tau_cap."""
        if not np.all(np.isfinite(q_meas)):
            return q_out
        dq = np.zeros_like(q_meas) if dq_meas is None else np.nan_to_num(np.asarray(dq_meas, float))
        kd = np.zeros_like(kp) if kd is None else np.asarray(kd, float)
        active = kp > 0
        kp_safe = np.where(active, kp, 1.0)
        lo = q_meas + (-self.tau_cap + kd * dq) / kp_safe
        hi = q_meas + (self.tau_cap + kd * dq) / kp_safe
        capped = np.where(active, np.clip(q_out, lo, hi), q_out)
        if np.any(np.abs(capped - q_out) > _TOL):
            clipped.add("torque")
            self._log("clip_torque", q_out, capped)
        return capped

    def _log(self, kind: str, before: np.ndarray, after: np.ndarray) -> None:
        d = np.abs(after - before)
        j = int(np.argmax(d))
        self.events.record(kind, f"{self.robot.joint_names[j]}: {before[j]:+.4f} -> {after[j]:+.4f} "
                                 f"({int(np.sum(d > _TOL))} joints)")
