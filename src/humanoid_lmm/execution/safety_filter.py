"""The always-on safety filter: a pure class that turns a desired joint command into a safe one.

Order per step (all per joint, motor order):
1. non-finite target (or wrong shape / dt) -> hold the last safe output (result.fault = "non_finite");
2. clamp to [q_lower + margin, q_upper - margin] (the margin of the joint's source, below);
3. torque window: |kp (q_des - q) + kd (dq_des - dq) + tau_ff| <= torque_scale * tau_max, as a window on q_des
   around the measured q (needs the measurement and gains), intersected with the position window;
4. second-order rate limiter toward that target: the target's own velocity passes, the error is closed under a
   braking limit ~sqrt(2 a |error|), then the velocity and acceleration limits - it cannot overshoot a step and
   follows a feasible moving target without lag;
5. if the rate-limited output left the torque window (the robot moved), it is put back on the window's edge,
   and the limiter's velocity state is what was actually output (the torque cap feeds back into the limiter).
Each joint has the limits of its source (`set_sources`): joints following the plan's reference get the
reference limits, joints whose target a policy sets get the policy limits. Every clip is counted in the
EventLog; the result is what will actually be sent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from humanoid_lmm.execution.config import SafetyConfig
from humanoid_lmm.execution.events import EventLog
from humanoid_lmm.robots import RobotConfig

__all__ = ["CLIP_KINDS", "FilterResult", "SafetyFilter"]

_TOL = 1e-9
CLIP_KINDS = ("clip_position", "clip_velocity", "clip_acceleration", "clip_torque")


@dataclass(frozen=True)
class FilterResult:
    q: np.ndarray  # (n,) safe target [rad]
    dq: np.ndarray  # (n,) its velocity [rad/s]
    clipped: frozenset  # subset of {"position", "velocity", "acceleration", "torque"}
    fault: str | None = None  # "non_finite" when the input was rejected


class SafetyFilter:
    """Stateful (last output) but pure: no clock, no I/O. Call `reset(q)` before the first `step`."""

    def __init__(self, robot: RobotConfig, cfg: SafetyConfig | None = None, events: EventLog | None = None):
        self.robot = robot
        self.cfg = cfg or SafetyConfig()
        self.events = events if events is not None else EventLog()
        half = 0.5 * (robot.q_upper - robot.q_lower)
        self._margin_ref = np.minimum(self.cfg.joint_margin, 0.49 * half)
        self._margin_pol = np.minimum(self.cfg.policy_joint_margin, 0.49 * half)
        ref, pol = self.cfg.reference, self.cfg.policy
        self._v_ref = np.minimum(ref.max_velocity_scale * robot.dq_max, ref.max_velocity_cap)
        self._a_ref = np.full(robot.num_joints, ref.max_acceleration)
        self._v_pol = np.minimum(np.full(robot.num_joints, pol.max_velocity), robot.dq_max)
        self._a_pol = np.full(robot.num_joints, pol.max_acceleration)
        self.tau_cap = self.cfg.torque_scale * robot.tau_max
        self.policy_joints = np.zeros(robot.num_joints, dtype=bool)
        self.set_sources(self.policy_joints)
        self._q: np.ndarray | None = None
        self._q_des: np.ndarray | None = None  # last (clamped) target: its change is the target's own velocity
        self._v = np.zeros(robot.num_joints)

    def set_sources(self, policy_joints: np.ndarray) -> None:
        """Which joints a policy drives (True: policy limits) and which follow the reference (reference limits)."""
        self.policy_joints = np.asarray(policy_joints, dtype=bool).copy()
        margin = np.where(self.policy_joints, self._margin_pol, self._margin_ref)
        self.lower, self.upper = self.robot.q_lower + margin, self.robot.q_upper - margin
        self.v_max = np.where(self.policy_joints, self._v_pol, self._v_ref)
        self.a_max = np.where(self.policy_joints, self._a_pol, self._a_ref)

    @property
    def last(self) -> np.ndarray | None:
        return None if self._q is None else self._q.copy()

    def reset(self, q: np.ndarray, dq: np.ndarray | None = None) -> None:
        """Start from the measured pose `q` (clamped into the limits) at rest (or velocity `dq`)."""
        q = np.asarray(q, dtype=float)
        if q.shape != (self.robot.num_joints,) or not np.all(np.isfinite(q)):
            raise ValueError(f"SafetyFilter.reset: q must be finite with shape ({self.robot.num_joints},)")
        self._q = np.clip(q, self.lower, self.upper)
        self._q_des = None
        self._v = np.zeros_like(q) if dq is None else np.clip(np.nan_to_num(dq), -self.v_max, self.v_max)

    def step(self, q_des, dt: float, q_meas=None, dq_meas=None, kp=None, kd=None, dq_des=None, tau_ff=None) -> FilterResult:
        """One control period `dt` [s]: the safe target. The torque window needs q_meas and kp."""
        if self._q is None:
            raise RuntimeError("SafetyFilter.step before reset(q_measured)")
        q_des = np.asarray(q_des, dtype=float)
        bad = self._bad_input(q_des, dt, dq_des, tau_ff)
        if bad:
            self.events.record("non_finite", f"rejected target ({bad}); holding last safe target")
            self._v[:] = 0.0
            return FilterResult(self._q.copy(), np.zeros_like(self._q), frozenset(), "non_finite")
        clipped: set[str] = set()
        q = np.clip(q_des, self.lower, self.upper)
        if np.any(np.abs(q - q_des) > _TOL):
            clipped.add("position")
            self._log("clip_position", q_des, q)
        window = self._torque_window(q_meas, dq_meas, kp, kd, dq_des, tau_ff)
        if window is not None:
            capped = np.clip(q, *window)
            if np.any(np.abs(capped - q) > _TOL):
                clipped.add("torque")
                self._log("clip_torque", q, capped)
            q = capped
        q_out = self._rate_limit(q, dt, clipped)
        if window is not None:
            back = np.clip(q_out, *window)
            if np.any(np.abs(back - q_out) > _TOL):
                clipped.add("torque")
                self._log("clip_torque", q_out, back)
            q_out = back
        self._v = (q_out - self._q) / dt  # what was really output: the limiter continues from here
        self._q = q_out
        return FilterResult(q_out.copy(), self._v.copy(), frozenset(clipped))

    def _bad_input(self, q_des, dt, dq_des, tau_ff) -> str:
        if q_des.shape != self._q.shape:
            return "shape"
        if not (dt > 0 and np.isfinite(dt)):
            return "dt"
        if not np.all(np.isfinite(q_des)):
            return f"joints {np.flatnonzero(~np.isfinite(q_des)).tolist()}"
        for name, a in (("dq", dq_des), ("tau", tau_ff)):
            if a is not None and (np.shape(a) != self._q.shape or not np.all(np.isfinite(a))):
                return f"{name} feed-forward"
        return ""

    def _rate_limit(self, q, dt, clipped) -> np.ndarray:
        """Follow the (possibly moving) target q: its own velocity passes through, the error toward it is closed
        no faster than a braking limit that stops exactly on it at a_max; then |v| <= v_max, |dv| <= a_max dt."""
        err = q - self._q
        v_target = np.zeros_like(q) if self._q_des is None else (q - self._q_des) / dt
        self._q_des = q.copy()
        adt = self.a_max * dt
        brake = adt * (np.sqrt(0.25 + 2.0 * np.abs(err) / (adt * dt)) - 0.5)
        v_want = v_target + np.clip(err / dt - v_target, -brake, brake)
        v = np.clip(v_want, -self.v_max, self.v_max)
        if np.any(np.abs(v - v_want) > 1e-6 + 1e-3 * self.v_max):
            clipped.add("velocity")
            self._log("clip_velocity", v_want, v)
        v_acc = np.clip(v, self._v - adt, self._v + adt)
        if np.any(np.abs(v_acc - v) > 1e-6):
            clipped.add("acceleration")
            self._log("clip_acceleration", v, v_acc)
        step = v_acc * dt
        over = (np.abs(step) > np.abs(err)) & (np.sign(step) == np.sign(err)) & (np.abs(v_target) < 1e-9)
        return self._q + np.where(over, err, step)  # never step past a resting target

    def _torque_window(self, q_meas, dq_meas, kp, kd, dq_des, tau_ff):
        """(lo, hi) on the position target keeping the PD torque within the cap, or None without a measurement."""
        if q_meas is None or kp is None:
            return None
        q_meas = np.asarray(q_meas, float)
        if not np.all(np.isfinite(q_meas)):
            return None
        kp = np.asarray(kp, float)
        n = len(kp)
        dq = np.zeros(n) if dq_meas is None else np.nan_to_num(np.asarray(dq_meas, float))
        kd = np.zeros(n) if kd is None else np.asarray(kd, float)
        rest = kd * ((np.zeros(n) if dq_des is None else np.asarray(dq_des, float)) - dq)
        if tau_ff is not None:
            rest = rest + np.asarray(tau_ff, float)
        active = kp > 0
        kp_safe = np.where(active, kp, 1.0)
        lo = np.where(active, q_meas + (-self.tau_cap - rest) / kp_safe, -np.inf)
        hi = np.where(active, q_meas + (self.tau_cap - rest) / kp_safe, np.inf)
        # inside the position window where the two overlap; the torque window alone where they do not
        lo2, hi2 = np.maximum(lo, self.lower), np.minimum(hi, self.upper)
        empty = lo2 > hi2
        return np.where(empty, lo, lo2), np.where(empty, hi, hi2)

    def _log(self, kind: str, before: np.ndarray, after: np.ndarray) -> None:
        d = np.abs(after - before)
        j = int(np.argmax(d))
        self.events.record(kind, f"{self.robot.joint_names[j]}: {before[j]:+.4f} -> {after[j]:+.4f} "
                                 f"({int(np.sum(d > _TOL))} joints)")
