"""`RetargetConfig` from `config/retarget.yaml`, validated with errors that name the field."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from humanoid_lmm.config_files import config_path, read_yaml_mapping
from humanoid_lmm.errors import ConfigError
from humanoid_lmm.motion import SMPL_JOINT_NAMES

__all__ = ["RobotScale", "RetargetConfig", "load_retarget_config"]


@dataclass(frozen=True)
class RobotScale:
    scale: float | None = None  # None: from the pelvis heights
    arm_scale: float = 1.0


@dataclass(frozen=True)
class RetargetConfig:
    iterations: int = 3
    damping: float = 1e-3
    posture_weight: float = 0.02
    smooth_weight: float = 0.05
    contact_height: float = 0.06  # [m]
    contact_speed: float = 0.25  # [m/s]
    weights: dict = field(default_factory=dict)
    orientation_weights: dict = field(default_factory=dict)
    stance_weight: float = 1000.0  # pinned stance foot position (orientation: a tenth of it)
    foot_weight: float = 5.0  # swing foot kept flat
    collision_detection: float = 0.05  # [m] arm/leg/trunk pairs closer than this get an avoidance constraint
    collision_min_distance: float = 0.01  # [m] margin kept between their collision surfaces (0 disables nothing)
    collision_gain: float = 0.5  # fraction of (distance - margin) a pair may close per IK iteration; 0 = off
    robots: dict = field(default_factory=dict)

    def __post_init__(self):
        if not 1 <= self.iterations <= 50:
            raise ConfigError(f"retarget config: field 'iterations' must be in 1..50, got {self.iterations}")
        for name in ("damping", "posture_weight", "smooth_weight", "contact_height", "contact_speed", "stance_weight",
                     "foot_weight", "collision_detection", "collision_min_distance"):
            if getattr(self, name) < 0:
                raise ConfigError(f"retarget config: field {name!r} must be >= 0, got {getattr(self, name)}")
        if not 0 <= self.collision_gain <= 1:
            raise ConfigError(f"retarget config: field 'collision_gain' must be in [0, 1], got {self.collision_gain}")
        for table in ("weights", "orientation_weights"):
            bad = [k for k in getattr(self, table) if k not in SMPL_JOINT_NAMES]
            if bad:
                raise ConfigError(f"retarget config: field {table!r} names unknown SMPL joints {bad}")
            neg = [k for k, v in getattr(self, table).items() if not isinstance(v, (int, float)) or v < 0]
            if neg:
                raise ConfigError(f"retarget config: field {table!r} needs weights >= 0 for {neg}")

    def scale_for(self, robot: str) -> RobotScale:
        return self.robots.get(robot, RobotScale())


def load_retarget_config(path: str | Path | None = None) -> RetargetConfig:
    path = config_path(path, "retarget.yaml")
    raw = read_yaml_mapping(path, "retarget config", set(RetargetConfig.__dataclass_fields__))
    robots = {}
    for name, r in (raw.pop("robots", None) or {}).items():
        try:
            robots[name] = RobotScale(**(r or {}))
        except TypeError as e:
            raise ConfigError(f"{path}: robots.{name}: {e}") from e
    return RetargetConfig(robots=robots, **raw)
