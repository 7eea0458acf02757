"""AMASS-style ``.npz`` (SMPL / SMPL-H parameters) <-> :class:`Motion`.

AMASS files hold ``poses`` (T, 156) SMPL-H axis-angles (52 joints x 3; the first 22 are the body, the rest
hands, dropped), ``trans`` (T, 3) [m], ``mocap_framerate`` (or ``mocap_frame_rate``), ``betas``, ``gender``.
The rotations are in the SMPL body-model frame (y up, z forward, x left) and ``poses[:, :3]`` maps the
body into the capture world. AMASS worlds are z-up already (``up="z"``, default); for data that was
rotated to y-up (e.g. HumanML3D's pre-processing) pass ``up="y"``.

Conversion (``C`` = :data:`~humanoid_lmm.motion.io.axes.Y_UP_TO_OURS`, ``A`` the world change):
local joints ``R_j -> C R_j C^T``; pelvis ``R_0 -> A R_0 C^T``; pelvis position ``A (trans + J0)`` with
``J0`` the rest pelvis joint of the SMPL neutral model (:data:`SMPL_REST_PELVIS`). Body shape (``betas``)
is ignored: the canonical skeleton is used, so run :func:`~humanoid_lmm.motion.ops.ground_align` after
import if the feet must touch z = 0.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ...errors import MotionError
from ..motion import Motion
from ..rotations import axis_angle_to_matrix, matrix_to_axis_angle
from ..skeleton import NUM_JOINTS
from .axes import Y_UP_TO_OURS

__all__ = ["SMPL_REST_PELVIS", "load_amass_npz", "save_amass_npz"]

# rest pelvis joint of the SMPL neutral model, body-model frame (y up) [m]
SMPL_REST_PELVIS = np.array([-0.0022, -0.2408, 0.0286])

_WORLD = {"z": np.eye(3), "y": Y_UP_TO_OURS}


def _world(up: str) -> np.ndarray:
    if up not in _WORLD:
        raise MotionError(f"AMASS up axis must be 'z' or 'y', got {up!r}")
    return _WORLD[up]


def load_amass_npz(path: str | Path, *, up: str = "z", text: str = "") -> Motion:
    """Read an AMASS-style npz into a Motion on the canonical skeleton (fps from ``mocap_framerate``)."""
    path = Path(path)
    if not path.is_file():
        raise MotionError(f"load_amass_npz: no such file {path}")
    try:
        with np.load(path, allow_pickle=False) as z:
            data = {k: z[k] for k in z.files}
    except Exception as exc:
        raise MotionError(f"load_amass_npz: {path} is not a readable .npz ({exc})") from None
    for key in ("poses", "trans"):
        if key not in data:
            raise MotionError(f"load_amass_npz: {path} lacks key {key!r} (found {sorted(data)})")
    fps_key = next((k for k in ("mocap_framerate", "mocap_frame_rate", "fps") if k in data), None)
    if fps_key is None:
        raise MotionError(f"load_amass_npz: {path} has no frame rate (mocap_framerate / mocap_frame_rate)")
    poses, trans = np.asarray(data["poses"], np.float64), np.asarray(data["trans"], np.float64)
    if poses.ndim != 2 or poses.shape[1] < 3 * NUM_JOINTS or poses.shape[1] % 3:
        raise MotionError(f"load_amass_npz: {path}: poses must be (T, >=66), got {poses.shape}")
    if trans.shape != (poses.shape[0], 3):
        raise MotionError(f"load_amass_npz: {path}: trans must be (T, 3) = ({poses.shape[0]}, 3), got {trans.shape}")
    A, C = _world(up), Y_UP_TO_OURS
    R = axis_angle_to_matrix(poses[:, : 3 * NUM_JOINTS].reshape(-1, NUM_JOINTS, 3))  # (T, 22, 3, 3)
    out = np.empty_like(R)
    out[:, 0] = A @ R[:, 0] @ C.T
    out[:, 1:] = C @ R[:, 1:] @ C.T
    root = (trans + SMPL_REST_PELVIS) @ A.T
    return Motion(float(data[fps_key]), root, matrix_to_axis_angle(out), text)


def save_amass_npz(motion: Motion, path: str | Path, *, up: str = "z") -> Path:
    """Write ``motion`` as an AMASS-style npz (poses (T,156) with zero hands, trans, mocap_framerate,
    betas zeros(16), gender "neutral"); inverse of :func:`load_amass_npz`."""
    A, C = _world(up), Y_UP_TO_OURS
    R = axis_angle_to_matrix(motion.rotations)
    body = np.empty_like(R)
    body[:, 0] = A.T @ R[:, 0] @ C
    body[:, 1:] = C.T @ R[:, 1:] @ C
    T = motion.n_frames
    poses = np.zeros((T, 156))
    poses[:, : 3 * NUM_JOINTS] = matrix_to_axis_angle(body).reshape(T, -1)
    trans = motion.root_pos @ A - SMPL_REST_PELVIS
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        np.savez(f, poses=poses, trans=trans, mocap_framerate=np.array(motion.fps), betas=np.zeros(16),
                 gender=np.array("neutral"))
    return path
