"""Training loss of MotionBook: d135 reconstruction + forward-kinematics joint positions and velocities
+ quantizer terms (commitment, LFQ entropy penalty). All terms honour a (B, T) validity mask (padding).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from ..motion import NUM_JOINTS, d135_to_positions_torch, joint_index
from .configuration import MotionTokenizerConfig
from .parts import joint_columns

__all__ = ["motionbook_loss", "masked_mean", "joint_weights", "column_weights"]


def masked_mean(v: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean of ``v`` (B, T, ...) over the frames where ``mask`` (B, T) is true."""
    m = mask.to(v.dtype).reshape(mask.shape + (1,) * (v.dim() - mask.dim()))
    denom = m.sum() * (v[0, 0].numel() if v.dim() > 2 else 1)
    return (v * m).sum() / denom.clamp_min(1.0)


END_EFFECTORS = ("left_ankle", "right_ankle", "left_foot", "right_foot", "left_wrist", "right_wrist")


def joint_weights(ee_weight: float, device=None) -> torch.Tensor:
    """(22,) per-joint weights of the FK terms: ``ee_weight`` on wrists, ankles and feet, 1 elsewhere,
    scaled to mean 1 (so ``ee_weight = 1`` is the plain mean). Hands and feet carry most of what a
    command is about (a wave, a punch, a kick) but are 6 of 22 joints in an unweighted mean."""
    w = torch.ones(NUM_JOINTS, device=device)
    w[[joint_index(n) for n in END_EFFECTORS]] = float(ee_weight)
    return w * (NUM_JOINTS / w.sum())


def column_weights(cfg: MotionTokenizerConfig, device=None) -> torch.Tensor:
    """(135,) weights of the d135 term: ``cfg.rot_weight`` on the 6D rotation columns of ``cfg.rot_joints``,
    1 elsewhere (not rescaled: the other columns keep their weight)."""
    w = torch.ones(135, device=device)
    w[list(joint_columns(*cfg.rot_joints))] = float(cfg.rot_weight)
    return w


def motionbook_loss(
    cfg: MotionTokenizerConfig,
    pred_n: torch.Tensor,
    target_n: torch.Tensor,
    pred: torch.Tensor,
    target: torch.Tensor,
    mask: torch.Tensor,
    aux: dict,
) -> tuple[torch.Tensor, dict[str, float]]:
    """Total loss and a dict of its (detached) terms.

    Args:
        pred_n, target_n: (B, T, 135) normalised d135 (model output / input).
        pred, target: (B, T, 135) the same de-normalised (raw d135 units).
        mask: (B, T) bool, true on real (non-padded) frames.
        aux: the quantizer's losses ("commit", and "entropy" for LFQ in training mode).
    """
    rec = masked_mean(F.smooth_l1_loss(pred_n, target_n, reduction="none", beta=0.1) * column_weights(cfg, pred_n.device), mask)
    pos_p = d135_to_positions_torch(pred.float(), cfg.fps)  # (B, T, 22, 3) [m]
    pos_t = d135_to_positions_torch(target.float(), cfg.fps)
    w = joint_weights(cfg.ee_weight, pos_p.device)[:, None]  # (22, 1), mean 1
    pos = masked_mean((pos_p - pos_t).abs() * w, mask)
    vel_mask = mask[:, 1:] & mask[:, :-1]
    vel = masked_mean(((pos_p[:, 1:] - pos_p[:, :-1]) - (pos_t[:, 1:] - pos_t[:, :-1])).abs() * w, vel_mask)
    total = cfg.rec_weight * rec + cfg.pos_weight * pos + cfg.vel_weight * vel
    total = total + cfg.commit_weight * aux["commit"]
    terms = {"rec": rec, "pos": pos, "vel": vel, "commit": aux["commit"]}
    if "entropy" in aux:
        total = total + cfg.entropy_weight * aux["entropy"]
        terms["entropy"] = aux["entropy"]
    with torch.no_grad():
        terms["mpjpe_mm"] = masked_mean((pos_p - pos_t).norm(dim=-1), mask) * 1000
    return total, {k: float(v.detach()) for k, v in terms.items()}
