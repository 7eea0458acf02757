"""Validation settings from `config/validate.yaml` as typed dataclasses; errors name the bad field."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path


from humanoid_lmm import project_root
from humanoid_lmm.config_files import read_yaml_mapping
from humanoid_lmm.errors import ConfigError

__all__ = [
    "BalanceConfig",
    "DynamicConfig",
    "KinematicConfig",
    "ModeConfig",
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
    position_tolerance: float = 0.01  # [rad]
    velocity_scale: float = 1.0
    velocity_cap: float | None = None  # [rad/s] if set, |dq| <= min(velocity_scale * URDF limit, velocity_cap)
    acceleration_max: float = 600.0  # [rad/s^2]
    self_collision_depth: float = 0.005  # [m]
    ground_penetration: float = 0.02  # [m]
    foot_slide_speed: float = 0.25  # [m/s]

    def __post_init__(self):
        _positive("kinematic", self, ("velocity_scale", "acceleration_max", "self_collision_depth", "ground_penetration", "foot_slide_speed"))
        if self.velocity_cap is not None:
            _positive("kinematic", self, ("velocity_cap",))
        if self.position_tolerance < 0:
            raise ConfigError(f"validate.kinematic.position_tolerance must be >= 0, got {self.position_tolerance!r}")


@dataclass
class DynamicConfig:
    timestep: float = 0.002  # [s]
    control_dt: float = 0.01  # [s]
    settle_s: float = 0.5  # [s]
    self_collision: bool = False
    foot_contact: str = "spheres"  # "spheres": sole spheres only (faster) | "all": spheres + foot meshes
    feedforward: bool = True
    fall_height_ratio: float = 0.6
    fall_tilt_deg: float = 45.0
    tracking_rms_max: float = 0.15  # [rad]
    tracking_max: float = 0.6  # [rad]
    torque_saturation_share: float = 0.10
    foot_slip_max: float = 0.05  # [m]
    base_drift_max: float = 0.30  # [m]

    def __post_init__(self):
        _positive("dynamic", self, ("timestep", "control_dt", "fall_tilt_deg", "tracking_rms_max", "tracking_max", "foot_slip_max", "base_drift_max"))
        if self.control_dt < self.timestep:
            raise ConfigError(f"validate.dynamic.control_dt ({self.control_dt}) must be >= timestep ({self.timestep})")
        if not 0 < self.fall_height_ratio < 1:
            raise ConfigError(f"validate.dynamic.fall_height_ratio must be in (0, 1), got {self.fall_height_ratio!r}")
        if not 0 <= self.torque_saturation_share <= 1:
            raise ConfigError(f"validate.dynamic.torque_saturation_share must be in [0, 1], got {self.torque_saturation_share!r}")
        if self.foot_contact not in ("spheres", "all"):
            raise ConfigError(f"validate.dynamic.foot_contact {self.foot_contact!r}; valid choices: ['spheres', 'all']")
        if self.settle_s < 0:
            raise ConfigError(f"validate.dynamic.settle_s must be >= 0, got {self.settle_s!r}")

    @property
    def substeps(self) -> int:
        return max(1, int(round(self.control_dt / self.timestep)))


@dataclass
class BalanceConfig:
    """Sim-only stand assist: gain multipliers on the legs (documented in docs/validation.md)."""

    leg_kp_scale: float = 4.0
    leg_kd_scale: float = 2.0
    ankle_kp_scale: float = 15.0
    ankle_kd_scale: float = 4.0

    def __post_init__(self):
        _positive("balance", self, ("leg_kp_scale", "leg_kd_scale", "ankle_kp_scale", "ankle_kd_scale"))

    def describe(self) -> str:
        return (
            f"stiff-leg stand assist (sim only): leg kp x{self.leg_kp_scale:g} kd x{self.leg_kd_scale:g}, "
            f"ankle kp x{self.ankle_kp_scale:g} kd x{self.ankle_kd_scale:g}, torque limits unchanged"
        )


@dataclass
class ModeConfig:
    leg_motion_threshold: float = 0.15  # [rad]
    root_motion_threshold: float = 0.05  # [m]

    def __post_init__(self):
        _positive("mode", self, ("leg_motion_threshold", "root_motion_threshold"))


@dataclass
class RepairConfig:
    time_scales: list[float] = field(default_factory=lambda: [1.5, 2.0, 3.0])
    amplitude_scales: list[float] = field(default_factory=lambda: [0.8, 0.6])
    allow_upper_body: bool = True

    def __post_init__(self):
        for s in self.time_scales:
            if not isinstance(s, (int, float)) or s <= 1:
                raise ConfigError(f"validate.repair.time_scales entries must be numbers > 1 (slow-downs), got {s!r}")
        for s in self.amplitude_scales:
            if not isinstance(s, (int, float)) or not 0 < s < 1:
                raise ConfigError(f"validate.repair.amplitude_scales entries must be in (0, 1), got {s!r}")


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
    "balance": BalanceConfig,
    "mode": ModeConfig,
    "repair": RepairConfig,
    "render": RenderConfig,
}


@dataclass
class ValidateConfig:
    kinematic: KinematicConfig = field(default_factory=KinematicConfig)
    dynamic: DynamicConfig = field(default_factory=DynamicConfig)
    balance: BalanceConfig = field(default_factory=BalanceConfig)
    mode: ModeConfig = field(default_factory=ModeConfig)
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
