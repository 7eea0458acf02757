"""Synthetic robot trajectories for tests, benchmarks and docs: a good wave and deliberately bad motions.

Every sample starts at the default standing pose (feet on the floor) and is in the robot's motor order.
"""

from __future__ import annotations

import numpy as np

from humanoid_lmm.robots import RobotConfig, RobotTrajectory
from humanoid_lmm.sim.modes import stand_height

__all__ = ["SAMPLES", "make_sample"]

ANKLE_LEAN_SIGN = -1.0  # ankle pitch change that keeps the feet flat when the body pitches forward


def _standing(cfg: RobotConfig, seconds: float, fps: float) -> RobotTrajectory:
    T = int(round(seconds * fps)) + 1
    return RobotTrajectory(
        robot=cfg.name,
        fps=fps,
        joint_names=cfg.joint_names,
        q=np.tile(cfg.default_q, (T, 1)),
        root_pos=np.tile([0.0, 0.0, stand_height(cfg)], (T, 1)),
        root_quat=np.tile([1.0, 0.0, 0.0, 0.0], (T, 1)),
        contacts=np.ones((T, 2), dtype=bool),
    )


def _find(cfg: RobotConfig, *names: str) -> int:
    """Index of the first of `names` the robot has (G1 and H1 name some joints differently)."""
    for n in names:
        if n in cfg.joint_names:
            return cfg.joint_names.index(n)
    return cfg.joint_index(names[0])  # raises ConfigError listing the joints


def _ramp(t: np.ndarray, rise: float) -> np.ndarray:
    """Smooth 0 -> 1 over `rise` seconds (and back to 0 over the last `rise` seconds)."""
    up = np.clip(t / rise, 0, 1)
    down = np.clip((t[-1] - t) / rise, 0, 1)
    s = np.minimum(up, down)
    return s * s * (3 - 2 * s)


def _wave(cfg: RobotConfig, seconds: float, fps: float, freq: float, amp: float) -> RobotTrajectory:
    """Right upper arm raised sideways, forearm up (shoulder yaw), elbow swinging at `freq` Hz, `amp` [rad].

    (On both URDFs elbow 0 is a right angle and shoulder yaw -1.4 turns the forearm upward.)
    """
    tr = _standing(cfg, seconds, fps)
    t = tr.times
    q = tr.q.copy()
    s = _ramp(t, 1.0)  # peak |dq| of the raise ~2.1 rad/s: inside the reference limit (3 rad/s)
    pose = {"right_shoulder_pitch_joint": 0.0, "right_shoulder_roll_joint": -1.26, "right_shoulder_yaw_joint": -1.4, "right_elbow_joint": 0.1}
    for name, target in pose.items():
        j = cfg.joint_index(name)
        q[:, j] = cfg.default_q[j] + s * (target - cfg.default_q[j])
    elbow = cfg.joint_index("right_elbow_joint")
    q[:, elbow] += s * amp * np.sin(2 * np.pi * freq * t)
    return tr.replace(q=q)


def wave(cfg, seconds=3.0, fps=30.0):
    """Known-good: a 1 Hz right-hand wave (peak |dq| 2.4 rad/s)."""
    return _wave(cfg, seconds, fps, freq=1.0, amp=0.3)


def too_fast(cfg, seconds=2.0, fps=100.0):
    """The wave at 2.5 Hz with a 0.5 rad elbow swing: |dq| ~ 7.8 rad/s, beyond the streaming velocity limit
    (3 rad/s; the URDF allows 37); slowed down 3x it passes."""
    return _wave(cfg, seconds, fps, freq=2.5, amp=0.5)


def over_limits(cfg, seconds=2.0, fps=30.0):
    """The right elbow driven 0.4 rad past its upper limit."""
    tr = _standing(cfg, seconds, fps)
    q = tr.q.copy()
    e = cfg.joint_index("right_elbow_joint")
    q[:, e] = cfg.default_q[e] + _ramp(tr.times, 0.6) * (cfg.q_upper[e] + 0.4 - cfg.default_q[e])
    return tr.replace(q=q)


