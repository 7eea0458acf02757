"""smplx loads a generated SMPL-format model file and agrees with our FK."""

from __future__ import annotations

import numpy as np
import pytest

from humanoid_lmm.errors import ConfigError
from humanoid_lmm.motion import SMPL_OFFSETS
from humanoid_lmm.motion.body_model import TEST_VERTEX_IDS, SmplBodyModel, write_test_smpl_model


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    path = write_test_smpl_model(tmp_path_factory.mktemp("smpl") / "SMPL_NEUTRAL.pkl")
    return SmplBodyModel(path, vertex_ids=TEST_VERTEX_IDS)


def test_smplx_joints_match_our_fk(model, motion_factory):
    m = motion_factory(8)
    joints, verts = model.forward(m)
    assert joints.shape == (8, 22, 3) and verts.shape == (8, 24 * 6, 3)
    assert np.abs(joints - m.positions()).max() < 1e-5  # float32 inside smplx
    # rigid skinning: the vertices of the pelvis move with it
    assert np.abs(verts[:, :6].mean(1) - m.positions()[:, 0]).max() < 1e-5


def test_rest_offsets_and_betas(model):
    np.testing.assert_allclose(model.rest_offsets()[1:], SMPL_OFFSETS[1:], atol=1e-6)
    shaped = model.rest_offsets(np.ones(10))
    assert np.abs(shaped[1:] - SMPL_OFFSETS[1:]).max() > 1e-3


def test_missing_model_file(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        SmplBodyModel(tmp_path / "SMPL_NEUTRAL.pkl")
