"""Upper-body primitives: waving, raising, clapping, pointing, saluting, shrugging, arm poses, punches,
reaching. Right-side versions are built; left ones are mirror images (see ``register(mirror=True)``)."""

from __future__ import annotations

import numpy as np

from .base import SPEEDS, dir_keyframes, keyframes, register, sample_common, start
from .body import ARM_DOWN, ELBOW_REST, J, axis_quat, blend_dirs, set_arm

DOWN = ARM_DOWN
SIDE_UP = np.array([0.15, -0.75, 0.62])
OVERHEAD = np.array([0.08, -0.2, 0.97])
SIDE = np.array([0.08, -1.0, 0.0])
FORWARD = np.array([1.0, -0.12, 0.05])


def _arm(tr, t, side, times, dirs, twists, elbows):
    set_arm(tr.rot, side, dir_keyframes(t, times, dirs), keyframes(t, times, twists), keyframes(t, times, elbows))


def _timing(p, lift=0.75):
    s = SPEEDS[p["speed"]]
    return lift / s, s


def _wave(p, fps, sides=("right",)):
    up, s = _timing(p)
    period = 0.55 / s
    n = p["reps"]  # wave cycles
    total = 2 * up + n * period
    tr, t = start(total, fps)
    osc = np.where((t > up) & (t < up + n * period), np.sin(2 * np.pi * (t - up) / period), 0.0)
    for side in sides:
        _arm(tr, t, side, [0, up, total - up, total], [DOWN, SIDE_UP, SIDE_UP, DOWN],
             [0, np.pi / 2, np.pi / 2, 0], [ELBOW_REST, 1.2, 1.2, ELBOW_REST])
        j = J["r_elbow"] if side == "right" else J["l_elbow"]
        sign = 1.0 if side == "right" else -1.0
        flex = keyframes(t, [0, up, total - up, total], [ELBOW_REST, 1.2, 1.2, ELBOW_REST]) + 0.4 * p["amp"] * osc
        tr.rot[:, j] = axis_quat("z", sign * flex)
    return tr


def _raise(p, fps, sides=("right",)):
    up, s = _timing(p, 0.9)
    hold = min(p["dur"], 2.0) / max(p["reps"], 1)
    cyc = 2 * up + hold
    tr, t = start(cyc * p["reps"], fps)
    tc = t % cyc
    lift = np.clip(np.minimum(tc / up, (cyc - tc) / up), 0, 1)
    lift = 0.5 - 0.5 * np.cos(np.pi * lift)
    top = (1 - p["amp"] * 0.15) * OVERHEAD + p["amp"] * 0.15 * SIDE_UP
    d = blend_dirs(DOWN, top, lift, via=SIDE)
    for side in sides:
        set_arm(tr.rot, side, d, np.zeros_like(t), ELBOW_REST * (1 - lift) + 0.05 * lift)
    return tr


def _clap(p, fps):
    up, s = _timing(p)
    period = 0.45 / s
    n = p["reps"]
    total = 2 * up + n * period
    tr, t = start(total, fps)
    ks = [0, up, total - up, total]
    front = np.array([0.85, -0.2, -0.5])  # hands meet in front of the chest
    osc = np.where((t > up) & (t < total - up), 0.5 - 0.5 * np.cos(2 * np.pi * (t - up) / period), 0.0)
    for side in ("left", "right"):
        _arm(tr, t, side, ks, [DOWN, front, front, DOWN], [0, 0, 0, 0], [ELBOW_REST, 1.0, 1.0, ELBOW_REST])
        j, sign = (J["r_elbow"], 1.0) if side == "right" else (J["l_elbow"], -1.0)
        flex = keyframes(t, ks, [ELBOW_REST, 1.0, 1.0, ELBOW_REST]) + 0.7 * osc  # 1.7 rad: palms meet
        tr.rot[:, j] = axis_quat("z", sign * flex)
    return tr


