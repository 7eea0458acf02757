"""Repair re-validates every candidate against the same controller; unrepairable plans come back failing."""

import numpy as np
import pytest

from humanoid_lmm.sim import load_validate_config, scale_amplitude, time_scale, validate, validate_and_repair


def test_time_scale_keeps_path_and_stretches_time(g1, sample):
    wave = sample("wave", g1)
    slow = time_scale(wave, 2.0)
    assert slow.fps == wave.fps
    assert slow.duration_s == pytest.approx(2.0 * wave.duration_s, abs=1.0 / wave.fps)
    np.testing.assert_allclose(slow.q[0], wave.q[0])
    np.testing.assert_allclose(slow.q[-1], wave.q[-1], atol=1e-9)
    np.testing.assert_allclose(slow.q[::2][: wave.n_frames], wave.q[: len(slow.q[::2])], atol=1e-9)


def test_scale_amplitude_moves_toward_the_first_frame_and_keeps_the_feet_down(g1, sample):
    from humanoid_lmm.robots import build_pinocchio_model

    squat = sample("squat", g1)
    half = scale_amplitude(squat, 0.5, g1)
    np.testing.assert_allclose(half.q - squat.q[0], 0.5 * (squat.q - squat.q[0]))
    pin = build_pinocchio_model(g1)
    low = [pin.link_positions(pin.configuration(t.root_pos[-len(t.q) // 2], t.root_quat[0], t.q[len(t.q) // 2]),
                              list(g1.links.feet))[:, 2].min() for t in (squat, half)]
    assert low[1] == pytest.approx(low[0], abs=1e-3)  # a shallower squat, the feet on the same floor


def test_too_fast_is_repaired_by_slowing_down(g1, sample, plan_of):
    fast = plan_of(sample("too_fast", g1))
    assert not validate(fast).passed
    fixed, report = validate_and_repair(fast)
    assert report.passed, str(report)
    assert any(r.startswith("time_scale") for r in report.repairs)
    assert fixed.duration_s > 2.5 * fast.duration_s and fixed.mode is fast.mode
    assert fixed.repairs and validate(fixed).passed  # what came back is what passed


def test_unrepairable_returns_original_and_fails(g1, sample, plan_of):
    vc = load_validate_config()
    vc.repair.amplitude_scales = []
    vc.repair.allow_upper_body = False
    bad = plan_of(sample("self_collision", g1))
    out, report = validate_and_repair(bad, vc)
    assert out is bad
    assert not report.passed and "self_collision" in report.failed_checks()
    assert report.repairs[-1].startswith("no repair passed")
    assert len(report.repairs) == len(vc.repair.time_scales) + 1
