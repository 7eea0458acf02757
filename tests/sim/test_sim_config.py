"""config/validate.yaml loads into dataclasses; bad values raise ConfigError naming the field."""

import pytest

from humanoid_lmm.errors import ConfigError
from humanoid_lmm.sim.config import ValidateConfig, load_validate_config


def test_default_file_loads_with_documented_values():
    vc = load_validate_config()
    assert vc.dynamic.timestep == pytest.approx(0.002)
    assert vc.dynamic.substeps == 5
    assert vc.balance.ankle_kp_scale > vc.balance.leg_kp_scale >= 1.0
    assert "stand assist" in vc.balance.describe()


@pytest.mark.parametrize(
    "raw, field",
    [
        ({"dynamic": {"fall_height_ratio": 1.5}}, "dynamic.fall_height_ratio"),
        ({"kinematic": {"acceleration_max": -1}}, "kinematic.acceleration_max"),
        ({"dynamic": {"control_dt": 0.001}}, "dynamic.control_dt"),
        ({"repair": {"time_scales": [0.5]}}, "repair.time_scales"),
        ({"balance": {"leg_kp_scale": 0}}, "balance.leg_kp_scale"),
        ({"dynamic": {"foot_contact": "mesh"}}, "dynamic.foot_contact"),
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


def test_velocity_limits_are_the_streaming_safety_limits():
    """A validated plan must reach the robot unclipped: validation allows no more than the safety filter."""
    from humanoid_lmm.control.config import load_control_config

    kc, sc = load_validate_config().kinematic, load_control_config().safety
    assert (kc.velocity_scale, kc.velocity_cap) == (sc.max_velocity_scale, sc.max_velocity_cap)


@pytest.mark.parametrize("speed, fails", [(2.0, False), (4.0, True)])
def test_velocity_check_applies_the_cap(g1, speed, fails):
    import numpy as np

    from humanoid_lmm.robots import RobotTrajectory
    from humanoid_lmm.sim.checks.limits import check_joint_limits

    kc = load_validate_config().kinematic
    j = g1.joint_index("right_elbow_joint")
    assert g1.dq_max[j] * kc.velocity_scale > 4.0  # within the URDF share: only the cap can fail it
    fps, T = 50.0, 51
    q = np.tile(g1.default_q, (T, 1))
    q[:, j] += (speed / (2 * np.pi)) * np.sin(2 * np.pi * np.arange(T) / fps)  # peak |dq| = speed at 1 Hz
    traj = RobotTrajectory(robot="g1", fps=fps, joint_names=tuple(g1.joint_names), q=q, root_pos=np.zeros((T, 3)),
                           root_quat=np.tile([1.0, 0, 0, 0], (T, 1)), contacts=np.ones((T, 2), bool))
    failures, metrics = check_joint_limits(traj, g1, kc)
    assert any(f.check == "joint_velocity" for f in failures) == fails, failures
