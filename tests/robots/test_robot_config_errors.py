"""Malformed robot configs fail at load with an error naming the field."""

import pytest
import yaml

from humanoid_lmm import project_root
from humanoid_lmm.errors import ConfigError
from humanoid_lmm.robots import RobotTrajectory, load_robot_config, load_robot_config_file
from humanoid_lmm.errors import MotionError


def _write(tmp_path, mutate):
    raw = yaml.safe_load((project_root() / "config" / "robots" / "g1.yaml").read_text())
    mutate(raw)
    p = tmp_path / "g1.yaml"
    p.write_text(yaml.safe_dump(raw))
    return p


def test_unknown_robot_lists_choices():
    with pytest.raises(ConfigError, match=r"valid choices: \['g1', 'h1'\]"):
        load_robot_config("nao")


@pytest.mark.parametrize(
    "mutate, match",
    [
        (lambda r: r.pop("joints"), "missing field 'joints'"),
        (lambda r: r.__setitem__("message_family", "xx"), "message_family"),
        (lambda r: r["joints"][3].__setitem__(2, 5.0), r"lower >= joints.upper.*left_knee_joint"),
        (lambda r: r["joints"][0].__setitem__(8, 9.0), r"default outside limits.*left_hip_pitch_joint"),
        (lambda r: r["joints"][1].__setitem__(1, 0), "joints.motor must increase"),
        (lambda r: r["joints"][2].__setitem__(6, "high"), r"joints\[2\].kp must be a number"),
        (lambda r: r["upper_body"].append("tail_joint"), "upper_body names unknown joints"),
        (lambda r: r.__setitem__("urdf", "g1/nope.urdf"), "field 'urdf'"),
        (lambda r: r["links"].pop("torso"), "links"),
    ],
)
def test_bad_field_is_named(tmp_path, mutate, match):
    with pytest.raises(ConfigError, match=match):
        load_robot_config_file(_write(tmp_path, mutate), "g1")


def test_not_yaml(tmp_path):
    p = tmp_path / "g1.yaml"
    p.write_text("joints: [unclosed")
    with pytest.raises(ConfigError, match="cannot read robot config"):
        load_robot_config_file(p)


def test_config_arrays_are_read_only():
    cfg = load_robot_config("g1")
    with pytest.raises(ValueError):
        cfg.q_upper[0] = 10.0


def test_trajectory_rejects_nan_and_bad_shapes():
    cfg = load_robot_config("h1")
    t = RobotTrajectory.standing(cfg)
    q = t.q.copy()
    q[3, 2] = float("nan")
    with pytest.raises(MotionError, match="q contains NaN"):
        t.replace(q=q)
    with pytest.raises(MotionError, match="root_pos has shape"):
        t.replace(root_pos=t.root_pos[:-1])
    with pytest.raises(MotionError, match="fps"):
        t.replace(fps=0.0)
