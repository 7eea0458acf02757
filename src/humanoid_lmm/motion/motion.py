"""``Motion``: the typed value the motion stage hands forward (see docs/architecture.md).

A motion is a pelvis trajectory plus SMPL joint rotations on the canonical neutral skeleton:

* ``fps`` [frames/s], ``root_pos`` (T, 3) pelvis position in the world [m],
* ``rotations`` (T, 22, 3) axis-angle [rad]: index 0 the pelvis orientation in the world, 1..21 each
  joint relative to its parent (SMPL order, :data:`SMPL_JOINT_NAMES`),
* ``text``: an optional description.

Arrays are stored as read-only float64 copies. Saved with :meth:`Motion.save_npz` in our own ``.npz``
format (keys ``format``, ``version``, ``fps``, ``root_pos``, ``rotations``, ``text``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import MotionError
from .kinematics import forward_kinematics
from .skeleton import NUM_JOINTS

__all__ = ["Motion", "MOTION_NPZ_FORMAT", "MOTION_NPZ_VERSION"]

MOTION_NPZ_FORMAT = "humanoid_lmm.motion"
MOTION_NPZ_VERSION = 1


def _checked_array(name: str, value, shape_tail: tuple[int, ...]) -> np.ndarray:
    try:
        arr = np.array(value, dtype=np.float64)  # copy: the Motion owns its data
    except (TypeError, ValueError) as exc:
        raise MotionError(f"Motion.{name}: cannot convert to a float array ({exc})") from None
    want = "(T, " + ", ".join(map(str, shape_tail)) + ")"
    if arr.ndim != 1 + len(shape_tail) or arr.shape[1:] != shape_tail:
        raise MotionError(f"Motion.{name}: expected shape {want}, got {arr.shape}")
    if arr.shape[0] < 1:
        raise MotionError(f"Motion.{name}: needs at least 1 frame, got shape {arr.shape}")
    bad = ~np.isfinite(arr)
    if bad.any():
        frame = int(np.argwhere(bad)[0][0])
        raise MotionError(f"Motion.{name}: {int(bad.sum())} non-finite values (NaN/inf), first at frame {frame}")
    arr.setflags(write=False)
    return arr


@dataclass(frozen=True, eq=False)
class Motion:
    """An SMPL body motion. Validated at construction; raises :class:`MotionError` naming the field.

    Attributes:
        fps: frame rate [1/s], > 0.
        root_pos: (T, 3) pelvis position in the world [m], z-up, x forward, y left.
        rotations: (T, 22, 3) axis-angle [rad], 0 = pelvis orientation in the world, 1..21 local.
        text: free-text description (may be empty).
    """

    fps: float
    root_pos: np.ndarray
    rotations: np.ndarray
    text: str = ""
    _cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            fps = float(self.fps)
        except (TypeError, ValueError):
            raise MotionError(f"Motion.fps: expected a number, got {self.fps!r}") from None
        if not np.isfinite(fps) or fps <= 0:
            raise MotionError(f"Motion.fps: must be a finite number > 0, got {self.fps!r}")
        if not isinstance(self.text, str):
            raise MotionError(f"Motion.text: expected str, got {type(self.text).__name__}")
        root = _checked_array("root_pos", self.root_pos, (3,))
        rots = _checked_array("rotations", self.rotations, (NUM_JOINTS, 3))
        if root.shape[0] != rots.shape[0]:
            raise MotionError(
                f"Motion.rotations: {rots.shape[0]} frames but root_pos has {root.shape[0]} frames"
            )
        object.__setattr__(self, "fps", fps)
        object.__setattr__(self, "root_pos", root)
        object.__setattr__(self, "rotations", rots)

    # ------------------------------------------------------------------ derived values
    @property
    def n_frames(self) -> int:
        """Number of frames T."""
        return int(self.root_pos.shape[0])

    @property
    def duration_s(self) -> float:
        """Duration [s] = T / fps (each frame covers 1/fps)."""
        return self.n_frames / self.fps

    def positions(self) -> np.ndarray:
        """(T, 22, 3) world joint positions [m] by FK on the canonical skeleton (cached, read-only)."""
        pos = self._cache.get("positions")
        if pos is None:
            pos = forward_kinematics(self.root_pos, self.rotations)
            pos.setflags(write=False)
            self._cache["positions"] = pos
        return pos

    def slice(self, start: int, stop: int | None = None) -> Motion:
        """Frames ``[start, stop)`` as a new Motion (python slice semantics, negative indices allowed)."""
        idx = range(self.n_frames)[start:stop]
        if len(idx) < 1:
            raise MotionError(f"Motion.slice: [{start}:{stop}] of a {self.n_frames}-frame motion is empty")
        s = slice(idx.start, idx.stop)
        return Motion(self.fps, self.root_pos[s], self.rotations[s], self.text)

    def with_text(self, text: str) -> Motion:
        """Same motion with another description."""
        return Motion(self.fps, self.root_pos, self.rotations, text)

    def __repr__(self) -> str:
        return f"Motion(fps={self.fps:g}, n_frames={self.n_frames}, duration_s={self.duration_s:.2f}, text={self.text!r})"

    # ------------------------------------------------------------------ files
    def save_npz(self, path: str | Path) -> Path:
        """Write this motion to ``path`` (.npz, float64, uncompressed); returns the path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as f:
            np.savez(
                f,
                format=np.array(MOTION_NPZ_FORMAT),
                version=np.array(MOTION_NPZ_VERSION),
                fps=np.array(self.fps),
                root_pos=self.root_pos,
                rotations=self.rotations,
                text=np.array(self.text),
            )
        return path

    @classmethod
    def load_npz(cls, path: str | Path) -> Motion:
        """Read a file written by :meth:`save_npz`; MotionError on a missing or malformed file."""
        path = Path(path)
        if not path.is_file():
            raise MotionError(f"Motion.load_npz: no such file {path}")
        try:
            with np.load(path, allow_pickle=False) as z:
                data = {k: z[k] for k in z.files}
        except Exception as exc:  # zipfile/pickle/ValueError: all mean "not our npz"
            raise MotionError(f"Motion.load_npz: {path} is not a readable .npz file ({exc})") from None
        missing = [k for k in ("format", "version", "fps", "root_pos", "rotations") if k not in data]
        if missing:
            raise MotionError(f"Motion.load_npz: {path} lacks keys {missing} (found {sorted(data)})")
        if str(data["format"]) != MOTION_NPZ_FORMAT:
            raise MotionError(f"Motion.load_npz: {path} has format {str(data['format'])!r}, not {MOTION_NPZ_FORMAT!r}")
        version = int(data["version"])
        if version > MOTION_NPZ_VERSION:
            raise MotionError(f"Motion.load_npz: {path} has version {version}, this code reads <= {MOTION_NPZ_VERSION}")
        text = str(data["text"]) if "text" in data else ""
        return cls(float(data["fps"]), data["root_pos"], data["rotations"], text)
