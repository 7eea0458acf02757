"""Repair: the too-fast wave is slowed into a pass; unrepairable motions come back failing, unchanged."""

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


def test_scale_amplitude_moves_toward_default(g1, sample):
    bad = sample("over_limits", g1)
    half = scale_amplitude(bad, g1, 0.5)
    np.testing.assert_allclose(half.q - g1.default_q, 0.5 * (bad.q - g1.default_q))


def test_too_fast_is_repaired_by_slowing_down(cfg, sample):
    fast = sample("too_fast", cfg)
    assert not validate(fast).passed
    fixed, report = validate_and_repair(fast)
    assert report.passed, str(report)
    assert any(r.startswith("time_scale") for r in report.repairs)
    assert fixed.duration_s > 2.5 * fast.duration_s
    assert validate(fixed, mode=report.mode).passed  # what came back is what passed


def test_lean_is_repaired_by_upper_body_mode(g1, sample):
    fixed, report = validate_and_repair(sample("lean_fall", g1))
    assert report.passed and report.mode == "upper_body"
    assert any("upper_body" in r for r in report.repairs)
    np.testing.assert_allclose(fixed.q[:, g1.lower_body], np.tile(g1.default_q[g1.lower_body], (fixed.n_frames, 1)))


def test_unrepairable_returns_original_and_fails(g1, sample):
    vc = load_validate_config()
    vc.repair.amplitude_scales = []
    vc.repair.allow_upper_body = False
    bad = sample("self_collision", g1)
    out, report = validate_and_repair(bad, vc)
    assert out is bad
    assert not report.passed and "self_collision" in report.failed_checks()
    assert report.repairs[-1].startswith("no repair passed")
    assert len(report.repairs) == len(vc.repair.time_scales) + 1
