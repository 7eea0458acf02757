"""`validate_with_log`: the one place where reports, videos, the preview and batches get a validation
together with its `ExecutionLog`.

    lv = validate_with_log(traj_or_plan, mode="auto", repair=True)
    lv.report, lv.log, lv.plan, lv.executed   # ValidationReport, ExecutionLog | None, the plan run, its reference

The log is the rollout of validation itself (the robot-side executor on the simulation model): the same run
the verdict comes from. `execution_log` turns a `RolloutLog` into the `ExecutionLog` the plots read.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from humanoid_lmm.execution import ExecutionPlan
from humanoid_lmm.robots import RobotConfig, RobotTrajectory
from humanoid_lmm.sim.execution_log import ExecutionLog, LogEvent
from humanoid_lmm.sim.log_events import torque_limit_events
from humanoid_lmm.sim.report import Failure, ValidationReport
from humanoid_lmm.sim.rollout import RolloutLog

__all__ = ["LoggedValidation", "execution_log", "validate_with_log"]


@dataclass(frozen=True)
class LoggedValidation:
    report: ValidationReport  # the verdict (repairs listed when `repair`)
    log: ExecutionLog | None  # the simulated execution (None without a dynamic run)
    plan: ExecutionPlan  # the (repaired) plan that was executed

    @property
    def executed(self) -> RobotTrajectory:
        return self.plan.reference


def execution_log(plan: ExecutionPlan, rollout: RolloutLog, cfg: RobotConfig,
                  failures: list[Failure] = ()) -> ExecutionLog:
    """The ExecutionLog of one rollout: q_ref is the plan's reference on the joints it drives while it is tracked,
    the commanded target elsewhere; events are the filter's clips, torque limits and a fall."""
    ref = plan.reference
    q_ref = rollout.q_cmd.copy()
    track = ~np.isnan(rollout.plan_time)
    j = plan.driven_joints(cfg)
    if track.any():
        q_ref[np.ix_(track, j)] = np.stack([np.interp(rollout.plan_time[track], ref.times, ref.q[:, k]) for k in j], 1)
    events = [LogEvent(float(t), kind, msg, msg.split(":")[0] if ":" in msg else "") for t, kind, msg in rollout.events_at]
    events += torque_limit_events(rollout.times, rollout.tau, cfg.tau_max, cfg.joint_names)
    events += [LogEvent(float(f.time_s or 0.0), "fall", f.message, f.joint or "") for f in failures if f.check == "fall"]
    events.sort(key=lambda e: e.time_s)
    return ExecutionLog(robot=cfg.name, joint_names=cfg.joint_names, times=rollout.times, q=rollout.q, q_ref=q_ref,
                        tau=rollout.tau, tau_max=cfg.tau_max, root_pos=rollout.base_pos, root_quat=rollout.base_quat,
                        com=rollout.com, support=rollout.support, contacts=rollout.foot_contact, qpos=rollout.qpos,
                        events=tuple(events), controller=rollout.controller, mode=plan.mode.value,
                        assist=rollout.assist)


def validate_with_log(source: RobotTrajectory | ExecutionPlan, mode: str = "auto", repair: bool = False,
                      config=None, transport: str = "lowcmd") -> LoggedValidation:
    """Validate a plan (a trajectory goes through the planner first; `mode` forces one), after
    `validate_and_repair` when `repair`, and return the report with the log of the run that judged it."""
    from humanoid_lmm.retarget import plan_execution
    from humanoid_lmm.sim.repair import validate_and_repair
    from humanoid_lmm.sim.validate import resolve_config, run_validation

    vc = resolve_config(config)
    plan = source
    if isinstance(source, RobotTrajectory):
        plan = plan_execution(source, mode=None if mode in ("auto", "", None) else mode, why="requested")
    repairs: list[str] = []
    if repair:
        plan, rep = validate_and_repair(plan, vc, transport=transport)
        repairs = list(rep.repairs)
    v = run_validation(plan, vc, transport=transport, log=True)
    if repairs:
        v.report.repairs = repairs
    return LoggedValidation(v.report, v.dynamics.log if v.dynamics is not None else None, plan)
