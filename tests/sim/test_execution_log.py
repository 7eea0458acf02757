"""ExecutionLog from the validation's physics run: shapes, contacts, CoM vs support polygon, events, .npz."""

import numpy as np
import pytest

from humanoid_lmm.errors import ConfigError
from humanoid_lmm.robots import load_robot_config
from humanoid_lmm.sim import run_validation
from humanoid_lmm.sim.execution_log import ExecutionLog, joint_groups
from humanoid_lmm.sim.report_plots import support_margin
from humanoid_lmm.sim.log_events import support_polygon, torque_limit_events


@pytest.fixture(scope="module")
def logs(g1, sample):
    return {name: run_validation(sample(name, g1), log=True) for name in ("wave", "lean_fall")}


def test_log_is_filled_from_the_physics_run(logs, g1):
    v = logs["wave"]
    log = v.dynamics.log
    K, n = log.n_steps, g1.num_joints
    assert K == len(v.dynamics.times) and np.allclose(log.times, v.dynamics.times)
    assert log.q.shape == log.q_ref.shape == log.tau.shape == (K, n)
    assert np.allclose(log.qpos, v.dynamics.qpos)  # the same physics states the video renders
    assert log.mode == v.report.mode == "upper_body" and log.assist == v.report.assist == "none"
    assert log.contacts[log.tracking].all()  # standing wave: both feet down throughout
    assert np.all(np.abs(log.tau) <= g1.tau_max * (1 + 1e-6) + 1e-9)
    ub = g1.upper_body  # the joints the plan drives; the legs' q_ref is the stand policy's own target
    assert np.abs(log.q - log.q_ref)[log.tracking][:, ub].max() < 0.15  # measured 0.10 (waist under the stand policy)
    # the logged CoM stays inside the support polygon of a standing robot, by several cm
    margin = support_margin(log.com[:, :2], log.support)
    assert np.nanmin(margin) > 0.03


def test_fall_shows_as_com_leaving_the_support_and_a_fall_event(logs):
    log = logs["lean_fall"].dynamics.log
    assert not logs["lean_fall"].report.passed
    assert any(e.kind == "fall" for e in log.events)
    margin = support_margin(log.com[:, :2], log.support)
    assert np.nanmax(margin[:20]) > 0.03 and np.nanmin(margin) < 0.0, "the CoM must leave the support polygon before the fall"


def test_no_log_unless_asked(g1, sample):
    assert run_validation(sample("wave", g1)).dynamics.log is None


def test_npz_round_trip(logs, tmp_path):
    log = logs["lean_fall"].dynamics.log
    back = ExecutionLog.load_npz(log.save_npz(tmp_path / "log.npz"))
    for name in ("times", "q", "q_ref", "tau", "tau_max", "com", "contacts", "qpos", "root_quat"):
        assert np.array_equal(getattr(back, name), getattr(log, name)), name
    assert np.array_equal(back.support, log.support, equal_nan=True)
    assert back.events == log.events and (back.mode, back.assist, back.controller) == (log.mode, log.assist, log.controller)


def test_bad_shapes_are_refused(logs):
    log = logs["wave"].dynamics.log
    fields = {k: getattr(log, k) for k in ExecutionLog.__dataclass_fields__}
    with pytest.raises(ConfigError, match="tau"):
        ExecutionLog(**{**fields, "tau": log.tau[:, :3]})
    with pytest.raises(ConfigError, match="increase"):
        ExecutionLog(**{**fields, "times": log.times[::-1]})


def test_support_polygon_hull_and_degenerate_cases():
    square = np.array([[0, 0], [1, 0], [1, 1], [0, 1], [0.5, 0.5]], float)
    hull = support_polygon(square, 8)
    pts = hull[~np.isnan(hull).any(axis=1)]
    assert len(pts) == 4  # the inner point is dropped
    area = 0.5 * np.sum(pts[:, 0] * np.roll(pts[:, 1], -1) - np.roll(pts[:, 0], -1) * pts[:, 1])
    assert area == pytest.approx(1.0)  # counter-clockwise: positive area
    line = support_polygon(np.array([[0, 0], [1, 0], [2, 0]], float), 8)
    assert (~np.isnan(line).any(axis=1)).sum() == 2
    assert np.isnan(support_polygon(np.zeros((0, 2)), 4)).all()
    assert support_margin(np.array([[0.5, 0.5], [2.0, 0.5]]), np.stack([hull, hull])) == pytest.approx([0.5, -1.0])


def test_torque_limit_events_one_per_saturated_run():
    times = np.arange(10) * 0.01
    tau = np.zeros((10, 2))
    tau[2:5, 0] = 10.0
    tau[7, 0] = -10.0
    ev = torque_limit_events(times, tau, np.array([10.0, 5.0]), ("a", "b"))
    assert [(round(e.time_s, 2), e.joint) for e in ev] == [(0.02, "a"), (0.07, "a")]
    assert "0.03 s" in ev[0].message


@pytest.mark.parametrize("robot", ["g1", "h1"])
def test_joint_groups_cover_every_joint(robot):
    cfg = load_robot_config(robot)
    groups = joint_groups(cfg.joint_names)
    assert "other" not in groups and sorted(sum(groups.values(), [])) == list(range(cfg.num_joints))
    assert {"left leg", "right leg", "waist", "left arm", "right arm"} == set(groups)
