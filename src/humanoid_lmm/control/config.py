"""Control settings from config/control.yaml as validated dataclasses (errors name the field)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import yaml

from humanoid_lmm.errors import ConfigError

__all__ = [
    "BridgeConfig",
    "ControlConfig",
    "RobotControlConfig",
    "SafetyConfig",
    "SimRobotConfig",
    "StreamerConfig",
    "WatchdogConfig",
    "default_control_config_path",
    "load_control_config",
]


def _positive(obj, *names: str, allow_zero: bool = False) -> None:
    for n in names:
        v = getattr(obj, n)
        ok = isinstance(v, (int, float)) and math.isfinite(v) and (v >= 0 if allow_zero else v > 0)
        if not ok:
            raise ConfigError(f"{type(obj).__name__}.{n}={v!r}: must be a finite number {'>= 0' if allow_zero else '> 0'}")


@dataclass(frozen=True)
class SafetyConfig:
    joint_margin: float = 0.05  # [rad]
    max_velocity_scale: float = 0.5
    max_velocity_cap: float = 3.0  # [rad/s]
    max_acceleration: float = 40.0  # [rad/s^2]
    torque_scale: float = 0.9

    def __post_init__(self):
        _positive(self, "max_velocity_scale", "max_velocity_cap", "max_acceleration", "torque_scale")
        _positive(self, "joint_margin", allow_zero=True)
        if self.torque_scale > 1.0 or self.max_velocity_scale > 1.0:
            raise ConfigError(f"SafetyConfig: torque_scale={self.torque_scale}, max_velocity_scale="
                              f"{self.max_velocity_scale}: must be <= 1")


@dataclass(frozen=True)
class WatchdogConfig:
    state_timeout_s: float = 0.1
    upstream_timeout_s: float = 0.25
    sim_state_timeout_s: float = 0.5  # the streamer node in mode "sim" (a Python robot on a shared computer)

    def __post_init__(self):
        _positive(self, "state_timeout_s", "upstream_timeout_s", "sim_state_timeout_s")


@dataclass(frozen=True)
class StreamerConfig:
    soft_start_s: float = 2.0
    soft_stop_s: float = 1.0
    blend_s: float = 0.5
    cancel_s: float = 0.5

    def __post_init__(self):
        _positive(self, "soft_start_s", "soft_stop_s", "blend_s", "cancel_s")


@dataclass(frozen=True)
class BridgeConfig:
    lowcmd_rate_hz: float = 500.0
    arm_sdk_rate_hz: float = 50.0
    arm_sdk_weight_rate: float = 0.5
    second_publisher_window_s: float = 0.5
    state_wait_s: float = 3.0
    mode_pr: int = 0

    def __post_init__(self):
        _positive(self, "lowcmd_rate_hz", "arm_sdk_rate_hz", "arm_sdk_weight_rate", "state_wait_s")
        _positive(self, "second_publisher_window_s", allow_zero=True)
        if self.mode_pr not in (0, 1):
            raise ConfigError(f"BridgeConfig.mode_pr={self.mode_pr!r}; valid choices: [0, 1]")


@dataclass(frozen=True)
class RobotControlConfig:
    damping_kd: float = 3.0  # [N*m*s/rad]
    arm_sdk_kp: float = 60.0
    arm_sdk_kd: float = 1.5

    def __post_init__(self):
        _positive(self, "damping_kd", "arm_sdk_kp", "arm_sdk_kd")


@dataclass(frozen=True)
class SimRobotConfig:
    rate_hz: float = 500.0
    base: str = "fixed"
    builtin_kp_scale: float = 1.0
    mode_machine: int = 5

    def __post_init__(self):
        _positive(self, "rate_hz", "builtin_kp_scale")
        if self.base not in ("fixed", "free"):
            raise ConfigError(f"SimRobotConfig.base={self.base!r}; valid choices: ['fixed', 'free']")
        if not (isinstance(self.mode_machine, int) and 0 <= self.mode_machine <= 255):
            raise ConfigError(f"SimRobotConfig.mode_machine={self.mode_machine!r}: must be an int in 0..255")


@dataclass(frozen=True)
class ControlConfig:
    safety: SafetyConfig = field(default_factory=SafetyConfig)
    watchdog: WatchdogConfig = field(default_factory=WatchdogConfig)
    streamer: StreamerConfig = field(default_factory=StreamerConfig)
    bridge: BridgeConfig = field(default_factory=BridgeConfig)
    robots: dict = field(default_factory=lambda: {"g1": RobotControlConfig(), "h1": RobotControlConfig()})
    sim_robot: SimRobotConfig = field(default_factory=SimRobotConfig)

    def robot(self, name: str) -> RobotControlConfig:
        if name not in self.robots:
            raise ConfigError(f"control.robots has no entry {name!r}; valid choices: {sorted(self.robots)}")
        return self.robots[name]

    def for_simulated_robot(self) -> "ControlConfig":
        """This config with the watchdog's state timeout of a simulated robot (watchdog.sim_state_timeout_s):
        a Python MuJoCo process on a shared computer may pause longer than the real robot's 0.1 s."""
        return replace(self, watchdog=replace(self.watchdog, state_timeout_s=self.watchdog.sim_state_timeout_s))


def default_control_config_path() -> Path:
    return Path(__file__).resolve().parents[3] / "config" / "control.yaml"


def _section(cls, raw, name: str):
    if raw is None:
        return cls()
    if not isinstance(raw, dict):
        raise ConfigError(f"control.{name}: expected a mapping, got {type(raw).__name__}")
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ConfigError(f"control.{name}: unknown field(s) {unknown}; valid: {sorted(known)}")
    return cls(**raw)


def load_control_config(path: str | Path | None = None) -> ControlConfig:
    """Read config/control.yaml (or `path`) into a validated ControlConfig."""
    p = Path(path) if path is not None else default_control_config_path()
    if not p.is_file():
        raise ConfigError(f"control config {p} not found")
    raw = yaml.safe_load(p.read_text()) or {}
    top = {f.name for f in fields(ControlConfig)}
    unknown = sorted(set(raw) - top)
    if unknown:
        raise ConfigError(f"{p}: unknown section(s) {unknown}; valid: {sorted(top)}")
    robots = {k: _section(RobotControlConfig, v, f"robots.{k}") for k, v in (raw.get("robots") or {}).items()}
    return ControlConfig(
        safety=_section(SafetyConfig, raw.get("safety"), "safety"),
        watchdog=_section(WatchdogConfig, raw.get("watchdog"), "watchdog"),
        streamer=_section(StreamerConfig, raw.get("streamer"), "streamer"),
        bridge=_section(BridgeConfig, raw.get("bridge"), "bridge"),
        robots=robots or ControlConfig().robots,
        sim_robot=_section(SimRobotConfig, raw.get("sim_robot"), "sim_robot"),
    )
