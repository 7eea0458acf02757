"""Validation runs the robot side: a good wave passes free-standing on G1 (gantry on H1, named in the report);
deliberately bad motions fail with the right reasons."""

import numpy as np
import pytest

from humanoid_lmm.errors import ConfigError
from humanoid_lmm.sim import ValidationReport, run_validation, validate


def test_wave_passes_executed_by_the_stand_policy(cfg, sample, plan_of):
    report = validate(plan_of(sample("wave", cfg)))
    assert report.passed, str(report)
    assert report.mode == "upper_body"
    assert report.metrics["tracking_rms_max"] < 0.1
    assert {"fall", "self_collision", "joint_velocity", "torque_saturation", "safety_clip"} <= set(report.checks_run)
    if cfg.name == "g1":
        assert report.assist == "none" and "free-standing, no assist" in report.balance
        assert report.controller == "g1_loco_ppo" and report.metrics["base_drift_max_m"] < 0.1
    else:  # no public policy balances an H1 with moving arms: simulation only, on the gantry, and it says so
        assert report.assist == "gantry" and "GANTRY" in report.balance and "pd" in report.controller


def test_too_fast_fails_on_velocity(cfg, sample, plan_of):
    report = validate(plan_of(sample("too_fast", cfg)))
    assert not report.passed
    vel = [f for f in report.failures if f.check == "joint_velocity"]
    assert vel and vel[0].joint == "right_elbow_joint"
    assert vel[0].value > vel[0].limit and vel[0].time_s is not None
    assert "safety_clip" in report.failed_checks()  # executed, the filter would have clipped it


def test_over_limits_fails_on_position_at_the_filter_margin(cfg, sample, plan_of):
    report = validate(plan_of(sample("over_limits", cfg)), dynamic=False)
    pos = [f for f in report.failures if f.check == "joint_position"]
    assert [f.joint for f in pos] == ["right_elbow_joint"]
    e = cfg.joint_index("right_elbow_joint")
    assert pos[0].value == pytest.approx(cfg.q_upper[e] + 0.4, abs=0.02)  # (the planner low-passes joints)
    assert pos[0].limit == pytest.approx(cfg.q_upper[e] - 0.05)  # the safety filter's margin


def test_arms_through_torso_fail_on_self_collision(cfg, sample, plan_of):
    report = validate(plan_of(sample("self_collision", cfg)), dynamic=False)
    hits = [f for f in report.failures if f.check == "self_collision"]
    assert hits, str(report)
    assert any("torso_link" in f.joint for f in hits)


def test_plain_pd_under_a_free_standing_plan_falls(g1, sample, plan_of):
    """What keeps the robot up is the controller: the same plan with the policy switched off falls."""
    plan = plan_of(sample("wave", g1))
    assert validate(plan).passed
    report = validate(plan, controller_override="pd")
    assert "fall" in report.failed_checks(), str(report)


def test_report_json_round_trip(g1, sample, plan_of):
    report = validate(plan_of(sample("over_limits", g1)), dynamic=False)
    back = ValidationReport.from_json(report.to_json())
    assert back.verdict == "fail" and back.failures == report.failures and back.metrics == report.metrics
    assert back.reason == report.reason and back.assist == "none"
    assert "joint_position" in str(back) and back.rich_table().row_count >= len(report.failures)


def test_wrong_joint_order_is_rejected(g1, sample, plan_of):
    plan = plan_of(sample("wave", g1))
    ref = plan.reference
    with pytest.raises(ConfigError, match="motor order"):
        validate(plan.replace(reference=ref.replace(joint_names=tuple(reversed(ref.joint_names)), q=ref.q[:, ::-1])))


def test_sunk_root_fails_ground_penetration(g1, sample, plan_of):
    wave = sample("wave", g1, seconds=1.0)
    sunk = plan_of(wave.replace(root_pos=wave.root_pos - [0.0, 0.0, 0.05]), "whole_body")
    report = run_validation(sunk, dynamic=False).report  # upper-body plans replay the stand pose instead
    feet = {f.joint: f.value for f in report.failures if f.check == "ground_penetration" and f.joint in g1.links.feet}
    assert set(feet) == set(g1.links.feet), str(report)
    assert all(v == pytest.approx(0.05, abs=0.005) for v in feet.values())
    assert not run_validation(plan_of(wave, "whole_body"), dynamic=False).report.failures


def test_root_gliding_with_feet_in_contact_fails_foot_slide(g1, sample, plan_of):
    stand = sample("squat", g1, seconds=2.0)
    glide = stand.replace(root_pos=stand.root_pos + np.outer(stand.times, [0.5, 0.0, 0.0]))  # 0.5 m/s
    report = run_validation(plan_of(glide, "whole_body"), dynamic=False).report
    slides = [f for f in report.failures if f.check == "foot_slide"]
    assert {f.joint for f in slides} == set(g1.links.feet)
    assert all(f.value == pytest.approx(0.5, abs=0.05) for f in slides)
    lifted = glide.replace(contacts=np.zeros_like(glide.contacts))  # feet flagged in the air: no slide
    assert "foot_slide" not in run_validation(plan_of(lifted, "whole_body"), dynamic=False).report.failed_checks()
