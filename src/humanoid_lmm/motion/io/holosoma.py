"""Import the real human mocap shipped with holosoma-retargeting (``demo_data/``) as ``Motion``.

* ``OMOMO_new/*.pt``: one float32 torch tensor (T, 591); columns 162:318 are 52 SMPL-H joint positions
  (world, z-up, metres) in holosoma's ``SMPLH_DEMO_JOINTS`` order (Pelvis, L_Hip, L_Knee, L_Ankle, L_Toe,
  R_Hip, ..., Torso, Spine, Chest, Neck, Head, L_Thorax, L_Shoulder, L_Elbow, L_Wrist, 15 L fingers,
  R_Thorax, ...). That order was checked on the data (index 2 is a knee ~0.55 m high). No fps is stored;
  holosoma assumes 30 fps.
* ``climb/mocap_climb_seq_*/*.npy``: float32 (T, 53, 3), z-up metres, Mixamo-style names
  (``MOCAP_DEMO_JOINTS``), about 120 fps. Mixamo has two spine joints: ``Spine`` -> spine1,
  ``Spine1`` -> spine3; SMPL spine2 is unobserved (filled on the segment, zero IK weight).

Both are positions, converted with :func:`~humanoid_lmm.motion.io.ik.positions_to_motion` (scaled to the
canonical skeleton by bone lengths). The data is read with numpy / torch only; holosoma's Python code is
not imported.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ...errors import MotionError
from ..skeleton import NUM_JOINTS, SMPL_JOINT_NAMES
from .ik import IKResult, positions_to_motion

__all__ = [
    "OMOMO_JOINTS",
    "MIXAMO_JOINTS",
    "OMOMO_TO_SMPL",
    "MIXAMO_TO_SMPL",
    "OMOMO_FPS",
    "CLIMB_FPS",
    "map_to_smpl",
    "read_omomo_positions",
    "read_climb_positions",
    "load_omomo_pt",
    "load_climb_npy",
]

OMOMO_FPS = 30.0
CLIMB_FPS = 120.0

_FINGERS = [f"{f}{i}" for f in ("Index", "Middle", "Pinky", "Ring", "Thumb") for i in (1, 2, 3)]
OMOMO_JOINTS: tuple[str, ...] = tuple(
    ["Pelvis", "L_Hip", "L_Knee", "L_Ankle", "L_Toe", "R_Hip", "R_Knee", "R_Ankle", "R_Toe",
     "Torso", "Spine", "Chest", "Neck", "Head", "L_Thorax", "L_Shoulder", "L_Elbow", "L_Wrist"]
    + [f"L_{f}" for f in _FINGERS]
    + ["R_Thorax", "R_Shoulder", "R_Elbow", "R_Wrist"]
    + [f"R_{f}" for f in _FINGERS]
)  # fmt: skip  (52)

_MIX_FINGERS = [f"{f}{i}" for f in ("Thumb", "Index", "Middle", "Ring", "Pinky") for i in (1, 2, 3)]
MIXAMO_JOINTS: tuple[str, ...] = tuple(
    ["Hips", "Spine", "Spine1", "Neck", "Head", "LeftShoulder", "LeftArm", "LeftForeArm", "LeftHand"]
    + [f"LeftHand{f}" for f in _MIX_FINGERS]
    + ["RightShoulder", "RightArm", "RightForeArm", "RightHand"]
    + [f"RightHand{f}" for f in _MIX_FINGERS]
    + ["LeftUpLeg", "LeftLeg", "LeftFoot", "LeftToeBase", "RightUpLeg", "RightLeg", "RightFoot",
       "RightToeBase", "LeftFootMod", "RightFootMod"]
)  # fmt: skip  (53)

OMOMO_TO_SMPL: dict[str, str] = {
    "pelvis": "Pelvis", "left_hip": "L_Hip", "right_hip": "R_Hip", "spine1": "Torso",
    "left_knee": "L_Knee", "right_knee": "R_Knee", "spine2": "Spine", "left_ankle": "L_Ankle",
    "right_ankle": "R_Ankle", "spine3": "Chest", "left_foot": "L_Toe", "right_foot": "R_Toe",
    "neck": "Neck", "left_collar": "L_Thorax", "right_collar": "R_Thorax", "head": "Head",
    "left_shoulder": "L_Shoulder", "right_shoulder": "R_Shoulder", "left_elbow": "L_Elbow",
    "right_elbow": "R_Elbow", "left_wrist": "L_Wrist", "right_wrist": "R_Wrist",
}  # fmt: skip

# Mixamo / LAFAN-like names shared with the BVH importer; spine2 has no Mixamo joint here.
MIXAMO_TO_SMPL: dict[str, str] = {
    "pelvis": "Hips", "left_hip": "LeftUpLeg", "right_hip": "RightUpLeg", "spine1": "Spine",
    "left_knee": "LeftLeg", "right_knee": "RightLeg", "left_ankle": "LeftFoot", "right_ankle": "RightFoot",
    "spine3": "Spine1", "left_foot": "LeftToeBase", "right_foot": "RightToeBase", "neck": "Neck",
    "left_collar": "LeftShoulder", "right_collar": "RightShoulder", "head": "Head",
    "left_shoulder": "LeftArm", "right_shoulder": "RightArm", "left_elbow": "LeftForeArm",
    "right_elbow": "RightForeArm", "left_wrist": "LeftHand", "right_wrist": "RightHand",
}  # fmt: skip


def map_to_smpl(positions: np.ndarray, names, name_map: dict[str, str]) -> tuple[np.ndarray, np.ndarray]:
    """(T, K, 3) positions with joint ``names`` -> (T, 22, 3) SMPL-order positions and (22,) observed mask."""
    index = {n: i for i, n in enumerate(names)}
    out = np.zeros((positions.shape[0], NUM_JOINTS, 3))
    mask = np.zeros(NUM_JOINTS, bool)
    for j, smpl in enumerate(SMPL_JOINT_NAMES):
        src = name_map.get(smpl)
        if src is not None and src in index:
            out[:, j] = positions[:, index[src]]
            mask[j] = True
    return out, mask


def read_omomo_positions(path: str | Path) -> np.ndarray:
    """(T, 52, 3) float64 SMPL-H joint positions [m, z-up] from an OMOMO ``.pt`` file."""
    import torch

    path = Path(path)
    if not path.is_file():
        raise MotionError(f"read_omomo_positions: no such file {path}")
    try:
        x = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:
        raise MotionError(f"read_omomo_positions: {path} is not a readable torch tensor file ({exc})") from None
    if not isinstance(x, torch.Tensor) or x.ndim != 2 or x.shape[1] < 318:
        raise MotionError(f"read_omomo_positions: {path}: expected a (T, >=318) tensor, got {getattr(x, 'shape', type(x))}")
    return x.detach().to(torch.float64).numpy()[:, 162:318].reshape(-1, 52, 3)


def read_climb_positions(path: str | Path) -> np.ndarray:
    """(T, 53, 3) float64 Mixamo joint positions [m, z-up] from a climb ``.npy`` file."""
    path = Path(path)
    if not path.is_file():
        raise MotionError(f"read_climb_positions: no such file {path}")
    x = np.load(path)
    if x.ndim != 3 or x.shape[1:] != (53, 3):
        raise MotionError(f"read_climb_positions: {path}: expected (T, 53, 3), got {x.shape}")
    return x.astype(np.float64)


def load_omomo_pt(path: str | Path, *, stride: int = 1, max_frames: int | None = None,
                  refine_steps: int = 30, text: str = "") -> IKResult:
    """OMOMO ``.pt`` -> :class:`IKResult` (motion at 30 / ``stride`` fps, scale, IK residual in mm)."""
    pos = read_omomo_positions(path)[::stride][:max_frames]
    smpl, mask = map_to_smpl(pos, OMOMO_JOINTS, OMOMO_TO_SMPL)
    return positions_to_motion(smpl, OMOMO_FPS / stride, mask, refine_steps=refine_steps, text=text)


def load_climb_npy(path: str | Path, *, stride: int = 4, max_frames: int | None = None,
                   refine_steps: int = 30, text: str = "") -> IKResult:
    """Climb ``.npy`` -> :class:`IKResult`; default ``stride`` 4 gives 30 fps like holosoma."""
    pos = read_climb_positions(path)[::stride][:max_frames]
    smpl, mask = map_to_smpl(pos, MIXAMO_JOINTS, MIXAMO_TO_SMPL)
    return positions_to_motion(smpl, CLIMB_FPS / stride, mask, refine_steps=refine_steps, text=text)
