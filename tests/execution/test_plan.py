"""ExecutionPlan: one typed value for what is executed and how; round trips; the planner's choices."""

import numpy as np
import pytest

from humanoid_lmm.errors import ConfigError, MotionError
from humanoid_lmm.execution import ExecutionMode, ExecutionPlan
from humanoid_lmm.retarget import plan_execution
from humanoid_lmm.robots import RobotTrajectory


def _traj(cfg, T=101, root=None, q=None):
    return RobotTrajectory(robot=cfg.name, fps=50.0, joint_names=cfg.joint_names,
                           q=np.tile(cfg.default_q, (T, 1)) if q is None else q,
                           root_pos=np.tile([0, 0, 0.79], (T, 1)) if root is None else root,
                           root_quat=np.tile([1.0, 0, 0, 0], (T, 1)), contacts=np.ones((T, 2), bool))


def test_modes_are_an_enum_and_inputs_are_required(g1):
    with pytest.raises(ConfigError, match="valid choices"):
        ExecutionPlan(mode="dance", reason="", reference=_traj(g1))
    with pytest.raises(MotionError, match="velocity"):
        ExecutionPlan(mode="locomotion", reason="", reference=_traj(g1))
    with pytest.raises(MotionError, match="torso"):
        ExecutionPlan(mode="whole_body", reason="", reference=_traj(g1))
    with pytest.raises(ConfigError, match="assist"):
        ExecutionPlan(mode="upper_body", reason="", reference=_traj(g1), assist="crane")


def test_planner_picks_the_mode_once_with_its_reason(g1, h1):
    T = 101
    assert plan_execution(_traj(g1)).mode is ExecutionMode.UPPER_BODY
    walk = np.column_stack([np.linspace(0, 0.5, T), np.zeros(T), np.full(T, 0.79)])
    p = plan_execution(_traj(g1, root=walk))
    assert p.mode is ExecutionMode.LOCOMOTION and "feet" in p.reason and p.velocity[T // 2, 0] > 0.2
    q = np.tile(g1.default_q, (T, 1))
    q[:, g1.joint_index("left_knee_joint")] += 0.8 * np.sin(np.linspace(0, np.pi, T))  # a knee raise, foot back down
    p = plan_execution(_traj(g1, q=q))
    assert p.mode is ExecutionMode.WHOLE_BODY and p.torso_quat.shape == (T, 4) and p.controller == "g1_wbt_ppo"
    h = plan_execution(_traj(h1))
    assert h.assist == "gantry" and "no balancing controller" in h.reason
    forced = plan_execution(_traj(g1, q=q), mode="upper_body", why="operator")
    assert forced.mode is ExecutionMode.UPPER_BODY and "operator" in forced.reason


def test_plan_file_round_trip_and_digest(tmp_path, g1):
    T = 51
    walk = np.column_stack([np.linspace(0, 0.5, T), np.zeros(T), np.full(T, 0.79)])
    p = plan_execution(_traj(g1, T, root=walk), command_id="17.000000001").replace(repairs=("time_scale x2",))
    back = ExecutionPlan.load_npz(p.save_npz(tmp_path / "p.npz"))
    assert back.header() == p.header() and back.digest_bytes() == p.digest_bytes()
    np.testing.assert_allclose(back.velocity, p.velocity)
    moved = p.replace(reference=p.reference.replace(q=p.reference.q + 1e-3))
    assert moved.digest_bytes() != p.digest_bytes()  # the digest covers the motion, not only the header
    (tmp_path / "junk.npz").write_bytes(b"not a plan")
    with pytest.raises(ConfigError, match="not an ExecutionPlan"):
        ExecutionPlan.load_npz(tmp_path / "junk.npz")
