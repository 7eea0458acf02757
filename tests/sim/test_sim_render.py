"""Offscreen rendering shows the robot (segmentation pixel count), writes video and contact sheet."""

import numpy as np

from humanoid_lmm.robots import build_sim_model
from humanoid_lmm.sim import run_validation
from humanoid_lmm.sim.render import contact_sheet, render_frames, robot_pixel_count, save_video


def test_rendered_frame_shows_the_robot(g1, sample, plan_of):
    v = run_validation(plan_of(sample("wave", g1, seconds=1.0)))
    mj = build_sim_model(g1)
    q = v.dynamics.qpos[-1]
    gone = q.copy()
    gone[0] += 100.0  # robot moved far out of view, same camera
    here = robot_pixel_count(mj, q, lookat=[0, 0, 0.4])
    assert here > 500
    assert robot_pixel_count(mj, gone, lookat=[0, 0, 0.4]) == 0
    # the RGB frame differs from the empty scene where the robot is
    rgb = render_frames(mj, np.stack([q, gone]), 160, 120, lookat=[0, 0, 0.4])
    assert np.mean(np.any(rgb[0] != rgb[1], axis=-1)) > 0.02


def test_video_sheet_and_skeleton(tmp_path, g1, sample, plan_of):
    v = run_validation(plan_of(sample("wave", g1, seconds=1.0)))
    mj = build_sim_model(g1)
    qpos = v.dynamics.qpos[::40]
    skel = np.zeros((len(qpos), 22, 3))
    skel[..., 2] = np.linspace(0.1, 1.5, 22)  # a vertical line of joints
    with_skel = render_frames(mj, qpos, 160, 120, skeleton=skel)
    plain = render_frames(mj, qpos, 160, 120)
    assert with_skel[0].shape == (120, 160, 3)
    assert np.any(with_skel[0] != plain[0])  # the skeleton was drawn
    gif = save_video(plain, tmp_path / "v.gif", fps=5)
    mp4 = save_video(plain, tmp_path / "v.mp4", fps=5)
    png = contact_sheet(plain, tmp_path / "s.png", cols=2, n=4)
    import imageio.v2 as imageio

    assert len(imageio.mimread(gif)) == len(plain)
    assert mp4.stat().st_size > 1000 and png.stat().st_size > 1000


def test_skeleton_tree_matches_motion_stage():
    from humanoid_lmm.motion.skeleton import SMPL_PARENTS
    from humanoid_lmm.sim.render import SMPL_PARENTS as local

    assert tuple(local) == tuple(SMPL_PARENTS)
