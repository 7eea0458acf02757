"""Behaviour checks of the arm primitives: wave, raise, clap, salute, shrug, cross arms, hands on hips,
reach forward / up, point, punch, stretch. Each takes :class:`BodySignals` and an optional repetition
count and returns a :class:`BehaviourResult`; thresholds are in metres, degrees and seconds.

Every check also states what must NOT happen, so it fails on its confusable neighbours: one arm vs both
(the other arm stays down), wave vs raise (bent, swinging elbow vs a straight arm), raise vs reach up
(heels stay down), clap vs cross arms (brief contacts vs a held fold), arm motions vs whole-body ones
(legs still).
"""
from __future__ import annotations

import numpy as np

from .judge import BehaviourResult, Judge
from .kinematics import BodySignals, count_peaks, longest_run, other

__all__ = ["wave", "wave_both", "raise_arm", "raise_both", "reach_up", "clap", "salute", "shrug",
           "cross_arms", "hands_on_hips", "reach_forward", "point", "punch", "stretch", "legs_still",
           "arm_down"]

ARM_QUIET = 0.2      # [m] most a wrist may move (relative to its shoulder) for "this arm stays down"
UP = 0.3             # [m] wrist above the shoulder for a raised arm
STRAIGHT = 40.0      # [deg] most elbow flexion of a straight arm
HOLD_S = 1.0         # [s] shortest hold of a held pose


def legs_still(j: Judge, s: BodySignals) -> None:
    """Feet planted, pelvis at its height and place, no turn: excludes the whole-body primitives."""
    j.need("foot lift [m]", max(s.foot_lift("left").max(), s.foot_lift("right").max()), "<", 0.04)
    j.need("pelvis drop [m]", s.drop.max(), "<", 0.06)
    j.need("pelvis travel [m]", np.abs(s.root_disp).max(), "<", 0.12)
    j.need("turn [deg]", np.abs(s.turn_deg).max(), "<", 15.0)


def arm_down(j: Judge, s: BodySignals, side: str) -> None:
    j.need(f"{side} arm moved [m]", s.arm_moved(side).max(), "<", ARM_QUIET)


def _wave_cycles(s: BodySignals, side: str) -> tuple[float, float, int]:
    """(fraction of frames with the wrist above the shoulder, median elbow flexion while up [deg],
    hand swings while up). The first elbow maximum while up is the bend of the arm on its way up, not
    a swing, so swings = maxima - 1."""
    up = s.wrist_up(side) > 0.1
    if up.sum() < 4:
        return float(up.mean()), 0.0, 0
    el = s.elbow_angle(side)[up]
    return float(up.mean()), float(np.median(el)), max(count_peaks(el, 12.0) - 1, 0)


def _wave_side(j: Judge, s: BodySignals, side: str, times: int | None) -> None:
    frac, elbow, cycles = _wave_cycles(s, side)
    j.need(f"{side} wrist above the shoulder, fraction of frames", frac, ">=", 0.2)
    j.need(f"{side} elbow flexion while up [deg]", elbow, ">=", 50.0)
    j.need(f"{side} elbow flexion while up, at most [deg]", elbow, "<", 120.0)
    j.count(f"{side} hand swings", cycles, times)


def wave(s: BodySignals, side: str, times: int | None = None) -> BehaviourResult:
    """One hand up beside the head with a bent elbow swinging back and forth; the other arm down."""
    j = Judge(f"wave_{side}")
    _wave_side(j, s, side, times)
    arm_down(j, s, other(side))
    legs_still(j, s)
    return j.result()


def wave_both(s: BodySignals, times: int | None = None) -> BehaviourResult:
    j = Judge("wave_both")
    for side in ("left", "right"):
        _wave_side(j, s, side, times)
    legs_still(j, s)
    return j.result()


def _raised(j: Judge, s: BodySignals, side: str, up: np.ndarray) -> None:
    el = s.elbow_angle(side)[up]
    j.need(f"{side} elbow flexion while raised [deg]", el.max() if len(el) else 180.0, "<", STRAIGHT)


