"""Locomotion primitives built on a footstep planner: stepping in place, walking a few steps forward or
back, side steps and turning on the spot. A foot only moves horizontally once it is >= 35% of its step
height off the ground, so planted feet never slide."""

from __future__ import annotations

import numpy as np

from .base import SPEEDS, bump, ease, register, sample_common, start
from .body import ARM_DOWN, ELBOW_REST, NEUTRAL_FOOT_XY, STAND_HEIGHT, set_arm
from .tracks import yaw_quat

__all__ = ["footsteps"]


def _base_foot_xy(base: np.ndarray, foot: int) -> np.ndarray:
    """(..., 3) base (x, y, yaw) -> (..., 2) ankle xy of ``foot`` (0 left, 1 right) standing neutral."""
    c, s = np.cos(base[..., 2]), np.sin(base[..., 2])
    fx, fy = NEUTRAL_FOOT_XY[foot]
    return np.stack([base[..., 0] + c * fx - s * fy, base[..., 1] + s * fx + c * fy], -1)


def footsteps(steps, step_time: float, fps: float, lift: float, sway: float = 0.03, pre: float = 0.3,
              post: float = 0.3, bob: float = 0.01, heel_kick: float = 0.0):
    """Tracks for a list of footsteps ``[(foot, (x, y, yaw)), ...]`` (foot 0 left / 1 right; the target is
    the standing base that foot moves to), one step every ``step_time`` [s], foot lifted ``lift`` [m].

    Returns (tracks, t, stepping) where ``stepping`` (T,) is +1 / -1 while the right / left foot swings.
    """
    n = len(steps)
    total = pre + n * step_time + post
    tr, t = start(total, fps)
    T = len(t)
    bases = np.zeros((T, 2, 3))  # per-foot standing base over time
    lifts = np.zeros((T, 2))
    back = np.zeros((T, 2))
    stepping = np.zeros(T)
    current = [np.zeros(3), np.zeros(3)]
    for f in (0, 1):
        bases[:, f] = 0.0
    for k, (foot, target) in enumerate(steps):
        target = np.asarray(target, dtype=np.float64)
        u = (t - pre - k * step_time) / step_time  # (T,) phase of this step
        active = (u > 0) & (u < 1)
        w = ease((u - 0.2) / 0.6)  # horizontal motion only in the middle of the swing
        prev = current[foot]
        seg = (u > 0)[:, None]
        bases[:, foot] = np.where(seg, prev + (target - prev) * w[:, None], bases[:, foot])
        lifts[:, foot] += np.where(active, lift * bump(u), 0.0)
        back[:, foot] += np.where(active, heel_kick * bump((u - 0.2) / 0.6), 0.0)
        stepping += np.where(active, 1.0 if foot == 1 else -1.0, 0.0) * np.sin(np.pi * np.clip(u, 0, 1))
        current[foot] = target
    for f in (0, 1):
        tr.foot_xy[:, f] = _base_foot_xy(bases[:, f], f)
        tr.foot_yaw[:, f] = bases[:, f, 2]
        # heel kick: the swinging foot goes backward in its own heading frame
        tr.foot_xy[:, f, 0] -= back[:, f] * np.cos(bases[:, f, 2])
        tr.foot_xy[:, f, 1] -= back[:, f] * np.sin(bases[:, f, 2])
    tr.foot_lift[:] = lifts
    mid = bases.mean(1)  # (T, 3)
    # the pelvis leans toward the stance foot while the other swings
    lateral = np.stack([-np.sin(mid[:, 2]), np.cos(mid[:, 2])], -1)
    tr.pelvis_pos[:, :2] = mid[:, :2] + (sway * stepping)[:, None] * lateral
    tr.pelvis_pos[:, 2] = STAND_HEIGHT - bob * np.abs(stepping)
    tr.pelvis_quat[:] = yaw_quat(mid[:, 2])
    tr.end = np.asarray(current[0] + current[1]) / 2
    return tr, t, stepping


def _swing_arms(tr, stepping, amount: float, elbow: float = ELBOW_REST) -> None:
    """Arms swing opposite to the legs: right arm forward while the left foot swings."""
    T = len(stepping)
    for side, sign in (("right", -1.0), ("left", 1.0)):
        d = np.broadcast_to(ARM_DOWN, (T, 3)).copy()
        d[:, 0] += sign * amount * stepping
        set_arm(tr.rot, side, d, np.zeros(T), np.full(T, elbow))


def _in_place(p, fps, jog=False):
    s = SPEEDS[p["speed"]]
    n = 2 * p["reps"] + 2
    step_time = (0.36 if jog else 0.55) / s
    steps = [(1 - k % 2, np.zeros(3)) for k in range(n)]
    lift = (0.14 if jog else 0.09) * p["amp"]
    tr, t, stepping = footsteps(steps, step_time, fps, lift, sway=0.02, bob=0.02 if jog else 0.008,
                                heel_kick=0.12 * p["amp"] if jog else 0.0)
    _swing_arms(tr, stepping, 0.35 if jog else 0.2, elbow=1.4 if jog else 0.3)
    return tr


def _walk(p, fps, direction: float):
    s = SPEEDS[p["speed"]]
    n = p["reps"]
    length = (0.3 if direction > 0 else 0.22) * p["amp"]
    steps = []
    for k in range(n):
        steps.append((1 - k % 2, np.array([direction * length * (k + 1), 0.0, 0.0])))
    steps.append((k % 2 if n else 0, np.array([direction * length * n, 0.0, 0.0])))  # close the feet
    tr, t, stepping = footsteps(steps, 0.6 / s, fps, 0.08, sway=0.025)
    _swing_arms(tr, stepping, 0.25 * direction)
    return tr


