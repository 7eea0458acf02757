"""The policy specs in config/policies/ say what the installed holosoma-inference package says.

The package's code does not import without its pins, so its config files are read as Python source (ast):
observation terms, dims and scales, default joint angles, action scales and rates; the ONNX files give gains
and joint order. A spec that disagreed would feed the policy a wrong observation.
"""

import ast

import numpy as np
import pytest

from humanoid_lmm.errors import ConfigError
from humanoid_lmm.execution.controllers import OnnxPolicy, load_policy_spec
from humanoid_lmm.execution.controllers.policy_spec import onnx_metadata
from humanoid_lmm.robots.assets import package_file


def _config_call(module: str, name: str) -> dict:
    """Keyword literals of the `name = Class(...)` assignment in holosoma_inference/config/config_values/<module>.py."""
    tree = ast.parse(package_file("holosoma_inference", f"config/config_values/{module}.py").read_text())
    consts = {n.targets[0].id: n.value for n in tree.body if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name)}
    call = consts[name]
    out = {}
    for kw in call.keywords:
        value = kw.value
        if isinstance(value, ast.Name) and value.id in consts:  # a module-level constant (tuple of floats)
            value = consts[value.id]
        try:
            out[kw.arg] = ast.literal_eval(value)
        except ValueError:
            pass
    return out


@pytest.mark.parametrize("spec_name, obs_name", [("g1_loco_ppo", "loco_g1_29dof"), ("g1_wbt_ppo", "wbt")])
def test_observation_layout_matches_the_package(spec_name, obs_name):
    spec = load_policy_spec(spec_name, 29)
    obs = _config_call("observation", obs_name)
    terms = obs["obs_dict"]["actor_obs"]
    assert [t.name for t in spec.terms] == sorted(terms)  # concatenated in alphabetical order (policies/base.py)
    for t in spec.terms:
        assert t.dim == obs["obs_dims"][t.name], t.name
        assert t.scale == pytest.approx(obs["obs_scales"][t.name]), t.name
    assert obs["history_length_dict"]["actor_obs"] == 1
    assert spec.obs_dim == {"g1_loco_ppo": 100, "g1_wbt_ppo": 154}[spec_name]


def test_defaults_action_scales_and_rates_match_the_package():
    robot = _config_call("robot", "g1_29dof")
    loco, wbt = load_policy_spec("g1_loco_ppo", 29), load_policy_spec("g1_wbt_ppo", 29)
    np.testing.assert_allclose(loco.default_q, robot["default_dof_angles"])
    np.testing.assert_allclose(wbt.default_q, robot["default_dof_angles"])
    np.testing.assert_allclose(wbt.action_scale, robot["default_per_joint_action_scale"])
    task_loco, task_wbt = _config_call("task", "locomotion"), _config_call("task", "wbt")
    np.testing.assert_allclose(loco.action_scale, task_loco["policy_action_scale"])
    assert loco.rate_hz == task_loco["rl_rate"] == wbt.rate_hz == task_wbt["rl_rate"] == 50
    assert loco.gait_period_s == task_loco["gait_period"]
    assert task_wbt["action_scales_by_effort_limit_over_p_gain"] is True


def test_onnx_gains_and_joint_order(g1):
    for name in ("g1_loco_ppo", "g1_wbt_ppo"):
        spec = load_policy_spec(name, 29)
        meta = onnx_metadata(spec.onnx)
        assert meta["dof_names"] == list(g1.joint_names)
        pol = OnnxPolicy(spec, g1)
        np.testing.assert_allclose(pol.kp, meta["kp"])
        # gains = armature * (2 pi 10 Hz)^2 (shared/facts/balance-policies.md): hip roll/knee 99.1, arms 14.25
        assert pol.kp[g1.joint_index("left_knee_joint")] == pytest.approx(99.098, abs=0.01)
        assert pol.kp[g1.joint_index("left_elbow_joint")] == pytest.approx(14.2506, abs=0.01)
        a = pol.act(np.zeros((1, spec.obs_dim), np.float32))
        assert a.shape == (29,) and np.all(np.isfinite(a))


def test_a_plugged_in_spec_is_checked(tmp_path):
    bad = tmp_path / "p.yaml"
    spec = (package_file("holosoma_inference", "models/loco/g1_29dof/ppo_g1_29dof.onnx"))
    bad.write_text(f"kind: locomotion\nonnx: {spec}\nrate_hz: 50\ndefault_q: 0.0\n"
                   "observation: {terms: {base_lin_vel: {dim: 3}}}\n")
    with pytest.raises(ConfigError, match="base_lin_vel.*valid"):
        load_policy_spec("p", 29, str(bad))
    bad.write_text(f"kind: locomotion\nonnx: {spec}\nrate_hz: 50\ndefault_q: 0.0\n"
                   "observation: {terms: {dof_pos: {dim: 12}}}\n")
    with pytest.raises(ConfigError, match="dof_pos.dim must be 29"):
        load_policy_spec("p", 29, str(bad))
    with pytest.raises(ConfigError, match="available"):
        load_policy_spec("no_such_policy", 29)