def _hold_pose(p, fps, side_dirs, spine=None, collars=0.0, lift=0.7):
    """Move to a pose, hold it ``dur`` seconds, come back. side_dirs: {side: (dir, twist, elbow)}."""
    up, s = _timing(p, lift)
    total = 2 * up + p["dur"]
    tr, t = start(total, fps)
    ks = [0, up, total - up, total]
    for side, (d, tw, el) in side_dirs.items():
        _arm(tr, t, side, ks, [DOWN, d, d, DOWN], [0, tw, tw, 0], [ELBOW_REST, el, el, ELBOW_REST])
    w = keyframes(t, ks, [0.0, 1.0, 1.0, 0.0])
    if spine is not None:
        for j in ("spine1", "spine2", "spine3"):
            tr.rot[:, J[j]] = axis_quat(spine[0], spine[1] * w)
    if collars:
        tr.rot[:, J["r_collar"]] = axis_quat("x", -collars * w)
        tr.rot[:, J["l_collar"]] = axis_quat("x", collars * w)
    return tr, t, w


def _point(p, fps):
    return _hold_pose(p, fps, {"right": (np.array([0.8, -0.55, 0.2]), 0.0, 0.05)})[0]


def _salute(p, fps):
    tr, t, w = _hold_pose(p, fps, {"right": (np.array([0.45, -0.85, 0.3]), np.pi / 2, 2.35)}, lift=0.5)
    return tr


def _shrug(p, fps):
    up, s = _timing(p, 0.35)
    cyc = 2 * up + 0.3 / s
    tr, t = start(cyc * p["reps"] + 0.2, fps)
    tc = np.minimum(t % cyc, cyc) / cyc
    w = np.where(t < cyc * p["reps"], np.sin(np.pi * tc) ** 2, 0.0)
    amp = 0.3 * p["amp"]
    tr.rot[:, J["r_collar"]] = axis_quat("x", -amp * w)
    tr.rot[:, J["l_collar"]] = axis_quat("x", amp * w)
    d = blend_dirs(DOWN, np.array([0.25, -0.45, -0.85]), w)
    for side in ("left", "right"):
        set_arm(tr.rot, side, d, -0.6 * w, ELBOW_REST + 1.2 * w)
    tr.rot[:, J["head"]] = axis_quat("x", 0.12 * w)
    return tr


def _cross_arms(p, fps):
    return _hold_pose(p, fps, {s: (np.array([0.5, -0.3, -0.8]), -1.0, 1.95) for s in ("left", "right")})[0]


def _hands_on_hips(p, fps):
    return _hold_pose(p, fps, {s: (np.array([-0.2, -0.7, -0.7]), -1.2, 1.45) for s in ("left", "right")})[0]


def _punch(p, fps):
    _, s = _timing(p)
    guard = np.array([0.45, -0.3, -0.85])
    cyc = 0.7 / s
    total = 0.5 / s * 2 + cyc * p["reps"]
    tr, t = start(total, fps)
    g0, g1 = 0.5 / s, total - 0.5 / s
    in_guard = keyframes(t, [0, g0, g1, total], [0.0, 1.0, 1.0, 0.0])
    tc = np.clip((t - g0) / cyc, 0, p["reps"])
    ext = np.where((t > g0) & (t < g1), np.sin(np.pi * (tc % 1.0)) ** 4, 0.0)  # fast out and back
    base_d = blend_dirs(DOWN, guard, in_guard)
    d = blend_dirs(base_d, FORWARD, ext)
    set_arm(tr.rot, "right", d, np.zeros_like(t), ELBOW_REST + (2.1 * in_guard - ELBOW_REST * in_guard) * (1 - ext))
    set_arm(tr.rot, "left", base_d, np.zeros_like(t), ELBOW_REST + (2.1 - ELBOW_REST) * in_guard)
    tr.rot[:, J["spine3"]] = axis_quat("z", 0.25 * p["amp"] * ext)
    return tr


def _reach_forward(p, fps):
    return _hold_pose(p, fps, {s: (FORWARD, 0.0, 0.05) for s in ("left", "right")}, spine=("y", 0.08 * p["amp"]))[0]


def _reach_up(p, fps):
    tr, t, w = _hold_pose(p, fps, {s: (OVERHEAD, 0.0, 0.05) for s in ("left", "right")}, spine=("y", -0.04))
    pitch = 0.3 * p["amp"] * w  # rise onto the toes
    tr.foot_pitch[:] = pitch[:, None]
    tr.pelvis_pos[:, 2] += 0.115 * np.sin(pitch)
    return tr


def _s(**kw):
    return lambda rng: sample_common(rng, **kw)