def _side_step(p, fps):  # built toward the right (y < 0); mirrored for left
    s = SPEEDS[p["speed"]]
    width = 0.25 * p["amp"]
    steps = []
    for k in range(p["reps"]):
        steps.append((1, np.array([0.0, -width * (k + 1), 0.0])))
        steps.append((0, np.array([0.0, -width * (k + 1), 0.0])))
    tr, t, stepping = footsteps(steps, 0.55 / s, fps, 0.07, sway=0.0)
    _swing_arms(tr, stepping, 0.0)
    return tr


def _turn(p, fps):  # built turning right (yaw < 0); mirrored for left
    s = SPEEDS[p["speed"]]
    angle = p["angle"]
    n_pairs = int(np.ceil(angle / np.radians(50)))
    steps = []
    for k in range(n_pairs):
        yaw = -angle * (k + 1) / n_pairs
        steps.append((1, np.array([0.0, 0.0, yaw])))
        steps.append((0, np.array([0.0, 0.0, yaw])))
    tr, t, stepping = footsteps(steps, 0.5 / s, fps, 0.07, sway=0.015)
    return tr


def _sample_turn(rng):
    p = sample_common(rng, reps=(1, 1))
    p["angle"] = float(np.radians(rng.choice([45, 90, 90, 135, 180])))
    p["degrees"] = int(round(np.degrees(p["angle"])))
    return p


def _sample_steps(rng):
    return sample_common(rng, reps=(1, 4))


register("walk_in_place", "locomotion", _in_place, _sample_steps,
         ["walk in place{speed}", "march on the spot{speed}", "step in place{speed}",
          "walk on the spot without moving forward{speed}", "march in place{speed}"],
         ["walks in place{speed}", "marches on the spot{speed}", "steps in place{speed}",
          "walks on the spot without going anywhere{speed}", "marches in place swinging the arms{speed}"],
         "The arms swing gently in opposition to the legs.",
         "The feet alternately lift off the ground and step down on the same spot.")
register("jog_in_place", "locomotion", lambda p, fps: _in_place(p, fps, jog=True), _sample_steps,
         ["jog in place{speed}", "run on the spot{speed}", "jog on the spot{speed}",
          "do a light jog in place{speed}", "run in place{speed}"],
         ["jogs in place{speed}", "runs on the spot{speed}", "jogs on the spot with bent arms{speed}",
          "does a light jog in place{speed}", "runs in place kicking the heels back{speed}"],
         "The elbows are bent and the arms pump back and forth.",
         "The knees lift quickly and the heels kick back, alternating legs on the same spot.")
register("step_forward", "locomotion", lambda p, fps: _walk(p, fps, 1.0), _sample_steps,
         ["take {n} forward{speed}", "walk forward {n}{speed}", "step forward{speed}",
          "move forward {n}{speed}", "walk ahead {n}{speed}"],
         ["takes {n} forward{speed}", "walks forward {n}{speed}", "steps forward{speed}",
          "moves forward {n}{speed}", "walks ahead {n}{speed}"],
         "The arms swing naturally at the sides.", "The legs step forward alternately and the feet come together at the end.")
register("step_back", "locomotion", lambda p, fps: _walk(p, fps, -1.0), _sample_steps,
         ["take {n} back{speed}", "step backward{speed}", "walk backward {n}{speed}",
          "move back {n}{speed}", "back up {n}{speed}"],
         ["takes {n} back{speed}", "steps backward{speed}", "walks backward {n}{speed}",
          "moves back {n}{speed}", "backs up {n}{speed}"],
         "The arms hang and swing slightly.", "The legs step backward alternately, then the feet come together.")
for side in ("right", "left"):
    register(f"step_{side}", "locomotion", _side_step, _sample_steps,
             [f"step to the {side}{{reps}}{{speed}}", f"side step {side}{{reps}}{{speed}}", f"move {side}{{reps}}",
              f"take a step to your {side}{{reps}}{{speed}}", f"shuffle to the {side}{{reps}}"],
             [f"steps to the {side}{{reps}}{{speed}}", f"side steps to the {side}{{reps}}{{speed}}",
              f"moves sideways to the {side}{{reps}}", f"takes a step to the {side}{{reps}}{{speed}}",
              f"shuffles to the {side}{{reps}}"],
             "The arms hang relaxed at the sides.",
             f"The {side} foot steps out sideways and the other foot follows to close the stance{{reps}}.",
             side=side, mirror=side == "left")
    register(f"turn_{side}", "locomotion", _turn, _sample_turn,
             [f"turn {side}{{speed}}", f"turn to the {side}{{speed}}", f"turn {{degrees}} degrees to the {side}{{speed}}",
              f"turn around to your {side}{{speed}}", f"rotate to the {side} {{degrees}} degrees"],
             [f"turns {side}{{speed}}", f"turns to the {side}{{speed}}", f"turns {{degrees}} degrees to the {side}{{speed}}",
              f"turns around to the {side}{{speed}}", f"rotates {{degrees}} degrees to the {side} on the spot"],
             "The torso turns with the hips and the arms hang.",
             f"The feet take small steps on the spot, pivoting the body to the {side}.",
             side=side, mirror=side == "left")
