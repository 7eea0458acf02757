"""`validate_with_log`: the one place where reports, videos, the preview and batches get a validation
together with its `ExecutionLog`.

    lv = validate_with_log(traj, mode="auto", repair=True)
    lv.report, lv.log, lv.executed       # ValidationReport (with repairs), ExecutionLog | None, the plan run

Today: optional `validate_and_repair`, then `run_validation(..., log=True)` (the validation tracker fills
the log through `simulate(..., log=True)`). When validation runs another executor, only this function
changes: every consumer reads `LoggedValidation`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from humanoid_lmm.robots import RobotTrajectory
from humanoid_lmm.sim.execution_log import ExecutionLog
from humanoid_lmm.sim.report import ValidationReport

__all__ = ["LoggedValidation", "validate_with_log"]


@dataclass(frozen=True)
class LoggedValidation:
    report: ValidationReport  # the verdict (repairs listed when `repair`)
    log: ExecutionLog | None  # the simulated execution (None without a dynamic run)
    executed: RobotTrajectory  # the (repaired) plan that was executed


def validate_with_log(traj: RobotTrajectory, mode: str = "auto", repair: bool = False, config=None) -> LoggedValidation:
    """Validate `traj` (after `validate_and_repair` when `repair`) and return the report with the log."""
    from humanoid_lmm.sim.repair import validate_and_repair
    from humanoid_lmm.sim.validate import resolve_config, run_validation

    vc = resolve_config(config)
    repairs: list[str] = []
    if repair:
        traj, rep = validate_and_repair(traj, vc, mode)
        mode, repairs = rep.mode, list(rep.repairs)
    v = run_validation(traj, vc, mode, log=True)
    report = replace(v.report, repairs=repairs) if repairs else v.report
    return LoggedValidation(report, v.dynamics.log if v.dynamics is not None else None, traj)
