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
