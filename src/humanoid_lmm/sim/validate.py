"""`validate(traj)`: kinematic checks + dynamic tracking in MuJoCo -> `ValidationReport`.

Example:
    from humanoid_lmm.robots import RobotTrajectory
    from humanoid_lmm.sim import validate
    report = validate(RobotTrajectory.load_npz("wave_g1.npz"))
    print(report)            # verdict, failed checks with time / joint / value, metrics
    report.passed            # False -> do not stream
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from humanoid_lmm.errors import ConfigError
from humanoid_lmm.robots import RobotConfig, RobotTrajectory, load_robot_config
from humanoid_lmm.sim.checks import check_contacts, check_joint_limits
from humanoid_lmm.sim.config import ValidateConfig, load_validate_config
from humanoid_lmm.sim.dynamics import DynamicsResult, simulate
from humanoid_lmm.sim.model import validation_robot
from humanoid_lmm.sim.modes import choose_mode, upper_body_execution
from humanoid_lmm.sim.report import ValidationReport

__all__ = ["Validation", "resolve_config", "run_validation", "validate"]


@dataclass
class Validation:
    """Everything one validation produced: the report, the trajectory actually executed (mode-adjusted)
    and the simulated states (for rendering)."""

    report: ValidationReport
    executed: RobotTrajectory
    dynamics: DynamicsResult | None


def resolve_config(config: ValidateConfig | str | Path | None) -> ValidateConfig:
    if config is None:
        return load_validate_config()
    if isinstance(config, ValidateConfig):
        return config
    if isinstance(config, (str, Path)):
        return load_validate_config(config)
    raise ConfigError(f"config must be a ValidateConfig, a YAML path or None, got {type(config).__name__}")


def _robot_config(traj: RobotTrajectory, robot_config: RobotConfig | None) -> RobotConfig:
    cfg = robot_config or load_robot_config(traj.robot)
    if cfg.name != traj.robot:
        raise ConfigError(f"trajectory is for robot {traj.robot!r} but the robot config is {cfg.name!r}")
    if tuple(traj.joint_names) != tuple(cfg.joint_names):
        raise ConfigError(f"trajectory joint_names differ from {cfg.name}'s motor order {list(cfg.joint_names)}")
    return cfg


def run_validation(
    traj: RobotTrajectory,
    config: ValidateConfig | str | Path | None = None,
    mode: str = "auto",
    robot_config: RobotConfig | None = None,
    dynamic: bool = True,
    log: bool = False,
) -> Validation:
    """Validate and keep the intermediate results (see `validate`); `log`: also `Validation.dynamics.log`
    (an ExecutionLog for reports, videos and the preview)."""
    start = time.perf_counter()
    vc = resolve_config(config)
    cfg = _robot_config(traj, robot_config)
    resolved = choose_mode(traj, cfg, vc.mode, mode)
    executed = upper_body_execution(traj, cfg) if resolved == "upper_body" else traj
    mj = validation_robot(cfg)

    failures, metrics = check_joint_limits(executed, cfg, vc.kinematic)
    f2, m2 = check_contacts(executed, mj, vc.kinematic)
    failures += f2
    metrics.update(m2)
    checks = ["joint_position", "joint_velocity", "joint_acceleration", "self_collision", "ground_penetration", "foot_slide"]
    dyn = None
    if dynamic:
        dyn = simulate(executed, mj, vc, log=log)
        failures += dyn.failures
        metrics.update(dyn.metrics)
        checks += ["fall", "tracking_rms", "tracking_peak", "torque_saturation", "foot_slip", "base_drift"]
    wall = time.perf_counter() - start
    metrics["wall_s"] = wall
    if dyn is not None:
        metrics["realtime_factor"] = metrics["sim_seconds"] / wall
    report = ValidationReport(
        robot=cfg.name,
        mode=resolved,
        failures=failures,
        metrics=metrics,
        balance=vc.balance.describe() if dynamic else "",
        duration_s=traj.duration_s,
        frames=traj.n_frames,
        checks_run=checks,
    )
    return Validation(report, executed, dyn)


def validate(
    traj: RobotTrajectory,
    config: ValidateConfig | str | Path | None = None,
    mode: str = "auto",
    robot_config: RobotConfig | None = None,
) -> ValidationReport:
    """Check `traj` kinematically and dynamically in MuJoCo; `report.passed` only if every check passed.

    mode: "auto" (upper_body when `traj.upper_body_only` or the legs and root barely move), "upper_body"
    (waist + arms follow, legs hold the stand pose: G1 arm_sdk style) or "whole_body".
    config: a ValidateConfig, a YAML path, or None for config/validate.yaml.
    """
    return run_validation(traj, config, mode, robot_config).report
