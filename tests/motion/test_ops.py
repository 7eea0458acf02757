"""Resampling, ground alignment, canonical facing."""

from __future__ import annotations

import numpy as np
import pytest

from humanoid_lmm.errors import MotionError
from humanoid_lmm.motion import FOOT_JOINTS
from humanoid_lmm.motion.ops import canonical_facing, ground_align, heading, resample
from humanoid_lmm.motion.rotations import axis_angle_to_quat, quat_slerp, quat_to_axis_angle


def test_resample_up_down_is_identity(motion_factory):
    m = motion_factory(21, fps=20.0, scale=0.3)
    up = resample(m, 60.0)
    assert up.n_frames == 61 and up.fps == 60.0
    back = resample(up, 20.0)
    assert back.n_frames == 21
    np.testing.assert_allclose(back.positions(), m.positions(), atol=1e-9)


def test_resample_midpoints_are_slerp_and_lerp(motion_factory):
    m = motion_factory(5, fps=10.0)
    up = resample(m, 20.0)
    np.testing.assert_allclose(up.root_pos[1], 0.5 * (m.root_pos[0] + m.root_pos[1]))
    q = quat_slerp(axis_angle_to_quat(m.rotations[0]), axis_angle_to_quat(m.rotations[1]), 0.5)
    want = axis_angle_to_quat(quat_to_axis_angle(q))
    got = axis_angle_to_quat(up.rotations[1])
    np.testing.assert_allclose(np.abs((want * got).sum(-1)), 1.0, atol=1e-9)


def test_resample_bad_fps(motion_factory):
    with pytest.raises(MotionError, match="fps"):
        resample(motion_factory(5), 0)


def test_ground_align(motion_factory):
    m = motion_factory(30)
    g = ground_align(m)
    assert g.positions()[:, list(FOOT_JOINTS), 2].min() == pytest.approx(0.0, abs=1e-12)
    first = ground_align(m, "first")
    assert first.positions()[0, list(FOOT_JOINTS), 2].min() == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(MotionError, match="mode"):
        ground_align(m, "lowest")


def test_canonical_facing(motion_factory):
    m = motion_factory(30)
    c = canonical_facing(m)
    assert heading(c)[0] == pytest.approx(0.0, abs=1e-9)
    np.testing.assert_allclose(c.root_pos[0, :2], 0.0, atol=1e-12)
    assert c.root_pos[0, 2] == pytest.approx(m.root_pos[0, 2])
    # rigid about z: pairwise joint distances and heights kept
    np.testing.assert_allclose(c.positions()[..., 2], m.positions()[..., 2], atol=1e-9)
    d = lambda p: np.linalg.norm(p[:, 20] - p[:, 0], axis=-1)
    np.testing.assert_allclose(d(c.positions()), d(m.positions()), atol=1e-9)
    # heading changes are kept
    np.testing.assert_allclose(np.unwrap(heading(c)) - heading(c)[0], np.unwrap(heading(m)) - heading(m)[0], atol=1e-9)


def test_retime_hold_stretches_and_shrinks_only_the_held_pose():
    from humanoid_lmm.eval.behaviour import check_behaviour
    from humanoid_lmm.motion.ops import retime_hold
    from humanoid_lmm.motion.synth import PRIMITIVES, build_clip

    prim = PRIMITIVES["hands_on_hips"]
    clip = build_clip([(prim, prim.sample(np.random.default_rng(0)))])
    longer = retime_hold(clip, 9.0)
    assert longer.n_frames == round(9.0 * clip.fps)
    np.testing.assert_array_equal(longer.rotations[:10], clip.rotations[:10])      # the way in is kept
    np.testing.assert_array_equal(longer.rotations[-10:], clip.rotations[-10:])    # and the way out
    held = lambda m: float(check_behaviour("hands_on_hips", m).detail.split("longest hold [s] ")[1].split()[0])
    assert held(longer) >= held(clip) + 9.0 - clip.duration_s - 0.1
    shorter = retime_hold(clip, clip.duration_s - 1.0)
    assert shorter.n_frames == round((clip.duration_s - 1.0) * clip.fps) and check_behaviour("hands_on_hips", shorter).passed
    assert retime_hold(clip, 0.5) is None                  # the hold cannot shrink below half a second


def test_retime_hold_refuses_a_motion_that_holds_nothing():
    from humanoid_lmm.motion.ops import retime_hold
    from humanoid_lmm.motion.synth import PRIMITIVES, build_clip

    prim = PRIMITIVES["jog_in_place"]
    params = prim.sample(np.random.default_rng(0))
    jog = build_clip([(prim, params)], lead_in=0.0)
    assert retime_hold(jog.slice(5, -5), 8.0) is None


def test_change_speed_keeps_the_path_and_scales_the_time():
    from humanoid_lmm.motion.ops import change_speed
    from humanoid_lmm.motion.synth import PRIMITIVES, build_clip

    prim = PRIMITIVES["squat"]
    clip = build_clip([(prim, prim.sample(np.random.default_rng(0)))])
    fast = change_speed(clip, 2.0)
    assert fast.fps == clip.fps and abs(fast.n_frames - clip.n_frames / 2) <= 1
    np.testing.assert_allclose(fast.positions()[::5], clip.positions()[::10][: len(fast.positions()[::5])], atol=1e-6)
    with pytest.raises(MotionError, match="speed"):
        change_speed(clip, 0.0)
