"""Kinematic behaviour checks: does a Motion show the behaviour a command names?

One strict check per primitive of the procedural corpus (42; :data:`PRIMITIVE_CHECK` maps each
primitive to its check). A check reads the motion's joint positions and local rotations through
:class:`~humanoid_lmm.eval.kinematics.BodySignals` (body frame, metres, degrees) and states both
what must happen and what must not, so it fails on its confusable neighbours (one arm vs both, left
vs right, once vs twice, wave vs raise, squat vs bow, step vs walk); tests/eval/test_confusion.py
holds every check to a diagonal >= 0.95 and off-diagonal <= 0.05 on ground-truth corpus clips.
:func:`check_command` maps a free-text command (or description) to a check.

    from humanoid_lmm.eval.behaviour import check_command
    res = check_command("wave your right hand twice", motion)   # BehaviourResult(passed=..., detail=...)
"""
from __future__ import annotations

import re
from typing import Callable

from . import checks_arms as A
from . import checks_body as B
from . import checks_legs as L
from .judge import BehaviourResult
from .kinematics import BodySignals, count_peaks

__all__ = ["BehaviourResult", "BEHAVIOURS", "PRIMITIVE_CHECK", "behaviour_of", "check_behaviour", "check_command",
           "count_peaks"]

_S = ("left", "right")

# check name -> fn(signals, times) -> BehaviourResult
BEHAVIOURS: dict[str, Callable[[BodySignals, int | None], BehaviourResult]] = {
    **{f"wave_{s}": (lambda sig, n=None, s=s: A.wave(sig, s, n)) for s in _S},
    "wave_both": A.wave_both,
    **{f"raise_{s}_arm": (lambda sig, n=None, s=s: A.raise_arm(sig, s, n)) for s in _S},
    "raise_both_arms": A.raise_both, "reach_up": A.reach_up, "stretch": A.stretch, "clap": A.clap,
    "salute": A.salute, "shrug": A.shrug, "cross_arms": A.cross_arms, "hands_on_hips": A.hands_on_hips,
    "reach_forward": A.reach_forward,
    **{f"point_{s}": (lambda sig, n=None, s=s: A.point(sig, s, n)) for s in _S},
    **{f"punch_{s}": (lambda sig, n=None, s=s: A.punch(sig, s, n)) for s in _S},
    "squat": L.squat, "jump": L.jump,
    **{f"lunge_{s}": (lambda sig, n=None, s=s: L.lunge(sig, s, n)) for s in _S},
    **{f"kick_{s}": (lambda sig, n=None, s=s: L.kick(sig, s, n)) for s in _S},
    **{f"knee_raise_{s}": (lambda sig, n=None, s=s: L.knee_raise(sig, s, n)) for s in _S},
    **{f"stand_on_{s}_leg": (lambda sig, n=None, s=s: L.stand_on_leg(sig, s, n)) for s in _S},
    "walk_in_place": lambda sig, n=None: L.in_place(sig, False, n),
    "jog_in_place": lambda sig, n=None: L.in_place(sig, True, n),
    "walk_forward": lambda sig, n=None: L.walk(sig, "forward", n),
    "walk_backward": lambda sig, n=None: L.walk(sig, "backward", n),
    **{f"step_{s}": (lambda sig, n=None, s=s: L.sidestep(sig, s, n)) for s in _S},
    **{f"turn_{s}": (lambda sig, n=None, s=s: L.turn(sig, s, n)) for s in _S},
    "dance_step": L.dance_step,
    "bow": B.bow, "nod": B.nod, "shake_head": B.shake_head, "look_around": B.look_around,
    "idle_stand": B.idle_stand,
}

# procedural corpus primitive (humanoid_lmm.motion.synth.PRIMITIVES) -> its check
PRIMITIVE_CHECK: dict[str, str] = {
    **{n: n for n in BEHAVIOURS if n not in ("jump", "walk_forward", "walk_backward")},
    "jump_in_place": "jump", "step_forward": "walk_forward", "step_back": "walk_backward",
}

