"""The SMPL 22-joint body skeleton in our world frame (z-up, x forward, y left; metres).

Rest pose = SMPL T-pose: arms straight out sideways along +-y, legs straight down, body facing +x.
``SMPL_OFFSETS[j]`` (j >= 1) is joint j's rest position relative to its parent, expressed in the
parent's frame (all local frames are aligned with the world in the rest pose). ``SMPL_OFFSETS[0]`` is the
rest pelvis position in the world: on the origin in x/y and at ``REST_PELVIS_HEIGHT`` above the ground.

Ground convention used throughout ``humanoid_lmm.motion``: z = 0 is the lowest foot joint
(ankles and ``*_foot`` toe joints) of the rest pose standing. Joints are skeleton joints, not the
skin: the sole lies a few centimetres below the toe joints in a real body.

Source of the numbers: the joint offsets of the SMPL neutral template (zero shape betas) as written in
the body ``pos`` attributes of ``smpl_humanoid.xml`` in PHC / ProtoMotions (NVIDIA), which the authors
generate from the SMPL neutral model and which are already rotated into z-up, x-forward, y-left.
The hand joints (SMPL 22/23) are dropped. Values are copied as facts (4 decimals, metres).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "SMPL_JOINT_NAMES",
    "SMPL_PARENTS",
    "SMPL_OFFSETS",
    "SMPL_MIRROR",
    "NUM_JOINTS",
    "REST_PELVIS_HEIGHT",
    "FOOT_JOINTS",
    "LEFT_FOOT_JOINTS",
    "RIGHT_FOOT_JOINTS",
    "joint_index",
    "rest_positions",
    "skeleton_height",
    "scaled_offsets",
]

SMPL_JOINT_NAMES: tuple[str, ...] = (
    "pelvis", "left_hip", "right_hip", "spine1", "left_knee", "right_knee", "spine2",
    "left_ankle", "right_ankle", "spine3", "left_foot", "right_foot", "neck",
    "left_collar", "right_collar", "head", "left_shoulder", "right_shoulder",
    "left_elbow", "right_elbow", "left_wrist", "right_wrist",
)  # fmt: skip
NUM_JOINTS = len(SMPL_JOINT_NAMES)  # 22

SMPL_PARENTS: tuple[int, ...] = (-1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 12, 13, 14, 16, 17, 18, 19)

# joint offsets relative to the parent, metres, z-up / x-forward / y-left (source: module docstring)
_LOCAL = np.array(
    [
        [0.0, 0.0, 0.0],  # pelvis (replaced by the rest pelvis position below)
        [-0.0068, 0.0695, -0.0914],  # left_hip
        [-0.0043, -0.0677, -0.0905],  # right_hip
        [-0.0267, -0.0025, 0.1090],  # spine1
        [-0.0045, 0.0343, -0.3752],  # left_knee
        [-0.0089, -0.0383, -0.3826],  # right_knee
        [0.0011, 0.0055, 0.1352],  # spine2
        [-0.0437, -0.0136, -0.3980],  # left_ankle
        [-0.0423, 0.0158, -0.3984],  # right_ankle
        [0.0254, 0.0015, 0.0529],  # spine3
        [0.1193, 0.0264, -0.0558],  # left_foot (toes)
        [0.1233, -0.0254, -0.0481],  # right_foot (toes)
        [-0.0429, -0.0028, 0.2139],  # neck
        [-0.0341, 0.0788, 0.1217],  # left_collar
        [-0.0386, -0.0818, 0.1188],  # right_collar
        [0.0513, 0.0052, 0.0650],  # head
        [-0.0089, 0.0910, 0.0305],  # left_shoulder
        [-0.0091, -0.0960, 0.0326],  # right_shoulder
        [-0.0275, 0.2596, -0.0128],  # left_elbow
        [-0.0214, -0.2537, -0.0133],  # right_elbow
        [-0.0012, 0.2492, 0.0090],  # left_wrist
        [-0.0056, -0.2553, 0.0078],  # right_wrist
    ]
)

LEFT_FOOT_JOINTS = (7, 10)  # left_ankle, left_foot
RIGHT_FOOT_JOINTS = (8, 11)  # right_ankle, right_foot
FOOT_JOINTS = LEFT_FOOT_JOINTS + RIGHT_FOOT_JOINTS

# left <-> right joint index map (pelvis and spine map to themselves)
SMPL_MIRROR: tuple[int, ...] = tuple(
    SMPL_JOINT_NAMES.index(
        n.replace("left_", "@").replace("right_", "left_").replace("@", "right_")
    )
    for n in SMPL_JOINT_NAMES
)


def _rest_from_local(local: np.ndarray) -> np.ndarray:
    """(22, 3) parent-relative offsets with pelvis at the origin -> (22, 3) rest positions."""
    pos = np.zeros_like(local)
    for j in range(1, NUM_JOINTS):
        pos[j] = pos[SMPL_PARENTS[j]] + local[j]
    return pos


def _pelvis_height(local: np.ndarray) -> float:
    return float(-_rest_from_local(local)[list(FOOT_JOINTS), 2].min())


REST_PELVIS_HEIGHT: float = _pelvis_height(_LOCAL)  # metres above the ground, about 0.920

SMPL_OFFSETS = _LOCAL.copy()
SMPL_OFFSETS[0] = (0.0, 0.0, REST_PELVIS_HEIGHT)
SMPL_OFFSETS.setflags(write=False)


def joint_index(name: str) -> int:
    """Index of an SMPL joint name; ValueError lists the valid names."""
    try:
        return SMPL_JOINT_NAMES.index(name)
    except ValueError:
        raise ValueError(f"unknown SMPL joint {name!r}; valid: {', '.join(SMPL_JOINT_NAMES)}") from None


def rest_positions(offsets: np.ndarray = SMPL_OFFSETS) -> np.ndarray:
    """(22, 3) world joint positions [m] of the rest T-pose standing on z = 0."""
    offsets = np.asarray(offsets, dtype=np.float64)
    pos = _rest_from_local(offsets)
    pos += offsets[0]
    return pos


def skeleton_height(offsets: np.ndarray = SMPL_OFFSETS) -> float:
    """Height [m] from the lowest foot joint to the head joint in the rest pose (~1.50 m for SMPL_OFFSETS).

    This is a joint-to-joint span, not the stature: the top of the skull is ~0.2 m above the head joint.
    Use ratios of this number (human vs robot, or between skeletons) for scaling.
    """
    pos = rest_positions(offsets)
    return float(pos[joint_index("head"), 2] - pos[list(FOOT_JOINTS), 2].min())


def scaled_offsets(scale: float, offsets: np.ndarray = SMPL_OFFSETS) -> np.ndarray:
    """Offsets of a uniformly scaled skeleton (including the rest pelvis height), (22, 3) [m]."""
    if not np.isfinite(scale) or scale <= 0:
        raise ValueError(f"scale must be a positive finite number, got {scale!r}")
    return np.asarray(offsets, dtype=np.float64) * float(scale)
