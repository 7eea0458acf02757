"""Lower-body primitives: squat, lunge, kick, knee raise, standing on one leg, jumping in place.
Leg poses are given as ankle targets; ``solve_tracks`` does the IK and keeps planted feet fixed."""

from __future__ import annotations

import numpy as np

from .base import SPEEDS, bump, ease, keyframes, register, sample_common, start
from .body import ARM_DOWN, ELBOW_REST, J, STAND_HEIGHT, axis_quat, blend_dirs, set_arm
from .tracks import yaw_quat

from ..rotations import quat_multiply

FORWARD_ARMS = np.array([1.0, -0.2, -0.05])
BALANCE_ARMS = np.array([0.1, -0.9, -0.35])


def _cycles(t, t0, cyc, reps):
    """Phase u in [0, 1) within each cycle and a mask of the active interval."""
    u = (t - t0) / cyc
    active = (u > 0) & (u < reps)
    return np.where(active, u % 1.0, 0.0), active


def _off_ground(w, lift_at_one: float):
    """Weight for horizontal foot motion that stays 0 until the foot is >= 2 cm up (lift = w * lift_at_one)."""
    w0 = 0.02 / max(lift_at_one, 0.02)
    return ease((w - w0) / (1.0 - w0))


def _pitch_pelvis(tr, pitch):
    tr.pelvis_quat[:] = quat_multiply(yaw_quat(np.zeros(len(pitch))), axis_quat("y", pitch))


def _squat(p, fps):
    s = SPEEDS[p["speed"]]
    cyc = 1.8 / s
    tr, t = start(cyc * p["reps"] + 0.4, fps)
    u, active = _cycles(t, 0.2, cyc, p["reps"])
    w = np.where(active, bump(u), 0.0)  # 0 standing -> 1 bottom
    depth = 0.34 * p["amp"]
    tr.pelvis_pos[:, 2] = STAND_HEIGHT - depth * w
    tr.pelvis_pos[:, 0] = -0.12 * p["amp"] * w
    _pitch_pelvis(tr, 0.45 * p["amp"] * w)
    for j in ("spine1", "spine2"):
        tr.rot[:, J[j]] = axis_quat("y", 0.06 * w)
    tr.rot[:, J["neck"]] = axis_quat("y", -0.3 * w)
    d = blend_dirs(ARM_DOWN, FORWARD_ARMS, w)
    for side in ("left", "right"):
        set_arm(tr.rot, side, d, np.zeros_like(w), np.full_like(w, ELBOW_REST))
    return tr


def _lunge(p, fps):  # right leg forward; mirrored for left
    s = SPEEDS[p["speed"]]
    step, down, hold = 0.5 / s, 0.6 / s, 0.5
    cyc = 2 * step + 2 * down + hold
    tr, t = start(cyc * p["reps"] + 0.4, fps)
    length = 0.55 * p["amp"]
    u, active = _cycles(t, 0.2, cyc, p["reps"])
    tc = u * cyc
    ks = [0, step, step + down, step + down + hold, step + 2 * down + hold, cyc]
    ks_f = [0, 0.2 * step, 0.8 * step, cyc - 0.8 * step, cyc - 0.2 * step, cyc]
    fwd = keyframes(tc, ks_f, [0, 0, 1, 1, 0, 0]) * active  # right foot forward, only while lifted
    low = keyframes(tc, ks, [0, 0, 1, 1, 0, 0]) * active  # depth amount
    swing_out = np.where(active & (tc < step), bump(tc / step), 0.0)
    swing_back = np.where(active & (tc > cyc - step), bump((tc - (cyc - step)) / step), 0.0)
    tr.foot_xy[:, 1, 0] += length * fwd
    tr.foot_lift[:, 1] = 0.08 * (swing_out + swing_back)
    tr.foot_pitch[:, 0] = 0.55 * low  # back heel up, pivoting on the toes
    tr.pelvis_pos[:, 0] = 0.45 * length * fwd
    tr.pelvis_pos[:, 2] = STAND_HEIGHT - 0.2 * p["amp"] * low
    return tr


def _kick(p, fps):  # right kick, standing on the left leg; mirrored for left
    s = SPEEDS[p["speed"]]
    cyc = 1.1 / s
    shift = 0.4 / s
    total = 2 * shift + cyc * p["reps"]
    tr, t = start(total, fps)
    lean = keyframes(t, [0, shift, total - shift, total], [0.0, 1.0, 1.0, 0.0])
    tr.pelvis_pos[:, 1] = 0.06 * lean  # weight over the left foot
    u, active = _cycles(t, shift, cyc, p["reps"])
    up = np.where(active, bump(u), 0.0)
    snap = np.where(active, bump(np.clip((u - 0.25) / 0.5, 0, 1)), 0.0)  # extension in the middle
    tr.foot_xy[:, 1, 0] += 0.15 * _off_ground(up, 0.25) + 0.35 * p["amp"] * snap
    tr.foot_lift[:, 1] = 0.25 * up + 0.2 * p["amp"] * snap
    tr.foot_pitch[:, 1] = 0.6 * snap
    _pitch_pelvis(tr, -0.1 * snap)
    for side in ("left", "right"):
        d = blend_dirs(ARM_DOWN, BALANCE_ARMS, lean)
        set_arm(tr.rot, side, d, np.zeros_like(t), np.full_like(t, ELBOW_REST + 0.6) * lean + ELBOW_REST * (1 - lean))
    return tr


