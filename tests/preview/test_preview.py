"""Preview pieces without a browser: plan assembly, meshes, poses, the server's scene and buttons."""

import numpy as np
import pytest

from humanoid_lmm.preview.meshes import body_poses, cluster_decimate, robot_meshes
from humanoid_lmm.robots import build_mujoco_model, load_robot_config, standing_root_height


def test_plan_from_text_runs_generate_retarget_validate(wave_plan):
    plan, validation = wave_plan
    assert plan.robot == "g1" and plan.text == "wave your right hand"
    assert plan.motion is not None and plan.trajectory is not None and plan.execution is not None
    assert plan.verdict == validation.report.verdict and plan.mode == validation.report.mode
    assert plan.duration_s == pytest.approx(max(plan.trajectory.duration_s, float(plan.execution.times[-1])))
    assert len(plan.reasons) == len(validation.report.failures)


def test_cluster_decimation_keeps_the_shape():
    import trimesh

    sphere = trimesh.creation.icosphere(subdivisions=5, radius=0.1)
    v, f = cluster_decimate(np.asarray(sphere.vertices), np.asarray(sphere.faces), cell=0.02)
    assert len(f) < len(sphere.faces) / 10
    assert np.allclose(np.ptp(v, axis=0), 0.2, atol=0.03)  # same extent
    assert f.max() < len(v)


@pytest.mark.parametrize("robot", ["g1", "h1"])
def test_robot_meshes_come_from_the_robot_package_and_stay_small(robot):
    cfg = load_robot_config(robot)
    meshes = robot_meshes(cfg)
    assert {cfg.links.torso, cfg.links.left_foot, cfg.joint_names[-1].replace('_joint', '_link')} <= set(meshes.names)
    assert 5_000 < meshes.n_triangles < 120_000
    mj = build_mujoco_model(cfg, actuators="none")
    every = body_poses(mj, mj.data.qpos[None], meshes.bodies)
    poses = body_poses(mj, mj.data.qpos[None], [mj.body_id(cfg.links.pelvis)])
    assert poses[0, 0, 2] == pytest.approx(standing_root_height(cfg), abs=1e-6)
    assert np.allclose(np.linalg.norm(every[0, :, 3:], axis=1), 1.0)


def test_server_shows_the_plan_moves_with_time_and_forwards_the_buttons(wave_plan):
    from humanoid_lmm.preview.scene import COLUMN_Y, PreviewServer

    plan, _ = wave_plan
    decided = []
    server = PreviewServer(port=0, on_confirm=lambda pid: decided.append(("confirm", pid)) or "ok",
                           on_reject=lambda pid: decided.append(("reject", pid)) or "ok")
    try:
        server.show(plan)
        assert set(server._tracks) == {"human", "plan", "execution"}
        assert f"Verdict: {plan.verdict.upper()}" in server._verdict.content
        assert plan.mode in server._info.content
        server.set_time(0.0)
        hand = server._handles["plan"][2 * robot_meshes(load_robot_config("g1")).names.index("right_wrist_yaw_link")]
        z0 = float(hand.position[2])
        server.set_time(0.5 * plan.trajectory.duration_s)  # mid-plan (repairs may have slowed it down)
        assert float(hand.position[2]) > z0 + 0.1, "the plan's right hand should rise during the wave"
        assert float(hand.position[1]) == pytest.approx(COLUMN_Y["plan"], abs=0.6)
        server._decide(server.on_confirm, "confirm")
        server._decide(server.on_reject, "reject")
        assert decided == [("confirm", plan.plan_id), ("reject", plan.plan_id)]
    finally:
        server.close()
