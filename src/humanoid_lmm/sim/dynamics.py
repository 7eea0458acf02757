"""Dynamic check: simulate the free-floating robot tracking a trajectory and measure what physics did.

Measures fall (pelvis height, torso tilt away from the reference torso orientation), per-joint tracking error, torque saturation, foot slip and base
drift. Balance: the legs use the stiff stand-assist gains of `config/validate.yaml` `balance` (sim only;
real torque limits kept) and every joint whose subtree carries no foot contact gets `mj_inverse`
feed-forward (see tracking.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import mujoco
import numpy as np

from humanoid_lmm.robots import MujocoRobot, RobotTrajectory
from humanoid_lmm.sim.config import ValidateConfig
from humanoid_lmm.sim.execution_log import ExecutionLog, LogEvent
from humanoid_lmm.sim.model import foot_body_ids, set_self_collision
from humanoid_lmm.sim.report import Failure
from humanoid_lmm.sim.step_logger import StepLogger
from humanoid_lmm.sim.tracking import Tracker, inverse_dynamics, stand_gains

__all__ = ["DynamicsResult", "simulate"]


@dataclass
class DynamicsResult:
    failures: list[Failure]
    metrics: dict[str, float]
    times: np.ndarray  # (K,) trajectory time of each logged control step [s] (negative during settling)
    qpos: np.ndarray  # (K, nq) simulated MuJoCo state, for rendering
    log: ExecutionLog | None = field(default=None, repr=False)  # with simulate(..., log=True): reports, preview


def _interp(times: np.ndarray, src_t: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Linear interpolation of (T, k) values at `times` (clamped at the ends)."""
    return np.stack([np.interp(times, src_t, values[:, j]) for j in range(values.shape[1])], axis=1)


def _feedforward_mask(traj: RobotTrajectory, mj: MujocoRobot) -> np.ndarray:
    """(T, n) bool: joints whose subtree has no foot in contact (upper body always; a leg while its foot is up)."""
    cfg = mj.config
    mask = np.zeros((traj.n_frames, cfg.num_joints), dtype=bool)
    mask[:, cfg.upper_body] = True
    for j in cfg.lower_body:
        side = 0 if cfg.joint_names[j].startswith("left") else 1
        mask[:, j] = ~traj.contacts[:, side]
    return mask


