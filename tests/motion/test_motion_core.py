"""Motion validation, FK, npz files and the skeleton constants."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from humanoid_lmm.errors import MotionError
from humanoid_lmm.motion import (
    REST_PELVIS_HEIGHT,
    SMPL_JOINT_NAMES,
    SMPL_MIRROR,
    SMPL_OFFSETS,
    SMPL_PARENTS,
    Motion,
    forward_kinematics,
    forward_kinematics_torch,
    joint_index,
    rest_positions,
    skeleton_height,
)


def test_skeleton_constants_are_consistent():
    assert len(SMPL_JOINT_NAMES) == len(SMPL_PARENTS) == SMPL_OFFSETS.shape[0] == 22
    assert all(p < j for j, p in enumerate(SMPL_PARENTS))  # parents come first
    assert SMPL_JOINT_NAMES[SMPL_MIRROR[joint_index("left_wrist")]] == "right_wrist"
    assert [SMPL_MIRROR[i] for i in SMPL_MIRROR] == list(range(22))
    rest = rest_positions()
    feet = [joint_index(n) for n in ("left_ankle", "right_ankle", "left_foot", "right_foot")]
    assert rest[feet, 2].min() == pytest.approx(0.0, abs=1e-12)  # ground convention
    assert rest[0, 2] == pytest.approx(REST_PELVIS_HEIGHT)
    # facing +x with y left: left joints have y > 0, the toes are in front of the ankles, T-pose arms
    assert rest[joint_index("left_hip"), 1] > 0 > rest[joint_index("right_hip"), 1]
    assert rest[joint_index("left_foot"), 0] > rest[joint_index("left_ankle"), 0] + 0.08
    assert rest[joint_index("left_wrist"), 1] > 0.6 and abs(rest[joint_index("left_wrist"), 2] - 1.37) < 0.05
    assert 1.4 < skeleton_height() < 1.6
    with pytest.raises(ValueError, match="valid"):
        joint_index("left_toe")


def test_fk_bone_lengths_equal_offsets_and_rest_pose(random_motion):
    pos = random_motion.positions()
    assert pos.shape == (random_motion.n_frames, 22, 3)
    bones = np.linalg.norm(pos[:, 1:] - pos[:, list(SMPL_PARENTS[1:])], axis=-1)
    assert np.allclose(bones, np.linalg.norm(SMPL_OFFSETS[1:], axis=-1), atol=1e-12)
    assert np.allclose(pos[:, 0], random_motion.root_pos)
    rest = forward_kinematics(SMPL_OFFSETS[0], np.zeros((22, 3)))
    assert np.allclose(rest, rest_positions())


def test_fk_known_rotation_left_elbow_bend():
    rot = np.zeros((22, 3))
    rot[joint_index("left_elbow")] = [0.0, 0.0, np.pi / 2]  # forearm (along +y) turns to -x about z
    pos = forward_kinematics(SMPL_OFFSETS[0], rot)
    elbow, wrist = pos[joint_index("left_elbow")], pos[joint_index("left_wrist")]
    off = SMPL_OFFSETS[joint_index("left_wrist")]
    assert np.allclose(wrist - elbow, [-off[1], off[0], off[2]])


def test_fk_torch_matches_numpy_and_is_batched(random_motion):
    rp = torch.from_numpy(np.stack([random_motion.root_pos] * 2))
    rt = torch.from_numpy(np.stack([random_motion.rotations] * 2)).requires_grad_(True)
    out = forward_kinematics_torch(rp, rt)  # (B, T, 22, 3)
    assert out.shape == (2, random_motion.n_frames, 22, 3)
    assert np.allclose(out[1].detach().numpy(), random_motion.positions(), atol=1e-10)
    out.square().sum().backward()
    assert torch.isfinite(rt.grad).all() and rt.grad.abs().sum() > 0


def test_motion_validation_names_the_field():
    good_root, good_rot = np.zeros((5, 3)), np.zeros((5, 22, 3))
    bad_rot = good_rot.copy()
    bad_rot[3, 4, 1] = np.nan
    cases = [
        (dict(fps=0.0, root_pos=good_root, rotations=good_rot), "fps"),
        (dict(fps=float("nan"), root_pos=good_root, rotations=good_rot), "fps"),
        (dict(fps="x", root_pos=good_root, rotations=good_rot), "fps"),
        (dict(fps=20, root_pos=np.zeros((5, 2)), rotations=good_rot), "root_pos"),
        (dict(fps=20, root_pos=np.zeros((0, 3)), rotations=np.zeros((0, 22, 3))), "root_pos"),
        (dict(fps=20, root_pos=good_root, rotations=np.zeros((5, 24, 3))), "rotations"),
        (dict(fps=20, root_pos=good_root, rotations=bad_rot), "rotations.*frame 3"),
        (dict(fps=20, root_pos=np.zeros((4, 3)), rotations=good_rot), "rotations.*4 frames"),
        (dict(fps=20, root_pos=good_root, rotations=good_rot, text=3), "text"),
    ]
    for kwargs, pattern in cases:
        with pytest.raises(MotionError, match=pattern):
            Motion(**kwargs)


def test_motion_is_immutable_and_derived_values(random_motion):
    m = random_motion
    assert m.n_frames == 40 and m.duration_s == pytest.approx(2.0)
    with pytest.raises(ValueError):
        m.root_pos[0, 0] = 1.0  # read-only
    with pytest.raises(AttributeError):
        m.fps = 30.0  # frozen
    s = m.slice(10, 20)
    assert s.n_frames == 10 and np.array_equal(s.rotations, m.rotations[10:20])
    assert np.allclose(s.positions(), m.positions()[10:20])
    assert m.slice(-5).n_frames == 5
    with pytest.raises(MotionError, match="empty"):
        m.slice(30, 30)


def test_npz_round_trip_and_bad_files(tmp_path, random_motion):
    path = random_motion.save_npz(tmp_path / "sub" / "m.npz")
    back = Motion.load_npz(path)
    assert back.fps == random_motion.fps and back.text == random_motion.text
    assert np.array_equal(back.rotations, random_motion.rotations)
    assert np.array_equal(back.root_pos, random_motion.root_pos)
    with pytest.raises(MotionError, match="no such file"):
        Motion.load_npz(tmp_path / "missing.npz")
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    with pytest.raises(MotionError, match="not a readable"):
        Motion.load_npz(tmp_path / "junk.npz")
    np.savez(tmp_path / "other.npz", a=np.zeros(3))
    with pytest.raises(MotionError, match="lacks keys"):
        Motion.load_npz(tmp_path / "other.npz")


def test_long_random_motion_positions_are_finite(motion_factory):
    m = motion_factory(n_frames=400, seed=5, scale=2.0)
    assert np.isfinite(m.positions()).all()
