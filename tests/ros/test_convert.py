"""Motion and RobotTrajectory survive the trip through standard ROS messages."""

import numpy as np

from humanoid_lmm.motion import Motion
from humanoid_lmm.robots import RobotTrajectory, load_robot_config
from humanoid_lmm.ros.convert import msg_to_motion, msg_to_trajectory, motion_to_msg, trajectory_to_msg


def test_motion_round_trip():
    rng = np.random.default_rng(0)
    T = 12
    m = Motion(fps=20.0, root_pos=rng.normal(size=(T, 3)), rotations=rng.uniform(-1, 1, size=(T, 22, 3)))
    back = msg_to_motion(motion_to_msg(m))
    assert back.fps == 20.0
    np.testing.assert_allclose(back.root_pos, m.root_pos, atol=1e-9)
    np.testing.assert_allclose(back.positions(), m.positions(), atol=1e-6)


def test_trajectory_round_trip_with_base_and_contacts():
    cfg = load_robot_config("g1")
    rng = np.random.default_rng(1)
    t = RobotTrajectory.standing(cfg, seconds=0.4, fps=50.0)
    t = t.replace(q=t.q + rng.normal(0, 0.05, t.q.shape), root_pos=rng.normal(size=t.root_pos.shape),
                  contacts=rng.uniform(size=t.contacts.shape) > 0.5)
    back = msg_to_trajectory(trajectory_to_msg(t, with_base=True), "g1")
    assert back.joint_names == cfg.joint_names and abs(back.fps - 50.0) < 1e-6
    np.testing.assert_allclose(back.q, t.q)
    np.testing.assert_allclose(back.root_pos, t.root_pos)
    np.testing.assert_array_equal(back.contacts, t.contacts)
    plain = trajectory_to_msg(t, with_base=False)
    assert list(plain.joint_names) == list(cfg.joint_names)


def test_plan_round_trip_keeps_mode_inputs_and_identity():
    import pytest

    from humanoid_lmm.errors import ConfigError
    from humanoid_lmm.retarget import plan_execution
    from humanoid_lmm.ros.convert import msg_to_plan, plan_to_msg

    cfg = load_robot_config("g1")
    t = RobotTrajectory.standing(cfg, seconds=1.0, fps=50.0, root_height=0.79)
    walk = t.replace(root_pos=t.root_pos + np.outer(np.linspace(0, 1, t.n_frames), [0.5, 0, 0]))
    plan = plan_execution(walk, command_id="12.000000003").replace(attestation="abc")
    msg = plan_to_msg(plan)
    assert list(msg.joint_names)[: cfg.num_joints] == list(cfg.joint_names)  # robot joints first, motor order
    back = msg_to_plan(msg, "g1")
    assert back.header() == plan.header() and back.mode.value == "locomotion"
    np.testing.assert_allclose(back.velocity, plan.velocity, atol=1e-12)
    np.testing.assert_allclose(back.reference.q, plan.reference.q)
    msg.header.frame_id = ""
    with pytest.raises(ConfigError, match="plan header"):
        msg_to_plan(msg, "g1")  # a bare JointTrajectory is not a plan
