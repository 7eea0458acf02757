"""BVH (Biovision hierarchy) <-> :class:`Motion`.

Export (:func:`save_bvh`): the SMPL 22-joint hierarchy with our joint names, y-up (BVH / Blender
default: Y up, Z forward, X = the body's left), centimetres, root channels ``Xposition Yposition
Zposition Zrotation Xrotation Yrotation``, joints ``Zrotation Xrotation Yrotation`` (intrinsic, degrees:
``R = Rz Rx Ry``), an ``End Site`` under each leaf (toes, head, wrists).

Import (:func:`load_bvh`):

* a file whose joints carry all 22 SMPL names (ours, or any T-pose SMPL rig) is read **rotation for
  rotation** (lossless round trip, checked in tests/motion/test_io_bvh.py);
* any other skeleton (CMU, LAFAN1, Mixamo names; ``prefix:`` namespaces stripped) is evaluated by its own
  FK to joint positions, mapped to SMPL joints with :data:`BVH_NAME_MAPS`, converted to metres and z-up,
  and fitted with :func:`~humanoid_lmm.motion.io.ik.positions_to_motion` (scaled by height).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.spatial.transform import Rotation

from ...errors import MotionError
from ..motion import Motion
from ..rotations import axis_angle_to_matrix, matrix_to_axis_angle
from ..skeleton import NUM_JOINTS, SMPL_JOINT_NAMES, SMPL_OFFSETS, SMPL_PARENTS
from .axes import OURS_TO_Y_UP, Y_UP_TO_OURS
from .holosoma import MIXAMO_TO_SMPL, map_to_smpl
from .ik import positions_to_motion

__all__ = ["BvhSkeleton", "BVH_NAME_MAPS", "parse_bvh", "bvh_positions", "load_bvh", "save_bvh"]

_CMU = {**MIXAMO_TO_SMPL, "spine1": "LowerBack", "spine2": "Spine", "spine3": "Spine1"}
_LAFAN = {**MIXAMO_TO_SMPL, "spine2": "Spine1", "spine3": "Spine2", "left_foot": "LeftToe",
          "right_foot": "RightToe"}
BVH_NAME_MAPS: dict[str, dict[str, str]] = {
    "smpl": {n: n for n in SMPL_JOINT_NAMES},
    "lafan": _LAFAN,
    "cmu": _CMU,
    "mixamo": {**MIXAMO_TO_SMPL, "spine2": "Spine1", "spine3": "Spine2"},
}


@dataclass
class BvhSkeleton:
    """A parsed BVH file: joints in file order (End Sites excluded).

    ``offsets`` (J, 3) in file units; ``channels[j]`` the channel names of joint j; ``frames`` (F, C) all
    channel values; ``frame_time`` [s].
    """

    names: list[str]
    parents: list[int]
    offsets: np.ndarray
    channels: list[list[str]]
    frames: np.ndarray
    frame_time: float

    @property
    def fps(self) -> float:
        return 1.0 / self.frame_time


def parse_bvh(path: str | Path) -> BvhSkeleton:
    """Parse a BVH file; MotionError names the file and the line on malformed input."""
    path = Path(path)
    if not path.is_file():
        raise MotionError(f"parse_bvh: no such file {path}")
    tokens = path.read_text(encoding="utf-8", errors="replace").split()
    names, parents, offsets, channels = [], [], [], []
    stack: list[int] = []
    i, in_end = 0, 0
    try:
        if tokens[0] != "HIERARCHY":
            raise MotionError(f"parse_bvh: {path} does not start with HIERARCHY")
        i = 1
        while tokens[i] != "MOTION":
            t = tokens[i]
            if t in ("ROOT", "JOINT"):
                names.append(tokens[i + 1].split(":")[-1])
                parents.append(stack[-1] if stack else -1)
                offsets.append(None)
                channels.append([])
                i += 2
            elif t == "End":
                in_end, i = 1, i + 2
            elif t == "{":
                stack.append(-1 if in_end else len(names) - 1)
                i += 1
            elif t == "}":
                top = stack.pop()
                if top == -1:
                    in_end = 0
                i += 1
            elif t == "OFFSET":
                vals = [float(v) for v in tokens[i + 1 : i + 4]]
                if not (stack and stack[-1] == -1):
                    offsets[-1] = vals
                i += 4
            elif t == "CHANNELS":
                n = int(tokens[i + 1])
                channels[-1] = tokens[i + 2 : i + 2 + n]
                i += 2 + n
            else:
                raise MotionError(f"parse_bvh: {path}: unexpected token {t!r} in HIERARCHY")
        if tokens[i + 1] != "Frames:" or tokens[i + 3] != "Frame" or tokens[i + 4] != "Time:":
            raise MotionError(f"parse_bvh: {path}: malformed MOTION header")
        n_frames, frame_time = int(tokens[i + 2]), float(tokens[i + 5])
        values = np.array(tokens[i + 6 :], dtype=np.float64)
    except (IndexError, ValueError) as exc:
        raise MotionError(f"parse_bvh: {path}: truncated or malformed file ({exc})") from None
    n_ch = sum(len(c) for c in channels)
    if n_ch == 0 or values.size != n_frames * n_ch:
        raise MotionError(f"parse_bvh: {path}: {values.size} motion values, expected {n_frames} x {n_ch}")
    if frame_time <= 0:
        raise MotionError(f"parse_bvh: {path}: Frame Time must be > 0, got {frame_time}")
    return BvhSkeleton(names, parents, np.array(offsets, dtype=np.float64), channels,
                       values.reshape(n_frames, n_ch), frame_time)


def _joint_transforms(skel: BvhSkeleton) -> tuple[np.ndarray, np.ndarray]:
    """Per joint (F, J, 3, 3) local rotation and (F, J, 3) local translation (offset or position channels)."""
    F, J = skel.frames.shape[0], len(skel.names)
    rots = np.tile(np.eye(3), (F, J, 1, 1))
    trans = np.tile(skel.offsets[None], (F, 1, 1))
    col = 0
    for j, chans in enumerate(skel.channels):
        rot_axes = "".join(c[0].upper() for c in chans if c.lower().endswith("rotation"))
        rot_cols = [col + k for k, c in enumerate(chans) if c.lower().endswith("rotation")]
        for k, c in enumerate(chans):
            if c.lower().endswith("position"):
                trans[:, j, "XYZ".index(c[0].upper())] = skel.frames[:, col + k]
        if rot_axes:
            rots[:, j] = Rotation.from_euler(rot_axes, skel.frames[:, rot_cols], degrees=True).as_matrix()
        col += len(chans)
    return rots, trans


def bvh_positions(skel: BvhSkeleton) -> np.ndarray:
    """(F, J, 3) world joint positions in the file's units and axes."""
    rots, trans = _joint_transforms(skel)
    F, J = rots.shape[:2]
    G = np.zeros((F, J, 3, 3))
    P = np.zeros((F, J, 3))
    for j, p in enumerate(skel.parents):
        if p < 0:
            G[:, j], P[:, j] = rots[:, j], trans[:, j]
        else:
            G[:, j] = G[:, p] @ rots[:, j]
            P[:, j] = P[:, p] + (G[:, p] @ trans[:, j, :, None])[..., 0]
    return P


