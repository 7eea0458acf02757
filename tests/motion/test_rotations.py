"""Round trips and identities of the numpy/torch rotation conversions."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from humanoid_lmm.motion import rotations as R


def _aa(n=500, seed=0, max_angle=np.pi * 0.999):
    rng = np.random.default_rng(seed)
    axis = rng.normal(size=(n, 3))
    axis /= np.linalg.norm(axis, axis=-1, keepdims=True)
    angle = rng.uniform(0, max_angle, size=(n, 1))
    angle[:5] = [[0.0], [1e-9], [1e-5], [1e-3], [np.pi * 0.999]]  # edge cases
    return axis * angle


@pytest.mark.parametrize("backend", ["numpy", "torch"])
def test_axis_angle_quat_matrix_6d_round_trips(backend):
    aa = _aa()
    x = torch.from_numpy(aa) if backend == "torch" else aa
    to_np = (lambda t: t.numpy()) if backend == "torch" else (lambda t: t)
    assert np.allclose(to_np(R.quat_to_axis_angle(R.axis_angle_to_quat(x))), aa, atol=1e-9)
    assert np.allclose(to_np(R.matrix_to_axis_angle(R.axis_angle_to_matrix(x))), aa, atol=1e-7)
    m = R.axis_angle_to_matrix(x)
    assert np.allclose(to_np(R.quat_to_matrix(R.matrix_to_quat(m))), to_np(m), atol=1e-12)
    assert np.allclose(to_np(R.sixd_to_matrix(R.matrix_to_6d(m))), to_np(m), atol=1e-12)
    assert np.allclose(to_np(R.sixd_to_axis_angle(R.axis_angle_to_6d(x))), aa, atol=1e-7)
    assert type(R.axis_angle_to_quat(x)) is type(x)


def test_matrices_are_rotations_and_match_quaternions():
    aa = _aa(200, seed=1)
    m = R.axis_angle_to_matrix(aa)
    assert np.allclose(m @ np.swapaxes(m, -1, -2), np.eye(3), atol=1e-12)
    assert np.allclose(np.linalg.det(m), 1.0)
    v = np.random.default_rng(2).normal(size=(200, 3))
    assert np.allclose(R.quat_rotate(R.axis_angle_to_quat(aa), v), (m @ v[..., None])[..., 0], atol=1e-12)


def test_known_rotation_about_z():
    m = R.axis_angle_to_matrix(np.array([0.0, 0.0, np.pi / 2]))
    assert np.allclose(m @ [1.0, 0.0, 0.0], [0.0, 1.0, 0.0])  # +x turns to +y (left) for a positive yaw
    assert np.allclose(R.rotation_about_axis("z", np.pi / 2), [0, 0, np.pi / 2])
    with pytest.raises(ValueError, match="axis"):
        R.rotation_about_axis("w", 1.0)


def test_quat_multiply_inverse_compose_like_matrices():
    a, b = _aa(100, seed=3), _aa(100, seed=4)
    qa, qb = R.axis_angle_to_quat(a), R.axis_angle_to_quat(b)
    mab = R.axis_angle_to_matrix(a) @ R.axis_angle_to_matrix(b)
    assert np.allclose(R.quat_to_matrix(R.quat_multiply(qa, qb)), mab, atol=1e-12)
    ident = R.quat_multiply(qa, R.quat_inverse(qa))
    assert np.allclose(R.quat_standardize(ident), [1, 0, 0, 0], atol=1e-12)


def test_slerp_endpoints_midpoint_and_shorter_arc():
    q0 = R.axis_angle_to_quat(np.array([0.0, 0.0, 0.2]))
    q1 = R.axis_angle_to_quat(np.array([0.0, 0.0, 1.4]))
    assert np.allclose(R.quat_slerp(q0, q1, 0.0), q0)
    assert np.allclose(R.quat_slerp(q0, q1, 1.0), q1)
    assert np.allclose(R.quat_to_axis_angle(R.quat_slerp(q0, q1, 0.5)), [0, 0, 0.8])
    # -q1 is the same rotation: slerp must take the shorter arc and give the same midpoint
    assert np.allclose(R.quat_to_axis_angle(R.quat_slerp(q0, -q1, 0.5)), [0, 0, 0.8])
    ts = np.linspace(0, 1, 7)
    out = R.quat_slerp(np.broadcast_to(q0, (7, 4)), np.broadcast_to(q1, (7, 4)), ts)
    assert np.allclose(R.quat_to_axis_angle(out)[:, 2], 0.2 + 1.2 * ts)


def test_torch_gradients_finite_at_zero_and_sixd_differentiable():
    aa = torch.zeros(4, 3, dtype=torch.float64, requires_grad=True)
    (R.axis_angle_to_matrix(aa) ** 2 * torch.arange(9.0, dtype=torch.float64).reshape(3, 3)).sum().backward()
    assert torch.isfinite(aa.grad).all()
    q = torch.tensor([[1.0, 0.0, 0.0, 0.0]], dtype=torch.float64, requires_grad=True)
    R.quat_to_axis_angle(q).sum().backward()
    assert torch.isfinite(q.grad).all()
    d6 = torch.randn(8, 6, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(R.sixd_to_matrix, (d6,))