def raise_arm(s: BodySignals, side: str, times: int | None = None) -> BehaviourResult:
    """One straight arm raised above the head (and lowered); the other arm down, heels down."""
    j = Judge(f"raise_{side}_arm")
    up = s.wrist_up(side) > UP
    j.need(f"{side} wrist >= {UP} m above the shoulder, fraction of frames", up.mean(), ">=", 0.2)
    _raised(j, s, side, up)
    j.count("raises", count_peaks(s.wrist_up(side), 0.3), times)
    arm_down(j, s, other(side))
    j.need("sideways trunk lean [deg]", np.ptp(s.trunk_roll), "<", 8.0)
    legs_still(j, s)
    return j.result()


def _both_up(j: Judge, s: BodySignals) -> np.ndarray:
    up = (s.wrist_up("left") > UP) & (s.wrist_up("right") > UP)
    j.need(f"both wrists >= {UP} m above the shoulders, fraction of frames", up.mean(), ">=", 0.2)
    for side in ("left", "right"):
        _raised(j, s, side, up)
    return up


def _heels(s: BodySignals) -> float:
    return float(min(s.heel_lift("left").max(), s.heel_lift("right").max()))


def raise_both(s: BodySignals, times: int | None = None) -> BehaviourResult:
    j = Judge("raise_both_arms")
    _both_up(j, s)
    j.count("raises", count_peaks(np.minimum(s.wrist_up("left"), s.wrist_up("right")), 0.3), times)
    j.need("heel lift [m]", _heels(s), "<", 0.012)
    j.need("sideways trunk lean [deg]", np.ptp(s.trunk_roll), "<", 8.0)
    legs_still(j, s)
    return j.result()


def reach_up(s: BodySignals, times: int | None = None) -> BehaviourResult:
    """Both straight arms overhead while rising onto the toes."""
    j = Judge("reach_up")
    _both_up(j, s)
    j.need("heel lift, both feet [m]", _heels(s), ">=", 0.015)
    j.need("sideways trunk lean [deg]", np.ptp(s.trunk_roll), "<", 8.0)
    legs_still(j, s)
    return j.result()


def stretch(s: BodySignals, times: int | None = None) -> BehaviourResult:
    """Both arms overhead and the trunk leaning to the left and to the right."""
    j = Judge("stretch")
    up = (s.wrist_up("left") > UP) & (s.wrist_up("right") > UP)
    j.need(f"both wrists >= {UP} m above the shoulders, fraction of frames", up.mean(), ">=", 0.2)
    roll = s.trunk_roll - s.trunk_roll[0]
    j.need("lean to the left [deg]", roll.max(), ">=", 6.0)
    j.need("lean to the right [deg]", -roll.min(), ">=", 6.0)
    legs_still(j, s)
    return j.result()


def clap(s: BodySignals, times: int | None = None) -> BehaviourResult:
    """The wrists meet in front of the chest and part again, repeatedly (brief contacts, not a hold)."""
    j = Judge("clap")
    g = s.wrist_gap
    front = np.minimum(s.wrist_fwd("left"), s.wrist_fwd("right")) > 0.15
    x = np.where(front, -g, -1.0)
    j.count("claps", count_peaks(x, 0.08), times, at_least=2)
    j.need("closest wrists in front [m]", g[front].min(initial=9.0), "<", 0.12)
    j.need("longest contact [s]", longest_run(g < 0.1) / s.fps, "<=", 0.6)
    legs_still(j, s)
    return j.result()


def salute(s: BodySignals, times: int | None = None) -> BehaviourResult:
    """Right hand held at the forehead, elbow sharply bent and out; the left arm down."""
    j = Judge("salute")
    near = s.wrist_to_head("right") < 0.25
    j.need("right wrist at the head, longest hold [s]", longest_run(near) / s.fps, ">=", HOLD_S)
    el = s.elbow_angle("right")[near]
    j.need("right elbow flexion at the head [deg]", el.min() if len(el) else 0.0, ">=", 110.0)
    j.need("right elbow swing at the head [deg]", np.ptp(el) if len(el) else 0.0, "<", 20.0)
    arm_down(j, s, "left")
    legs_still(j, s)
    return j.result()


