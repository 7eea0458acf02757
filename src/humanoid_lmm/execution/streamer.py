"""Streamer: turns trajectories and live targets into a smooth target at any time t.

Phases: idle (holding) -> soft_start (min-jerk from the measured pose to the first frame) -> tracking
(cubic Hermite playback) -> soft_stop (velocity ramps to zero) -> hold. `play` while moving preempts with a
min-jerk blend from the current (decelerating) target; `cancel` decelerates to zero velocity and holds;
`feed` is the live mode (upstream pushes targets; the bridge's watchdog checks it keeps coming).
Pure: no clock, no I/O; the safety filter runs after it.
"""

from __future__ import annotations

import numpy as np

from humanoid_lmm.execution.config import StreamerConfig
from humanoid_lmm.execution.interpolation import Blend, Decel, Hold, Play
from humanoid_lmm.errors import SafetyError
from humanoid_lmm.robots import RobotTrajectory

__all__ = ["Streamer"]


class Streamer:
    def __init__(self, joint_names, cfg: StreamerConfig | None = None):
        self.joint_names = tuple(joint_names)
        self.cfg = cfg or StreamerConfig()
        self._seg = None
        self._phase = "idle"
        self._play: Play | None = None

    @property
    def phase(self) -> str:
        return self._phase

    @property
    def playing(self) -> Play | None:
        """The playback segment of the current trajectory (its `t0` is when frame 0 is reached), if any."""
        return self._play

    @property
    def moving(self) -> bool:
        return self._phase in ("soft_start", "tracking", "blend", "soft_stop", "cancel", "live")

    def hold(self, q: np.ndarray) -> None:
        """Hold pose q from now on (also used after a rejected target)."""
        self._seg, self._play, self._phase = Hold(q), None, "hold"

    def _check(self, traj: RobotTrajectory) -> None:
        if tuple(traj.joint_names) != self.joint_names:
            raise SafetyError(f"trajectory joints {traj.joint_names[:3]}... are not the robot's motor order")
        if not np.all(np.isfinite(traj.q)):
            raise SafetyError("trajectory has non-finite joint positions")

    def play(self, traj: RobotTrajectory, t: float, q_measured: np.ndarray, soft_start_s: float | None = None) -> None:
        """Start (soft start from q_measured, over soft_start_s or the configured time) or preempt (blend from
        the current target) at time t."""
        self._check(traj)
        if self._seg is None or self._phase == "idle":
            T = self.cfg.soft_start_s if soft_start_s is None else float(soft_start_s)
            self._play = Play(traj, t + T)
            self._seg = Blend(Hold(q_measured), self._play, t, T)
            self._phase = "soft_start"
        else:
            q, v = self._seg.sample(t)
            self._play = Play(traj, t)
            self._seg = Blend(Decel(q, v, t, self.cfg.blend_s), self._play, t, self.cfg.blend_s)
            self._phase = "blend"

    def feed(self, q_target: np.ndarray, t: float, q_measured: np.ndarray | None = None) -> None:
        """Live mode: the newest target; the first one after idle soft-starts from q_measured."""
        q_target = np.asarray(q_target, float)
        if self._seg is None or self._phase == "idle":
            if q_measured is None:
                raise SafetyError("feed from idle needs the measured pose for a soft start")
            self._seg = Blend(Hold(q_measured), Hold(q_target), t, self.cfg.soft_start_s)
        elif isinstance(self._seg, Blend) and isinstance(self._seg.b, Hold) and not self._seg.done(t):
            self._seg.b = Hold(q_target)  # still soft-starting: retarget the end of the blend
        else:
            self._seg = Hold(q_target)  # the safety filter's rate limiter smooths live steps
        self._play, self._phase = None, "live"

    def cancel(self, t: float) -> None:
        """Decelerate to zero velocity over cancel_s and hold there."""
        if self._seg is None:
            return
        q, v = self._seg.sample(t)
        self._seg, self._play, self._phase = Decel(q, v, t, self.cfg.cancel_s), None, "cancel"

    def step(self, t: float) -> tuple[np.ndarray | None, np.ndarray | None]:
        """Target (q, dq) at time t; (None, None) while idle (caller holds the measured pose)."""
        if self._seg is None:
            return None, None
        if self._phase == "soft_start" and t >= self._play.t0:
            self._phase = "tracking"
        if self._phase == "blend" and self._seg.done(t):
            self._phase = "tracking"
        if self._phase == "tracking" and self._play is not None and self._play.done(t):
            q_end, v_end = self._play.sample(self._play.t0 + self._play.duration)
            t_end = self._play.t0 + self._play.duration
            self._seg, self._play, self._phase = Decel(q_end, v_end, t_end, self.cfg.soft_stop_s), None, "soft_stop"
        if self._phase in ("soft_stop", "cancel") and self._seg.done(t):
            self._seg, self._phase = Hold(self._seg.final), "hold"
        q, dq = self._seg.sample(t)
        return np.array(q, float), np.array(dq, float)
