"""Validation settings from `config/validate.yaml` as typed dataclasses; errors name the bad field."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path


from humanoid_lmm import project_root
from humanoid_lmm.config_files import read_yaml_mapping
from humanoid_lmm.errors import ConfigError

__all__ = [
    "DynamicConfig",
    "KinematicConfig",
    "RenderConfig",
    "RepairConfig",
    "ValidateConfig",
    "load_validate_config",
]


def _positive(section: str, obj, names: tuple[str, ...]) -> None:
    for n in names:
        v = getattr(obj, n)
        if not isinstance(v, (int, float)) or isinstance(v, bool) or not v > 0:
            raise ConfigError(f"validate.{section}.{n} must be a number > 0, got {v!r}")


@dataclass
class KinematicConfig:
    """Checks on the plan's reference without physics. Joint position, velocity and acceleration limits are
    the safety filter's (config/execution.yaml `safety`), times its validation headroom: not set here."""

    self_collision_depth: float = 0.005  # [m]
    ground_penetration: float = 0.02  # [m]
    foot_slide_speed: float = 0.25  # [m/s]

    def __post_init__(self):
        _positive("kinematic", self, ("self_collision_depth", "ground_penetration", "foot_slide_speed"))


@dataclass
class DynamicConfig:
    """Thresholds on what physics did when the plan was executed (sim.rollout)."""

    settle_s: float = 1.0  # [s] standing before the plan starts
    fall_height: float = 0.5  # [m] pelvis this far below the reference pelvis height = fall
    fall_tilt: float = 0.8  # [rad] pelvis tilt this far from the reference pelvis tilt = fall
    tracking_rms_max: float = 0.15  # [rad] per driven joint (upper_body, locomotion)
    whole_body_tracking_rms_max: float = 0.25  # [rad] per joint under a tracking policy (see validate.yaml)
    tracking_max: float = 0.6  # [rad] per driven joint
    torque_saturation_share: float = 0.10
    foot_slip_max: float = 0.05  # [m]
    base_drift_max: float = 0.30  # [m] pelvis xy from the reference path (both from where they started)
    heading_max: float = 0.5  # [rad] heading error from the reference heading
    path_end_max: float = 0.10  # [m] locomotion: where the pelvis ends up vs where the plan's path ends

    def __post_init__(self):
        _positive("dynamic", self, ("fall_height", "fall_tilt", "tracking_rms_max", "whole_body_tracking_rms_max", "tracking_max", "foot_slip_max",
                                    "base_drift_max", "heading_max", "path_end_max"))
        if not 0 <= self.torque_saturation_share <= 1:
            raise ConfigError(f"validate.dynamic.torque_saturation_share must be in [0, 1], got {self.torque_saturation_share!r}")
        if self.settle_s < 0:
            raise ConfigError(f"validate.dynamic.settle_s must be >= 0, got {self.settle_s!r}")


@dataclass
class RepairConfig:
    time_scales: list[float] = field(default_factory=lambda: [1.5, 2.0, 3.0])
    amplitude_scales: list[float] = field(default_factory=lambda: [0.8, 0.6])
    allow_upper_body: bool = True
    max_attempts: int = 12  # each attempt is one full rollout

    def __post_init__(self):
        for s in self.time_scales:
            if not isinstance(s, (int, float)) or s <= 1:
                raise ConfigError(f"validate.repair.time_scales entries must be numbers > 1 (slow-downs), got {s!r}")
        for s in self.amplitude_scales:
            if not isinstance(s, (int, float)) or not 0 < s < 1:
                raise ConfigError(f"validate.repair.amplitude_scales entries must be in (0, 1), got {s!r}")
        if not isinstance(self.max_attempts, int) or self.max_attempts < 1:
            raise ConfigError(f"validate.repair.max_attempts must be an integer >= 1, got {self.max_attempts!r}")


@dataclass
class RenderConfig:
    width: int = 480
    height: int = 360
    fps: float = 15.0

    def __post_init__(self):
        _positive("render", self, ("width", "height", "fps"))


_SECTIONS = {
    "kinematic": KinematicConfig,
    "dynamic": DynamicConfig,
    "repair": RepairConfig,
    "render": RenderConfig,
}


@dataclass
class ValidateConfig:
    kinematic: KinematicConfig = field(default_factory=KinematicConfig)
    dynamic: DynamicConfig = field(default_factory=DynamicConfig)
    repair: RepairConfig = field(default_factory=RepairConfig)
    render: RenderConfig = field(default_factory=RenderConfig)

    @classmethod
    def from_dict(cls, raw: dict, where: str = "validate") -> "ValidateConfig":
        if not isinstance(raw, dict):
            raise ConfigError(f"{where}: top level must be a mapping with sections {sorted(_SECTIONS)}")
        unknown = set(raw) - set(_SECTIONS)
        if unknown:
            raise ConfigError(f"{where}: unknown section(s) {sorted(unknown)}; valid choices: {sorted(_SECTIONS)}")
        parts = {}
        for name, klass in _SECTIONS.items():
            section = raw.get(name) or {}
            if not isinstance(section, dict):
                raise ConfigError(f"{where}: section {name!r} must be a mapping, got {section!r}")
            valid = {f.name for f in fields(klass)}
            bad = set(section) - valid
            if bad:
                raise ConfigError(f"{where}: unknown field(s) {name}.{sorted(bad)}; valid choices: {sorted(valid)}")
            parts[name] = klass(**section)
        return cls(**parts)


def load_validate_config(path: str | Path | None = None) -> ValidateConfig:
    """Load `config/validate.yaml` (or `path`); raises ConfigError naming the bad field."""
    path = Path(path) if path is not None else project_root() / "config" / "validate.yaml"
    return ValidateConfig.from_dict(read_yaml_mapping(path, "validation config"), where=str(path))
