"""Behaviour checks of the leg and locomotion primitives: squat, lunge, kick, knee raise, standing on
one leg, jump, walking / jogging in place, steps forward / back / sideways, turns, dance step.

Confusable neighbours each check rejects: squat vs lunge / jump / bow (feet planted, deep drop),
kick vs knee raise (how far the foot travels forward), stand on one leg vs knee raise (the lifted foot
goes back and is held), step vs walk in place vs lunge (where the pelvis ends), walk vs jog in place
(heel kick and bent elbows), left vs right everywhere. Units: metres, degrees, seconds.
"""
from __future__ import annotations

import numpy as np

from .judge import BehaviourResult, Judge
from .kinematics import BodySignals, count_peaks, longest_run, other

__all__ = ["squat", "lunge", "kick", "knee_raise", "stand_on_leg", "jump", "in_place", "walk", "sidestep",
           "turn", "dance_step", "foot_planted"]

PLANTED = 0.04   # [m] most a planted foot may lift or slide


def foot_planted(j: Judge, s: BodySignals, side: str) -> None:
    j.need(f"{side} foot lift [m]", s.foot_lift(side).max(), "<", PLANTED)
    j.need(f"{side} foot slide [m]", np.linalg.norm(s.foot_disp(side), axis=-1).max(), "<", PLANTED + 0.01)


def _stays(j: Judge, s: BodySignals, travel: float = 0.12, turn: float = 20.0) -> None:
    j.need("pelvis travel [m]", np.abs(s.root_disp).max(), "<", travel)
    j.need("turn [deg]", np.abs(s.turn_deg).max(), "<", turn)


def squat(s: BodySignals, times: int | None = None) -> BehaviourResult:
    """Pelvis drops >= 0.18 m (``times`` dips) with both feet flat and in place."""
    j = Judge("squat")
    j.need("pelvis drop [m]", s.drop.max(), ">=", 0.18)
    j.count("dips", count_peaks(s.drop, 0.1), times)
    for side in ("left", "right"):
        foot_planted(j, s, side)
    return j.result()


def lunge(s: BodySignals, side: str, times: int | None = None) -> BehaviourResult:
    """The ``side`` foot steps >= 0.25 m forward with the hips lowering, and comes back; the other foot
    stays planted."""
    j = Judge(f"lunge_{side}")
    fwd = s.foot_disp(side)[:, 0]
    j.need(f"{side} foot forward [m]", fwd.max(), ">=", 0.25)
    j.need("pelvis drop [m]", s.drop.max(), ">=", 0.08)
    j.count("lunges", count_peaks(fwd, 0.15), times)
    j.need(f"{side} foot back at the end [m]", abs(fwd[-1]), "<", 0.1)
    j.need(f"{side} foot lift [m]", s.foot_lift(side).max(), "<", 0.15)
    foot_planted(j, s, other(side))
    return j.result()


def _leg_lift(j: Judge, s: BodySignals, side: str, lift: float, times: int | None, label: str) -> np.ndarray:
    h = s.foot_lift(side)
    j.need(f"{side} foot lift [m]", h.max(), ">=", lift)
    j.count(label, count_peaks(h, 0.1), times)
    foot_planted(j, s, other(side))
    return s.ankle_travel(side)


def kick(s: BodySignals, side: str, times: int | None = None) -> BehaviourResult:
    """Standing on the other leg, the ``side`` foot swings up and >= 0.36 m forward."""
    j = Judge(f"kick_{side}")
    travel = _leg_lift(j, s, side, 0.25, times, "kicks")
    j.need(f"{side} ankle forward travel [m]", travel.max(), ">=", 0.36)
    return j.result()


def knee_raise(s: BodySignals, side: str, times: int | None = None) -> BehaviourResult:
    """Standing on the other leg, the ``side`` knee lifts the foot >= 0.18 m, the foot coming only a
    little forward (0.1-0.34 m: more is a kick)."""
    j = Judge(f"knee_raise_{side}")
    travel = _leg_lift(j, s, side, 0.18, times, "knee lifts")
    j.need(f"{side} ankle forward travel [m]", travel.max(), ">=", 0.1)
    j.need(f"{side} ankle forward travel, at most [m]", travel.max(), "<", 0.34)
    return j.result()


def stand_on_leg(s: BodySignals, side: str, times: int | None = None) -> BehaviourResult:
    """The other foot is lifted behind (>= 0.08 m for >= 1 s, not forward) while ``side`` stays planted."""
    j = Judge(f"stand_on_{side}_leg")
    lifted = other(side)
    h = s.foot_lift(lifted)
    j.need(f"{lifted} foot lifted >= 0.08 m, longest hold [s]", longest_run(h > 0.08) / s.fps, ">=", 1.0)
    j.need(f"{lifted} ankle forward travel [m]", s.ankle_travel(lifted).max(), "<", 0.08)
    foot_planted(j, s, side)
    _stays(j, s)
    return j.result()