_SIDED = {"right": "right", "left": "left"}
for side in ("right", "left"):
    register(f"wave_{side}", "upper", _wave, _s(reps=(1, 4)),
             [f"wave your {side} hand{{reps}}{{speed}}", f"wave with your {side} hand{{reps}}{{speed}}",
              f"raise your {side} hand and wave{{reps}}{{speed}}", f"say hello with your {side} hand{{reps}}",
              f"give a wave with the {side} hand{{reps}}{{speed}}"],
             [f"waves the {side} hand{{reps}}{{speed}}", f"raises the {side} hand and waves{{reps}}{{speed}}",
              f"waves hello with the {side} arm{{reps}}", f"greets someone by waving the {side} hand{{reps}}{{speed}}",
              f"lifts the {side} arm and waves{{reps}}"],
             f"The {side} arm is lifted to the side with the elbow bent and the hand waves back and forth{{reps}}.",
             "Both feet stay planted shoulder-width apart; the legs are still.", side=side, mirror=side == "left")
    register(f"raise_{side}_arm", "upper", _raise, _s(reps=(1, 3)),
             [f"raise your {side} arm{{reps}}{{speed}}", f"lift your {side} arm up{{reps}}{{speed}}",
              f"put your {side} hand up{{reps}}", f"raise the {side} hand above your head{{reps}}{{speed}}",
              f"stretch your {side} arm up{{reps}}"],
             [f"raises the {side} arm{{reps}}{{speed}}", f"lifts the {side} arm overhead{{reps}}{{speed}}",
              f"puts the {side} hand up in the air{{reps}}", f"raises the {side} hand above the head{{reps}}",
              f"lifts the {side} arm up and lowers it{{reps}}{{speed}}"],
             f"The {side} arm is raised straight above the head and lowered again{{reps}}.",
             "The legs are straight and still, weight on both feet.", side=side, mirror=side == "left")
    register(f"point_{side}", "upper", _point, _s(dur=(1.5, 3.5)),
             [f"point with your {side} hand{{dur}}", f"point {side}{{dur}}", f"point to the {side}{{dur}}{{speed}}",
              f"stretch out your {side} arm and point{{dur}}", f"use your {side} hand to point at something{{dur}}"],
             [f"points with the {side} hand{{dur}}", f"points to the {side}{{dur}}{{speed}}",
              f"extends the {side} arm and points{{dur}}", f"points at something with the {side} arm{{dur}}",
              f"stretches out the {side} arm to point{{dur}}"],
             f"The {side} arm is extended forward and outward with a straight elbow, pointing{{dur}}.",
             "The person stands still on both feet.", side=side, holds=True, mirror=side == "left")
    register(f"punch_{side}", "upper", _punch, _s(reps=(1, 4)),
             [f"punch with your {side} hand{{reps}}{{speed}}", f"throw a {side} punch{{reps}}{{speed}}",
              f"punch forward with your {side} fist{{reps}}", f"do a {side} jab{{reps}}{{speed}}",
              f"strike forward with the {side} arm{{reps}}"],
             [f"punches with the {side} hand{{reps}}{{speed}}", f"throws a {side} punch{{reps}}{{speed}}",
              f"jabs forward with the {side} fist{{reps}}", f"strikes forward with the {side} arm{{reps}}{{speed}}",
              f"raises both fists and punches with the {side} hand{{reps}}"],
             f"Both fists are raised in a guard and the {side} arm extends forward in a punch{{reps}}, twisting the chest.",
             "The feet stay planted and the legs are still.", side=side, mirror=side == "left")

register("wave_both", "upper", lambda p, fps: _wave(p, fps, ("left", "right")), _s(reps=(1, 4)),
         ["wave with both hands{reps}{speed}", "wave both arms{reps}{speed}", "raise both hands and wave{reps}",
          "wave both of your hands{reps}{speed}", "give a big two-handed wave{reps}"],
         ["waves both hands{reps}{speed}", "waves with both arms{reps}{speed}", "raises both hands and waves{reps}",
          "gives an enthusiastic wave with both hands{reps}", "lifts both arms and waves{reps}{speed}"],
         "Both arms are lifted to the sides with bent elbows and both hands wave{reps}.",
         "The legs are still, feet planted.", side="both")
register("raise_both_arms", "upper", lambda p, fps: _raise(p, fps, ("left", "right")), _s(reps=(1, 3)),
         ["raise both arms{reps}{speed}", "put both hands up{reps}", "lift your arms over your head{reps}{speed}",
          "raise your hands up high{reps}", "hands up{reps}"],
         ["raises both arms{reps}{speed}", "puts both hands up{reps}", "lifts both arms overhead{reps}{speed}",
          "raises the hands high above the head{reps}", "throws both arms up in the air{reps}"],
         "Both arms are raised straight above the head and lowered{reps}.", "The legs are straight and still.",
         side="both")
