"""BVH export -> import round trips and foreign skeletons."""

from __future__ import annotations

import numpy as np
import pytest

from humanoid_lmm.errors import MotionError
from humanoid_lmm.motion.io.bvh import BVH_NAME_MAPS, bvh_positions, load_bvh, parse_bvh, save_bvh
from humanoid_lmm.motion.io.axes import yup_to_ours
from humanoid_lmm.motion.rotations import axis_angle_to_matrix


def _angle(a, b):
    R = np.swapaxes(axis_angle_to_matrix(a), -1, -2) @ axis_angle_to_matrix(b)
    return np.arccos(np.clip((np.trace(R, axis1=-2, axis2=-1) - 1) / 2, -1, 1))


@pytest.mark.parametrize("fps", [20.0, 30.0, 120.0])
def test_bvh_round_trip_lossless(motion_factory, tmp_path, fps):
    m = motion_factory(25, fps=fps, scale=0.8)
    path = save_bvh(m, tmp_path / "m.bvh")
    back = load_bvh(path)
    assert back.fps == pytest.approx(fps, rel=1e-9)
    assert _angle(m.rotations, back.rotations).max() < 1e-4
    assert np.abs(back.positions() - m.positions()).max() < 1e-3


def test_bvh_file_structure_and_own_fk(motion_factory, tmp_path):
    m = motion_factory(10)
    skel = parse_bvh(save_bvh(m, tmp_path / "m.bvh"))
    assert len(skel.names) == 22 and skel.frames.shape == (10, 6 + 21 * 3)
    text = (tmp_path / "m.bvh").read_text()
    assert text.count("End Site") == 5  # toes x2, head, wrists x2
    # the file's own FK (cm, y-up) reproduces our positions
    pos = yup_to_ours(bvh_positions(skel)) * 0.01
    idx = [skel.names.index(n) for n in BVH_NAME_MAPS["smpl"]]
    np.testing.assert_allclose(pos[:, idx], m.positions(), atol=1e-5)


@pytest.mark.parametrize("rig, prefix", [("lafan", ""), ("cmu", ""), ("mixamo", "mixamorig:")])
def test_bvh_foreign_names_go_through_ik(motion_factory, tmp_path, rig, prefix):
    m = motion_factory(15, scale=0.3)
    text = save_bvh(m, tmp_path / "m.bvh").read_text()
    for ours, theirs in sorted(BVH_NAME_MAPS[rig].items(), key=lambda kv: -len(kv[0])):
        text = text.replace(f" {ours}\n", f" {prefix}{theirs}\n")
    (tmp_path / "rig.bvh").write_text(text)
    assert "pelvis" not in text
    back = load_bvh(tmp_path / "rig.bvh", refine_steps=0)
    assert np.abs(back.positions() - m.positions()).max() < 1e-3


def test_bvh_malformed(tmp_path):
    (tmp_path / "bad.bvh").write_text("HIERARCHY\nROOT Hips\n{\nOFFSET 0 0 0\nCHANNELS 3 Zrotation Xrotation Yrotation\n}\nMOTION\nFrames: 2\nFrame Time: 0.1\n0 0 0\n")
    with pytest.raises(MotionError, match="motion values"):
        parse_bvh(tmp_path / "bad.bvh")
    with pytest.raises(MotionError, match="no such file"):
        parse_bvh(tmp_path / "none.bvh")
