"""Position-to-rotation IK: fit SMPL joint rotations so that FK on the canonical skeleton matches
observed joint positions (HumanML3D ``new_joints``, OMOMO / climb mocap, foreign BVH skeletons).

Method (all frames at once, numpy then torch):

1. **Scale by height.** Human subjects differ in size from the canonical skeleton. The scale
   ``s = sum(median observed bone length) / sum(canonical bone length)`` over the bones whose two ends are
   observed; positions are divided by ``s`` (about the world origin, so the root path shrinks with the
   body). ``s`` is returned (``IKResult.scale``); multiply by it to get back to the subject's size.
2. **Analytic swing + twist choice.** Joints are visited parent first. A joint with several children
   (pelvis, spine3) gets its world rotation by Kabsch (SVD) between its children's rest offsets and the
   observed child directions. A joint with one child gets the *minimal* rotation (swing) that turns the
   parent-frame bone direction onto the observed one: zero twist relative to the parent (the twist about
   a bone is not observable from positions). Leaf joints (toes, head, wrists) keep the parent's orientation.
3. **Refinement** (optional): ``refine_steps`` L-BFGS iterations in torch on all frames, minimising the
   weighted squared position error plus a small pull towards the analytic solution (keeps unobservable
   twists put) and a small temporal smoothness term.

The residual MPJPE is reported in mm, on the canonical skeleton (``residual_mm``, after scaling) and per
frame, over the observed joints.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ...errors import MotionError
from ..kinematics import forward_kinematics, forward_kinematics_torch
from ..motion import Motion
from ..rotations import matrix_to_axis_angle
from ..skeleton import NUM_JOINTS, SMPL_JOINT_NAMES, SMPL_OFFSETS, SMPL_PARENTS

__all__ = ["IKResult", "positions_to_motion", "fill_missing_joints", "estimate_scale"]

_CHILDREN: tuple[tuple[int, ...], ...] = tuple(
    tuple(c for c in range(NUM_JOINTS) if SMPL_PARENTS[c] == j) for j in range(NUM_JOINTS)
)


@dataclass(frozen=True)
class IKResult:
    """Outcome of :func:`positions_to_motion`.

    Attributes:
        motion: the fitted Motion (canonical skeleton, positions divided by ``scale``).
        scale: subject size / canonical size (dimensionless).
        residual_mm: mean per-joint position error [mm] over observed joints and frames (canonical size).
        residual_max_mm: worst single joint error [mm].
        per_frame_mm: (T,) mean error per frame [mm].
        analytic_mm: mean error [mm] of the analytic initialisation, before refinement.
    """

    motion: Motion
    scale: float
    residual_mm: float
    residual_max_mm: float
    per_frame_mm: np.ndarray
    analytic_mm: float


def _check(positions, mask) -> tuple[np.ndarray, np.ndarray]:
    pos = np.asarray(positions, dtype=np.float64)
    if pos.ndim != 3 or pos.shape[1:] != (NUM_JOINTS, 3) or pos.shape[0] < 1:
        raise MotionError(f"positions_to_motion: positions must be (T, 22, 3), got {pos.shape}")
    m = np.ones(NUM_JOINTS, bool) if mask is None else np.asarray(mask, dtype=bool)
    if m.shape != (NUM_JOINTS,):
        raise MotionError(f"positions_to_motion: mask must be (22,) bool, got {m.shape}")
    if not m[0]:
        raise MotionError("positions_to_motion: the pelvis (joint 0) must be observed")
    if not np.isfinite(pos[:, m]).all():
        raise MotionError("positions_to_motion: observed positions contain NaN/inf")
    return pos, m


def fill_missing_joints(positions: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Fill unobserved joints (mask False) from observed neighbours, (T, 22, 3) -> (T, 22, 3).

    A missing joint between an observed parent and child goes where the canonical bone-length ratio puts
    it on the segment; a missing leaf keeps its parent's position plus the canonical offset.
    """
    pos = np.array(positions, dtype=np.float64)
    known = np.asarray(mask, bool).copy()
    for j in range(1, NUM_JOINTS):
        if known[j]:
            continue
        p = SMPL_PARENTS[j]
        kids = [c for c in _CHILDREN[j] if known[c]]
        if known[p] and kids:
            c = kids[0]
            a, b = np.linalg.norm(SMPL_OFFSETS[j]), np.linalg.norm(SMPL_OFFSETS[c])
            pos[:, j] = pos[:, p] + (pos[:, c] - pos[:, p]) * (a / (a + b))
        elif known[p]:
            pos[:, j] = pos[:, p] + SMPL_OFFSETS[j]
        else:
            raise MotionError(
                f"positions_to_motion: cannot fill joint {SMPL_JOINT_NAMES[j]!r}: its parent is not observed"
            )
        known[j] = True
    return pos


