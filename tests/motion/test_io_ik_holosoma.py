"""Position IK and the real holosoma demo mocap (OMOMO .pt, climb .npy), subsampled to stay fast."""

from __future__ import annotations

import numpy as np
import pytest

from humanoid_lmm.errors import MotionError
from humanoid_lmm.motion import Motion, joint_index
from humanoid_lmm.motion.io.amass import load_amass_npz, save_amass_npz
from humanoid_lmm.motion.io.bvh import load_bvh, save_bvh
from humanoid_lmm.motion.io.humanml3d import hml263_to_positions, hml_canonical_positions, motion_to_hml263
from humanoid_lmm.motion.io.holosoma import (
    MIXAMO_JOINTS,
    OMOMO_JOINTS,
    load_climb_npy,
    load_omomo_pt,
    read_omomo_positions,
)
from humanoid_lmm.motion.io.ik import positions_to_motion
from humanoid_lmm.robots.assets import demo_data_dir


def test_ik_exact_on_canonical_fk(motion_factory):
    m = motion_factory(30, scale=0.4)
    r = positions_to_motion(m.positions() * 1.2, m.fps, refine_steps=0)
    assert r.scale == pytest.approx(1.2, rel=1e-9)
    assert r.residual_mm < 1e-6
    np.testing.assert_allclose(r.motion.positions(), m.positions(), atol=1e-9)


def test_ik_missing_joint_is_filled_and_refined(motion_factory):
    m = motion_factory(20, scale=0.3)
    mask = np.ones(22, bool)
    mask[joint_index("spine2")] = False
    pos = m.positions().copy()
    pos[:, joint_index("spine2")] = np.nan  # unobserved values must not matter
    r = positions_to_motion(pos, m.fps, mask, refine_steps=20)
    assert r.residual_mm < 5.0  # over observed joints only
    with pytest.raises(MotionError, match="pelvis"):
        positions_to_motion(pos, m.fps, ~mask)


def test_ik_rejects_bad_shape():
    with pytest.raises(MotionError, match="T, 22, 3"):
        positions_to_motion(np.zeros((5, 21, 3)), 30)


def test_name_lists_match_holosoma_data():
    assert len(OMOMO_JOINTS) == 52 and len(MIXAMO_JOINTS) == 53
    pos = read_omomo_positions(sorted(demo_data_dir().glob("OMOMO_new/*.pt"))[0])[:5]
    knee = pos[:, OMOMO_JOINTS.index("L_Knee"), 2]
    hip = pos[:, OMOMO_JOINTS.index("L_Hip"), 2]
    ankle = pos[:, OMOMO_JOINTS.index("L_Ankle"), 2]
    assert (ankle < knee).all() and (knee < hip).all()  # the order really is holosoma's, not SMPL's


@pytest.mark.parametrize("path", sorted(demo_data_dir().glob("OMOMO_new/*.pt")), ids=lambda p: p.stem)
def test_omomo_imports_and_reexports(path, tmp_path):
    r = load_omomo_pt(path, stride=3, max_frames=40, refine_steps=15)
    m = r.motion
    assert m.fps == pytest.approx(10.0) and m.n_frames == 40
    assert 0.8 < r.scale < 1.3
    assert r.residual_mm < 35.0  # measured 14-19 mm at full rate; proportions differ from the canonical body
    back = Motion.load_npz(m.save_npz(tmp_path / "m.npz"))
    np.testing.assert_array_equal(back.rotations, m.rotations)
    bvh = load_bvh(save_bvh(m, tmp_path / "m.bvh"))
    assert np.abs(bvh.positions() - m.positions()).max() < 1e-3
    feats = motion_to_hml263(m)
    assert feats.shape == (39, 263)
    np.testing.assert_allclose(hml263_to_positions(feats), hml_canonical_positions(m)[:-1], atol=1e-4)


@pytest.mark.parametrize("seq", [0, 3])
def test_climb_imports_and_reexports(seq, tmp_path):
    path = sorted(demo_data_dir().glob(f"climb/mocap_climb_seq_{seq}/*.npy"))[0]
    r = load_climb_npy(path, stride=16, max_frames=30, refine_steps=15)
    assert r.motion.fps == pytest.approx(7.5) and r.motion.n_frames == 30
    assert r.residual_mm < 70.0  # measured 38-42 mm (Mixamo proportions, no spine2)
    pos = r.motion.positions()
    # upright person: head above pelvis above feet in most frames
    assert (pos[:, joint_index("head"), 2] > pos[:, 0, 2]).mean() > 0.9
    amass = load_amass_npz(save_amass_npz(r.motion, tmp_path / "c.npz"))
    assert np.abs(amass.positions() - pos).max() < 1e-6
