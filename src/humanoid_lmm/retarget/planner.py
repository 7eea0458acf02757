"""The execution planner: the one place that decides how a retarget's motion will be executed.

    plan = plan_execution(traj)          # ExecutionPlan: mode + reason + controller inputs

Rules (thresholds in config/execution.yaml `planner`), on the motion relative to its first frame:
- a foot ends up elsewhere (root_motion_threshold: the robot steps somewhere) or the pelvis turns (heading_threshold) ->
  locomotion: the root trajectory becomes body-frame velocity and yaw-rate commands for the locomotion policy,
  the upper body follows the plan (a pelvis that moves over planted feet is a lean: whole_body);
- else the legs move (leg_motion_threshold, or the pelvis drops by the same share of the leg length) ->
  whole_body: the whole reference for the tracking policy, with the reference torso orientation;
- else upper_body: waist and arms over the balancing stand controller.
`upper_body_only` (operator policy) forces upper_body. A robot without a balancing controller (H1) gets
every plan on the gantry (simulation only; the real robot refuses it).
"""

from __future__ import annotations

import time

import numpy as np
from scipy.ndimage import uniform_filter1d
from scipy.signal import butter, filtfilt

from humanoid_lmm.execution import ExecutionConfig, ExecutionMode, ExecutionPlan, load_execution_config
from humanoid_lmm.execution.controllers import BodyModel, controller_name
from humanoid_lmm.robots import RobotConfig, RobotTrajectory, build_pinocchio_model, load_robot_config

__all__ = ["SMOOTHING_S", "heading_of", "plan_execution", "replan", "smooth_joints", "velocity_commands"]

SMOOTHING_S = 0.4  # [s] moving average over the root path before differentiating (retargeted roots are noisy)
DEADBAND = (0.05, 0.05, 0.1)  # [m/s, m/s, rad/s] smaller commands are zero (stand instead of shuffling)


def heading_of(quats: np.ndarray) -> np.ndarray:
    """(T,) unwrapped heading (rotation about world z) of (T, 4) wxyz quaternions [rad]."""
    w, x, y, z = quats.T
    return np.unwrap(np.arctan2(2.0 * (w * z + x * y), 1.0 - 2.0 * (y * y + z * z)))


def velocity_commands(traj: RobotTrajectory) -> np.ndarray:
    """(T, 3) body-frame [vx, vy, wz] that reproduce the (smoothed) root path and heading."""
    k = max(1, int(round(SMOOTHING_S * traj.fps)))
    xy = uniform_filter1d(traj.root_pos[:, :2], k, axis=0, mode="nearest")
    yaw = uniform_filter1d(heading_of(traj.root_quat), k, mode="nearest")
    dt = 1.0 / traj.fps
    if traj.n_frames < 2:
        return np.zeros((traj.n_frames, 3))
    v = np.gradient(xy, dt, axis=0)
    c, s = np.cos(yaw), np.sin(yaw)
    out = np.column_stack([c * v[:, 0] + s * v[:, 1], -s * v[:, 0] + c * v[:, 1], np.gradient(yaw, dt)])
    out[np.abs(out) < np.asarray(DEADBAND)] = 0.0
    return out


def smooth_joints(traj: RobotTrajectory, cutoff_hz: float) -> RobotTrajectory:
    """Joints low-passed (2nd-order Butterworth, forward and back: no lag) at cutoff_hz. Retargeting leaves
    frame-to-frame jitter of a few mrad, i.e. tens of rad/s^2 at 50 fps - far above the safety filter's
    acceleration limit, and none of it is motion anyone asked for."""
    nyquist = 0.5 * traj.fps
    if cutoff_hz >= nyquist or traj.n_frames < 8:
        return traj
    b, a = butter(2, cutoff_hz / nyquist)
    q = filtfilt(b, a, traj.q, axis=0, padtype="odd", padlen=min(3 * max(len(a), len(b)), traj.n_frames - 1))
    return traj.replace(q=q)


