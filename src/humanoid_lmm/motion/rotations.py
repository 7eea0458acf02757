"""Batched rotation conversions that work on numpy arrays AND torch tensors.

Every function takes ``(..., k)`` inputs and returns ``(..., k')`` outputs of the same array type
(numpy in, numpy out; torch in, torch out, differentiable and on the input's device).

Conventions (see docs/architecture.md):

* axis-angle ``(..., 3)``: rotation axis times angle [rad];
* quaternion ``(..., 4)``: ``(w, x, y, z)``, unit norm; outputs are made canonical with ``w >= 0``;
* matrix ``(..., 3, 3)``: rotates column vectors, ``v_parent = R @ v_child``;
* 6D ``(..., 6)``: the first two columns of the matrix, ``[R[:, 0], R[:, 1]]`` (Zhou et al., CVPR 2019,
  "On the Continuity of Rotation Representations in Neural Networks"); decoded by Gram-Schmidt.

Small angles use Taylor expansions so that values and torch gradients stay finite at zero rotation.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

__all__ = [
    "axis_angle_to_quat",
    "quat_to_axis_angle",
    "axis_angle_to_matrix",
    "matrix_to_axis_angle",
    "quat_to_matrix",
    "matrix_to_quat",
    "matrix_to_6d",
    "sixd_to_matrix",
    "axis_angle_to_6d",
    "sixd_to_axis_angle",
    "quat_multiply",
    "quat_inverse",
    "quat_rotate",
    "quat_slerp",
    "quat_standardize",
    "rotation_about_axis",
]

_EPS = 1e-8  # below this squared angle the Taylor branch is used


def _xp(x: Any):
    """Array module for ``x``: torch for tensors, numpy otherwise."""
    return torch if isinstance(x, torch.Tensor) else np


def _asarray(x: Any):
    """Tensors pass through; anything else becomes a floating numpy array (ints -> float64)."""
    if isinstance(x, torch.Tensor):
        return x
    x = np.asarray(x)
    return x if np.issubdtype(x.dtype, np.floating) else x.astype(np.float64)


def _sum(x, keepdims: bool = True):
    return x.sum(-1, keepdims=keepdims) if isinstance(x, np.ndarray) else x.sum(-1, keepdim=keepdims)


def _cross(a, b):
    """Cross product over the last axis, (..., 3) x (..., 3) -> (..., 3)."""
    xp = _xp(a)
    return xp.stack(
        [
            a[..., 1] * b[..., 2] - a[..., 2] * b[..., 1],
            a[..., 2] * b[..., 0] - a[..., 0] * b[..., 2],
            a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0],
        ],
        -1,
    )


def _normalize(v, eps: float = 1e-12):
    xp = _xp(v)
    return v / xp.sqrt(xp.clip(_sum(v * v), eps, None))


def axis_angle_to_quat(aa):
    """(..., 3) axis-angle [rad] -> (..., 4) unit quaternion wxyz."""
    aa = _asarray(aa)
    xp = _xp(aa)
    theta2 = _sum(aa * aa)  # (..., 1)
    small = theta2 < _EPS
    theta = xp.sqrt(xp.clip(theta2, _EPS, None))
    half = 0.5 * theta
    # sin(theta/2)/theta, Taylor 1/2 - theta^2/48 near zero
    k = xp.where(small, 0.5 - theta2 / 48.0, xp.sin(half) / theta)
    w = xp.where(small, 1.0 - theta2 / 8.0, xp.cos(half))
    return xp.concatenate([w, aa * k], -1)


def quat_standardize(q):
    """(..., 4) -> same rotation with ``w >= 0`` and unit norm."""
    q = _asarray(q)
    xp = _xp(q)
    q = _normalize(q)
    return xp.where(q[..., :1] < 0, -q, q)


def quat_to_axis_angle(q):
    """(..., 4) quaternion wxyz -> (..., 3) axis-angle with angle in [0, pi]."""
    q = quat_standardize(q)
    xp = _xp(q)
    w, v = q[..., :1], q[..., 1:]
    s2 = _sum(v * v)
    s = xp.sqrt(xp.clip(s2, _EPS, None))
    angle = 2.0 * xp.arctan2(s, w)
    small = s2 < _EPS
    # angle/sin(angle/2) ~ 2/w * (1 + s^2/(6 w^2)) for small s
    k = xp.where(small, 2.0 / w * (1.0 + s2 / (6.0 * w * w)), angle / s)
    return v * k


def axis_angle_to_matrix(aa):
    """(..., 3) axis-angle [rad] -> (..., 3, 3) rotation matrix (Rodrigues)."""
    aa = _asarray(aa)
    xp = _xp(aa)
    theta2 = _sum(aa * aa)[..., None]  # (..., 1, 1)
    small = theta2 < _EPS
    theta = xp.sqrt(xp.clip(theta2, _EPS, None))
    a = xp.where(small, 1.0 - theta2 / 6.0, xp.sin(theta) / theta)
    b = xp.where(small, 0.5 - theta2 / 24.0, (1.0 - xp.cos(theta)) / (theta * theta))
    x, y, z = aa[..., 0], aa[..., 1], aa[..., 2]
    zero = x * 0.0
    K = xp.stack([zero, -z, y, z, zero, -x, -y, x, zero], -1).reshape(aa.shape[:-1] + (3, 3))
    eye = xp.eye(3, dtype=aa.dtype) if xp is np else torch.eye(3, dtype=aa.dtype, device=aa.device)
    return eye + a * K + b * (K @ K)


def quat_to_matrix(q):
    """(..., 4) quaternion wxyz -> (..., 3, 3) rotation matrix."""
    q = _normalize(_asarray(q))
    xp = _xp(q)
    w, x, y, z = q[..., 0], q[..., 1], q[..., 2], q[..., 3]
    m = [
        1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
        2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
        2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y),
    ]
    return xp.stack(m, -1).reshape(q.shape[:-1] + (3, 3))


def matrix_to_quat(m):
    """(..., 3, 3) rotation matrix -> (..., 4) quaternion wxyz with w >= 0 (Shepperd's method)."""
    m = _asarray(m)
    xp = _xp(m)
    m00, m01, m02 = m[..., 0, 0], m[..., 0, 1], m[..., 0, 2]
    m10, m11, m12 = m[..., 1, 0], m[..., 1, 1], m[..., 1, 2]
    m20, m21, m22 = m[..., 2, 0], m[..., 2, 1], m[..., 2, 2]
    sq = xp.stack([1 + m00 + m11 + m22, 1 + m00 - m11 - m22, 1 - m00 + m11 - m22, 1 - m00 - m11 + m22], -1)
    q_abs = xp.sqrt(xp.clip(sq, 0.0, None))  # (..., 4) = 2|w|, 2|x|, 2|y|, 2|z|
    cands = xp.stack(
        [
            xp.stack([q_abs[..., 0] ** 2, m21 - m12, m02 - m20, m10 - m01], -1),
            xp.stack([m21 - m12, q_abs[..., 1] ** 2, m01 + m10, m02 + m20], -1),
            xp.stack([m02 - m20, m01 + m10, q_abs[..., 2] ** 2, m12 + m21], -1),
            xp.stack([m10 - m01, m02 + m20, m12 + m21, q_abs[..., 3] ** 2], -1),
        ],
        -2,
    )  # (..., 4 candidates, 4)
    cands = cands / (2.0 * xp.clip(q_abs, 0.1, None))[..., None]
    best = q_abs.argmax(-1)  # the largest |component| gives the best-conditioned candidate
    ar = np.arange(4) if xp is np else torch.arange(4, device=m.device)
    mask = (ar == best[..., None]).astype(m.dtype) if xp is np else (ar == best[..., None]).to(m.dtype)
    q = (cands * mask[..., None]).sum(-2)
    return quat_standardize(q)


def matrix_to_axis_angle(m):
    """(..., 3, 3) rotation matrix -> (..., 3) axis-angle, angle in [0, pi]."""
    return quat_to_axis_angle(matrix_to_quat(m))


def matrix_to_6d(m):
    """(..., 3, 3) -> (..., 6): first column then second column."""
    m = _asarray(m)
    xp = _xp(m)
    return xp.concatenate([m[..., :, 0], m[..., :, 1]], -1)


def sixd_to_matrix(d6):
    """(..., 6) -> (..., 3, 3) by Gram-Schmidt; any (non-degenerate) 6 numbers give a rotation."""
    d6 = _asarray(d6)
    xp = _xp(d6)
    a1, a2 = d6[..., :3], d6[..., 3:]
    b1 = _normalize(a1)
    b2 = _normalize(a2 - _sum(b1 * a2) * b1)
    b3 = _cross(b1, b2)
    return xp.stack([b1, b2, b3], -1)


def axis_angle_to_6d(aa):
    """(..., 3) axis-angle -> (..., 6)."""
    return matrix_to_6d(axis_angle_to_matrix(aa))


def sixd_to_axis_angle(d6):
    """(..., 6) -> (..., 3) axis-angle."""
    return matrix_to_axis_angle(sixd_to_matrix(d6))


def quat_multiply(a, b):
    """Hamilton product ``a * b`` of (..., 4) wxyz quaternions (apply b first, then a)."""
    a, b = _asarray(a), _asarray(b)
    xp = _xp(a)
    aw, ax, ay, az = a[..., 0], a[..., 1], a[..., 2], a[..., 3]
    bw, bx, by, bz = b[..., 0], b[..., 1], b[..., 2], b[..., 3]
    return xp.stack(
        [
            aw * bw - ax * bx - ay * by - az * bz,
            aw * bx + ax * bw + ay * bz - az * by,
            aw * by - ax * bz + ay * bw + az * bx,
            aw * bz + ax * by - ay * bx + az * bw,
        ],
        -1,
    )


def quat_inverse(q):
    """(..., 4) inverse of a quaternion (conjugate divided by squared norm)."""
    q = _asarray(q)
    xp = _xp(q)
    conj = xp.concatenate([q[..., :1], -q[..., 1:]], -1)
    return conj / _sum(q * q)


def quat_rotate(q, v):
    """Rotate (..., 3) vectors by (..., 4) unit quaternions."""
    q, v = _asarray(q), _asarray(v)
    w, u = q[..., :1], q[..., 1:]
    t = 2.0 * _cross(u, v)
    return v + w * t + _cross(u, t)


def quat_slerp(q0, q1, t):
    """Spherical interpolation between (..., 4) quaternions; ``t`` broadcastable to (...,) in [0, 1].

    Takes the shorter arc; falls back to normalised lerp when the quaternions are nearly equal.
    """
    q0, q1 = _normalize(_asarray(q0)), _normalize(_asarray(q1))
    xp = _xp(q0)
    t = xp.asarray(t, dtype=q0.dtype) if xp is np else torch.as_tensor(t, dtype=q0.dtype, device=q0.device)
    t = t[..., None]
    dot = _sum(q0 * q1)
    q1 = xp.where(dot < 0, -q1, q1)
    dot = xp.abs(dot)
    near = dot > 0.9995
    omega = xp.arccos(xp.clip(dot, -1.0, 0.9995))
    so = xp.sin(omega)
    w0 = xp.where(near, 1.0 - t, xp.sin((1.0 - t) * omega) / so)
    w1 = xp.where(near, t, xp.sin(t * omega) / so)
    return _normalize(w0 * q0 + w1 * q1)


def rotation_about_axis(axis: str, angle):
    """Axis-angle (..., 3) of a rotation by ``angle`` [rad] about ``"x"``, ``"y"`` or ``"z"``."""
    if axis not in ("x", "y", "z"):
        raise ValueError(f"axis must be 'x', 'y' or 'z', got {axis!r}")
    angle = _asarray(angle)
    xp = _xp(angle)
    zero = angle * 0.0
    parts = [zero, zero, zero]
    parts["xyz".index(axis)] = angle
    return xp.stack(parts, -1)
