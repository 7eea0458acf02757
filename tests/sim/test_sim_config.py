"""config/validate.yaml loads into dataclasses; bad values raise ConfigError naming the field."""

import numpy as np
import pytest

from humanoid_lmm.errors import ConfigError
from humanoid_lmm.sim.config import ValidateConfig, load_validate_config


def test_default_file_loads_with_documented_values():
    vc = load_validate_config()
    assert vc.dynamic.fall_height == 0.5 and vc.dynamic.fall_tilt == 0.8  # the execution bench's thresholds
    assert vc.repair.max_attempts >= len(vc.repair.time_scales)


@pytest.mark.parametrize(
    "raw, field",
    [
        ({"dynamic": {"fall_height": -1}}, "dynamic.fall_height"),
        ({"kinematic": {"ground_penetration": 0}}, "kinematic.ground_penetration"),
        ({"dynamic": {"torque_saturation_share": 2}}, "dynamic.torque_saturation_share"),
        ({"repair": {"time_scales": [0.5]}}, "repair.time_scales"),
        ({"repair": {"max_attempts": 0}}, "repair.max_attempts"),
    ],
)
def test_bad_value_names_field(raw, field):
    with pytest.raises(ConfigError, match=field.replace(".", r"\.")):
        ValidateConfig.from_dict(raw)


def test_unknown_section_and_field_list_choices():
    with pytest.raises(ConfigError, match="valid choices"):
        ValidateConfig.from_dict({"dynamics": {}})
    with pytest.raises(ConfigError, match="tracking_rms_max"):
        ValidateConfig.from_dict({"dynamic": {"tracking_rms": 0.1}})


def test_missing_file_is_config_error(tmp_path):
    with pytest.raises(ConfigError):
        load_validate_config(tmp_path / "nope.yaml")


def test_validation_checks_the_safety_filter_limits_with_headroom():
    """A validated plan must reach the robot unclipped: validation allows no more than the filter, times the
    headroom (config/execution.yaml safety)."""
    from humanoid_lmm.execution import SafetyFilter, load_execution_config
    from humanoid_lmm.robots import load_robot_config

    g1 = load_robot_config("g1")
    sc = load_execution_config().safety
    tight = SafetyFilter(g1, sc.tightened())
    real = SafetyFilter(g1, sc)
    assert np.all(tight.v_max <= sc.validation_headroom * real.v_max + 1e-12)
    assert np.all(tight.a_max <= sc.validation_headroom * real.a_max + 1e-12)
    assert tight.cfg.torque_scale < real.cfg.torque_scale


@pytest.mark.parametrize("speed, fails", [(2.0, False), (4.0, True)])
def test_velocity_check_applies_the_cap(g1, speed, fails):
    from humanoid_lmm.execution import load_execution_config
    from humanoid_lmm.robots import RobotTrajectory
    from humanoid_lmm.sim.checks.limits import check_joint_limits

    safety = load_execution_config().safety.tightened()
    j = g1.joint_index("right_elbow_joint")
    fps, T = 50.0, 51
    q = np.tile(g1.default_q, (T, 1))
    q[:, j] += (speed / (2 * np.pi)) * np.sin(2 * np.pi * np.arange(T) / fps)  # peak |dq| = speed at 1 Hz
    traj = RobotTrajectory(robot="g1", fps=fps, joint_names=tuple(g1.joint_names), q=q, root_pos=np.zeros((T, 3)),
                           root_quat=np.tile([1.0, 0, 0, 0], (T, 1)), contacts=np.ones((T, 2), bool))
    failures, metrics = check_joint_limits(traj, g1, safety, [j])
    assert any(f.check == "joint_velocity" for f in failures) == fails, failures