def estimate_scale(positions: np.ndarray, mask: np.ndarray) -> float:
    """Subject size relative to the canonical skeleton from median bone lengths of observed bones."""
    obs, ref = 0.0, 0.0
    for j in range(1, NUM_JOINTS):
        p = SMPL_PARENTS[j]
        if mask[j] and mask[p]:
            obs += float(np.median(np.linalg.norm(positions[:, j] - positions[:, p], axis=-1)))
            ref += float(np.linalg.norm(SMPL_OFFSETS[j]))
    if ref <= 0 or obs <= 0:
        raise MotionError("positions_to_motion: no observed bone to estimate the scale from")
    return obs / ref


def _swing(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(T, 3), (T, 3) -> (T, 3, 3) minimal rotation turning direction a onto direction b."""
    a = a / np.maximum(np.linalg.norm(a, axis=-1, keepdims=True), 1e-12)
    b = b / np.maximum(np.linalg.norm(b, axis=-1, keepdims=True), 1e-12)
    v = np.cross(a, b)
    c = np.einsum("ti,ti->t", a, b)
    out = np.empty(a.shape[:-1] + (3, 3))
    K = np.zeros_like(out)
    K[:, 0, 1], K[:, 0, 2], K[:, 1, 2] = -v[:, 2], v[:, 1], -v[:, 0]
    K[:, 1, 0], K[:, 2, 0], K[:, 2, 1] = v[:, 2], -v[:, 1], v[:, 0]
    k = 1.0 / np.maximum(1.0 + c, 1e-9)
    out[:] = np.eye(3) + K + (K @ K) * k[:, None, None]
    # antiparallel: rotate pi about any axis perpendicular to a
    anti = c < -1 + 1e-9
    if anti.any():
        perp = np.cross(a[anti], [1.0, 0.0, 0.0])
        bad = np.linalg.norm(perp, axis=-1) < 1e-6
        perp[bad] = np.cross(a[anti][bad], [0.0, 1.0, 0.0])
        perp /= np.linalg.norm(perp, axis=-1, keepdims=True)
        out[anti] = 2 * perp[:, :, None] * perp[:, None, :] - np.eye(3)
    return out


def _kabsch(src: np.ndarray, tgt: np.ndarray) -> np.ndarray:
    """src (k, 3) rest vectors, tgt (T, k, 3) observed -> (T, 3, 3) rotation R with R @ src ~ tgt."""
    H = np.einsum("ki,tkj->tij", src, tgt)  # (T, 3, 3)
    U, _, Vt = np.linalg.svd(H)
    d = np.sign(np.linalg.det(np.swapaxes(Vt, -1, -2) @ np.swapaxes(U, -1, -2)))
    D = np.tile(np.eye(3), (len(d), 1, 1))
    D[:, 2, 2] = d
    return np.swapaxes(Vt, -1, -2) @ D @ np.swapaxes(U, -1, -2)


def _analytic(pos: np.ndarray) -> np.ndarray:
    """(T, 22, 3) positions (canonical size) -> (T, 22, 3, 3) local rotation matrices."""
    T = pos.shape[0]
    G = np.zeros((T, NUM_JOINTS, 3, 3))
    local = np.zeros_like(G)
    for j in range(NUM_JOINTS):
        kids = _CHILDREN[j]
        parent_g = G[:, SMPL_PARENTS[j]] if j > 0 else np.tile(np.eye(3), (T, 1, 1))
        if j == 0 or len(kids) > 1:
            src = np.stack([SMPL_OFFSETS[c] for c in kids])
            tgt = np.stack([pos[:, c] - pos[:, j] for c in kids], 1)
            G[:, j] = _kabsch(src, tgt)
        elif len(kids) == 1:
            c = kids[0]
            rest_dir = (parent_g @ SMPL_OFFSETS[c][:, None])[..., 0]
            G[:, j] = _swing(rest_dir, pos[:, c] - pos[:, j]) @ parent_g
        else:
            G[:, j] = parent_g
        local[:, j] = np.swapaxes(parent_g, -1, -2) @ G[:, j]
    return local


def _refine(pos, mask, root0, aa0, steps: int, reg: float, smooth: float):
    tgt = torch.from_numpy(pos)
    w = torch.from_numpy(mask.astype(np.float64))[None, :, None]
    root = torch.tensor(root0, requires_grad=True)
    aa = torch.tensor(aa0, requires_grad=True)
    aa_init = torch.from_numpy(aa0)
    opt = torch.optim.LBFGS([root, aa], lr=1.0, max_iter=steps, line_search_fn="strong_wolfe")
    n = float(mask.sum() * pos.shape[0])

    def closure():
        opt.zero_grad()
        fk = forward_kinematics_torch(root, aa)
        loss = (((fk - tgt) ** 2) * w).sum() / n
        loss = loss + reg * ((aa - aa_init) ** 2).mean()
        if aa.shape[0] > 1:
            loss = loss + smooth * ((aa[1:] - aa[:-1]) ** 2).mean()
        loss.backward()
        return loss

    opt.step(closure)
    return root.detach().numpy(), aa.detach().numpy()


def positions_to_motion(
    positions: np.ndarray,
    fps: float,
    mask: np.ndarray | None = None,
    *,
    scale: float | str = "auto",
    refine_steps: int = 30,
    reg: float = 1e-4,
    smooth: float = 1e-4,
    text: str = "",
) -> IKResult:
    """Fit a :class:`Motion` to world joint positions.

    Args:
        positions: (T, 22, 3) SMPL-order joint positions [m] in our frame (z-up, x forward, y left).
        fps: frame rate [1/s].
        mask: (22,) bool, which joints are observed (others are filled and get zero weight).
        scale: ``"auto"`` (by bone lengths, see module docstring) or a number (subject / canonical size).
        refine_steps: L-BFGS iterations after the analytic solution (0 = analytic only).
        reg, smooth: weights of the pull towards the analytic solution and of the temporal smoothness [rad^-2].
        text: description stored in the motion.
    """
    pos, m = _check(positions, mask)
    if not m.all():
        pos = fill_missing_joints(pos, m)
    s = estimate_scale(pos, m) if scale == "auto" else float(scale)
    if not np.isfinite(s) or s <= 0:
        raise MotionError(f"positions_to_motion: scale must be a positive number, got {scale!r}")
    pos = pos / s
    aa = matrix_to_axis_angle(_analytic(pos))  # (T, 22, 3)
    root = pos[:, 0].copy()

    def err(r, a):
        e = np.linalg.norm(forward_kinematics(r, a) - pos, axis=-1)[:, m] * 1000.0  # (T, k) mm
        return e

    e0 = err(root, aa)
    if refine_steps > 0:
        root, aa = _refine(pos, m, root, aa, refine_steps, reg, smooth)
        e = err(root, aa)
        if e.mean() > e0.mean():  # never return something worse than the analytic fit
            root, aa, e = pos[:, 0].copy(), matrix_to_axis_angle(_analytic(pos)), e0
    else:
        e = e0
    motion = Motion(fps, root, aa, text)
    return IKResult(motion, s, float(e.mean()), float(e.max()), e.mean(1), float(e0.mean()))