def self_collision(cfg, seconds=2.0, fps=30.0):
    """Both arms swung inward across the torso (shoulder roll past the body): the hands pass through it."""
    tr = _standing(cfg, seconds, fps)
    q = tr.q.copy()
    s = _ramp(tr.times, 0.5)
    for side, sign in (("left", -1.0), ("right", 1.0)):
        r = cfg.joint_index(f"{side}_shoulder_roll_joint")
        target = np.clip(sign * 1.2, cfg.q_lower[r], cfg.q_upper[r])
        q[:, r] = cfg.default_q[r] + s * (target - cfg.default_q[r])
        e = cfg.joint_index(f"{side}_elbow_joint")
        q[:, e] = cfg.default_q[e] + s * (0.0 - cfg.default_q[e])
    return tr.replace(q=q)


def lean_fall(cfg, seconds=3.0, fps=30.0, lean_deg=25.0, ankle_sign=ANKLE_LEAN_SIGN):
    """Whole-body: the rigid body tips forward about the ankles (pelvis pitched, ankles compensating so the
    feet stay flat and pinned) to `lean_deg`: the centre of mass passes the toes, the robot falls."""
    tr = _standing(cfg, seconds, fps)
    a = np.radians(lean_deg) * np.clip(tr.times / (0.7 * seconds), 0, 1)
    q = tr.q.copy()
    for side in ("left", "right"):
        ankle = _find(cfg, f"{side}_ankle_pitch_joint", f"{side}_ankle_joint")
        q[:, ankle] += ankle_sign * a
    quat = np.stack([np.cos(a / 2), np.zeros_like(a), np.sin(a / 2), np.zeros_like(a)], axis=1)
    return _pin_feet(tr.replace(q=q, root_quat=quat), cfg)


def _pin_feet(tr: RobotTrajectory, cfg: RobotConfig) -> RobotTrajectory:
    """Move the root so the feet stay where they are in frame 0 (symmetric leg poses, level pelvis)."""
    from humanoid_lmm.sim.model import validation_robot

    mj = validation_robot(cfg)
    feet = [mj.body_id(n) for n in cfg.links.feet]
    root = tr.root_pos.copy()
    ref = None
    for t in range(tr.n_frames):
        mj.set_state(tr.root_pos[t], tr.root_quat[t], tr.q[t])
        pos = mj.data.xpos[feet].mean(axis=0)
        ref = pos if ref is None else ref
        root[t] += ref - pos
    return tr.replace(root_pos=root)


def squat(cfg, seconds=4.0, fps=30.0):
    """Known-good whole-body: a slow half squat (knees +0.7 rad) with the feet pinned, arms relaxed."""
    tr = _standing(cfg, seconds, fps)
    q = tr.q.copy()
    s = np.sin(np.pi * tr.times / tr.duration_s) ** 2
    for side in ("left", "right"):
        hip = _find(cfg, f"{side}_hip_pitch_joint")
        knee = _find(cfg, f"{side}_knee_joint")
        ankle = _find(cfg, f"{side}_ankle_pitch_joint", f"{side}_ankle_joint")
        q[:, hip] += -0.35 * s
        q[:, knee] += 0.7 * s
        q[:, ankle] += -0.35 * s
    return _pin_feet(tr.replace(q=q), cfg)


SAMPLES = {"wave": wave, "squat": squat, "too_fast": too_fast, "over_limits": over_limits, "self_collision": self_collision, "lean_fall": lean_fall}


def make_sample(name: str, cfg: RobotConfig, **kwargs) -> RobotTrajectory:
    """One of SAMPLES for robot `cfg` (keyword args: seconds, fps)."""
    if name not in SAMPLES:
        raise KeyError(f"unknown sample {name!r}; valid choices: {sorted(SAMPLES)}")
    return SAMPLES[name](cfg, **kwargs)