def _knee_raise(p, fps):  # right knee up, standing on the left leg
    s = SPEEDS[p["speed"]]
    cyc = 1.3 / s
    shift = 0.4 / s
    total = 2 * shift + cyc * p["reps"]
    tr, t = start(total, fps)
    lean = keyframes(t, [0, shift, total - shift, total], [0.0, 1.0, 1.0, 0.0])
    tr.pelvis_pos[:, 1] = 0.06 * lean
    u, active = _cycles(t, shift, cyc, p["reps"])
    up = np.where(active, bump(u), 0.0)
    tr.foot_xy[:, 1, 0] += 0.22 * _off_ground(up, 0.38 * p["amp"])
    tr.foot_lift[:, 1] = 0.38 * p["amp"] * up
    tr.foot_pitch[:, 1] = 0.35 * up
    return tr


def _stand_one_leg(p, fps):  # stand on the right leg, left foot lifted behind; mirrored for left
    s = SPEEDS[p["speed"]]
    shift = 0.6 / s
    total = 4 * shift + p["dur"]
    tr, t = start(total, fps)
    ks = [0, shift, 2 * shift, total - 2 * shift, total - shift, total]
    lean = keyframes(t, ks, [0, 1, 1, 1, 1, 0])
    lift = keyframes(t, ks, [0, 0, 1, 1, 0, 0])
    tr.pelvis_pos[:, 1] = -0.065 * lean
    tr.foot_xy[:, 0, 0] -= 0.12 * _off_ground(lift, 0.22 * p["amp"])
    tr.foot_lift[:, 0] = 0.22 * p["amp"] * lift
    tr.foot_pitch[:, 0] = 0.3 * lift
    for side in ("left", "right"):
        d = blend_dirs(ARM_DOWN, BALANCE_ARMS, lean)
        set_arm(tr.rot, side, d, np.zeros_like(t), np.full_like(t, ELBOW_REST))
    return tr


def _jump(p, fps):
    s = SPEEDS[p["speed"]]
    h = 0.12 * p["amp"]  # flight apex [m]
    g = 9.81
    flight = 2 * np.sqrt(2 * h / g)
    crouch = 0.45 / s
    cyc = 2 * crouch + flight
    tr, t = start(cyc * p["reps"] + 0.5, fps)
    u, active = _cycles(t, 0.25, cyc, p["reps"])
    tc = u * cyc
    take_off = 0.008  # [m] pelvis above standing when the feet leave the ground (legs still reach)
    # crouch down and push up to the take-off height, ballistic flight, land and recover
    z = keyframes(tc, [0, 0.5 * crouch, crouch], [0.0, -0.14, take_off])
    fly = active & (tc >= crouch) & (tc < crouch + flight)
    tf = tc - crouch
    z = np.where(fly, take_off + np.sqrt(2 * g * h) * tf - 0.5 * g * tf**2, z)
    post = tc >= crouch + flight
    tl = tc - crouch - flight
    z = np.where(post, keyframes(tl, [0, 0.5 * crouch, crouch], [take_off, -0.12, 0.0]), z)
    z = np.where(active, z, 0.0)
    tr.pelvis_pos[:, 2] = STAND_HEIGHT + z
    tr.foot_lift[:] = np.where(fly, np.maximum(z - take_off, 0.0), 0.0)[:, None]
    arms = np.clip(np.where(active, bump(np.clip(tc / (2 * crouch), 0, 1)), 0.0), 0, 1)
    crouched = np.clip(-np.minimum(z, 0) / 0.14, 0, 1)
    _pitch_pelvis(tr, 0.3 * crouched)
    d = blend_dirs(ARM_DOWN, np.array([0.6, -0.3, 0.6]), arms)
    for side in ("left", "right"):
        set_arm(tr.rot, side, d, np.zeros_like(t), np.full_like(t, ELBOW_REST))
    return tr


def _s(**kw):
    return lambda rng: sample_common(rng, **kw)