def simulate(traj: RobotTrajectory, mj: MujocoRobot, vc: ValidateConfig, log: bool = False) -> DynamicsResult:
    """Track `traj` (the trajectory the robot executes: already mode-adjusted) under physics.

    log: also fill `DynamicsResult.log`, an `ExecutionLog` (torques, CoM, support polygon, contacts, events)."""
    cfg, dc = mj.config, vc.dynamic
    m, d = mj.model, mj.data
    set_self_collision(mj, dc.self_collision, foot_mesh=dc.foot_contact == "all")
    kp, kd = stand_gains(cfg, vc.balance.leg_kp_scale, vc.balance.leg_kd_scale, vc.balance.ankle_kp_scale, vc.balance.ankle_kd_scale)
    tracker = Tracker(mj, kp, kd, dc.timestep, dc.substeps)
    dt = tracker.dt

    # reference in MuJoCo coordinates at the trajectory's frames
    T = traj.n_frames
    qpos_ref = np.tile(d.qpos, (T, 1))
    qpos_ref[:, 0:3] = traj.root_pos
    qpos_ref[:, 3:7] = traj.root_quat / np.linalg.norm(traj.root_quat, axis=1, keepdims=True)
    qpos_ref[:, mj.qpos_index] = traj.q
    tau_ff_frames = np.zeros((T, cfg.num_joints))
    if dc.feedforward and T > 1:
        tau_ff_frames = inverse_dynamics(mj, qpos_ref, 1.0 / traj.fps) * _feedforward_mask(traj, mj)

    # reference torso z-axis per frame: the fall test uses tilt relative to the reference (a bow is not a fall)
    torso = mj.body_id(cfg.links.torso)
    scratch = mujoco.MjData(m)
    torso_z = np.zeros((T, 3))
    for t in range(T):
        scratch.qpos[:] = qpos_ref[t]
        mujoco.mj_kinematics(m, scratch)
        torso_z[t] = scratch.xmat[torso].reshape(3, 3)[:, 2]

    # control instants: settle (hold frame 0) then the trajectory
    n_settle = int(round(dc.settle_s / dt))
    times = np.concatenate([np.arange(-n_settle, 0) * dt, np.arange(0.0, traj.duration_s + 1e-9, dt)])
    tt = np.clip(times, 0.0, None)
    src_t = traj.times
    q_ref = _interp(tt, src_t, traj.q) if T > 1 else np.tile(traj.q[0], (len(tt), 1))
    dq_ref = np.gradient(q_ref, dt, axis=0) if len(tt) > 1 else np.zeros_like(q_ref)
    dq_ref[:n_settle] = 0.0
    ff = _interp(tt, src_t, tau_ff_frames) if T > 1 else np.zeros_like(q_ref)
    root_ref = _interp(tt, src_t, traj.root_pos) if T > 1 else np.tile(traj.root_pos[0], (len(tt), 1))
    z_ref = _interp(tt, src_t, torso_z) if T > 1 else np.tile(torso_z[0], (len(tt), 1))
    z_ref /= np.linalg.norm(z_ref, axis=1, keepdims=True)

    feet = foot_body_ids(mj)
    pelvis = mj.body_id(cfg.links.pelvis)
    tracker.reset(traj.root_pos[0], traj.root_quat[0], traj.q[0])
    foot_floor_z = float(d.xpos[feet, 2].min())  # feet start on the floor (frame 0 is a stance frame)
    K = len(times)
    q_log = np.zeros((K, cfg.num_joints))
    qpos_log = np.zeros((K, m.nq))
    sat_log = np.zeros((K, cfg.num_joints), dtype=bool)
    pelvis_log = np.zeros((K, 3))
    tilt_log = np.zeros(K)
    feet_log = np.zeros((K, 2, 3))
    fall_k = None
    logger = StepLogger(mj, K) if log else None  # ExecutionLog rows; tau = the torque of the step just taken
    cos_tilt = np.cos(np.radians(dc.fall_tilt_deg))
    for k in range(K):
        # log the state at time t_k (compared with the reference at t_k), then apply the targets for t_k
        q_log[k] = d.qpos[mj.qpos_index]
        qpos_log[k] = d.qpos
        sat_log[k] = tracker.saturated()
        pelvis_log[k] = d.xpos[pelvis]
        tilt_log[k] = d.xmat[torso].reshape(3, 3)[:, 2] @ z_ref[k]  # cos(torso tilt away from the reference)
        feet_log[k] = d.xpos[feet]
        if logger is not None:
            logger.record(times[k], q_ref[k], tracker.torque() if k else np.zeros(cfg.num_joints))  # no step yet at k=0
        if d.xpos[pelvis, 2] < dc.fall_height_ratio * root_ref[k, 2] or tilt_log[k] < cos_tilt:
            fall_k = k
            break
        tracker.step(q_ref[k], dq_ref[k], ff[k])
    K = k + 1
    times, q_log, qpos_log, sat_log = times[:K], q_log[:K], qpos_log[:K], sat_log[:K]
    pelvis_log, tilt_log, feet_log, q_ref, root_ref = pelvis_log[:K], tilt_log[:K], feet_log[:K], q_ref[:K], root_ref[:K]
    result = DynamicsResult(*_measure(traj, mj, vc, times, q_log, q_ref, sat_log, pelvis_log, root_ref, tilt_log, feet_log, foot_floor_z, fall_k), times, qpos_log)
    if logger is not None:
        falls = [LogEvent(f.time_s or 0.0, f.check, f.message, f.joint or "") for f in result.failures if f.check == "fall"]
        result.log = logger.finish(controller="validation tracker: PD + inverse-dynamics feed-forward",
                                   mode="upper_body" if traj.upper_body_only else "whole_body",
                                   assist=vc.balance.describe(), events=falls)
    return result


