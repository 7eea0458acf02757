"""Kinematic behaviour checks: does a Motion show the behaviour a command names?

Each check reads world joint positions (T, 22, 3) (z-up, x forward, y left, metres) from
``Motion.positions()`` and returns a :class:`BehaviourResult` with the measured value and threshold.
Directions are taken in the body frame of the first frame (heading from the hip axis), so a motion
that starts turned is judged correctly. :func:`check_command` maps a free-text command to a check.

    from humanoid_lmm.eval.behaviour import check_command
    res = check_command("wave your right hand", motion)   # BehaviourResult(passed=True, ...)
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import numpy as np

__all__ = ["BehaviourResult", "BEHAVIOURS", "behaviour_of", "check_behaviour", "check_command", "count_peaks"]

J = {n: i for i, n in enumerate((
    "pelvis", "left_hip", "right_hip", "spine1", "left_knee", "right_knee", "spine2", "left_ankle",
    "right_ankle", "spine3", "left_foot", "right_foot", "neck", "left_collar", "right_collar", "head",
    "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist"))}


@dataclass(frozen=True)
class BehaviourResult:
    """Outcome of one check: ``value`` compared with ``threshold`` (units in ``detail``)."""

    behaviour: str
    passed: bool
    value: float
    threshold: float
    detail: str


def _frame(pos: np.ndarray):
    """Body axes at frame 0: forward (x-like) and left (y-like) unit vectors in the ground plane."""
    left = pos[0, J["left_hip"]] - pos[0, J["right_hip"]]
    left = np.array([left[0], left[1], 0.0])
    left /= max(np.linalg.norm(left), 1e-9)
    fwd = np.array([left[1], -left[0], 0.0])
    return fwd, left


def _heading(pos: np.ndarray) -> np.ndarray:
    """(T,) unwrapped yaw [rad] of the hip axis (counter-clockwise positive = turning left)."""
    left = pos[:, J["left_hip"]] - pos[:, J["right_hip"]]
    return np.unwrap(np.arctan2(-left[:, 0], left[:, 1]))


def count_peaks(x: np.ndarray, prominence: float) -> int:
    """Number of maxima of ``x`` rising at least ``prominence`` above the minima on both sides."""
    n, i, count = len(x), 0, 0
    low = x[0]
    rising_from = low
    peak = -np.inf
    state = "up"
    for i in range(n):
        v = x[i]
        if state == "up":
            peak = max(peak, v)
            if peak - rising_from >= prominence and peak - v >= prominence:
                count, state, low = count + 1, "down", v
        else:
            low = min(low, v)
            if v - low >= prominence:
                state, rising_from, peak = "up", low, v
    return count


def _res(name, value, thr, passed, unit) -> BehaviourResult:
    return BehaviourResult(name, bool(passed), float(value), float(thr), f"{name}: {value:.3f} vs {thr:.3f} {unit}")


# ------------------------------------------------------------------------------------------- checks
def wave(pos, side: str) -> BehaviourResult:
    """Wrist above the shoulder in >= 25% of frames and, while up, it swings back and forth
    (>= 2 horizontal swings of >= 4 cm relative to the shoulder)."""
    w, s = pos[:, J[f"{side}_wrist"]], pos[:, J[f"{side}_shoulder"]]
    up = w[:, 2] > s[:, 2]
    fwd, left = _frame(pos)
    rel = (w - s)[up]
    swings = 0
    if len(rel) >= 4:
        for axis in (fwd, left):
            x = rel @ axis
            swings = max(swings, count_peaks(x, 0.04) + count_peaks(-x, 0.04))
    frac = up.mean()
    return _res(f"wave_{side}", min(frac / 0.25, swings / 2.0), 1.0, frac >= 0.25 and swings >= 2,
                "(min of up-fraction/0.25 and swings/2)")


def raise_arm(pos, side: str) -> BehaviourResult:
    """Wrist >= 15 cm above the shoulder in >= 25% of frames."""
    w, s = pos[:, J[f"{side}_wrist"]], pos[:, J[f"{side}_shoulder"]]
    frac = (w[:, 2] - s[:, 2] > 0.15).mean()
    return _res(f"raise_{side}_arm", frac, 0.25, frac >= 0.25, "fraction of frames")


def raise_both(pos) -> BehaviourResult:
    a, b = raise_arm(pos, "left"), raise_arm(pos, "right")
    both = ((pos[:, J["left_wrist"], 2] - pos[:, J["left_shoulder"], 2] > 0.15)
            & (pos[:, J["right_wrist"], 2] - pos[:, J["right_shoulder"], 2] > 0.15)).mean()
    return _res("raise_both_arms", both, 0.25, both >= 0.25 and a.passed and b.passed, "fraction of frames")


def squat(pos, times: int | None = None) -> BehaviourResult:
    """Pelvis drops >= 15 cm below its start height (``times`` dips when given) with feet staying low."""
    h = pos[:, J["pelvis"], 2]
    drop = h[0] - h.min()
    feet = np.minimum(pos[:, J["left_ankle"], 2], pos[:, J["right_ankle"], 2])
    grounded = feet.max() - feet[0] < 0.15
    ok = drop >= 0.15 and grounded
    unit = "m pelvis drop"
    if times is not None:
        n = count_peaks(-h, 0.1)
        ok = ok and n == times
        unit += f", {n} dips (want {times})"
    return _res("squat", drop, 0.15, ok, unit)


def bow(pos) -> BehaviourResult:
    """Trunk (pelvis->neck) pitches >= 18 deg forward while the pelvis drops < 15 cm."""
    fwd, _ = _frame(pos)
    trunk = pos[:, J["neck"]] - pos[:, J["pelvis"]]
    pitch = np.degrees(np.arctan2(trunk @ fwd, trunk[:, 2]))
    drop = pos[0, J["pelvis"], 2] - pos[:, J["pelvis"], 2].min()
    return _res("bow", pitch.max(), 18.0, pitch.max() >= 18.0 and drop < 0.15, "deg trunk pitch")


def turn(pos, side: str, degrees: float = 30.0) -> BehaviourResult:
    """Heading changes >= ``degrees`` towards ``side`` (left = counter-clockwise) by the end."""
    yaw = np.degrees(_heading(pos))
    change = (yaw[-1] - yaw[0]) * (1 if side == "left" else -1)
    return _res(f"turn_{side}", change, degrees, change >= degrees, "deg heading change")


def kick(pos, side: str) -> BehaviourResult:
    """Ankle reaches >= 30 cm in front of the pelvis and >= 15 cm above its start height."""
    fwd, _ = _frame(pos)
    a = pos[:, J[f"{side}_ankle"]]
    reach = ((a - pos[:, J["pelvis"]]) @ fwd)
    lift = a[:, 2] - a[0, 2]
    ok_frames = (reach >= 0.3) & (lift >= 0.15)
    return _res(f"kick_{side}", reach.max(), 0.3, ok_frames.any(), "m ankle reach (with 0.15 m lift)")


def clap(pos, times: int | None = None) -> BehaviourResult:
    """Both wrists in front of the body come together (< 30 cm apart) and part again by >= 8 cm,
    at least ``times`` times (hand contact is not resolved by wrist joints: counts are approximate)."""
    fwd, _ = _frame(pos)
    d = np.linalg.norm(pos[:, J["left_wrist"]] - pos[:, J["right_wrist"]], axis=1)
    front = np.minimum((pos[:, J["left_wrist"]] - pos[:, J["pelvis"]]) @ fwd,
                       (pos[:, J["right_wrist"]] - pos[:, J["pelvis"]]) @ fwd)
    x = np.where(front > 0.15, -d, -1.0)          # closeness, only while both hands are in front
    n = count_peaks(x, 0.08) if (d[front > 0.15].min(initial=9.0) < 0.3) else 0
    ok = n >= (times or 1)
    return _res("clap", n, times or 1, ok, "claps (at least)")


def walk(pos, direction: str) -> BehaviourResult:
    """Pelvis ends >= 15 cm forward / backward along the start heading."""
    fwd, _ = _frame(pos)
    disp = (pos[-1, J["pelvis"]] - pos[0, J["pelvis"]]) @ fwd * (1 if direction == "forward" else -1)
    return _res(f"walk_{direction}", disp, 0.15, disp >= 0.15, "m along heading")


def sidestep(pos, side: str) -> BehaviourResult:
    """Pelvis ends >= 15 cm to the ``side`` of the start heading."""
    _, left = _frame(pos)
    disp = (pos[-1, J["pelvis"]] - pos[0, J["pelvis"]]) @ left * (1 if side == "left" else -1)
    return _res(f"step_{side}", disp, 0.15, disp >= 0.15, "m sideways")


def jump(pos, times: int | None = None) -> BehaviourResult:
    """Both ankles leave the ground by >= 5 cm at the same time (``times`` flights when given)."""
    a = np.minimum(pos[:, J["left_ankle"], 2], pos[:, J["right_ankle"], 2])
    lift = a - a[0]
    ok = lift.max() >= 0.05
    if times is not None:
        ok = ok and count_peaks(lift, 0.04) == times
    return _res("jump", lift.max(), 0.05, ok, "m both-feet lift")


def punch(pos, side: str) -> BehaviourResult:
    """Wrist reaches >= 40 cm in front of its shoulder, >= 15 cm further than the other wrist then."""
    fwd, _ = _frame(pos)
    other = "left" if side == "right" else "right"
    reach = (pos[:, J[f"{side}_wrist"]] - pos[:, J[f"{side}_shoulder"]]) @ fwd
    oreach = (pos[:, J[f"{other}_wrist"]] - pos[:, J[f"{other}_shoulder"]]) @ fwd
    ok = ((reach >= 0.4) & (reach - oreach >= 0.15)).any()
    return _res(f"punch_{side}", reach.max(), 0.4, ok, "m wrist reach (15 cm beyond the other wrist)")


BEHAVIOURS: dict[str, Callable] = {
    "wave_right": lambda p, n=None: wave(p, "right"), "wave_left": lambda p, n=None: wave(p, "left"),
    "raise_right_arm": lambda p, n=None: raise_arm(p, "right"), "raise_left_arm": lambda p, n=None: raise_arm(p, "left"),
    "raise_both_arms": lambda p, n=None: raise_both(p), "squat": squat, "bow": lambda p, n=None: bow(p),
    "turn_left": lambda p, n=None: turn(p, "left"), "turn_right": lambda p, n=None: turn(p, "right"),
    "kick_left": lambda p, n=None: kick(p, "left"), "kick_right": lambda p, n=None: kick(p, "right"),
    "clap": clap, "jump": jump,
    "walk_forward": lambda p, n=None: walk(p, "forward"), "walk_backward": lambda p, n=None: walk(p, "backward"),
    "step_left": lambda p, n=None: sidestep(p, "left"), "step_right": lambda p, n=None: sidestep(p, "right"),
    "punch_left": lambda p, n=None: punch(p, "left"), "punch_right": lambda p, n=None: punch(p, "right"),
}

_SIDE = r"(left|right)"
_RULES = (
    (rf"\bwave\b.*\b{_SIDE}\b|\b{_SIDE}\b.*\bwave", "wave_{side}"),
    (r"\b(raise|lift|put up)\b.*\b(both|arms|hands)\b", "raise_both_arms"),
    (rf"\b(raise|lift)\b.*\b{_SIDE}\b", "raise_{side}_arm"),
    (r"\bsquat", "squat"), (r"\bbow", "bow"), (rf"\bturn\b.*\b{_SIDE}\b", "turn_{side}"),
    (rf"\bkick\b.*\b{_SIDE}\b", "kick_{side}"), (r"\bclap", "clap"), (r"\bjump", "jump"),
    (r"\b(walk|step|move|back)\w*\b.*\bback", "walk_backward"),
    (r"\b(walk|step|move)\w*\b.*\b(forward|ahead)", "walk_forward"),
    (rf"\bstep\b.*\b{_SIDE}\b", "step_{side}"), (rf"\bpunch\b.*\b{_SIDE}\b", "punch_{side}"),
)
_COUNTS = {"once": 1, "twice": 2, "two times": 2, "three times": 3, "thrice": 3, "3 times": 3, "2 times": 2}


def behaviour_of(text: str) -> tuple[str, int | None] | None:
    """(behaviour name, repetitions or None) named by a command, or None if no rule matches."""
    t = text.lower()
    for pattern, name in _RULES:
        m = re.search(pattern, t)
        if m:
            side = next((g for g in m.groups() if g in ("left", "right")), None)
            reps = next((v for k, v in _COUNTS.items() if k in t), None)
            return name.format(side=side), reps
    return None


def check_behaviour(name: str, motion, times: int | None = None) -> BehaviourResult:
    if name not in BEHAVIOURS:
        raise KeyError(f"unknown behaviour {name!r}; known: {sorted(BEHAVIOURS)}")
    return BEHAVIOURS[name](np.asarray(motion.positions()), times)


def check_command(text: str, motion) -> BehaviourResult:
    """Check ``motion`` against the behaviour the command ``text`` names (KeyError if none)."""
    found = behaviour_of(text)
    if found is None:
        raise KeyError(f"no behaviour check matches the command {text!r}")
    return check_behaviour(found[0], motion, found[1])
