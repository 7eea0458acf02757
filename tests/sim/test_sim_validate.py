"""A good wave passes on G1 and H1; deliberately bad motions fail with the right reasons."""

import numpy as np
import pytest

from humanoid_lmm.errors import ConfigError
from humanoid_lmm.sim import ValidationReport, choose_mode, load_validate_config, run_validation, validate


def test_wave_passes(cfg, sample):
    report = validate(sample("wave", cfg))
    assert report.passed, str(report)
    assert report.mode == "upper_body"
    assert report.metrics["tracking_rms_max"] < 0.1
    assert report.metrics["min_pelvis_height_ratio"] > 0.95
    assert "stand assist" in report.balance
    assert {"fall", "self_collision", "joint_velocity", "torque_saturation"} <= set(report.checks_run)


def test_whole_body_squat_passes(cfg, sample):
    report = validate(sample("squat", cfg))
    assert report.mode == "whole_body"
    assert report.passed, str(report)


def test_too_fast_fails_on_velocity(cfg, sample):
    report = validate(sample("too_fast", cfg))
    assert not report.passed
    vel = [f for f in report.failures if f.check == "joint_velocity"]
    assert vel and vel[0].joint == "right_elbow_joint"
    assert vel[0].value > vel[0].limit and vel[0].time_s is not None


def test_over_limits_fails_on_position(cfg, sample):
    report = validate(sample("over_limits", cfg))
    pos = [f for f in report.failures if f.check == "joint_position"]
    assert [f.joint for f in pos] == ["right_elbow_joint"]
    e = cfg.joint_index("right_elbow_joint")
    assert pos[0].value == pytest.approx(cfg.q_upper[e] + 0.4, abs=1e-6)


def test_arms_through_torso_fail_on_self_collision(cfg, sample):
    report = validate(sample("self_collision", cfg))
    hits = [f for f in report.failures if f.check == "self_collision"]
    assert hits, str(report)
    assert any("torso_link" in f.joint for f in hits)
    assert all(f.value > f.limit for f in hits)


def test_lean_falls_in_whole_body_mode(cfg, sample):
    report = validate(sample("lean_fall", cfg))
    assert report.mode == "whole_body"
    fall = [f for f in report.failures if f.check == "fall"]
    assert fall and 0.3 < fall[0].time_s < 3.0, str(report)
    # the reference itself is clean: feet flat and pinned; only physics says no
    assert not {"ground_penetration", "foot_slide", "joint_position", "self_collision"} & set(report.failed_checks())


def test_standing_without_stand_assist_falls(g1, sample):
    """The balance strategy is what keeps the robot up: at the real (rl_gym) gains the PD stand falls."""
    vc = load_validate_config()
    for k in ("leg_kp_scale", "leg_kd_scale", "ankle_kp_scale", "ankle_kd_scale"):
        setattr(vc.balance, k, 1.0)
    stand = sample("wave", g1, seconds=4.0)
    stand = stand.replace(q=np.tile(g1.default_q, (stand.n_frames, 1)))
    assert validate(stand).passed
    report = validate(stand, config=vc)
    assert "fall" in report.failed_checks()


def test_report_json_round_trip(g1, sample):
    report = validate(sample("over_limits", g1))
    back = ValidationReport.from_json(report.to_json())
    assert back.verdict == "fail" and back.failures == report.failures and back.metrics == report.metrics
    assert "joint_position" in str(back) and back.rich_table().row_count >= len(report.failures)


def test_mode_choice(g1, sample):
    mc = load_validate_config().mode
    wave = sample("wave", g1)
    assert choose_mode(wave.replace(upper_body_only=False), g1, mc) == "upper_body"  # legs still
    assert choose_mode(sample("lean_fall", g1), g1, mc) == "whole_body"
    assert choose_mode(wave, g1, mc, "whole_body") == "whole_body"
    with pytest.raises(ConfigError, match="valid choices"):
        choose_mode(wave, g1, mc, "legs")


def test_wrong_joint_order_is_rejected(g1, sample):
    wave = sample("wave", g1)
    with pytest.raises(ConfigError, match="motor order"):
        validate(wave.replace(joint_names=tuple(reversed(wave.joint_names)), q=wave.q[:, ::-1]))


def test_sunk_root_fails_ground_penetration(g1, sample):
    wave = sample("wave", g1, seconds=1.0)
    sunk = wave.replace(root_pos=wave.root_pos - [0.0, 0.0, 0.05])
    report = run_validation(sunk, mode="whole_body", dynamic=False).report  # upper-body mode would re-stand it
    hits = [f for f in report.failures if f.check == "ground_penetration"]
    feet = {f.joint: f.value for f in hits if f.joint in g1.links.feet}
    assert set(feet) == set(g1.links.feet), str(report)
    assert all(v == pytest.approx(0.05, abs=0.005) for v in feet.values())
    assert not run_validation(wave, mode="whole_body", dynamic=False).report.failures


def test_root_gliding_with_feet_in_contact_fails_foot_slide(g1, sample):
    stand = sample("squat", g1, seconds=2.0)
    glide = stand.replace(root_pos=stand.root_pos + np.outer(stand.times, [0.5, 0.0, 0.0]))  # 0.5 m/s
    report = run_validation(glide, dynamic=False).report
    slides = [f for f in report.failures if f.check == "foot_slide"]
    assert {f.joint for f in slides} == set(g1.links.feet)
    assert all(f.value == pytest.approx(0.5, abs=0.05) for f in slides)
    lifted = glide.replace(contacts=np.zeros_like(glide.contacts))  # feet flagged in the air: no slide
    assert "foot_slide" not in run_validation(lifted, dynamic=False).report.failed_checks()