register("squat", "lower", _squat, _s(reps=(1, 4)),
         ["squat{reps}{speed}", "do a squat{reps}{speed}", "squat down and stand up{reps}",
          "bend your knees and squat{reps}{speed}", "do squats{reps}{speed}"],
         ["squats{reps}{speed}", "does a squat{reps}{speed}", "squats down and stands back up{reps}",
          "bends the knees into a squat{reps}{speed}", "lowers the hips into a squat{reps}"],
         "The arms reach forward for balance and the torso leans forward as the hips go down.",
         "Both knees bend deeply, lowering the hips, then straighten{reps}; the feet stay flat.")
register("jump_in_place", "lower", _jump, _s(reps=(1, 3)),
         ["jump{reps}{speed}", "jump in place{reps}{speed}", "jump up and down{reps}",
          "hop on the spot{reps}{speed}", "do a vertical jump{reps}"],
         ["jumps{reps}{speed}", "jumps in place{reps}{speed}", "jumps up and down{reps}",
          "hops on the spot with both feet{reps}{speed}", "does a vertical jump{reps}"],
         "The arms swing up to help the jump.",
         "The knees bend, both feet push off and leave the ground, and the person lands softly{reps}.")
for side in ("right", "left"):
    other = "left" if side == "right" else "right"
    register(f"lunge_{side}", "lower", _lunge, _s(reps=(1, 3)),
             [f"lunge forward with your {side} leg{{reps}}{{speed}}", f"do a {side} lunge{{reps}}{{speed}}",
              f"step forward into a lunge with the {side} foot{{reps}}", f"lunge with your {side} leg{{reps}}",
              f"do a forward lunge on the {side}{{reps}}{{speed}}"],
             [f"lunges forward with the {side} leg{{reps}}{{speed}}", f"does a {side} lunge{{reps}}{{speed}}",
              f"steps forward into a lunge with the {side} foot{{reps}}", f"lunges on the {side} leg{{reps}}",
              f"does a forward lunge with the {side} leg{{reps}}{{speed}}"],
             "The torso stays upright with the arms at the sides.",
             f"The {side} foot steps forward and both knees bend, the {other} heel lifting, then the {side} foot returns{{reps}}.",
             side=side, mirror=side == "left")
    register(f"kick_{side}", "lower", _kick, _s(reps=(1, 3)),
             [f"kick with your {side} leg{{reps}}{{speed}}", f"kick forward with the {side} foot{{reps}}{{speed}}",
              f"do a {side} front kick{{reps}}", f"kick your {side} foot forward{{reps}}{{speed}}",
              f"kick with the {side} leg{{reps}}"],
             [f"kicks with the {side} leg{{reps}}{{speed}}", f"kicks forward with the {side} foot{{reps}}{{speed}}",
              f"does a {side} front kick{{reps}}", f"swings the {side} leg forward in a kick{{reps}}{{speed}}",
              f"kicks the {side} foot out in front{{reps}}"],
             "The arms lift out to the sides for balance.",
             f"Standing on the {other} leg, the {side} knee lifts and the {side} leg snaps forward in a kick{{reps}}.",
             side=side, mirror=side == "left")
    register(f"knee_raise_{side}", "lower", _knee_raise, _s(reps=(1, 4)),
             [f"raise your {side} knee{{reps}}{{speed}}", f"lift your {side} knee up{{reps}}{{speed}}",
              f"bring your {side} knee up to your chest{{reps}}", f"do a {side} knee lift{{reps}}{{speed}}",
              f"lift the {side} leg with the knee bent{{reps}}"],
             [f"raises the {side} knee{{reps}}{{speed}}", f"lifts the {side} knee up{{reps}}{{speed}}",
              f"brings the {side} knee toward the chest{{reps}}", f"does a {side} knee lift{{reps}}{{speed}}",
              f"lifts the {side} leg with a bent knee{{reps}}"],
             "The arms hang at the sides and the torso is upright.",
             f"Standing on the {other} leg, the {side} knee lifts up in front and lowers again{{reps}}.",
             side=side, mirror=side == "left")
    register(f"stand_on_{side}_leg", "lower", _stand_one_leg, _s(dur=(1.5, 4.0)),
             [f"stand on your {side} leg{{dur}}", f"balance on your {side} foot{{dur}}",
              f"lift your {other} foot and stand on the {side} one{{dur}}", f"stand on one leg, the {side} one{{dur}}",
              f"balance on the {side} leg{{dur}}{{speed}}"],
             [f"stands on the {side} leg{{dur}}", f"balances on the {side} foot{{dur}}",
              f"lifts the {other} foot and stands on the {side} leg{{dur}}", "stands on one leg{dur}",
              f"balances on the {side} leg with the arms out{{dur}}{{speed}}"],
             "The arms lift slightly out to the sides for balance.",
             f"The weight shifts onto the {side} leg and the {other} foot lifts behind{{dur}}, then comes down.",
             side=side, holds=True, mirror=side == "left")