def _motion_summary(traj: RobotTrajectory, cfg: RobotConfig) -> tuple[float, float, float, float]:
    legs = cfg.lower_body
    leg = float(np.max(np.abs(traj.q[:, legs] - traj.q[0, legs]))) if legs.size else 0.0
    pin = build_pinocchio_model(cfg)
    feet = np.stack([pin.link_positions(pin.configuration(traj.root_pos[t], traj.root_quat[t], traj.q[t]),
                                        list(cfg.links.feet))[:, :2] for t in range(traj.n_frames)])  # (T, 2, 2)
    travel = float(np.max(np.linalg.norm(feet[-1] - feet[0], axis=-1)))  # where the feet end up (a kick comes back)
    yaw = heading_of(traj.root_quat)
    turn = float(np.max(np.abs(yaw - yaw[0])))
    drop = float(traj.root_pos[0, 2] - traj.root_pos[:, 2].min())
    return leg, travel, turn, drop


def plan_execution(traj: RobotTrajectory, robot: RobotConfig | None = None, cfg: ExecutionConfig | None = None,
                   command_id: str = "", mode: ExecutionMode | None = None, why: str = "") -> ExecutionPlan:
    """The ExecutionPlan of a retargeted trajectory (mode chosen once, here, with its reason). `mode` forces
    one (repair's upper-body fallback, the CLI's --mode), with `why` as the reason."""
    robot = robot or load_robot_config(traj.robot)
    cfg = cfg or load_execution_config()
    pc = cfg.planner
    traj = smooth_joints(traj, pc.smoothing_hz)
    leg, travel, turn, drop = _motion_summary(traj, robot)
    facts = f"legs {leg:.2f} rad, foot travel {travel:.2f} m, turn {turn:.2f} rad, pelvis drop {drop:.2f} m"
    if mode is not None:
        mode, why = ExecutionMode.parse(mode), why or "requested"
    elif pc.upper_body_only:
        mode, why = ExecutionMode.UPPER_BODY, "operator setting upper_body_only"
    elif travel > pc.root_motion_threshold or turn > pc.heading_threshold:
        mode, why = ExecutionMode.LOCOMOTION, "the feet travel or the pelvis turns"
    elif leg > pc.leg_motion_threshold or drop > 0.5 * pc.root_motion_threshold:
        mode, why = ExecutionMode.WHOLE_BODY, "the legs move with the pelvis in place"
    else:
        mode, why = ExecutionMode.UPPER_BODY, "legs and pelvis stay still"
    role = {"upper_body": "stand", "locomotion": "locomotion", "whole_body": "whole_body"}[mode.value]
    ctl = controller_name(robot, cfg, role)
    assist, reason = "none", f"{mode.value}: {why} ({facts})"
    if not cfg.controllers_for(robot.name).balances:
        assist = "gantry"
        reason += f"; {robot.name} has no balancing controller: simulation on the gantry only, refused on the real robot"
    velocity = velocity_commands(traj) if mode is ExecutionMode.LOCOMOTION else None
    torso = None
    if mode is ExecutionMode.WHOLE_BODY:
        torso = BodyModel(robot).torso_quats(traj.root_quat, traj.q)
    return ExecutionPlan(mode=mode, reason=reason, reference=traj,
                         velocity=velocity, torso_quat=torso, assist=assist, controller=ctl, command_id=command_id,
                         created=time.time())


def replan(plan: ExecutionPlan, reference: RobotTrajectory, notes: list[str], mode: ExecutionMode | None = None,
           robot: RobotConfig | None = None, cfg: ExecutionConfig | None = None) -> ExecutionPlan:
    """The same plan over a changed reference (repair): same mode unless `mode` is given, controller inputs
    recomputed from the new reference, the repair notes appended, identity kept."""
    mode = plan.mode if mode is None else ExecutionMode.parse(mode)
    why = plan.reason if mode is plan.mode else f"repair: {notes[-1]}"
    new = plan_execution(reference, robot, cfg, plan.command_id, mode=mode, why=why)
    if mode is plan.mode:
        new = new.replace(reason=plan.reason)
    return new.replace(repairs=(*plan.repairs, *notes), created=plan.created or new.created)
