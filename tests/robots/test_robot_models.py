"""Robot configs agree with the URDF, and Pinocchio and MuJoCo build the same robot."""

import mujoco
import numpy as np
import pinocchio as pin
import pytest

from humanoid_lmm.robots import (
    RobotTrajectory,
    build_mujoco_model,
    build_pinocchio_model,
    load_robot_config,
)

ROBOTS = ["g1", "h1"]
EXPECTED_JOINTS = {"g1": 29, "h1": 19}


@pytest.fixture(scope="module", params=ROBOTS)
def robot(request):
    cfg = load_robot_config(request.param)
    return cfg, build_pinocchio_model(cfg), build_mujoco_model(cfg, fixed_base=True)


def test_joint_count_and_motor_slots(robot):
    cfg, _, _ = robot
    assert cfg.num_joints == EXPECTED_JOINTS[cfg.name]
    if cfg.name == "g1":
        assert cfg.motor_index.tolist() == list(range(29))
        assert cfg.joint_names[0] == "left_hip_pitch_joint" and cfg.joint_names[28] == "right_wrist_yaw_joint"
    else:  # unitree_go H1 slots: 20 slots, slot 9 unused
        assert cfg.num_motor_slots == 20 and 9 not in cfg.motor_index.tolist() and len(cfg.motor_index) == 19
        assert cfg.joint_names[cfg.motor_index.tolist().index(0)] == "right_hip_roll_joint"
        assert cfg.joint_names[cfg.motor_index.tolist().index(10)] == "left_ankle_joint"


def test_limits_match_urdf(robot):
    cfg, pr, _ = robot
    m = pr.model
    np.testing.assert_allclose(m.lowerPositionLimit[pr.q_index], cfg.q_lower, atol=1e-4)
    np.testing.assert_allclose(m.upperPositionLimit[pr.q_index], cfg.q_upper, atol=1e-4)
    np.testing.assert_allclose(m.velocityLimit[pr.v_index], cfg.dq_max, atol=1e-6)
    np.testing.assert_allclose(m.effortLimit[pr.v_index], cfg.tau_max, atol=1e-6)


def test_mujoco_joints_match_config(robot):
    cfg, _, mj = robot
    for i, name in enumerate(cfg.joint_names):
        jid = mujoco.mj_name2id(mj.model, mujoco.mjtObj.mjOBJ_JOINT, name)
        assert jid >= 0, name
        np.testing.assert_allclose(mj.model.jnt_range[jid], [cfg.q_lower[i], cfg.q_upper[i]])
        assert mj.model.dof_armature[mj.qvel_index[i]] == pytest.approx(cfg.armature[i])
        act = mj.actuator_index[i]
        np.testing.assert_allclose(mj.model.actuator_forcerange[act], [-cfg.tau_max[i], cfg.tau_max[i]])
        assert mj.model.actuator_gainprm[act, 0] == pytest.approx(cfg.kp[i])


def test_default_pose_inside_limits(robot):
    cfg, _, _ = robot
    assert np.all(cfg.default_q >= cfg.q_lower) and np.all(cfg.default_q <= cfg.q_upper)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_forward_kinematics_agree(robot, seed):
    """Feet, hands and torso from Pinocchio and MuJoCo agree to 1e-6 m, at the default and random poses."""
    cfg, pr, _ = robot
    mj = build_mujoco_model(cfg, actuators="none")  # free root
    rng = np.random.default_rng(seed)
    q = cfg.default_q if seed == 0 else rng.uniform(cfg.q_lower, cfg.q_upper)
    root = np.array([0.3, -0.2, 0.9])
    quat = np.array([0.9, 0.1, -0.2, 0.3])
    quat /= np.linalg.norm(quat)
    mj.set_state(root, quat, q)
    links = [cfg.links.left_foot, cfg.links.right_foot, cfg.links.left_hand, cfg.links.right_hand, cfg.links.torso]
    p_pin = pr.link_positions(pr.configuration(root, quat, q), links)
    np.testing.assert_allclose(p_pin, mj.body_positions(links), atol=1e-6)


def test_configuration_round_trip(robot):
    cfg, pr, _ = robot
    q = np.random.default_rng(3).uniform(cfg.q_lower, cfg.q_upper)
    root, quat = np.array([1.0, 2.0, 0.7]), np.array([0.0, 0.0, 0.0, 1.0])
    r2, quat2, q2 = pr.split(pr.configuration(root, quat, q))
    np.testing.assert_allclose(r2, root)
    np.testing.assert_allclose(quat2, quat)
    np.testing.assert_allclose(q2, q)
    assert pin.isNormalized(pr.model, pr.configuration(root, quat, q))


def test_default_pose_has_no_self_contact(robot):
    """Only foot-floor contacts at the default stand pose (overlapping meshes are excluded in the config)."""
    cfg, _, mj = robot
    m, d = mj.model, mj.data
    mujoco.mj_forward(m, d)
    bodies = {(m.geom_bodyid[c.geom1], m.geom_bodyid[c.geom2]) for c in d.contact[: d.ncon]}
    assert bodies, "feet should touch the floor"
    assert all(0 in pair for pair in bodies), [(m.body(a).name, m.body(b).name) for a, b in bodies]


def test_welded_root_holds_default_stand_for_3s(robot):
    """PD position actuators at the config gains hold the stand pose with the root welded."""
    cfg, _, _ = robot
    mj = build_mujoco_model(cfg, fixed_base=True)
    for _ in range(int(3.0 / mj.model.opt.timestep)):
        mujoco.mj_step(mj.model, mj.data)
    err = np.abs(mj.q - cfg.default_q)
    assert np.all(np.isfinite(mj.data.qpos))
    assert err.max() < 0.05, dict(zip(cfg.joint_names, err.round(3)))


def test_free_root_stand_is_reported_not_assumed(robot):
    """With a free root, plain PD at deploy gains is not a balance controller: measure, don't assume."""
    cfg, _, _ = robot
    mj = build_mujoco_model(cfg, fixed_base=False)
    z0 = mj.data.qpos[2]
    for _ in range(int(3.0 / mj.model.opt.timestep)):
        mujoco.mj_step(mj.model, mj.data)
    assert np.all(np.isfinite(mj.data.qpos))  # stable numerics even when it falls
    # Documented in docs/robots.md: both robots fall within 3 s under PD alone (pelvis ends near the floor).
    assert mj.data.qpos[2] < 0.5 * z0


def test_trajectory_npz_round_trip(tmp_path):
    cfg = load_robot_config("g1")
    t = RobotTrajectory.standing(cfg, seconds=0.5)
    back = RobotTrajectory.load_npz(t.save_npz(tmp_path / "t.npz"))
    np.testing.assert_array_equal(back.q, t.q)
    assert back.joint_names == cfg.joint_names and back.fps == t.fps
    assert (tmp_path / "t.csv").exists() is False
    t.save_csv(tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_text().splitlines()[0].split(",")[8] == cfg.joint_names[0]