register("clap", "upper", _clap, _s(reps=(2, 5)),
         ["clap your hands{reps}{speed}", "clap{reps}{speed}", "give a round of applause{reps}",
          "bring your hands together and clap{reps}{speed}", "applaud{reps}{speed}"],
         ["claps the hands{reps}{speed}", "claps{reps}{speed}", "applauds{reps}",
          "brings both hands together in front of the chest and claps{reps}{speed}", "gives a round of applause{reps}"],
         "Both hands come together in front of the chest and clap{reps}.", "The person stands still on both feet.")
register("salute", "upper", _salute, _s(dur=(1.5, 3.0)),
         ["salute{dur}", "give a salute{dur}{speed}", "salute with your right hand{dur}",
          "do a military salute{dur}", "raise your right hand to your forehead in a salute{dur}"],
         ["salutes{dur}", "gives a military salute{dur}{speed}", "salutes with the right hand{dur}",
          "raises the right hand to the forehead in a salute{dur}", "stands and salutes{dur}"],
         "The right hand is raised to the forehead with the elbow out to the side{dur}.",
         "The person stands upright with the feet together and still.", holds=True)
register("shrug", "upper", _shrug, _s(reps=(1, 3)),
         ["shrug{reps}{speed}", "shrug your shoulders{reps}", "do a shrug{reps}{speed}",
          "lift your shoulders in a shrug{reps}", "shrug as if you don't know{reps}"],
         ["shrugs{reps}{speed}", "shrugs the shoulders{reps}", "lifts both shoulders in a shrug{reps}{speed}",
          "shrugs with the palms turned up{reps}", "gives a shrug{reps}"],
         "Both shoulders lift toward the ears with the forearms turned out, palms up{reps}.",
         "The legs are still.")
register("cross_arms", "upper", _cross_arms, _s(dur=(1.5, 4.0)),
         ["cross your arms{dur}", "fold your arms{dur}{speed}", "cross your arms over your chest{dur}",
          "stand with your arms crossed{dur}", "fold your arms in front of you{dur}"],
         ["crosses the arms{dur}", "folds the arms across the chest{dur}{speed}", "stands with crossed arms{dur}",
          "crosses both arms in front of the chest{dur}", "folds both arms{dur}"],
         "Both forearms are folded across the chest{dur}.", "The person stands still on both feet.", holds=True)
register("hands_on_hips", "upper", _hands_on_hips, _s(dur=(1.5, 4.0)),
         ["put your hands on your hips{dur}", "hands on hips{dur}", "place both hands on your hips{dur}{speed}",
          "stand with your hands on your hips{dur}", "rest your hands on your waist{dur}"],
         ["puts the hands on the hips{dur}", "stands with the hands on the hips{dur}",
          "places both hands on the waist{dur}{speed}", "rests both hands on the hips{dur}",
          "stands akimbo{dur}"],
         "Both hands rest on the hips with the elbows pointing out{dur}.", "The legs are still.", holds=True)
register("reach_forward", "upper", _reach_forward, _s(dur=(1.0, 3.0)),
         ["reach forward{dur}{speed}", "reach out in front of you{dur}", "stretch both arms forward{dur}",
          "extend your arms forward{dur}{speed}", "reach straight ahead with both hands{dur}"],
         ["reaches forward{dur}{speed}", "reaches out in front with both arms{dur}",
          "extends both arms forward{dur}", "stretches both hands straight ahead{dur}{speed}",
          "leans slightly and reaches forward{dur}"],
         "Both arms extend straight forward at shoulder height and the torso leans a little forward{dur}.",
         "The feet stay planted.", holds=True)
register("reach_up", "upper", _reach_up, _s(dur=(1.0, 3.0)),
         ["reach up{dur}{speed}", "reach for the sky{dur}", "stretch up as high as you can{dur}",
          "reach up high on your toes{dur}", "reach both hands up{dur}{speed}"],
         ["reaches up{dur}{speed}", "reaches both hands toward the ceiling{dur}", "stretches up onto the toes{dur}",
          "reaches up high with both arms{dur}", "rises on the toes and reaches up{dur}{speed}"],
         "Both arms reach straight overhead{dur}.", "The heels lift and the person rises onto the toes.",
         holds=True)
