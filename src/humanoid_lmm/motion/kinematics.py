"""Forward kinematics of the SMPL 22-joint skeleton, numpy and differentiable torch.

Joint j's world rotation is ``G[j] = G[parent] @ R[j]`` (``G[0] = R[0]`` the pelvis orientation in the
world) and its position ``p[j] = p[parent] + G[parent] @ offsets[j]``; ``p[0] = root_pos``.
``offsets[0]`` is not used by FK (the root position is given).
"""

from __future__ import annotations

import numpy as np
import torch

from .rotations import axis_angle_to_matrix
from .skeleton import NUM_JOINTS, SMPL_OFFSETS, SMPL_PARENTS

__all__ = ["forward_kinematics", "forward_kinematics_torch", "global_rotations"]


def _fk_from_matrices(root_pos, mats, offsets, backend):
    """Shared FK loop: root_pos (..., 3), mats (..., 22, 3, 3) local, offsets (22, 3) -> positions, globals."""
    stack = np.stack if backend is np else torch.stack
    g = [mats[..., 0, :, :]]
    p = [root_pos]
    for j in range(1, NUM_JOINTS):
        parent = SMPL_PARENTS[j]
        gp = g[parent]
        p.append(p[parent] + (gp @ offsets[j][:, None])[..., 0])
        g.append(gp @ mats[..., j, :, :])
    return stack(p, -2), stack(g, -3)


def forward_kinematics(
    root_pos: np.ndarray,
    rotations: np.ndarray,
    offsets: np.ndarray = SMPL_OFFSETS,
    *,
    rotations_are_matrices: bool = False,
) -> np.ndarray:
    """World joint positions (..., 22, 3) [m] (numpy).

    Args:
        root_pos: (..., 3) pelvis position in the world [m].
        rotations: (..., 22, 3) axis-angle [rad] (0 = pelvis in the world, 1..21 local to the parent),
            or (..., 22, 3, 3) matrices with ``rotations_are_matrices=True``.
        offsets: (22, 3) rest offsets [m], default the canonical neutral skeleton.
    """
    root_pos = np.asarray(root_pos, dtype=np.float64)
    rotations = np.asarray(rotations, dtype=np.float64)
    mats = rotations if rotations_are_matrices else axis_angle_to_matrix(rotations)
    if mats.shape[-3:] != (NUM_JOINTS, 3, 3) or root_pos.shape[-1] != 3:
        raise ValueError(
            f"forward_kinematics: expected root_pos (...,3) and rotations (...,22,3); got {root_pos.shape}, "
            f"{rotations.shape}"
        )
    offsets = np.asarray(offsets, dtype=np.float64)
    pos, _ = _fk_from_matrices(root_pos, mats, offsets, np)
    return pos


def global_rotations(rotations: np.ndarray) -> np.ndarray:
    """(..., 22, 3) local axis-angle -> (..., 22, 3, 3) world rotation matrices of each joint frame."""
    mats = axis_angle_to_matrix(np.asarray(rotations, dtype=np.float64))
    _, g = _fk_from_matrices(np.zeros(mats.shape[:-3] + (3,)), mats, np.asarray(SMPL_OFFSETS), np)
    return g


def forward_kinematics_torch(
    root_pos: torch.Tensor,
    rotations: torch.Tensor,
    offsets: np.ndarray | torch.Tensor = SMPL_OFFSETS,
    *,
    rotations_are_matrices: bool = False,
) -> torch.Tensor:
    """Differentiable FK, batched over any leading dims (e.g. (B, T)).

    Args:
        root_pos: (..., 3) [m].
        rotations: (..., 22, 3) axis-angle or (..., 22, 3, 3) matrices (``rotations_are_matrices=True``).
        offsets: (22, 3) [m]; moved to the inputs' dtype and device.
    Returns:
        (..., 22, 3) world joint positions [m].
    """
    mats = rotations if rotations_are_matrices else axis_angle_to_matrix(rotations)
    if mats.shape[-3:] != (NUM_JOINTS, 3, 3) or root_pos.shape[-1] != 3:
        raise ValueError(
            f"forward_kinematics_torch: expected root_pos (...,3) and rotations (...,22,3); got "
            f"{tuple(root_pos.shape)}, {tuple(rotations.shape)}"
        )
    off = offsets if isinstance(offsets, torch.Tensor) else torch.from_numpy(np.array(offsets, dtype=np.float64))
    off = off.to(dtype=mats.dtype, device=mats.device)
    pos, _ = _fk_from_matrices(root_pos.to(mats.dtype), mats, off, torch)
    return pos
