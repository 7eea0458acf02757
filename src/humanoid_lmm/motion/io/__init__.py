"""Import / export of motions: AMASS npz, HumanML3D (new_joints in, 263 features out), BVH, the holosoma
demo mocap, and the position-to-rotation IK they share. :func:`load_motion` reads any supported file.
"""

from .amass import load_amass_npz, save_amass_npz
from .bvh import BVH_NAME_MAPS, BvhSkeleton, load_bvh, parse_bvh, save_bvh
from .holosoma import load_climb_npy, load_omomo_pt
from .humanml3d import HML_DIM, hml263_to_positions, load_new_joints, motion_to_hml263
from .ik import IKResult, positions_to_motion
from .loaders import LoadedMotion, load_motion

__all__ = [
    "load_amass_npz",
    "save_amass_npz",
    "BVH_NAME_MAPS",
    "BvhSkeleton",
    "parse_bvh",
    "load_bvh",
    "save_bvh",
    "load_omomo_pt",
    "load_climb_npy",
    "HML_DIM",
    "motion_to_hml263",
    "hml263_to_positions",
    "load_new_joints",
    "IKResult",
    "positions_to_motion",
    "LoadedMotion",
    "load_motion",
]