def _measure(traj, mj, vc, times, q_log, q_ref, sat_log, pelvis_log, root_ref, tilt_log, feet_log, foot_floor_z, fall_k):
    cfg, dc = mj.config, vc.dynamic
    failures: list[Failure] = []
    track = times >= 0.0
    tilt_deg = np.degrees(np.arccos(np.clip(tilt_log, -1.0, 1.0)))
    metrics = {
        "sim_seconds": float(times[-1] - times[0]),
        "min_pelvis_height_ratio": float(np.min(pelvis_log[:, 2] / root_ref[:, 2])),
        "max_torso_tilt_error_deg": float(tilt_deg.max()),
    }
    if fall_k is not None:
        t = float(max(times[fall_k], 0.0))
        failures.append(Failure("fall", f"robot fell: pelvis {pelvis_log[fall_k, 2]:.3f} m, torso tilt {tilt_deg[fall_k]:.1f} deg",
                                float(pelvis_log[fall_k, 2] / root_ref[fall_k, 2]), dc.fall_height_ratio, t, cfg.links.pelvis))
    if track.any():
        err = q_log[track] - q_ref[track]
        rms = np.sqrt(np.mean(err**2, axis=0))
        peak = np.abs(err).max(axis=0)
        sat = sat_log[track].mean(axis=0)
        tt = times[track]
        metrics.update(tracking_rms_max=float(rms.max()), tracking_peak_max=float(peak.max()),
                       torque_saturation_max=float(sat.max()))
        for j in range(cfg.num_joints):
            name = cfg.joint_names[j]
            k = int(np.argmax(np.abs(err[:, j])))
            if rms[j] > dc.tracking_rms_max:
                failures.append(Failure("tracking_rms", f"RMS tracking error {rms[j]:.3f} rad", float(rms[j]), dc.tracking_rms_max, float(tt[k]), name))
            if peak[j] > dc.tracking_max:
                failures.append(Failure("tracking_peak", f"peak tracking error {peak[j]:.3f} rad", float(peak[j]), dc.tracking_max, float(tt[k]), name))
            if sat[j] > dc.torque_saturation_share:
                k = int(np.argmax(sat_log[track][:, j]))
                failures.append(Failure("torque_saturation", f"at the {cfg.tau_max[j]:g} N*m limit in {sat[j]:.0%} of steps",
                                        float(sat[j]), dc.torque_saturation_share, float(tt[k]), name, int(sat_log[track][:, j].sum())))
    # foot slip: largest xy distance of a foot from where it touched down, while it stays at floor height
    # (within 1 cm of its start height); net displacement, so rocking in place does not add up
    down = feet_log[:, :, 2] < foot_floor_z + 0.01
    slip = np.zeros(2)
    for s in range(2):
        anchor = None
        for k in range(len(down)):
            if not down[k, s]:
                anchor = None
                continue
            if anchor is None:
                anchor = feet_log[k, s, :2]
            slip[s] = max(slip[s], float(np.linalg.norm(feet_log[k, s, :2] - anchor)))
    metrics["foot_slip_max_m"] = float(slip.max())
    for s, foot in enumerate(cfg.links.feet):
        if slip[s] > dc.foot_slip_max:
            failures.append(Failure("foot_slip", f"{foot} moved {slip[s]:.3f} m from its touch-down point while on the floor", float(slip[s]), dc.foot_slip_max, None, foot))
    drift = np.linalg.norm(pelvis_log[:, :2] - root_ref[:, :2], axis=1)
    metrics["base_drift_max_m"] = float(drift.max())
    if drift.max() > dc.base_drift_max:
        k = int(np.argmax(drift))
        failures.append(Failure("base_drift", f"pelvis {drift[k]:.3f} m from its reference", float(drift[k]), dc.base_drift_max, float(max(times[k], 0.0)), cfg.links.pelvis))
    return failures, metrics
