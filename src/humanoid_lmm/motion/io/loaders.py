"""One entry point for every supported motion file: :func:`load_motion` picks the reader by content.

=====================  =========================================================  ===============
file                   recognised by                                              reader
=====================  =========================================================  ===============
``*.npz`` ours         key ``format == "humanoid_lmm.motion"``                    Motion.load_npz
``*.npz`` AMASS        keys ``poses`` + ``trans``                                 load_amass_npz
``*.bvh``              extension                                                  load_bvh
``*.npy`` (T, 22, 3)   HumanML3D ``new_joints`` (y-up, 20 fps)                    load_new_joints
``*.npy`` (T, 53, 3)   holosoma climb mocap (Mixamo names, z-up, 120 fps)         load_climb_npy
``*.pt``               holosoma OMOMO tensor (T, >=318)                           load_omomo_pt
=====================  =========================================================  ===============
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...errors import MotionError
from ..motion import MOTION_NPZ_FORMAT, Motion
from .amass import load_amass_npz
from .bvh import load_bvh
from .holosoma import load_climb_npy, load_omomo_pt
from .humanml3d import load_new_joints

__all__ = ["LoadedMotion", "MOTION_SUFFIXES", "load_motion"]

MOTION_SUFFIXES = (".npz", ".bvh", ".npy", ".pt")


@dataclass(frozen=True)
class LoadedMotion:
    """A loaded motion with where it came from; ``ik_residual_mm`` / ``scale`` only for position data."""

    motion: Motion
    format: str
    ik_residual_mm: float | None = None
    scale: float | None = None


def load_motion(path: str | Path, *, refine_steps: int = 30) -> LoadedMotion:
    """Read any supported motion file (table in the module docstring); MotionError names the file."""
    path = Path(path)
    if not path.is_file():
        raise MotionError(f"load_motion: no such file {path}")
    suf = path.suffix.lower()
    if suf == ".npz":
        try:
            with np.load(path, allow_pickle=False) as z:
                keys = set(z.files)
                fmt = str(z["format"]) if "format" in keys else ""
        except Exception as exc:
            raise MotionError(f"load_motion: {path} is not a readable .npz ({exc})") from None
        if fmt == MOTION_NPZ_FORMAT:
            return LoadedMotion(Motion.load_npz(path), "npz")
        if {"poses", "trans"} <= keys:
            return LoadedMotion(load_amass_npz(path), "amass")
        raise MotionError(f"load_motion: {path}: npz is neither ours nor AMASS-style (keys {sorted(keys)})")
    if suf == ".bvh":
        return LoadedMotion(load_bvh(path, refine_steps=refine_steps), "bvh")
    if suf == ".npy":
        shape = np.load(path, mmap_mode="r").shape
        if len(shape) == 3 and shape[1:] == (22, 3):
            r = load_new_joints(path, refine_steps=refine_steps)
            return LoadedMotion(r.motion, "humanml3d", r.residual_mm, r.scale)
        if len(shape) == 3 and shape[1:] == (53, 3):
            r = load_climb_npy(path, refine_steps=refine_steps)
            return LoadedMotion(r.motion, "climb", r.residual_mm, r.scale)
        raise MotionError(f"load_motion: {path}: .npy of shape {shape} is not (T, 22, 3) or (T, 53, 3)")
    if suf == ".pt":
        r = load_omomo_pt(path, refine_steps=refine_steps)
        return LoadedMotion(r.motion, "omomo", r.residual_mm, r.scale)
    raise MotionError(f"load_motion: {path}: unsupported suffix {suf!r}; supported {MOTION_SUFFIXES}")