def load_bvh(path: str | Path, *, up: str = "y", unit: float | str = "auto", name_map: str | None = None,
             text: str = "", refine_steps: int = 30) -> Motion:
    """Read a BVH file as a Motion (see module docstring).

    Args:
        up: the file's up axis, ``"y"`` (BVH default) or ``"z"``.
        unit: metres per file unit, or ``"auto"`` (centimetres if the skeleton is taller than 10 units).
        name_map: a key of :data:`BVH_NAME_MAPS`; default: the first map whose names all occur.
    """
    skel = parse_bvh(path)
    if up not in ("y", "z"):
        raise MotionError(f"load_bvh: up must be 'y' or 'z', got {up!r}")
    A = Y_UP_TO_OURS if up == "y" else np.eye(3)
    if name_map is None:
        found = [k for k, m in BVH_NAME_MAPS.items() if all(n in skel.names for n in m.values())]
        if not found:
            found = [k for k, m in BVH_NAME_MAPS.items()
                     if sum(n in skel.names for n in m.values()) >= NUM_JOINTS - 2]
        if not found:
            raise MotionError(f"load_bvh: {path}: joint names {skel.names[:8]}... match none of {list(BVH_NAME_MAPS)}")
        name_map = found[0]
    if name_map not in BVH_NAME_MAPS:
        raise MotionError(f"load_bvh: name_map must be one of {list(BVH_NAME_MAPS)}, got {name_map!r}")
    pos = bvh_positions(skel)  # (F, J, 3) file units / axes
    if unit == "auto":
        extent = np.ptp(pos[0] @ A.T, axis=0)[2]
        unit = 0.01 if extent > 10 else 1.0
    unit = float(unit)
    if name_map == "smpl" and [skel.parents[skel.names.index(n)] for n in SMPL_JOINT_NAMES[1:]] == [
        skel.names.index(SMPL_JOINT_NAMES[p]) for p in SMPL_PARENTS[1:]
    ]:
        rots, _ = _joint_transforms(skel)
        idx = [skel.names.index(n) for n in SMPL_JOINT_NAMES]
        R = rots[:, idx]  # (F, 22, 3, 3) in the file frame
        out = A @ R @ A.T  # world and rest frames share the file's axes
        root = pos[:, idx[0]] @ A.T * unit
        return Motion(skel.fps, root, matrix_to_axis_angle(out), text)
    smpl, mask = map_to_smpl(pos @ A.T * unit, skel.names, BVH_NAME_MAPS[name_map])
    return positions_to_motion(smpl, skel.fps, mask, refine_steps=refine_steps, text=text).motion


