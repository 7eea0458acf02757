"""Execution settings from `config/execution.yaml` as frozen, validated dataclasses (errors name the field).

The same values reach the planner (retarget stage), validation (sim) and the robot side (control).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from humanoid_lmm.config_files import config_path, read_yaml_mapping
from humanoid_lmm.errors import ConfigError

__all__ = [
    "ControllerSetConfig",
    "ExecutionConfig",
    "LimitConfig",
    "PlannerConfig",
    "PolicyLimitConfig",
    "SafetyConfig",
    "StreamerConfig",
    "load_execution_config",
]


def _positive(obj, *names: str, allow_zero: bool = False) -> None:
    for n in names:
        v = getattr(obj, n)
        ok = isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and (v >= 0 if allow_zero else v > 0)
        if not ok:
            raise ConfigError(f"{type(obj).__name__}.{n}={v!r}: must be a finite number {'>= 0' if allow_zero else '> 0'}")


@dataclass(frozen=True)
class PlannerConfig:
    leg_motion_threshold: float = 0.15  # [rad]
    root_motion_threshold: float = 0.10  # [m]
    heading_threshold: float = 0.30  # [rad]
    smoothing_hz: float = 4.0  # [Hz] low-pass of the reference joints
    upper_body_only: bool = False

    def __post_init__(self):
        _positive(self, "leg_motion_threshold", "root_motion_threshold", "heading_threshold", "smoothing_hz")
        if not isinstance(self.upper_body_only, bool):
            raise ConfigError(f"PlannerConfig.upper_body_only={self.upper_body_only!r}: must be true or false")


@dataclass(frozen=True)
class LimitConfig:
    """Rate limits of joints that follow the plan's reference."""

    max_velocity_scale: float = 0.5
    max_velocity_cap: float = 3.0  # [rad/s]
    max_acceleration: float = 40.0  # [rad/s^2]

    def __post_init__(self):
        _positive(self, "max_velocity_scale", "max_velocity_cap", "max_acceleration")
        if self.max_velocity_scale > 1.0:
            raise ConfigError(f"LimitConfig.max_velocity_scale={self.max_velocity_scale}: must be <= 1")


@dataclass(frozen=True)
class PolicyLimitConfig:
    """Rate limits of joints whose PD targets a policy sets (one target per policy step)."""

    max_velocity: float = 40.0  # [rad/s]
    max_acceleration: float = 4000.0  # [rad/s^2]

    def __post_init__(self):
        _positive(self, "max_velocity", "max_acceleration")


@dataclass(frozen=True)
class SafetyConfig:
    joint_margin: float = 0.05  # [rad] reference-driven joints
    policy_joint_margin: float = 0.0  # [rad] policy-driven joints (the policy's own limits are the URDF's)
    torque_scale: float = 0.9
    reference: LimitConfig = field(default_factory=LimitConfig)
    policy: PolicyLimitConfig = field(default_factory=PolicyLimitConfig)
    validation_headroom: float = 0.9

    def __post_init__(self):
        _positive(self, "torque_scale", "validation_headroom")
        _positive(self, "joint_margin", "policy_joint_margin", allow_zero=True)
        if self.torque_scale > 1.0 or self.validation_headroom > 1.0:
            raise ConfigError(f"SafetyConfig: torque_scale={self.torque_scale}, validation_headroom="
                              f"{self.validation_headroom}: must be <= 1")

    def tightened(self) -> "SafetyConfig":
        """These limits times `validation_headroom` (validation checks a plan against these)."""
        h = self.validation_headroom
        ref, pol = self.reference, self.policy
        return replace(
            self,
            torque_scale=self.torque_scale * h,
            reference=replace(ref, max_velocity_scale=ref.max_velocity_scale * h,
                              max_velocity_cap=ref.max_velocity_cap * h, max_acceleration=ref.max_acceleration * h),
            policy=replace(pol, max_velocity=pol.max_velocity * h, max_acceleration=pol.max_acceleration * h),
        )


@dataclass(frozen=True)
class StreamerConfig:
    soft_start_s: float = 2.0
    soft_stop_s: float = 1.0
    blend_s: float = 0.5
    cancel_s: float = 0.5
    return_s: float = 1.5

    def __post_init__(self):
        _positive(self, "soft_start_s", "soft_stop_s", "blend_s", "cancel_s", "return_s")


@dataclass(frozen=True)
class ControllerSetConfig:
    """Which controller fills each role on one robot: a policy name (config/policies/<name>.yaml) or "pd"."""

    stand: str = "pd"
    locomotion: str = "pd"
    whole_body: str = "pd"
    arm_kp: float = 60.0  # [N*m/rad] joints a plan overrides over a balancing policy
    arm_kd: float = 1.5  # [N*m*s/rad]
    gravity_feedforward: bool = False
    masked: bool = True

    def __post_init__(self):
        for n in ("stand", "locomotion", "whole_body"):
            v = getattr(self, n)
            if not isinstance(v, str) or not v:
                raise ConfigError(f"ControllerSetConfig.{n}={v!r}: must name a policy or be 'pd'")
        _positive(self, "arm_kp", "arm_kd")

    @property
    def balances(self) -> bool:
        """True when a policy keeps the robot on its feet (a free-standing robot is possible)."""
        return self.stand != "pd"


@dataclass(frozen=True)
class ExecutionConfig:
    planner: PlannerConfig = field(default_factory=PlannerConfig)
    safety: SafetyConfig = field(default_factory=SafetyConfig)
    streamer: StreamerConfig = field(default_factory=StreamerConfig)
    controllers: dict = field(default_factory=dict)  # robot name -> ControllerSetConfig
    source: Path | None = None

    def controllers_for(self, robot: str) -> ControllerSetConfig:
        if robot not in self.controllers:
            raise ConfigError(f"execution.controllers has no entry {robot!r}; valid choices: {sorted(self.controllers)}")
        return self.controllers[robot]


def _section(cls, raw, name: str):
    if raw is None:
        return cls()
    if not isinstance(raw, dict):
        raise ConfigError(f"execution.{name}: expected a mapping, got {type(raw).__name__}")
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ConfigError(f"execution.{name}: unknown field(s) {unknown}; valid: {sorted(known)}")
    try:
        return cls(**raw)
    except TypeError as e:
        raise ConfigError(f"execution.{name}: {e}") from e


def _safety(raw) -> SafetyConfig:
    raw = dict(raw or {})
    nested = {"reference": _section(LimitConfig, raw.pop("reference", None), "safety.reference"),
              "policy": _section(PolicyLimitConfig, raw.pop("policy", None), "safety.policy")}
    base = _section(SafetyConfig, raw, "safety")
    return replace(base, **nested)


def load_execution_config(path: str | Path | None = None) -> ExecutionConfig:
    """Read config/execution.yaml (or `path`) into a validated ExecutionConfig."""
    p = config_path(path, "execution.yaml")
    raw = read_yaml_mapping(p, "execution config", {f.name for f in fields(ExecutionConfig)} - {"source"})
    controllers = raw.get("controllers") or {}
    if not isinstance(controllers, dict):
        raise ConfigError(f"{p}: controllers must map robot names to controller sets")
    return ExecutionConfig(
        planner=_section(PlannerConfig, raw.get("planner"), "planner"),
        safety=_safety(raw.get("safety")),
        streamer=_section(StreamerConfig, raw.get("streamer"), "streamer"),
        controllers={k: _section(ControllerSetConfig, v, f"controllers.{k}") for k, v in controllers.items()},
        source=p,
    )
