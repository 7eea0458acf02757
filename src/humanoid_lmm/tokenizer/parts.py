"""Body-part split of the SMPL-d135 feature axis: which d135 columns each MotionBook part reads.

d135 layout (``humanoid_lmm.motion.d135``): ``[0:6]`` root 6D rotation, ``[6:8]`` root ground
velocity, ``[8]`` root height, then joint ``j`` (1..21, SMPL order) at ``[9 + 6*(j-1) : 15 + 6*(j-1)]``.

Layout ``"body6"`` (the default, P = 6; every column used exactly once, 9 + 30 + 4 x 24 = 135)::

    part        columns                                  SMPL joints
    root        0:9   (rotation, velocity, height)       pelvis
    torso       spine1, spine2, spine3, neck, head       3, 6, 9, 12, 15           (30 columns)
    left_arm    left collar, shoulder, elbow, wrist      13, 16, 18, 20            (24 columns)
    right_arm   right collar, shoulder, elbow, wrist     14, 17, 19, 21            (24 columns)
    left_leg    left hip, knee, ankle, foot              1, 4, 7, 10               (24 columns)
    right_leg   right hip, knee, ankle, foot             2, 5, 8, 11               (24 columns)

Layout ``"whole"`` (P = 1): all 135 columns as one part (fewest tokens per second).

Parts have different widths; the model projects each part's columns to a common channel width with
its own linear layer and back (``modeling.py``).
"""

from __future__ import annotations

from ..motion.skeleton import SMPL_JOINT_NAMES

__all__ = ["PART_LAYOUTS", "part_names", "part_columns", "joint_columns"]


def joint_columns(*names: str) -> tuple[int, ...]:
    """d135 columns of the 6D rotations of the named SMPL joints (pelvis excluded), in the order given."""
    cols: list[int] = []
    for n in names:
        j = SMPL_JOINT_NAMES.index(n)
        cols.extend(range(9 + 6 * (j - 1), 15 + 6 * (j - 1)))
    return tuple(cols)


_BODY6: dict[str, tuple[int, ...]] = {
    "root": tuple(range(0, 9)),
    "torso": joint_columns("spine1", "spine2", "spine3", "neck", "head"),
    "left_arm": joint_columns("left_collar", "left_shoulder", "left_elbow", "left_wrist"),
    "right_arm": joint_columns("right_collar", "right_shoulder", "right_elbow", "right_wrist"),
    "left_leg": joint_columns("left_hip", "left_knee", "left_ankle", "left_foot"),
    "right_leg": joint_columns("right_hip", "right_knee", "right_ankle", "right_foot"),
}

PART_LAYOUTS: dict[str, dict[str, tuple[int, ...]]] = {
    "body6": _BODY6,
    "whole": {"body": tuple(range(135))},
}


def _layout(layout: str) -> dict[str, tuple[int, ...]]:
    if layout not in PART_LAYOUTS:
        raise ValueError(f"unknown part layout {layout!r}; valid: {', '.join(PART_LAYOUTS)}")
    return PART_LAYOUTS[layout]


def part_names(layout: str = "body6") -> tuple[str, ...]:
    """Names of the parts in token order (part index p of a token at flat index s*P + p)."""
    return tuple(_layout(layout))


def part_columns(layout: str = "body6") -> tuple[tuple[int, ...], ...]:
    """d135 column indices of each part, in part order."""
    return tuple(_layout(layout).values())
