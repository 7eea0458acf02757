"""Automatic repair: slow down, shrink toward the default pose, switch to upper-body; re-validate each step.

Never returns a passing report for a trajectory that was not itself validated: every candidate is run
through `run_validation`, and when none passes the original trajectory comes back with its failing report
(and `report.repairs` lists what was tried).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from humanoid_lmm.robots import RobotConfig, RobotTrajectory, load_robot_config
from humanoid_lmm.sim.config import ValidateConfig
from humanoid_lmm.sim.report import ValidationReport
from humanoid_lmm.sim.validate import resolve_config, run_validation

__all__ = ["scale_amplitude", "time_scale", "validate_and_repair"]


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


def scale_amplitude(traj: RobotTrajectory, cfg: RobotConfig, factor: float) -> RobotTrajectory:
    """Joint motion shrunk toward the default pose: q' = default + factor * (q - default); root unchanged."""
    return traj.replace(q=cfg.default_q + factor * (traj.q - cfg.default_q))


def validate_and_repair(
    traj: RobotTrajectory,
    config: ValidateConfig | str | Path | None = None,
    mode: str = "auto",
    robot_config: RobotConfig | None = None,
) -> tuple[RobotTrajectory, ValidationReport]:
    """Validate; if it fails, try in order: each time scale, each amplitude scale (alone, then with the
    largest time scale), then upper-body mode (if allowed and not already), and return the first candidate
    that passes with its own report (`report.repairs` says what changed; an upper-body result comes back as
    executed: legs at the default pose, `upper_body_only=True`). If none passes, return the
    original trajectory and its failing report, with the attempts listed in `report.repairs`."""
    vc = resolve_config(config)
    cfg = robot_config or load_robot_config(traj.robot)
    first = run_validation(traj, vc, mode, cfg)
    report = first.report
    if report.passed:
        return traj, report
    m0 = report.mode
    candidates: list[tuple[list[str], RobotTrajectory, str]] = []
    for s in vc.repair.time_scales:
        candidates.append(([f"time_scale x{s:g} (slower): {traj.duration_s:.2f} s -> {traj.duration_s * s:.2f} s"], time_scale(traj, s), m0))
    slowest = max(vc.repair.time_scales, default=None)
    for a in vc.repair.amplitude_scales:
        amp = scale_amplitude(traj, cfg, a)
        note = f"amplitude x{a:g} toward the default pose"
        candidates.append(([note], amp, m0))
        if slowest is not None:
            candidates.append(([note, f"time_scale x{slowest:g} (slower)"], time_scale(amp, slowest), m0))
    if vc.repair.allow_upper_body and m0 == "whole_body":
        candidates.append((["switched to upper_body mode (legs hold the stand)"], traj.replace(upper_body_only=True), "upper_body"))
        for s in vc.repair.time_scales:
            candidates.append(
                (["switched to upper_body mode (legs hold the stand)", f"time_scale x{s:g} (slower)"], time_scale(traj, s).replace(upper_body_only=True), "upper_body")
            )
    tried = []
    for notes, cand, cmode in candidates:
        v = run_validation(cand, vc, cmode, cfg)
        rep = v.report
        if rep.passed:
            if cmode == "upper_body":
                cand = v.executed  # legs at the stand pose, root still: exactly what was validated
            rep.repairs = [*notes, f"re-validated after {len(tried) + 1} attempt(s): pass (original failed: {', '.join(report.failed_checks())})"]
            return cand, rep
        tried.append(f"tried {' + '.join(notes)}: still fails {', '.join(rep.failed_checks())}")
    report.repairs = [*tried, "no repair passed: original trajectory returned, verdict FAIL"]
    return traj, report
