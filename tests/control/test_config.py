import pytest

from humanoid_lmm.control.config import RobotLink, SimRobotConfig, load_control_config
from humanoid_lmm.execution import EventLog
from humanoid_lmm.execution.config import SafetyConfig
from humanoid_lmm.errors import ConfigError


def test_repo_config_loads():
    c = load_control_config()
    assert c.bridge.lowcmd_rate_hz == 500 and c.watchdog.state_timeout_s == 0.1
    assert c.robot("g1").damping_kd > 0 and c.robot("h1").damping_kd > 0


def test_simulated_robot_gets_its_own_state_timeout_only():
    c = load_control_config()
    sim = c.for_link("sim")
    assert sim.watchdog.state_timeout_s == c.watchdog.sim_state_timeout_s == 0.5
    assert c.watchdog.state_timeout_s == 0.1 and c.for_link(RobotLink.REAL) is c  # the real robot's is unchanged
    assert (sim.bridge, sim.robots) == (c.bridge, c.robots)
    with pytest.raises(ConfigError, match="valid choices"):
        RobotLink.parse("simulation")  # modes are an enum, validated


def test_simulated_robot_stands_free_by_default():
    assert load_control_config().sim_robot.base == "free"


def test_errors_name_the_field(tmp_path):
    with pytest.raises(ConfigError, match="torque_scale"):
        SafetyConfig(torque_scale=2.0)
    with pytest.raises(ConfigError, match="base"):
        SimRobotConfig(base="fixed")
    p = tmp_path / "c.yaml"
    p.write_text("watchdog:\n  state_timeout_s: -1\n")
    with pytest.raises(ConfigError, match="state_timeout_s"):
        load_control_config(p)
    p.write_text("watchdog:\n  stat_timeout: 1\n")
    with pytest.raises(ConfigError, match="stat_timeout"):
        load_control_config(p)
    with pytest.raises(ConfigError, match="valid choices"):
        load_control_config().robot("go2")


def test_event_log_counters_and_diagnostics():
    ev = EventLog()
    assert ev.status() == "OK"
    ev.record("clip_velocity", "x")
    ev.record("clip_velocity", "y")
    assert ev.count("clip_velocity") == 2 and ev.status() == "WARN"
    ev.record("estop", "button")
    d = ev.diagnostics()
    assert d["level"] == "ERROR" and d["values"]["estop"] == "1" and d["message"] == "button"
