"""Dynamic checks: what physics did when the plan was executed by its controller (a `RolloutLog`).

fall (pelvis height / tilt away from the reference's), tracking of the joints the plan drives, torque
saturation, foot slip while on the floor, pelvis drift from the reference path, heading error, and any clip of
the safety filter (validation runs it with tightened limits: a clip here would be a clip on the robot).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from humanoid_lmm.execution import ExecutionMode, ExecutionPlan
from humanoid_lmm.retarget.planner import heading_of
from humanoid_lmm.robots import RobotConfig
from humanoid_lmm.sim.config import DynamicConfig
from humanoid_lmm.sim.report import Failure
from humanoid_lmm.sim.rollout import RolloutLog

__all__ = ["DynamicsResult", "measure"]


@dataclass
class DynamicsResult:
    failures: list[Failure]
    metrics: dict[str, float]
    rollout: RolloutLog
    log: object = None  # the ExecutionLog for reports/videos, when asked for (run_validation(..., log=True))

    @property
    def times(self) -> np.ndarray:
        return self.rollout.times

    @property
    def qpos(self) -> np.ndarray:
        return self.rollout.qpos


def _interp(t: np.ndarray, src_t: np.ndarray, values: np.ndarray) -> np.ndarray:
    return np.stack([np.interp(t, src_t, values[:, j]) for j in range(values.shape[1])], axis=1)


def _tilt(quat: np.ndarray) -> np.ndarray:
    x, y = quat[..., 1], quat[..., 2]
    return np.arccos(np.clip(1.0 - 2.0 * (x * x + y * y), -1.0, 1.0))


def _reference_at(plan: ExecutionPlan, log: RolloutLog):
    """Reference root position, pelvis tilt and heading at each log step (frame 0 before, last frame after)."""
    ref = plan.reference
    tracked = np.flatnonzero(~np.isnan(log.plan_time))
    tt = np.clip(np.nan_to_num(log.plan_time, nan=0.0), 0.0, ref.duration_s)
    if tracked.size:  # after the last tracked step the reference stays at its last frame
        tt[tracked[-1] + 1:] = ref.duration_s
    upper = plan.mode is ExecutionMode.UPPER_BODY
    root = np.zeros((len(tt), 3)) if upper else _interp(tt, ref.times, ref.root_pos - ref.root_pos[0])
    tilt = np.zeros(len(tt)) if upper else np.interp(tt, ref.times, _tilt(ref.root_quat))
    yaw = heading_of(ref.root_quat)
    head = np.zeros(len(tt)) if upper else np.interp(tt, ref.times, yaw - yaw[0])
    return root, tilt, head


def measure(plan: ExecutionPlan, log: RolloutLog, cfg: RobotConfig, dc: DynamicConfig) -> DynamicsResult:
    failures: list[Failure] = []
    t = log.times
    root_ref, tilt_ref, head_ref = _reference_at(plan, log)
    z0 = log.base_pos[0, 2]
    height_err = (z0 + root_ref[:, 2]) - log.base_pos[:, 2]
    tilt_err = np.abs(log.tilt - tilt_ref)
    metrics = {
        "sim_seconds": float(t[-1] - t[0]) if len(t) else 0.0,
        "max_pelvis_height_error_m": float(height_err.max()),
        "max_pelvis_tilt_error_rad": float(tilt_err.max()),
        "assist_gantry": float(log.assist == "gantry"),
    }
    if log.assist != "gantry":
        bad = (height_err > dc.fall_height) | (tilt_err > dc.fall_tilt)
        if log.fall_k is not None or bad.any():
            k = log.fall_k if log.fall_k is not None else int(np.argmax(bad))
            failures.append(Failure("fall", f"robot fell: pelvis {height_err[k]:.2f} m low, tilt error {tilt_err[k]:.2f} rad",
                                    float(max(height_err[k], tilt_err[k])), dc.fall_height, float(max(t[k], 0.0)), cfg.links.pelvis))
    track = ~np.isnan(log.plan_time)
    joints = plan.driven_joints(cfg)
    if track.any():
        q_ref = _interp(log.plan_time[track], plan.reference.times, plan.reference.q)
        err = (log.q[track] - q_ref)[:, joints]
        rms, peak = np.sqrt(np.mean(err**2, axis=0)), np.abs(err).max(axis=0)
        rms_max = dc.whole_body_tracking_rms_max if plan.mode is ExecutionMode.WHOLE_BODY else dc.tracking_rms_max
        metrics.update(tracking_rms=float(np.sqrt(np.mean(err**2))), tracking_rms_max=float(rms.max()),
                       tracking_peak_max=float(peak.max()))
        for i, j in enumerate(joints):
            name, k = cfg.joint_names[j], int(np.argmax(np.abs(err[:, i])))
            tk = float(log.plan_time[track][k])
            if rms[i] > rms_max:
                failures.append(Failure("tracking_rms", f"RMS tracking error {rms[i]:.3f} rad", float(rms[i]), rms_max, tk, name))
            if peak[i] > dc.tracking_max:
                failures.append(Failure("tracking_peak", f"peak tracking error {peak[i]:.3f} rad", float(peak[i]), dc.tracking_max, tk, name))
    sat = log.saturated.mean(axis=0) if len(t) else np.zeros(cfg.num_joints)
    metrics["torque_saturation_max"] = float(sat.max())
    for j in np.flatnonzero(sat > dc.torque_saturation_share):
        failures.append(Failure("torque_saturation", f"at the {cfg.tau_max[j]:g} N*m limit in {sat[j]:.0%} of steps",
                                float(sat[j]), dc.torque_saturation_share, None, cfg.joint_names[j], int(log.saturated[:, j].sum())))
    slip = _foot_slip(log)
    metrics["foot_slip_max_m"] = float(slip.max())
    for s, foot in enumerate(cfg.links.feet):
        if slip[s] > dc.foot_slip_max:
            failures.append(Failure("foot_slip", f"{foot} moved {slip[s]:.3f} m from its touch-down point while on the floor",
                                    float(slip[s]), dc.foot_slip_max, None, foot))
    if log.assist != "gantry":
        moved = log.base_pos[:, :2] - log.base_pos[0, :2]
        drift = np.linalg.norm(moved - root_ref[:, :2], axis=1)
        metrics["base_drift_max_m"] = float(drift.max())
        if drift.max() > dc.base_drift_max:
            k = int(np.argmax(drift))
            failures.append(Failure("base_drift", f"pelvis {drift[k]:.3f} m from the reference path", float(drift[k]),
                                    dc.base_drift_max, float(max(t[k], 0.0)), cfg.links.pelvis))
        if plan.mode is ExecutionMode.LOCOMOTION:
            end = float(np.linalg.norm(moved[-1] - root_ref[-1, :2]))
            metrics["path_end_error_m"] = end
            if end > dc.path_end_max:
                failures.append(Failure("path_end", f"pelvis ends {end:.3f} m from where the path ends", end,
                                        dc.path_end_max, float(max(t[-1], 0.0)), cfg.links.pelvis))
        head = heading_of(log.base_quat)
        herr = np.abs(np.angle(np.exp(1j * ((head - head[0]) - head_ref))))
        metrics["heading_error_max_rad"] = float(herr.max())
        if herr.max() > dc.heading_max:
            k = int(np.argmax(herr))
            failures.append(Failure("heading", f"heading {herr[k]:.2f} rad off the reference", float(herr[k]),
                                    dc.heading_max, float(max(t[k], 0.0)), cfg.links.pelvis))
    clips = {k: v for k, v in log.clip_counts.items() if v}
    metrics["safety_clips"] = float(sum(clips.values()))
    for kind, n in sorted(clips.items()):
        first = log.events.first(kind)
        failures.append(Failure("safety_clip", f"{kind} x{n} within the validation headroom of the safety limits: "
                                f"{first.message if first else ''}", float(n), 0.0, None, kind, n))
    return DynamicsResult(failures, metrics, log)  # positional: the rollout


def _foot_slip(log: RolloutLog) -> np.ndarray:
    """Per foot: largest xy distance from where it touched down, while it stays in floor contact."""
    slip = np.zeros(2)
    for s in range(2):
        anchor = None
        for k in range(len(log.times)):
            if not log.foot_contact[k, s]:
                anchor = None
                continue
            if anchor is None:
                anchor = log.feet[k, s, :2]
            slip[s] = max(slip[s], float(np.linalg.norm(log.feet[k, s, :2] - anchor)))
    return slip
