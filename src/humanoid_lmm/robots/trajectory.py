"""`RobotTrajectory`: the value retargeting produces and validation / streaming consume."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from humanoid_lmm.errors import ConfigError, MotionError

__all__ = ["RobotTrajectory"]

_FORMAT_VERSION = 1


@dataclass(frozen=True, eq=False)
class RobotTrajectory:
    """Robot joint trajectory in Unitree motor order, sampled at `fps`.

    q: (T, n) joint positions [rad]; root_pos: (T, 3) pelvis position [m] (world z-up);
    root_quat: (T, 4) pelvis orientation, wxyz; contacts: (T, 2) bool (left foot, right foot);
    residual: (T,) per-frame retargeting residual [m] (NaN when unknown).
    How it is executed (the execution mode) is not the trajectory's business: `execution.ExecutionPlan`.
    """

    robot: str
    fps: float
    joint_names: tuple[str, ...]
    q: np.ndarray
    root_pos: np.ndarray
    root_quat: np.ndarray
    contacts: np.ndarray
    residual: np.ndarray | None = None
    meta: dict = field(default_factory=dict)

    def __post_init__(self):
        T = len(self.q)
        n = len(self.joint_names)
        checks = {
            "q": (self.q, (T, n)),
            "root_pos": (self.root_pos, (T, 3)),
            "root_quat": (self.root_quat, (T, 4)),
            "contacts": (self.contacts, (T, 2)),
        }
        if self.residual is not None:
            checks["residual"] = (self.residual, (T,))
        if not (np.isfinite(self.fps) and self.fps > 0):
            raise MotionError(f"RobotTrajectory.fps must be a positive number, got {self.fps!r}")
        if T < 1:
            raise MotionError("RobotTrajectory.q is empty (0 frames)")
        for key, (arr, shape) in checks.items():
            arr = np.asarray(arr)
            if arr.shape != shape:
                raise MotionError(f"RobotTrajectory.{key} has shape {arr.shape}, expected {shape}")
            if key != "residual" and arr.dtype != bool and not np.all(np.isfinite(arr)):
                raise MotionError(f"RobotTrajectory.{key} contains NaN or Inf")

    @property
    def n_frames(self) -> int:
        return len(self.q)

    @property
    def duration_s(self) -> float:
        return (self.n_frames - 1) / self.fps

    @property
    def times(self) -> np.ndarray:
        return np.arange(self.n_frames) / self.fps

    def replace(self, **changes) -> "RobotTrajectory":
        return replace(self, **changes)

    def save_npz(self, path: str | Path) -> Path:
        path = Path(path)
        extra = {} if self.residual is None else {"residual": self.residual}
        np.savez_compressed(
            path,
            version=_FORMAT_VERSION,
            robot=self.robot,
            fps=self.fps,
            joint_names=np.array(self.joint_names),
            q=self.q,
            root_pos=self.root_pos,
            root_quat=self.root_quat,
            contacts=self.contacts,
            **extra,
        )
        return path

    @classmethod
    def load_npz(cls, path: str | Path) -> "RobotTrajectory":
        path = Path(path)
        try:
            z = np.load(path, allow_pickle=False)
        except (OSError, ValueError) as e:
            raise ConfigError(f"{path}: not a readable .npz trajectory: {e}") from e
        missing = {"robot", "fps", "joint_names", "q", "root_pos", "root_quat", "contacts"} - set(z.files)
        if missing:
            raise ConfigError(f"{path}: not a RobotTrajectory file, missing keys {sorted(missing)}")
        return cls(
            robot=str(z["robot"]),
            fps=float(z["fps"]),
            joint_names=tuple(str(n) for n in z["joint_names"]),
            q=z["q"].astype(np.float64),
            root_pos=z["root_pos"].astype(np.float64),
            root_quat=z["root_quat"].astype(np.float64),
            contacts=z["contacts"].astype(bool),
            residual=z["residual"] if "residual" in z.files else None,
        )

    def save_csv(self, path: str | Path) -> Path:
        """CSV with a header: time, root xyz, root quat wxyz, then joints in motor order."""
        path = Path(path)
        header = ["time", "root_x", "root_y", "root_z", "qw", "qx", "qy", "qz", *self.joint_names]
        table = np.column_stack([self.times, self.root_pos, self.root_quat, self.q])
        np.savetxt(path, table, delimiter=",", header=",".join(header), comments="", fmt="%.6f")
        return path

    @classmethod
    def standing(cls, config, seconds: float = 1.0, fps: float = 50.0, root_height: float = 0.0) -> "RobotTrajectory":
        """The default pose held for `seconds` (a hold target and a test fixture)."""
        T = max(1, int(round(seconds * fps)) + 1)
        return cls(
            robot=config.name,
            fps=fps,
            joint_names=config.joint_names,
            q=np.tile(config.default_q, (T, 1)),
            root_pos=np.tile([0.0, 0.0, root_height], (T, 1)),
            root_quat=np.tile([1.0, 0.0, 0.0, 0.0], (T, 1)),
            contacts=np.ones((T, 2), dtype=bool),
        )
