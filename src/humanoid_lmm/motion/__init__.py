"""Motion stage: the SMPL 22-joint ``Motion`` value, SMPL-d135 features, the MotionLib dataset and the
procedural corpus.

Frames: world z-up, x forward, y left; metres, radians, seconds (docs/architecture.md).
"""

from .d135 import (
    D135_DIM,
    d135_root_torch,
    d135_to_matrices_torch,
    d135_to_motion,
    d135_to_positions_torch,
    motion_to_d135,
)
from .dataset import HierText, MotionLibDataset, MotionLibWriter, MotionSample, split_of
from .kinematics import forward_kinematics, forward_kinematics_torch, global_rotations
from .motion import Motion
from .skeleton import (
    FOOT_JOINTS,
    NUM_JOINTS,
    REST_PELVIS_HEIGHT,
    SMPL_JOINT_NAMES,
    SMPL_MIRROR,
    SMPL_OFFSETS,
    SMPL_PARENTS,
    joint_index,
    rest_positions,
    skeleton_height,
)

from .synth import PRIMITIVES, sample_clip, synthesize_corpus

# import / export, whole-motion ops, MotionLib build (issue #3 part B)
from . import io
from .annotate import Annotator, RuleAnnotator, annotate
from .build import BuildReport, build_motionlib
from .filters import FilterConfig, FilterResult, check_motion
from .io import load_motion
from .ops import canonical_facing, ground_align, heading, resample

__all__ = [
    "Motion",
    "SMPL_JOINT_NAMES",
    "SMPL_PARENTS",
    "SMPL_OFFSETS",
    "SMPL_MIRROR",
    "NUM_JOINTS",
    "REST_PELVIS_HEIGHT",
    "FOOT_JOINTS",
    "joint_index",
    "rest_positions",
    "skeleton_height",
    "forward_kinematics",
    "forward_kinematics_torch",
    "global_rotations",
    "D135_DIM",
    "motion_to_d135",
    "d135_to_motion",
    "d135_root_torch",
    "d135_to_matrices_torch",
    "d135_to_positions_torch",
    "HierText",
    "MotionSample",
    "MotionLibWriter",
    "MotionLibDataset",
    "split_of",
    "PRIMITIVES",
    "sample_clip",
    "synthesize_corpus",
    "io",
    "load_motion",
    "resample",
    "ground_align",
    "canonical_facing",
    "heading",
    "FilterConfig",
    "FilterResult",
    "check_motion",
    "Annotator",
    "RuleAnnotator",
    "annotate",
    "BuildReport",
    "build_motionlib",
]
