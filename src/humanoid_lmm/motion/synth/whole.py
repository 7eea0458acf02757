"""Whole-body primitives: bow, stretch, look around, nod, shake head, dance step, idle stand."""

from __future__ import annotations

import numpy as np

from ..rotations import quat_multiply
from .base import SPEEDS, bump, keyframes, register, sample_common, start
from .body import ARM_DOWN, ELBOW_REST, J, STAND_HEIGHT, axis_quat, blend_dirs, set_arm
from .locomotion import footsteps

OVERHEAD = np.array([0.05, -0.25, 0.97])


def _cycles(t, t0, cyc, reps):
    u = (t - t0) / cyc
    active = (u > 0) & (u < reps)
    return np.where(active, u % 1.0, 0.0), active


def _bow(p, fps):
    s = SPEEDS[p["speed"]]
    cyc = 2.2 / s
    tr, t = start(cyc * p["reps"] + 0.4, fps)
    u, active = _cycles(t, 0.2, cyc, p["reps"])
    w = np.where(active, keyframes(u, [0, 0.35, 0.65, 1.0], [0, 1, 1, 0]), 0.0)
    pitch = 0.55 * p["amp"] * w
    tr.pelvis_quat[:] = axis_quat("y", pitch)
    tr.pelvis_pos[:, 0] = -0.09 * p["amp"] * w  # hips back to keep balance
    tr.pelvis_pos[:, 2] = STAND_HEIGHT - 0.02 * w
    for j in ("spine1", "spine2", "spine3"):
        tr.rot[:, J[j]] = axis_quat("y", 0.1 * p["amp"] * w)
    tr.rot[:, J["neck"]] = axis_quat("y", 0.15 * w)
    # arms keep hanging toward the ground: undo part of the torso pitch at the shoulders
    d = np.broadcast_to(ARM_DOWN, (len(t), 3)).copy()
    tilt = pitch + 0.3 * p["amp"] * w
    d[:, 0] = ARM_DOWN[0] + np.sin(tilt)
    d[:, 2] = ARM_DOWN[2] * np.cos(tilt)
    for side in ("left", "right"):
        set_arm(tr.rot, side, d, np.zeros_like(t), np.full_like(t, ELBOW_REST))
    return tr


def _stretch(p, fps):
    s = SPEEDS[p["speed"]]
    up = 0.8 / s
    lean = 1.6 / s
    total = 2 * up + lean * p["reps"]
    tr, t = start(total, fps)
    raise_w = keyframes(t, [0, up, total - up, total], [0.0, 1.0, 1.0, 0.0])
    u, active = _cycles(t, up, lean, p["reps"])
    side = np.where(active, np.sin(2 * np.pi * u), 0.0) * 0.18 * p["amp"]  # lean left/right
    for j in ("spine1", "spine2", "spine3"):
        tr.rot[:, J[j]] = axis_quat("x", -side)
    d = blend_dirs(ARM_DOWN, OVERHEAD, raise_w, via=np.array([0.05, -1.0, 0.0]))
    for s_ in ("left", "right"):
        set_arm(tr.rot, s_, d, np.zeros_like(t), np.full_like(t, ELBOW_REST) * (1 - raise_w) + 0.05)
    return tr


def _head_turns(p, fps, axis, amp, period, reps):
    tr, t = start(period * reps + 0.6, fps)
    u, active = _cycles(t, 0.3, period, reps)
    a = np.where(active, np.sin(2 * np.pi * u), 0.0) * amp
    return tr, t, a


def _look_around(p, fps):
    s = SPEEDS[p["speed"]]
    tr, t, a = _head_turns(p, fps, "z", 0.9 * p["amp"], 3.0 / s, p["reps"])
    tr.rot[:, J["neck"]] = axis_quat("z", 0.5 * a)
    tr.rot[:, J["head"]] = axis_quat("z", 0.3 * a)
    tr.rot[:, J["spine3"]] = axis_quat("z", 0.2 * a)
    return tr


def _nod(p, fps):
    s = SPEEDS[p["speed"]]
    tr, t = start(0.7 / s * p["reps"] + 0.6, fps)
    u, active = _cycles(t, 0.3, 0.7 / s, p["reps"])
    a = np.where(active, bump(u), 0.0) * 0.3 * p["amp"]
    tr.rot[:, J["neck"]] = axis_quat("y", 0.6 * a)
    tr.rot[:, J["head"]] = axis_quat("y", 0.4 * a)
    return tr


def _shake_head(p, fps):
    s = SPEEDS[p["speed"]]
    tr, t, a = _head_turns(p, fps, "z", 0.45 * p["amp"], 0.8 / s, p["reps"])
    tr.rot[:, J["neck"]] = axis_quat("z", 0.5 * a)
    tr.rot[:, J["head"]] = axis_quat("z", 0.5 * a)
    return tr