def jump(s: BodySignals, times: int | None = None) -> BehaviourResult:
    """Both feet leave the ground together by >= 0.04 m (``times`` flights)."""
    j = Judge("jump")
    both = np.minimum(s.foot_lift("left"), s.foot_lift("right"))
    j.need("both-feet lift [m]", both.max(), ">=", 0.04)
    j.count("flights", count_peaks(both, 0.03), times)
    _stays(j, s, travel=0.2)
    return j.result()


def _steps(j: Judge, s: BodySignals, lift: float, at_least: int = 2) -> None:
    for side in ("left", "right"):
        j.need(f"{side} foot lifts >= {lift} m", count_peaks(s.foot_lift(side), lift), ">=", at_least)
    both = np.minimum(s.foot_lift("left"), s.foot_lift("right"))
    j.need("both feet in the air [m]", both.max(), "<", 0.02)


def in_place(s: BodySignals, jog: bool, times: int | None = None) -> BehaviourResult:
    """Alternating steps on the spot; jogging kicks the heels back with bent elbows, walking does not."""
    j = Judge("jog_in_place" if jog else "walk_in_place")
    _steps(j, s, 0.04)
    heel = max(-s.ankle_travel("left").min(), -s.ankle_travel("right").min())
    elbow = min(np.median(s.elbow_angle("left")), np.median(s.elbow_angle("right")))
    if jog:
        j.need("heel kick back [m]", heel, ">=", 0.05)
        j.need("elbow flexion, median [deg]", elbow, ">=", 55.0)
    else:
        j.need("heel kick back [m]", heel, "<", 0.04)
        j.need("elbow flexion, median [deg]", elbow, "<", 45.0)
    _stays(j, s)
    return j.result()


def walk(s: BodySignals, direction: str, times: int | None = None) -> BehaviourResult:
    """Pelvis ends >= 0.15 m forward (0.12 m backward) along the start heading, not sideways, no turn."""
    j = Judge(f"walk_{direction}")
    d = s.root_disp[-1]
    sign = 1.0 if direction == "forward" else -1.0
    j.need(f"pelvis travel {direction} [m]", sign * d[0], ">=", 0.15 if direction == "forward" else 0.12)
    j.need("pelvis travel sideways [m]", abs(d[1]), "<", 0.1)
    j.need("turn [deg]", np.abs(s.turn_deg).max(), "<", 20.0)
    return j.result()


def sidestep(s: BodySignals, side: str, times: int | None = None) -> BehaviourResult:
    """Pelvis ends >= 0.15 m to the ``side``, not forward or back, no turn."""
    j = Judge(f"step_{side}")
    d = s.root_disp[-1]
    j.need(f"pelvis travel to the {side} [m]", d[1] * (1 if side == "left" else -1), ">=", 0.15)
    j.need("pelvis travel forward / back [m]", abs(d[0]), "<", 0.1)
    j.need("turn [deg]", np.abs(s.turn_deg).max(), "<", 20.0)
    return j.result()


def turn(s: BodySignals, side: str, times: int | None = None, degrees: float = 35.0) -> BehaviourResult:
    """Heading ends >= ``degrees`` towards ``side`` (left = counter-clockwise), turning on the spot."""
    j = Judge(f"turn_{side}")
    j.need("heading change [deg]", s.turn_deg[-1] * (1 if side == "left" else -1), ">=", degrees)
    j.need("pelvis travel [m]", np.abs(s.root_disp).max(), "<", 0.25)
    return j.result()


def dance_step(s: BodySignals, times: int | None = None) -> BehaviourResult:
    """Steps out to the side and back with both arms up and bent; ends where it started."""
    j = Judge("dance_step")
    _steps(j, s, 0.03)
    j.need("sideways sway of the pelvis [m]", np.abs(s.root_disp[:, 1]).max(), ">=", 0.08)
    j.need("pelvis travel at the end [m]", np.linalg.norm(s.root_disp[-1]), "<", 0.1)
    for side in ("left", "right"):
        j.need(f"{side} wrist height above the shoulder [m]", s.wrist_up(side).max(), ">=", -0.1)
        j.need(f"{side} elbow flexion [deg]", s.elbow_angle(side).max(), ">=", 50.0)
    j.need("turn [deg]", np.abs(s.turn_deg).max(), "<", 20.0)
    return j.result()