def _fmt(v) -> str:
    return " ".join(f"{x:.6f}" for x in v)


def save_bvh(motion: Motion, path: str | Path) -> Path:
    """Write ``motion`` as BVH (y-up, centimetres, ZXY Euler degrees); see module docstring."""
    C = OURS_TO_Y_UP
    off_cm = SMPL_OFFSETS @ C.T * 100.0
    kids = {j: [c for c in range(NUM_JOINTS) if SMPL_PARENTS[c] == j] for j in range(NUM_JOINTS)}
    lines = ["HIERARCHY"]
    order: list[int] = []  # joints in file (depth-first) order; motion channels follow it

    def write(j: int, depth: int) -> None:
        order.append(j)
        pad = "  " * depth
        head = "ROOT" if j == 0 else "JOINT"
        lines.append(f"{pad}{head} {SMPL_JOINT_NAMES[j]}")
        lines.append(f"{pad}{{")
        lines.append(f"{pad}  OFFSET {_fmt(np.zeros(3) if j == 0 else off_cm[j])}")
        if j == 0:
            lines.append(f"{pad}  CHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation")
        else:
            lines.append(f"{pad}  CHANNELS 3 Zrotation Xrotation Yrotation")
        for c in kids[j]:
            write(c, depth + 1)
        if not kids[j]:  # leaf: end site 5 cm along the bone from the parent
            d = off_cm[j] / max(np.linalg.norm(off_cm[j]), 1e-9) * 5.0
            lines.extend([f"{pad}  End Site", f"{pad}  {{", f"{pad}    OFFSET {_fmt(d)}", f"{pad}  }}"])
        lines.append(f"{pad}}}")

    write(0, 0)
    T = motion.n_frames
    R = axis_angle_to_matrix(motion.rotations)
    R_y = C @ R @ C.T  # (T, 22, 3, 3): local and root both conjugated (world and rest frames are y-up)
    R_y = R_y[:, order]
    eul = Rotation.from_matrix(R_y.reshape(-1, 3, 3)).as_euler("ZXY", degrees=True).reshape(T, NUM_JOINTS * 3)
    root_cm = motion.root_pos @ C.T * 100.0
    lines += ["MOTION", f"Frames: {T}", f"Frame Time: {1.0 / motion.fps:.12g}"]
    data = np.concatenate([root_cm, eul], 1)
    lines += [_fmt(row) for row in data]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