def _dance(p, fps):
    s = SPEEDS[p["speed"]]
    width = 0.22 * p["amp"]
    steps = []
    for _ in range(p["reps"]):
        steps += [(1, np.array([0.0, -width, 0.0])), (0, np.array([0.0, -width, 0.0])),
                  (0, np.zeros(3)), (1, np.zeros(3))]
    tr, t, stepping = footsteps(steps, 0.45 / s, fps, 0.06, sway=0.0, bob=0.03)
    groove = np.sin(np.pi * np.clip((t - 0.3) / (t[-1] - 0.6), 0, 1)) ** 2  # arms up for the dance
    d = blend_dirs(ARM_DOWN, np.array([0.5, -0.6, 0.45]), groove)
    sway = 0.5 * stepping * groove
    for side, sign in (("right", 1.0), ("left", -1.0)):
        dd = d.copy()
        dd[:, 2] += 0.25 * sign * sway
        set_arm(tr.rot, side, dd, np.zeros_like(t), ELBOW_REST + 1.2 * groove)
    tr.rot[:, J["spine2"]] = axis_quat("x", 0.08 * sway)
    return tr


def _idle(p, fps):
    tr, t = start(p["dur"], fps)
    breathe = np.sin(2 * np.pi * t / 3.5)
    tr.rot[:, J["spine3"]] = axis_quat("y", -0.02 * breathe)
    shift = 0.02 * np.sin(np.pi * t / t[-1]) ** 2 * np.sign(p["amp"] - 0.9 + 1e-9)
    tr.pelvis_pos[:, 1] = shift
    tr.rot[:, J["head"]] = quat_multiply(axis_quat("z", 0.1 * np.sin(2 * np.pi * t / 5.0)), tr.rot[:, J["head"]])
    return tr


def _s(**kw):
    return lambda rng: sample_common(rng, **kw)


register("bow", "whole", _bow, _s(reps=(1, 2)),
         ["bow{reps}{speed}", "take a bow{reps}", "bow down{reps}{speed}", "bend forward in a bow{reps}",
          "make a polite bow{reps}{speed}"],
         ["bows{reps}{speed}", "takes a bow{reps}", "bows down{reps}{speed}", "bends forward at the waist in a bow{reps}",
          "makes a polite bow{reps}{speed}"],
         "The torso bends forward from the hips with the head down and the arms hanging, then straightens{reps}.",
         "The legs stay straight and the feet planted while the hips move back.")
register("stretch", "whole", _stretch, _s(reps=(1, 3)),
         ["stretch{speed}", "stretch your arms and lean side to side{reps}", "do a side stretch{reps}{speed}",
          "raise your arms and stretch{reps}", "stretch your body side to side{reps}{speed}"],
         ["stretches{speed}", "raises both arms and leans side to side{reps}", "does a side stretch{reps}{speed}",
          "stretches with the arms overhead{reps}", "stretches the body from side to side{reps}{speed}"],
         "Both arms go overhead and the torso bends to the left and right{reps}.", "The feet stay planted.")
register("look_around", "whole", _look_around, _s(reps=(1, 2)),
         ["look around{speed}", "look left and right{reps}{speed}", "turn your head to look around{reps}",
          "look from side to side{reps}{speed}", "scan the room{speed}"],
         ["looks around{speed}", "looks left and right{reps}{speed}", "turns the head to look around{reps}",
          "looks from side to side{reps}{speed}", "scans the surroundings{speed}"],
         "The head and upper torso turn to the left and to the right{reps}.", "The legs are still.")
register("nod", "whole", _nod, _s(reps=(1, 4)),
         ["nod{reps}{speed}", "nod your head{reps}{speed}", "nod yes{reps}", "give a nod{reps}",
          "nod in agreement{reps}{speed}"],
         ["nods{reps}{speed}", "nods the head{reps}{speed}", "nods yes{reps}", "gives a nod{reps}",
          "nods in agreement{reps}{speed}"],
         "The head tilts down and up{reps}.", "The person stands still.")
register("shake_head", "whole", _shake_head, _s(reps=(1, 4)),
         ["shake your head{reps}{speed}", "shake your head no{reps}", "say no with your head{reps}{speed}",
          "turn your head side to side to say no{reps}", "shake the head{reps}{speed}"],
         ["shakes the head{reps}{speed}", "shakes the head no{reps}", "says no by shaking the head{reps}{speed}",
          "turns the head side to side{reps}", "shakes the head in disagreement{reps}{speed}"],
         "The head turns left and right{reps}.", "The person stands still.")
register("dance_step", "whole", _dance, _s(reps=(1, 3)),
         ["dance{speed}", "do a little dance{speed}", "dance side to side{reps}{speed}",
          "do a dance step{reps}", "groove to the music{speed}"],
         ["dances{speed}", "does a little dance{speed}", "dances side to side{reps}{speed}",
          "does a side-to-side dance step{reps}", "grooves with the arms up{speed}"],
         "The arms are raised with bent elbows and sway with the rhythm.",
         "The feet step side to side and back with a bounce{reps}.")
register("idle_stand", "whole", _idle, _s(dur=(2.0, 5.0)),
         ["stand still{dur}", "stand and wait{dur}", "stay where you are{dur}", "just stand{dur}",
          "stand relaxed{dur}"],
         ["stands still{dur}", "stands and waits{dur}", "stands in place{dur}", "stands relaxed, breathing{dur}",
          "stands idle{dur}"],
         "The arms hang relaxed and the chest rises and falls with breathing.",
         "Both feet are planted and the weight shifts slightly.", holds=True)
