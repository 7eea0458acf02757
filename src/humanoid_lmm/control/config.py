"""Robot-link settings from config/control.yaml as validated dataclasses (errors name the field).

What is executed and how (controllers, safety limits, timings) is config/execution.yaml
(`humanoid_lmm.execution.config`); this file is about the link to the robot: watchdog, DDS bridge, damping,
the simulated robot.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from enum import Enum
from pathlib import Path

from humanoid_lmm.config_files import config_path, read_yaml_mapping
from humanoid_lmm.errors import ConfigError
from humanoid_lmm.execution.config import _positive

__all__ = [
    "BridgeConfig",
    "ControlConfig",
    "RobotControlConfig",
    "RobotLink",
    "SimRobotConfig",
    "SupervisorConfig",
    "WatchdogConfig",
    "load_control_config",
]


class RobotLink(str, Enum):
    """Who is on the other end of the DDS topics."""

    SIM = "sim"  # the simulated robot (control.SimRobot), DDS on loopback
    REAL = "real"  # a Unitree robot on its network

    @classmethod
    def parse(cls, value) -> "RobotLink":
        try:
            return cls(value)
        except ValueError:
            raise ConfigError(f"robot link mode {value!r}; valid choices: {[m.value for m in cls]}") from None


@dataclass(frozen=True)
class WatchdogConfig:
    state_timeout_s: float = 0.1
    sim_state_timeout_s: float = 0.5  # a simulated robot (a Python process on a shared computer)

    def __post_init__(self):
        _positive(self, "state_timeout_s", "sim_state_timeout_s")


@dataclass(frozen=True)
class SupervisorConfig:
    heartbeat_timeout_s: float = 0.1  # the bridge's command stream silent this long -> the supervisor takes over
    sim_heartbeat_timeout_s: float = 0.5  # the same against the simulated robot (a shared computer)

    def __post_init__(self):
        _positive(self, "heartbeat_timeout_s", "sim_heartbeat_timeout_s")


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

    def __post_init__(self):
        _positive(self, "damping_kd")


@dataclass(frozen=True)
class SimRobotConfig:
    rate_hz: float = 500.0
    base: str = "free"
    mode_machine: int = 5

    def __post_init__(self):
        _positive(self, "rate_hz")
        if self.base not in ("free", "gantry"):
            raise ConfigError(f"SimRobotConfig.base={self.base!r}; valid choices: ['free', 'gantry']")
        if not (isinstance(self.mode_machine, int) and 0 <= self.mode_machine <= 255):
            raise ConfigError(f"SimRobotConfig.mode_machine={self.mode_machine!r}: must be an int in 0..255")


@dataclass(frozen=True)
class ControlConfig:
    watchdog: WatchdogConfig = field(default_factory=WatchdogConfig)
    bridge: BridgeConfig = field(default_factory=BridgeConfig)
    robots: dict = field(default_factory=lambda: {"g1": RobotControlConfig(), "h1": RobotControlConfig()})
    sim_robot: SimRobotConfig = field(default_factory=SimRobotConfig)
    supervisor: SupervisorConfig = field(default_factory=SupervisorConfig)

    def robot(self, name: str) -> RobotControlConfig:
        if name not in self.robots:
            raise ConfigError(f"control.robots has no entry {name!r}; valid choices: {sorted(self.robots)}")
        return self.robots[name]

    def for_link(self, link: RobotLink | str) -> "ControlConfig":
        """This config for a robot link: a simulated robot gets watchdog.sim_state_timeout_s (a Python MuJoCo
        process on a shared computer may pause longer than the real robot's 0.1 s)."""
        if RobotLink.parse(link) is RobotLink.REAL:
            return self
        return replace(self, watchdog=replace(self.watchdog, state_timeout_s=self.watchdog.sim_state_timeout_s),
                       supervisor=replace(self.supervisor, heartbeat_timeout_s=self.supervisor.sim_heartbeat_timeout_s))


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
    p = config_path(path, "control.yaml")
    if not p.is_file():
        raise ConfigError(f"control config {p} not found")
    raw = read_yaml_mapping(p, "control config", {f.name for f in fields(ControlConfig)})
    robots = {k: _section(RobotControlConfig, v, f"robots.{k}") for k, v in (raw.get("robots") or {}).items()}
    return ControlConfig(
        watchdog=_section(WatchdogConfig, raw.get("watchdog"), "watchdog"),
        bridge=_section(BridgeConfig, raw.get("bridge"), "bridge"),
        robots=robots or ControlConfig().robots,
        sim_robot=_section(SimRobotConfig, raw.get("sim_robot"), "sim_robot"),
        supervisor=_section(SupervisorConfig, raw.get("supervisor"), "supervisor"),
    )
