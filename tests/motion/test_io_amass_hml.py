"""AMASS-style npz round trip and HumanML3D 263 export / new_joints import."""

from __future__ import annotations

import numpy as np
import pytest

from humanoid_lmm.errors import MotionError
from humanoid_lmm.motion.io.amass import load_amass_npz, save_amass_npz
from humanoid_lmm.motion.io.axes import ours_to_yup
from humanoid_lmm.motion.io.humanml3d import (
    HML_DIM,
    hml263_to_positions,
    hml_canonical_positions,
    load_new_joints,
    motion_to_hml263,
)
from humanoid_lmm.motion.io.loaders import load_motion
from humanoid_lmm.motion.rotations import axis_angle_to_matrix


@pytest.mark.parametrize("up", ["z", "y"])
def test_amass_round_trip(motion_factory, tmp_path, up):
    m = motion_factory(20, fps=60.0)
    p = save_amass_npz(m, tmp_path / "a.npz", up=up)
    with np.load(p) as z:
        assert z["poses"].shape == (20, 156) and z["trans"].shape == (20, 3)
    back = load_amass_npz(p, up=up)
    assert back.fps == 60.0
    np.testing.assert_allclose(axis_angle_to_matrix(back.rotations), axis_angle_to_matrix(m.rotations), atol=1e-9)
    np.testing.assert_allclose(back.root_pos, m.root_pos, atol=1e-12)
    assert load_motion(p).format == "amass"


def test_amass_y_up_really_rotates(motion_factory, tmp_path):
    m = motion_factory(5)
    z_world = load_amass_npz(save_amass_npz(m, tmp_path / "a.npz", up="z"), up="y")
    # a z-up file read as y-up: the body ends up lying down (head no longer above the pelvis)
    assert not np.allclose(z_world.positions(), m.positions(), atol=0.1)


def test_amass_missing_key(tmp_path):
    np.savez(tmp_path / "x.npz", poses=np.zeros((3, 156)))
    with pytest.raises(MotionError, match="trans"):
        load_amass_npz(tmp_path / "x.npz")


def test_hml263_shape_root_and_ric(motion_factory):
    m = motion_factory(40, scale=0.05)  # smooth: heading changes < 90 deg per frame
    f = motion_to_hml263(m)
    assert f.shape == (39, HML_DIM) and f.dtype == np.float32
    canon = hml_canonical_positions(m)
    np.testing.assert_allclose(f[:, 3], canon[:-1, 0, 1], atol=1e-6)  # root height (y-up)
    assert canon[..., 1].min() == pytest.approx(0.0, abs=1e-9)  # floor at y = 0
    np.testing.assert_allclose(hml263_to_positions(f), canon[:-1], atol=1e-5)
    # ric/joint distances equal the motion's own (the canonicalisation is rigid)
    d_m = np.linalg.norm(m.positions()[:-1, 20] - m.positions()[:-1, 0], axis=-1)
    d_f = np.linalg.norm(hml263_to_positions(f)[:, 20] - hml263_to_positions(f)[:, 0], axis=-1)
    np.testing.assert_allclose(d_f, d_m, atol=1e-5)
    assert set(np.unique(f[:, 259:])) <= {0.0, 1.0}


def test_hml263_contacts_standing_vs_moving(motion_factory):
    m = motion_factory(30, scale=0.0)
    still = type(m)(m.fps, np.tile(m.root_pos[:1], (30, 1)), m.rotations)
    assert motion_to_hml263(still)[:, 259:].min() == 1.0


def test_new_joints_import(motion_factory, tmp_path):
    m = motion_factory(20, scale=0.3)
    np.save(tmp_path / "000001.npy", ours_to_yup(m.positions()))
    r = load_new_joints(tmp_path / "000001.npy", refine_steps=0)
    assert r.residual_mm < 1e-6 and r.motion.fps == 20.0
    lm = load_motion(tmp_path / "000001.npy", refine_steps=0)
    assert lm.format == "humanml3d" and lm.ik_residual_mm < 1e-6