_SIDE = r"\b(left|right)\b"
_V = r"(?:s|es|ing)?"          # verb endings: wave / waves / waving
# (pattern, check) in priority order: specific phrases before the generic verbs they contain
_RULES: tuple[tuple[str, str | None], ...] = (
    (r"\b(salut\w*)\b", "salute"),
    (r"\bshrug", "shrug"),
    (r"\bnod", "nod"),
    (r"\b(shak\w* (your |the )?head|head no|say\w* no|head side to side)\b", "shake_head"),
    (r"\b(look\w* around|look\w* (left and right|from side to side)|scan\w*)\b", "look_around"),
    (r"\b(danc\w*|groov\w*)\b", "dance_step"),
    (r"\b(hands? on (your |the )?(hips|waist)|akimbo)\b", "hands_on_hips"),
    (r"\b(cross\w*|fold\w*)\b.*\barms?\b|\barms? crossed\b", "cross_arms"),
    (r"\b(clap\w*|applau\w*|applause)\b", "clap"),
    (rf"\b(wave{_V}|waving)\b.*\bboth\b|\bboth\b.*\bwav|two-handed wave", "wave_both"),
    (rf"\b(wave{_V}|waving|hello)\b.*{_SIDE}|{_SIDE}.*\b(wave{_V}|waving)\b", "wave_{side}"),
    (rf"\blung\w*\b.*{_SIDE}|{_SIDE}.*\blung", "lunge_{side}"),
    (rf"\bkick\w*\b.*{_SIDE}|{_SIDE}.*\bkick", "kick_{side}"),
    (rf"{_SIDE} (knee|leg with (the|a) (bent )?knee)|\bknee\b.*{_SIDE}", "knee_raise_{side}"),
    (rf"\b(stand\w*|balanc\w*) on (your |the )?{_SIDE}|\bstand\w* on one leg, the {_SIDE}"
     rf"|\bstands? on the {_SIDE} (one|leg)", "stand_on_{side}_leg"),
    (r"\bon one leg\b", None),     # "stands on one leg": the side is not said, no check applies
    (rf"\bpunch\w*\b.*{_SIDE}|{_SIDE} (punch|jab)|\b(jab\w*|strik\w*)\b.*{_SIDE}", "punch_{side}"),
    (rf"\bpoint\w*\b.*{_SIDE}|{_SIDE}.*\bpoint", "point_{side}"),
    (r"\b(jog\w*|run\w*)\b.*\b(in place|on the spot)\b", "jog_in_place"),
    (r"\b(walk\w*|march\w*|step\w*)\b.*\b(in place|on the spot)\b", "walk_in_place"),
    (r"\b(reach\w*( \w+){0,2} (up|toward the ceiling)|reach\w* for the sky|stretch\w* up|on (your |the )?toes)\b",
     "reach_up"),
    (r"\b(reach\w*|stretch\w*|extend\w*)\b.*\b(forward|ahead|in front|out in front)\b", "reach_forward"),
    (rf"\b(rais\w*|lift\w*|put\w*|stretch\w*)\b.*{_SIDE}.*\b(arm|hand)\b", "raise_{side}_arm"),
    (r"\bstretch\w*\b|\blean\w* side to side\b", "stretch"),
    (r"\b(rais\w*|lift\w*|put\w*|throw\w*)\b.*\b(both|arms|hands)\b|^hands up\b", "raise_both_arms"),
    (r"\bsquat", "squat"),
    (r"\bbow", "bow"),
    (r"\b(jump\w*|hop\w*)\b", "jump"),
    (rf"\b(turn\w*|rotat\w*)\b.*{_SIDE}", "turn_{side}"),
    (r"\b(walk\w*|step\w*|mov\w*|back\w*|take\w*)\b.*\bback|\bbacks? up\b", "walk_backward"),
    (r"\b(walk\w*|step\w*|mov\w*|take\w*)\b.*\b(forward|ahead)\b", "walk_forward"),
    (rf"\b(step\w*|mov\w*|shuffl\w*)\b.*{_SIDE}", "step_{side}"),
    (r"\b(stand\w*|stay\w*|wait\w*)\b", "idle_stand"),
)
_COUNTS = {"once": 1, "twice": 2, "two times": 2, "2 times": 2, "three times": 3, "thrice": 3, "3 times": 3,
           "four times": 4, "4 times": 4, "five times": 5, "5 times": 5, "six times": 6, "6 times": 6}


def behaviour_of(text: str) -> tuple[str, int | None] | None:
    """(check name, repetitions or None) named by a command or description, or None if no rule matches."""
    t = " ".join(text.lower().split())
    for pattern, name in _RULES:
        m = re.search(pattern, t)
        if m:
            if name is None:
                return None
            side = next((g for g in m.groups() if g in _S), None)
            reps = next((v for k, v in _COUNTS.items() if re.search(rf"\b{k}\b", t)), None)
            return name.format(side=side), reps
    return None


def check_behaviour(name: str, motion, times: int | None = None) -> BehaviourResult:
    """Run the check ``name`` on a Motion (``times``: the exact repetition count asked for, or None)."""
    if name not in BEHAVIOURS:
        raise KeyError(f"unknown behaviour {name!r}; known: {sorted(BEHAVIOURS)}")
    sig = motion if isinstance(motion, BodySignals) else BodySignals.of(motion)
    return BEHAVIOURS[name](sig, times)


def check_command(text: str, motion) -> BehaviourResult:
    """Check ``motion`` against the behaviour the command ``text`` names (KeyError if none)."""
    found = behaviour_of(text)
    if found is None:
        raise KeyError(f"no behaviour check matches the command {text!r}")
    return check_behaviour(found[0], motion, found[1])
