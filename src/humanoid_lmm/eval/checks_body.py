"""Behaviour checks of the trunk and head primitives: bow, nod, shake head, look around, stand still.

Neighbours each rejects: bow vs squat (the pelvis stays up) and vs nod (the trunk, not only the head,
pitches), nod vs shake (pitch vs yaw), shake head vs look around (the chest stays square vs turns
with the head), standing still vs every small motion. Units: metres and degrees.
"""
from __future__ import annotations

import numpy as np

from .checks_arms import legs_still
from .judge import BehaviourResult, Judge
from .kinematics import BodySignals, count_peaks

__all__ = ["bow", "nod", "shake_head", "look_around", "idle_stand"]


def _feet_down(j: Judge, s: BodySignals) -> None:
    j.need("foot lift [m]", max(s.foot_lift("left").max(), s.foot_lift("right").max()), "<", 0.04)


def bow(s: BodySignals, times: int | None = None) -> BehaviourResult:
    """Trunk pitches >= 20 deg forward (``times`` bows) while the pelvis drops < 0.08 m."""
    j = Judge("bow")
    pitch = s.trunk_pitch - s.trunk_pitch[0]
    j.need("trunk pitch [deg]", pitch.max(), ">=", 20.0)
    j.count("bows", count_peaks(pitch, 12.0), times)
    j.need("pelvis drop [m]", s.drop.max(), "<", 0.08)
    _feet_down(j, s)
    return j.result()


def _trunk_still(j: Judge, s: BodySignals) -> None:
    j.need("trunk pitch [deg]", np.ptp(s.trunk_pitch), "<", 8.0)
    legs_still(j, s)


def nod(s: BodySignals, times: int | None = None) -> BehaviourResult:
    """Head tilts >= 7 deg down and up (``times`` nods) relative to a still trunk."""
    j = Judge("nod")
    j.need("head pitch [deg]", s.head_pitch.max(), ">=", 7.0)
    j.count("nods", count_peaks(s.head_pitch, 6.0), times)
    j.need("head yaw [deg]", np.abs(s.head_yaw).max(), "<", 10.0)
    _trunk_still(j, s)
    return j.result()


def shake_head(s: BodySignals, times: int | None = None) -> BehaviourResult:
    """Head turns >= 10 deg left and right (``times`` cycles) with the chest square to the hips."""
    j = Judge("shake_head")
    y = s.head_yaw
    j.need("head turn to the left [deg]", y.max(), ">=", 10.0)
    j.need("head turn to the right [deg]", -y.min(), ">=", 10.0)
    j.count("shakes", count_peaks(y, 10.0), times)
    j.need("chest turn [deg]", np.abs(s.chest_yaw).max(), "<", 3.0)
    j.need("head pitch [deg]", np.abs(s.head_pitch).max(), "<", 7.0)
    _trunk_still(j, s)
    return j.result()


def look_around(s: BodySignals, times: int | None = None) -> BehaviourResult:
    """Head turns >= 15 deg left and right with the chest turning along (>= 4.5 deg)."""
    j = Judge("look_around")
    y = s.head_yaw
    j.need("head turn to the left [deg]", y.max(), ">=", 15.0)
    j.need("head turn to the right [deg]", -y.min(), ">=", 15.0)
    j.count("looks", count_peaks(y, 15.0), times)
    j.need("chest turn [deg]", np.abs(s.chest_yaw).max(), ">=", 4.5)
    _trunk_still(j, s)
    return j.result()


def idle_stand(s: BodySignals, times: int | None = None) -> BehaviourResult:
    """Nothing but breathing: arms, legs, trunk and head stay within small bounds."""
    j = Judge("idle_stand")
    j.need("arm moved [m]", max(s.arm_moved("left").max(), s.arm_moved("right").max()), "<", 0.1)
    j.need("foot lift [m]", max(s.foot_lift("left").max(), s.foot_lift("right").max()), "<", 0.03)
    j.need("pelvis drop [m]", s.drop.max(), "<", 0.04)
    j.need("pelvis travel [m]", np.abs(s.root_disp).max(), "<", 0.08)
    j.need("turn [deg]", np.abs(s.turn_deg).max(), "<", 10.0)
    j.need("trunk pitch [deg]", np.ptp(s.trunk_pitch), "<", 6.0)
    j.need("trunk lean [deg]", np.ptp(s.trunk_roll), "<", 5.0)
    j.need("head pitch [deg]", np.abs(s.head_pitch).max(), "<", 6.0)
    j.need("head yaw [deg]", np.abs(s.head_yaw).max(), "<", 12.0)
    j.need("shoulder lift [deg]", max(np.abs(s.collar_lift("left")).max(), np.abs(s.collar_lift("right")).max()), "<", 5.0)
    return j.result()
