"""`ExecutionLog`: what a simulated (or real) execution did, step by step: the value reports, videos and the
preview read.

Filled today by `sim.dynamics.simulate(..., log=True)` (the validation Tracker); any other executor (a
balance controller, the robot itself) fills the same fields. Frames and units: world z-up, metres, radians,
seconds, N*m; quaternions (w, x, y, z); joints in the robot's motor order.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from humanoid_lmm.errors import ConfigError

__all__ = ["ExecutionLog", "LogEvent", "joint_groups"]

_ARRAYS = ("times", "q", "q_ref", "tau", "tau_max", "root_pos", "root_quat", "com", "support", "contacts", "qpos")
_TEXT = ("robot", "controller", "mode", "assist")


@dataclass(frozen=True)
class LogEvent:
    """Something that happened at one instant: a clip, a limit, a fault. `time_s` is trajectory time [s]."""

    time_s: float
    kind: str  # e.g. "torque_limit", "fall", "velocity_clip", "watchdog"
    message: str
    joint: str = ""  # joint or body name, "" when not about one


@dataclass(frozen=True)
class ExecutionLog:
    """One execution, K control steps of n joints.

    times:     (K,) trajectory time of each step [s]; negative while settling before the plan starts
    q:         (K, n) measured joint positions [rad]
    q_ref:     (K, n) reference joint positions the controller tracked [rad]
    tau:       (K, n) applied joint torques [N*m] (after any clipping)
    tau_max:   (n,) joint torque limits [N*m]
    root_pos:  (K, 3) pelvis position in the world [m]
    root_quat: (K, 4) pelvis orientation in the world, wxyz
    com:       (K, 3) whole-robot centre of mass in the world [m]
    support:   (K, P, 2) support polygon (convex hull of the foot-floor contact points, xy [m]), counter-
               clockwise, NaN-padded to P; an all-NaN row means no foot on the floor
    contacts:  (K, 2) bool, left / right foot touching the floor
    qpos:      (K, nq) full MuJoCo state for replay/rendering, or (K, 0) when the executor has none
    events:    clip / safety events in time order
    controller, mode, assist: who executed ("validation tracker: PD + feed-forward"), the plan's execution
               mode ("upper_body" | "whole_body") and what held the robot up beyond its own control
               ("none", "gantry", "stiff-leg stand assist ...")
    """

    robot: str
    joint_names: tuple[str, ...]
    times: np.ndarray
    q: np.ndarray
    q_ref: np.ndarray
    tau: np.ndarray
    tau_max: np.ndarray
    root_pos: np.ndarray
    root_quat: np.ndarray
    com: np.ndarray
    support: np.ndarray
    contacts: np.ndarray
    qpos: np.ndarray
    events: tuple[LogEvent, ...] = ()
    controller: str = ""
    mode: str = ""
    assist: str = "none"

    def __post_init__(self):
        K, n = len(np.asarray(self.times)), len(self.joint_names)
        shapes = {"q": (K, n), "q_ref": (K, n), "tau": (K, n), "tau_max": (n,), "root_pos": (K, 3),
                  "root_quat": (K, 4), "com": (K, 3), "contacts": (K, 2)}
        for name in _ARRAYS:
            value = np.asarray(getattr(self, name), dtype=bool if name == "contacts" else float)
            value.setflags(write=False)
            object.__setattr__(self, name, value)
        for name, shape in shapes.items():
            if getattr(self, name).shape != shape:
                raise ConfigError(f"ExecutionLog.{name}: shape {getattr(self, name).shape}, expected {shape}")
        if self.support.ndim != 3 or self.support.shape[0] != K or self.support.shape[2] != 2:
            raise ConfigError(f"ExecutionLog.support: shape {self.support.shape}, expected ({K}, P, 2)")
        if self.qpos.ndim != 2 or self.qpos.shape[0] != K:
            raise ConfigError(f"ExecutionLog.qpos: shape {self.qpos.shape}, expected ({K}, nq) or ({K}, 0)")
        if K and np.any(np.diff(self.times) <= 0):
            raise ConfigError("ExecutionLog.times must increase strictly")
        object.__setattr__(self, "joint_names", tuple(self.joint_names))
        object.__setattr__(self, "events", tuple(sorted(self.events, key=lambda e: e.time_s)))

    @property
    def n_steps(self) -> int:
        return len(self.times)

    @property
    def dt(self) -> float:
        """Median control period [s]."""
        return float(np.median(np.diff(self.times))) if self.n_steps > 1 else 0.0

    @property
    def tracking(self) -> np.ndarray:
        """Steps of the plan itself (times >= 0), as a boolean mask (K,)."""
        return self.times >= 0.0

    def index_at(self, t: float | np.ndarray) -> np.ndarray | int:
        """Index of the last step at or before trajectory time `t` [s] (clamped to the log)."""
        return np.clip(np.searchsorted(self.times, t, side="right") - 1, 0, self.n_steps - 1)

    def with_events(self, events) -> ExecutionLog:
        return replace(self, events=tuple(self.events) + tuple(events))

    def save_npz(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        ev = self.events
        np.savez_compressed(
            path, joint_names=np.array(self.joint_names), **{k: getattr(self, k) for k in _ARRAYS},
            **{k: np.array(getattr(self, k)) for k in _TEXT},
            event_time=np.array([e.time_s for e in ev], float), event_kind=np.array([e.kind for e in ev], str),
            event_message=np.array([e.message for e in ev], str), event_joint=np.array([e.joint for e in ev], str),
        )
        return path

    @classmethod
    def load_npz(cls, path: str | Path) -> ExecutionLog:
        with np.load(path, allow_pickle=False) as z:
            events = tuple(LogEvent(float(t), str(k), str(m), str(j)) for t, k, m, j in
                           zip(z["event_time"], z["event_kind"], z["event_message"], z["event_joint"]))
            return cls(joint_names=tuple(str(s) for s in z["joint_names"]), events=events,
                       **{k: z[k] for k in _ARRAYS}, **{k: str(z[k]) for k in _TEXT})


_GROUPS = (  # (group, substrings any of which puts a joint in it), checked in order
    ("left leg", ("left_hip", "left_knee", "left_ankle")),
    ("right leg", ("right_hip", "right_knee", "right_ankle")),
    ("waist", ("waist", "torso")),
    ("left arm", ("left_shoulder", "left_elbow", "left_wrist")),
    ("right arm", ("right_shoulder", "right_elbow", "right_wrist")),
)


def joint_groups(joint_names) -> dict[str, list[int]]:
    """{"left leg": [indices], ..., "other": [...]} for Unitree joint names (G1 and H1), non-empty groups only."""
    out: dict[str, list[int]] = {g: [] for g, _ in _GROUPS}
    out["other"] = []
    for i, name in enumerate(joint_names):
        group = next((g for g, keys in _GROUPS if any(k in name for k in keys)), "other")
        out[group].append(i)
    return {g: idx for g, idx in out.items() if idx}
