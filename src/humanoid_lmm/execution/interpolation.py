"""Time-parameterised target segments: cubic Hermite playback, hold, deceleration and min-jerk blends.

Every segment answers `sample(t) -> (q, dq)` for absolute time t [s] and `done(t)`. The streamer chains them.
"""

from __future__ import annotations

import numpy as np

from humanoid_lmm.robots import RobotTrajectory

__all__ = ["Blend", "Decel", "Hold", "Play", "hermite_tangents", "min_jerk"]


def min_jerk(tau: np.ndarray | float) -> tuple[float, float]:
    """s(tau) = 10 tau^3 - 15 tau^4 + 6 tau^5 on [0, 1] and ds/dtau: zero velocity/acceleration at both ends."""
    t = float(np.clip(tau, 0.0, 1.0))
    return t**3 * (10 - 15 * t + 6 * t * t), 30 * t * t * (1 - t) ** 2


def hermite_tangents(q: np.ndarray, fps: float) -> np.ndarray:
    """Catmull-Rom style tangents [rad/s] (central differences, zero at both ends: start/stop at rest)."""
    m = np.zeros_like(q)
    if len(q) > 2:
        m[1:-1] = (q[2:] - q[:-2]) * fps / 2.0
    return m


class Hold:
    def __init__(self, q: np.ndarray):
        self.q = np.array(q, dtype=float)

    def sample(self, t: float):
        return self.q, np.zeros_like(self.q)

    def done(self, t: float) -> bool:
        return True


class Decel:
    """From (q0, v0) at t0, velocity ramps linearly to 0 over T, then holds: q0 + v0 (tau - tau^2 / 2T)."""

    def __init__(self, q0, v0, t0: float, T: float):
        self.q0, self.v0, self.t0, self.T = np.array(q0, float), np.array(v0, float), float(t0), float(T)

    def sample(self, t: float):
        tau = min(max(t - self.t0, 0.0), self.T)
        return self.q0 + self.v0 * (tau - tau * tau / (2 * self.T)), self.v0 * (1.0 - tau / self.T)

    def done(self, t: float) -> bool:
        return t - self.t0 >= self.T

    @property
    def final(self) -> np.ndarray:
        return self.q0 + self.v0 * self.T / 2


class Play:
    """Cubic Hermite playback of a trajectory starting at t0 (before t0: first frame; after: last frame)."""

    def __init__(self, traj: RobotTrajectory, t0: float):
        self.q = np.asarray(traj.q, float)
        self.fps = float(traj.fps)
        self.m = hermite_tangents(self.q, self.fps)
        self.t0 = float(t0)
        self.duration = (len(self.q) - 1) / self.fps

    def sample(self, t: float):
        s = (t - self.t0) * self.fps
        if s <= 0:
            return self.q[0].copy(), np.zeros(self.q.shape[1])
        if s >= len(self.q) - 1:
            return self.q[-1].copy(), self.m[-1].copy()
        i = int(s)
        u = s - i
        h = 1.0 / self.fps
        p0, p1, m0, m1 = self.q[i], self.q[i + 1], self.m[i], self.m[i + 1]
        u2, u3 = u * u, u * u * u
        q = (2 * u3 - 3 * u2 + 1) * p0 + (u3 - 2 * u2 + u) * h * m0 + (-2 * u3 + 3 * u2) * p1 + (u3 - u2) * h * m1
        dq = ((6 * u2 - 6 * u) * p0 + (3 * u2 - 4 * u + 1) * h * m0 + (-6 * u2 + 6 * u) * p1
              + (3 * u2 - 2 * u) * h * m1) / h
        return q, dq

    def done(self, t: float) -> bool:
        return t - self.t0 >= self.duration


class Blend:
    """Min-jerk cross-fade from segment a to segment b over [t0, t0 + T]; afterwards b."""

    def __init__(self, a, b, t0: float, T: float):
        self.a, self.b, self.t0, self.T = a, b, float(t0), float(T)

    def sample(self, t: float):
        qb, vb = self.b.sample(t)
        if t >= self.t0 + self.T:
            return qb, vb
        qa, va = self.a.sample(t)
        s, ds = min_jerk((t - self.t0) / self.T)
        return qa + s * (qb - qa), va + s * (vb - va) + ds / self.T * (qb - qa)

    def done(self, t: float) -> bool:
        return t >= self.t0 + self.T
