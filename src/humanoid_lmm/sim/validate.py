"""`validate(plan)`: kinematic checks on the plan's reference + its execution in MuJoCo -> `ValidationReport`.

The execution is the robot side itself (`sim.rollout`: the Executor with the controllers, gains, rates,
timeline and safety filter of config/execution.yaml, on the robot's simulation model, free-standing, no
assist - a gantry only where the plan names it). The safety filter runs with its limits times the validation
headroom, so a plan that passes streams with zero clips.

Example:
    from humanoid_lmm.retarget import plan_execution
    from humanoid_lmm.sim import validate
    report = validate(plan_execution(RobotTrajectory.load_npz("wave_g1.npz")))
    print(report)            # verdict, failed checks with time / joint / value, metrics, controller, assist
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from humanoid_lmm.errors import ConfigError
from humanoid_lmm.execution import ExecutionConfig, ExecutionMode, ExecutionPlan, load_execution_config
from humanoid_lmm.robots import RobotConfig, RobotTrajectory, load_robot_config
from humanoid_lmm.sim.checks import check_contacts, check_joint_limits
from humanoid_lmm.sim.config import ValidateConfig, load_validate_config
from humanoid_lmm.sim.dynamics import DynamicsResult, measure
from humanoid_lmm.sim.model import validation_robot
from humanoid_lmm.sim.modes import upper_body_execution
from humanoid_lmm.sim.report import ValidationReport
from humanoid_lmm.sim.rollout import rollout

__all__ = ["Validation", "resolve_config", "run_validation", "validate"]

KINEMATIC_CHECKS = ["joint_position", "joint_velocity", "joint_acceleration", "self_collision", "ground_penetration", "foot_slide"]
DYNAMIC_CHECKS = ["fall", "tracking_rms", "tracking_peak", "torque_saturation", "foot_slip", "base_drift", "heading",
                  "path_end", "safety_clip"]


@dataclass
class Validation:
    """Everything one validation produced: the report, the plan it judged and the simulated execution."""

    report: ValidationReport
    plan: ExecutionPlan
    dynamics: DynamicsResult | None

    @property
    def executed(self) -> RobotTrajectory:
        return self.plan.reference


def resolve_config(config: ValidateConfig | str | Path | None) -> ValidateConfig:
    if config is None:
        return load_validate_config()
    if isinstance(config, ValidateConfig):
        return config
    if isinstance(config, (str, Path)):
        return load_validate_config(config)
    raise ConfigError(f"config must be a ValidateConfig, a YAML path or None, got {type(config).__name__}")


def _robot_config(plan: ExecutionPlan, robot_config: RobotConfig | None) -> RobotConfig:
    cfg = robot_config or load_robot_config(plan.robot)
    if cfg.name != plan.robot:
        raise ConfigError(f"plan is for robot {plan.robot!r} but the robot config is {cfg.name!r}")
    if tuple(plan.reference.joint_names) != tuple(cfg.joint_names):
        raise ConfigError(f"plan joint_names differ from {cfg.name}'s motor order {list(cfg.joint_names)}")
    return cfg


def describe_execution(plan: ExecutionPlan, controller: str, transport: str) -> str:
    assist = "on the GANTRY (pelvis held: sim-only assist)" if plan.assist == "gantry" else "free-standing, no assist"
    return f"{plan.mode.value} by {controller} over {transport}, {assist}"


def run_validation(plan: ExecutionPlan | RobotTrajectory, config: ValidateConfig | str | Path | None = None,
                   robot_config: RobotConfig | None = None, execution: ExecutionConfig | None = None,
                   transport: str = "lowcmd", dynamic: bool = True, controller_override: str | None = None,
                   log: bool = False, mode: str | None = None) -> Validation:
    """Validate `plan` and keep the simulated execution (see `validate`). A RobotTrajectory is planned first
    (`mode` forces its mode); `log` adds the ExecutionLog (reports, videos) to `dynamics.log`."""
    start, log_requested = time.perf_counter(), log
    if isinstance(plan, RobotTrajectory):
        from humanoid_lmm.retarget import plan_execution

        plan = plan_execution(plan, robot_config, execution, mode=mode, why="requested" if mode else "")
    vc = resolve_config(config)
    cfg = _robot_config(plan, robot_config)
    ec = execution or load_execution_config()
    safety = ec.safety.tightened()
    ref = plan.reference
    # contacts are replayed on what is executed kinematically: the reference legs only under whole_body (else
    # they are the balancing policy's: the stand pose stands in for them, and the pelvis stays put)
    kinematic = ref if plan.mode is ExecutionMode.WHOLE_BODY else upper_body_execution(ref, cfg)
    failures, metrics = check_joint_limits(ref, cfg, safety, plan.driven_joints(cfg))
    f2, m2 = check_contacts(kinematic, validation_robot(cfg), vc.kinematic)
    failures += f2
    metrics.update(m2)
    checks = list(KINEMATIC_CHECKS)
    dyn, controller = None, plan.controller or "-"
    if dynamic:
        log = rollout(plan, cfg, ec, transport=transport, safety=safety, settle_s=vc.dynamic.settle_s,
                      controller_override=controller_override)
        dyn = measure(plan, log, cfg, vc.dynamic)
        if log_requested:
            from humanoid_lmm.sim.logged_validation import execution_log

            dyn.log = execution_log(plan, log, cfg, dyn.failures)
        failures += dyn.failures
        metrics.update(dyn.metrics)
        checks += DYNAMIC_CHECKS
        controller = log.controller
    wall = time.perf_counter() - start
    metrics["wall_s"] = wall
    if dyn is not None:
        metrics["realtime_factor"] = metrics["sim_seconds"] / wall
    report = ValidationReport(robot=cfg.name, mode=plan.mode.value, failures=failures, metrics=metrics,
                              balance=describe_execution(plan, controller, transport) if dynamic else "",
                              duration_s=ref.duration_s, frames=ref.n_frames, checks_run=checks,
                              reason=plan.reason, controller=controller, assist=plan.assist, transport=transport)
    return Validation(report, plan, dyn)


def validate(plan: ExecutionPlan, config: ValidateConfig | str | Path | None = None,
             robot_config: RobotConfig | None = None, **kwargs) -> ValidationReport:
    """Check `plan` kinematically and by executing it in MuJoCo; `report.passed` only if every check passed."""
    return run_validation(plan, config, robot_config, **kwargs).report