def shrug(s: BodySignals, times: int | None = None) -> BehaviourResult:
    """Both shoulder girdles lift (and drop) with the wrists below the shoulders."""
    j = Judge("shrug")
    lift = np.minimum(s.collar_lift("left"), s.collar_lift("right"))
    j.need("shoulder girdle lift, both sides [deg]", lift.max(), ">=", 8.0)
    j.count("shrugs", count_peaks(lift, 6.0), times)
    j.need("highest wrist above the shoulder [m]", max(s.wrist_up("left").max(), s.wrist_up("right").max()), "<", -0.1)
    legs_still(j, s)
    return j.result()


def _held(j: Judge, s: BodySignals, label: str, pose: np.ndarray) -> None:
    j.need(f"{label}, longest hold [s]", longest_run(pose) / s.fps, ">=", HOLD_S)


def cross_arms(s: BodySignals, times: int | None = None) -> BehaviourResult:
    """Both forearms folded across the chest and held."""
    j = Judge("cross_arms")
    pose = ((s.wrist_gap < 0.12) & (s.wrist_fwd("left") > 0.08) & (s.wrist_fwd("right") > 0.08)
            & (s.elbow_angle("left") > 90) & (s.elbow_angle("right") > 90)
            & (s.wrist_up("left") < 0) & (s.wrist_up("right") < 0))
    _held(j, s, "wrists together in front, elbows bent", pose)
    legs_still(j, s)
    return j.result()


def hands_on_hips(s: BodySignals, times: int | None = None) -> BehaviourResult:
    """Both hands at the hips (low, out to the sides, elbows bent) and held."""
    j = Judge("hands_on_hips")
    pose = np.ones(s.T, dtype=bool)
    for side in ("left", "right"):
        w = s.wrist(side)
        pose &= (s.elbow_angle(side) > 60) & (w[:, 2] < -0.28) & (w[:, 2] > -0.45) & (np.abs(w[:, 0]) < 0.15)
    _held(j, s, "hands at the hips, elbows bent", pose)
    j.need("shoulder girdle lift [deg]", max(s.collar_lift("left").max(), s.collar_lift("right").max()), "<", 5.0)
    legs_still(j, s)
    return j.result()


def _extended(s: BodySignals, side: str) -> np.ndarray:
    w = s.wrist(side)
    return (w[:, 0] > 0.4) & (s.elbow_angle(side) < 35) & (w[:, 2] > -0.25) & (w[:, 2] < 0.15)


def reach_forward(s: BodySignals, times: int | None = None) -> BehaviourResult:
    """Both straight arms held forward at shoulder height, legs still."""
    j = Judge("reach_forward")
    _held(j, s, "both arms straight forward", _extended(s, "left") & _extended(s, "right"))
    j.need("trunk pitch [deg]", (s.trunk_pitch - s.trunk_pitch[0]).max(), "<", 15.0)
    legs_still(j, s)
    return j.result()


def point(s: BodySignals, side: str, times: int | None = None) -> BehaviourResult:
    """One straight arm held forward and out to its side; the other arm down."""
    j = Judge(f"point_{side}")
    w = s.wrist(side)
    pose = (w[:, 0] > 0.28) & (w[:, 1] > 0.2) & (s.elbow_angle(side) < 35) & (w[:, 2] > -0.2) & (w[:, 2] < 0.3)
    _held(j, s, f"{side} arm straight, forward and out", pose)
    arm_down(j, s, other(side))
    legs_still(j, s)
    return j.result()


def punch(s: BodySignals, side: str, times: int | None = None) -> BehaviourResult:
    """Fists in a guard; one arm shoots forward >= 0.4 m, 0.15 m beyond the guarding one."""
    j = Judge(f"punch_{side}")
    reach, oreach = s.wrist_fwd(side), s.wrist_fwd(other(side))
    hit = (reach >= 0.4) & (reach - oreach >= 0.15) & (s.elbow_angle(other(side)) > 80)
    j.need(f"{side} wrist reach [m]", reach.max(), ">=", 0.4)
    j.need("frames with a punch past a guarding fist", hit.sum(), ">=", 1)
    j.count("punches", count_peaks(reach, 0.15), times)
    legs_still(j, s)
    return j.result()
