"""Human motion -> per-frame robot IK targets: scaled keypoints, link orientations, foot contacts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from humanoid_lmm.errors import RetargetError
from humanoid_lmm.motion import REST_PELVIS_HEIGHT, SMPL_JOINT_NAMES, Motion
from humanoid_lmm.motion.kinematics import global_rotations
from humanoid_lmm.motion.metrics import foot_contacts
from humanoid_lmm.motion.ops import ground_align, resample
from humanoid_lmm.retarget.config import RetargetConfig

__all__ = ["HumanTargets", "human_targets"]

_ARM_CHAINS = (("left_shoulder", "left_elbow", "left_wrist"), ("right_shoulder", "right_elbow", "right_wrist"))


@dataclass
class HumanTargets:
    """Targets at the output rate. joints: SMPL names tracked; positions (T, k, 3) [m], scaled to the robot;
    rotations (T, 22, 3, 3) world frames of every SMPL joint; contacts (T, 2) bool (left, right toe)."""

    fps: float
    joints: tuple[str, ...]
    positions: np.ndarray
    rotations: np.ndarray
    contacts: np.ndarray
    scale: float


_LEGS = (("left_hip", "left_knee", "left_ankle", "left_foot"), ("right_hip", "right_knee", "right_ankle", "right_foot"))


def _widen(scaled: np.ndarray, frames: np.ndarray, chains, root: tuple[str, str], half_width: float, idx: dict) -> None:
    """Shift each side's chain sideways (along the y axis of `frames`, (T, 3, 3)) so that the two root joints
    of the chains are `half_width` from the middle: robot hips and shoulders are wider, relative to their
    height, than a scaled human's, and feet or elbows would otherwise collide."""
    left, right = scaled[:, idx[root[0]]], scaled[:, idx[root[1]]]
    side = frames[:, :, 1]  # (T, 3) lateral axis, pointing left
    human_half = 0.5 * np.einsum("ti,ti->t", left - right, side)
    for sign, chain in zip((1.0, -1.0), chains):
        shift = (sign * (half_width - human_half))[:, None] * side
        for j in chain:
            scaled[:, idx[j]] += shift


def human_targets(motion: Motion, fps: float, cfg: RetargetConfig, robot: str, robot_pelvis_height: float,
                  joints: tuple[str, ...], hip_half_width: float | None = None,
                  shoulder_half_width: float | None = None) -> HumanTargets:
    """Resample to `fps`, put the lowest foot on the ground, scale about the origin to the robot's size, and
    widen hips/shoulders to the robot's (half widths [m] measured on the robot's default pose)."""
    if motion.n_frames < 2:
        raise RetargetError(f"motion has {motion.n_frames} frame(s); retargeting needs at least 2")
    m = ground_align(resample(motion, fps) if abs(motion.fps - fps) > 1e-6 else motion)
    pos = m.positions()  # (T, 22, 3)
    contacts = foot_contacts(pos, fps, height=cfg.contact_height, speed=cfg.contact_speed)
    rs = cfg.scale_for(robot)
    s = rs.scale if rs.scale is not None else robot_pelvis_height / REST_PELVIS_HEIGHT
    scaled = pos * s
    idx = {n: i for i, n in enumerate(SMPL_JOINT_NAMES)}
    for sh, el, wr in _ARM_CHAINS:  # shorten (or lengthen) the arms about the shoulder
        a = rs.arm_scale
        elbow = scaled[:, idx[sh]] + a * (scaled[:, idx[el]] - scaled[:, idx[sh]])
        wrist = elbow + a * (scaled[:, idx[wr]] - scaled[:, idx[el]])
        scaled[:, idx[el]], scaled[:, idx[wr]] = elbow, wrist
    world = global_rotations(m.rotations)  # (T, 22, 3, 3)
    if hip_half_width is not None:
        _widen(scaled, _yaw_frames(world[:, idx["pelvis"]]), _LEGS, ("left_hip", "right_hip"), hip_half_width, idx)
    if shoulder_half_width is not None:
        _widen(scaled, world[:, idx["spine3"]], _ARM_CHAINS, ("left_shoulder", "right_shoulder"),
               shoulder_half_width, idx)
    if hip_half_width is not None:
        _clear_hips(scaled, _yaw_frames(world[:, idx["pelvis"]]), hip_half_width + ARM_CLEARANCE, idx)
    missing = [j for j in joints if j not in idx]
    if missing:
        raise RetargetError(f"smpl_map names unknown SMPL joints {missing}")
    return HumanTargets(
        fps=fps,
        joints=tuple(joints),
        positions=scaled[:, [idx[j] for j in joints]],
        rotations=world,
        contacts=contacts,
        scale=float(s),
    )


ARM_CLEARANCE = 0.08  # [m] elbows/wrists beside the body stay this far outside the hip joints


def _clear_hips(scaled: np.ndarray, frames: np.ndarray, min_lateral: float, idx: dict) -> None:
    """Push elbow/wrist targets that are low (near or below the hips, beside or in front of the thighs) outward,
    so arms of a narrow human do not drive the robot's arms into its wider hips."""
    pelvis = scaled[:, idx["pelvis"]]
    for sign, (_, el, wr) in zip((1.0, -1.0), _ARM_CHAINS):
        for j in (el, wr):
            local = np.einsum("tji,tj->ti", frames, scaled[:, idx[j]] - pelvis)  # in the pelvis yaw frame
            beside = (local[:, 2] < 0.25) & (sign * local[:, 1] < min_lateral)
            local[beside, 1] = sign * min_lateral
            scaled[:, idx[j]] = pelvis + np.einsum("tij,tj->ti", frames, local)


def _yaw_frames(R: np.ndarray) -> np.ndarray:
    """(T, 3, 3) rotations about z only, with the heading of R's x axis."""
    yaw = np.arctan2(R[:, 1, 0], R[:, 0, 0])
    c, s = np.cos(yaw), np.sin(yaw)
    out = np.zeros_like(R)
    out[:, 0, 0], out[:, 0, 1], out[:, 1, 0], out[:, 1, 1], out[:, 2, 2] = c, -s, s, c, 1.0
    return out

