"""Axis conventions between our frame (z-up, x forward, y left) and the y-up frame of SMPL / HumanML3D /
BVH files (y up, z forward, x = the body's left, right-handed).

``Y_UP_TO_OURS @ v_yup = v_ours``: ours_x = yup_z, ours_y = yup_x, ours_z = yup_y (a cyclic permutation,
determinant +1, so rotations convert by conjugation ``C R C^T``).
"""

from __future__ import annotations

import numpy as np

from ..rotations import axis_angle_to_matrix, matrix_to_axis_angle

__all__ = ["Y_UP_TO_OURS", "OURS_TO_Y_UP", "yup_to_ours", "ours_to_yup", "conjugate_rotations"]

Y_UP_TO_OURS = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
OURS_TO_Y_UP = Y_UP_TO_OURS.T.copy()


def yup_to_ours(v: np.ndarray) -> np.ndarray:
    """(..., 3) vectors in the y-up frame -> our z-up frame."""
    return np.asarray(v, dtype=np.float64) @ Y_UP_TO_OURS.T


def ours_to_yup(v: np.ndarray) -> np.ndarray:
    """(..., 3) vectors in our z-up frame -> the y-up frame."""
    return np.asarray(v, dtype=np.float64) @ OURS_TO_Y_UP.T


def conjugate_rotations(aa: np.ndarray, C: np.ndarray) -> np.ndarray:
    """(..., 3) axis-angle R -> (..., 3) axis-angle of ``C R C^T`` (same rotation seen in another frame)."""
    R = axis_angle_to_matrix(np.asarray(aa, dtype=np.float64))
    return matrix_to_axis_angle(C @ R @ C.T)
