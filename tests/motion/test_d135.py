"""SMPL-d135 features: layout, lossless round trip, heading invariance, torch decoding."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from humanoid_lmm.errors import MotionError
from humanoid_lmm.motion import (
    D135_DIM,
    Motion,
    d135_to_motion,
    d135_to_positions_torch,
    motion_to_d135,
)
from humanoid_lmm.motion.rotations import axis_angle_to_matrix, matrix_to_axis_angle


@pytest.mark.parametrize("n_frames", [1, 2, 40, 300])
def test_round_trip_is_lossless_up_to_float32(n_frames, motion_factory):
    m = motion_factory(n_frames=n_frames, seed=n_frames)
    x = motion_to_d135(m)
    assert x.shape == (n_frames, D135_DIM) and x.dtype == np.float32
    back = d135_to_motion(x, m.fps, start_xy=m.root_pos[0, :2])
    assert np.abs(back.positions() - m.positions()).max() < 2e-5
    assert np.abs(back.root_pos - m.root_pos).max() < 1e-5
    # rotations come back as the same rotations (axis-angle may differ by 2*pi wraps)
    assert np.abs(axis_angle_to_matrix(back.rotations) - axis_angle_to_matrix(m.rotations)).max() < 1e-5
    # encoding the decoded motion again gives the same features
    assert np.abs(motion_to_d135(back) - x).max() < 1e-5


def test_layout_velocity_in_heading_frame_and_height():
    T, fps = 10, 20.0
    rot = np.zeros((T, 22, 3))
    rot[:, 0, 2] = np.pi / 2  # facing +y (turned left)
    root = np.zeros((T, 3))
    root[:, 1] = np.arange(T) * 0.05  # walking along +y = forward for this heading, 1 m/s
    root[:, 2] = 0.9
    x = motion_to_d135(Motion(fps, root, rot))
    assert np.allclose(x[:, 6], 1.0, atol=1e-6) and np.allclose(x[:, 7], 0.0, atol=1e-6)
    assert np.allclose(x[:, 8], 0.9)
    assert np.allclose(x[:, 0:3], [0, 1, 0], atol=1e-7)  # first column = pelvis x axis in the world
    assert np.allclose(x[:, 9:], np.tile([1, 0, 0, 0, 1, 0], 21))  # identity local rotations


def test_features_do_not_depend_on_heading_or_start(motion_factory):
    m = motion_factory(n_frames=30, seed=7)
    yaw = np.array([0.0, 0.0, 1.1])
    rz = axis_angle_to_matrix(yaw)
    rot = m.rotations.copy()
    rot[:, 0] = matrix_to_axis_angle(rz @ axis_angle_to_matrix(m.rotations[:, 0]))
    root = (rz @ m.root_pos[..., None])[..., 0] + [5.0, -3.0, 0.0]
    x0, x1 = motion_to_d135(m), motion_to_d135(Motion(m.fps, root, rot))
    assert np.abs(x0[:, 6:] - x1[:, 6:]).max() < 1e-5  # velocity, height, joints unchanged
    assert np.abs(x0[:, :6] - x1[:, :6]).max() > 0.1  # the absolute root rotation does change


def test_torch_positions_match_numpy_decoding_and_backprop(motion_factory):
    m = motion_factory(n_frames=25, seed=3)
    x = motion_to_d135(m)
    xt = torch.from_numpy(np.stack([x, x])).double().requires_grad_(True)
    pos = d135_to_positions_torch(xt, m.fps)
    assert pos.shape == (2, 25, 22, 3)
    ref = d135_to_motion(x, m.fps).positions()
    assert np.abs(pos[0].detach().numpy() - ref).max() < 1e-9
    pos.square().mean().backward()
    assert torch.isfinite(xt.grad).all() and xt.grad.abs().sum() > 0


def test_bad_input_is_rejected():
    with pytest.raises(MotionError, match="135"):
        d135_to_motion(np.zeros((5, 134)), 20.0)
    with pytest.raises(MotionError, match="T>=1"):
        d135_to_motion(np.zeros((0, 135)), 20.0)
    bad = np.zeros((5, 135))
    bad[2, 40] = np.nan
    with pytest.raises(MotionError, match="non-finite"):
        d135_to_motion(bad, 20.0)
    with pytest.raises(MotionError, match="fps"):
        d135_to_motion(np.tile([1, 0, 0, 0, 1, 0, 0, 0, 0.9] + [1, 0, 0, 0, 1, 0] * 21, (3, 1)), 0.0)
    with pytest.raises(MotionError, match="Motion"):
        motion_to_d135(np.zeros((5, 22, 3)))
