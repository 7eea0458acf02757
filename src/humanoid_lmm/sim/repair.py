"""Repair: a plan that fails is slowed down, shrunk toward the stand pose, or reduced to its upper body - and
every candidate is re-validated against the same controller before it may stand in for the original.

Never returns a passing report for a plan that was not itself validated: when no candidate passes, the
original plan comes back with its failing report (`report.repairs` lists what was tried) and is refused.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from humanoid_lmm.execution import ExecutionConfig, ExecutionMode, ExecutionPlan, load_execution_config
from humanoid_lmm.retarget.planner import replan
from humanoid_lmm.robots import RobotConfig, RobotTrajectory, build_pinocchio_model, load_robot_config
from humanoid_lmm.sim.config import ValidateConfig
from humanoid_lmm.sim.report import ValidationReport
from humanoid_lmm.sim.validate import resolve_config, run_validation

__all__ = ["repair_candidates", "scale_amplitude", "time_scale", "validate_and_repair"]


def time_scale(traj: RobotTrajectory, factor: float) -> RobotTrajectory:
    """The same motion `factor` times slower (factor > 1), resampled at the same fps."""
    T = traj.n_frames
    T2 = int(round((T - 1) * factor)) + 1
    src = np.arange(T) / traj.fps
    t = np.minimum(np.arange(T2) / traj.fps / factor, src[-1])

    def lin(a):
        return np.stack([np.interp(t, src, a[:, j]) for j in range(a.shape[1])], axis=1)

    q4 = lin(_hemisphere(traj.root_quat / np.linalg.norm(traj.root_quat, axis=1, keepdims=True)))
    q4 /= np.linalg.norm(q4, axis=1, keepdims=True)
    nearest = np.clip(np.rint(t * traj.fps).astype(int), 0, T - 1)
    residual = None if traj.residual is None else np.interp(t, src, traj.residual)
    return traj.replace(q=lin(traj.q), root_pos=lin(traj.root_pos), root_quat=q4, contacts=traj.contacts[nearest], residual=residual)


def _hemisphere(quat: np.ndarray) -> np.ndarray:
    """Flip quaternion signs so consecutive ones lie in the same hemisphere (safe to interpolate)."""
    out = quat.copy()
    for i in range(1, len(out)):
        if np.dot(out[i], out[i - 1]) < 0:
            out[i] = -out[i]
    return out


def scale_amplitude(traj: RobotTrajectory, factor: float, cfg: RobotConfig | None = None) -> RobotTrajectory:
    """Joint motion shrunk toward the first frame: q' = q0 + factor * (q - q0). The pelvis height is then
    re-solved so the lower foot stays as high above the floor as in the original frame (a shallower squat
    keeps its feet on the floor instead of sinking into it)."""
    cfg = cfg or load_robot_config(traj.robot)
    q0 = traj.q[0]
    q = q0 + factor * (traj.q - q0)
    pin = build_pinocchio_model(cfg)
    feet = list(cfg.links.feet)
    root = traj.root_pos.copy()
    for t in range(traj.n_frames):
        before = pin.link_positions(pin.configuration(traj.root_pos[t], traj.root_quat[t], traj.q[t]), feet)[:, 2].min()
        after = pin.link_positions(pin.configuration(traj.root_pos[t], traj.root_quat[t], q[t]), feet)[:, 2].min()
        root[t, 2] += before - after
    return traj.replace(q=q, root_pos=root)


def repair_candidates(plan: ExecutionPlan, cfg: RobotConfig, vc: ValidateConfig) -> list[tuple[list[str], RobotTrajectory, ExecutionMode]]:
    """(notes, reference, mode) in the order they are tried."""
    ref, rc = plan.reference, vc.repair
    out = [([f"time_scale x{s:g} (slower): {ref.duration_s:.2f} s -> {ref.duration_s * s:.2f} s"], time_scale(ref, s), plan.mode)
           for s in rc.time_scales]
    slowest = max(rc.time_scales, default=None)
    for a in rc.amplitude_scales:
        amp = scale_amplitude(ref, a, cfg)
        note = f"amplitude x{a:g} toward the first frame"
        out.append(([note], amp, plan.mode))
        if slowest is not None:
            out.append(([note, f"time_scale x{slowest:g} (slower)"], time_scale(amp, slowest), plan.mode))
    if rc.allow_upper_body and plan.mode is not ExecutionMode.UPPER_BODY:
        up = "upper body only (legs to the balancing stand controller)"
        out.append(([up], ref, ExecutionMode.UPPER_BODY))
        out += [([up, f"time_scale x{s:g} (slower)"], time_scale(ref, s), ExecutionMode.UPPER_BODY) for s in rc.time_scales]
        if slowest is not None and rc.amplitude_scales:
            a = min(rc.amplitude_scales)
            out.append(([up, f"amplitude x{a:g} toward the first frame", f"time_scale x{slowest:g} (slower)"],
                        time_scale(scale_amplitude(ref, a, cfg), slowest), ExecutionMode.UPPER_BODY))
    return out


def validate_and_repair(plan: ExecutionPlan, config: ValidateConfig | str | Path | None = None,
                        robot_config: RobotConfig | None = None, execution: ExecutionConfig | None = None,
                        **kwargs) -> tuple[ExecutionPlan, ValidationReport]:
    """Validate; if it fails, try the repair candidates (at most `repair.max_attempts` rollouts) and return the
    first that passes, with its own report; else the original plan and its failing report."""
    vc = resolve_config(config)
    cfg = robot_config or load_robot_config(plan.robot)
    ec = execution or load_execution_config()
    report = run_validation(plan, vc, cfg, ec, **kwargs).report
    if report.passed:
        return plan, report
    tried = []
    for notes, ref, mode in repair_candidates(plan, cfg, vc)[: vc.repair.max_attempts]:
        cand = replan(plan, ref, notes, mode, cfg, ec)
        rep = run_validation(cand, vc, cfg, ec, **kwargs).report
        if rep.passed:
            rep.repairs = [*notes, f"re-validated after {len(tried) + 1} attempt(s): pass "
                                   f"(original {plan.mode.value} failed: {', '.join(report.failed_checks())})"]
            return cand, rep
        tried.append(f"tried {' + '.join(notes)}: still fails {', '.join(rep.failed_checks())}")
    report.repairs = [*tried, "no repair passed: plan refused"]
    return plan, report
