"""Library values <-> standard ROS messages (the only place that knows both).

- `Motion` <-> trajectory_msgs/MultiDOFJointTrajectory: joint_names are the 22 SMPL joints; each point has
  one geometry_msgs/Transform per joint: the pelvis transform holds the root position and orientation in
  the world, the others hold the joint's rotation relative to its parent (translation zero).
- `RobotTrajectory` <-> trajectory_msgs/JointTrajectory in motor order, with the floating base and foot
  contacts as named pseudo-joints (ROOT_NAMES, CONTACT_NAMES) so nothing is lost between nodes.
- `ExecutionPlan` <-> trajectory_msgs/JointTrajectory (the plan topics): the reference as above, the controller
  inputs as pseudo-joints (VELOCITY_NAMES for locomotion, TORSO_NAMES for whole_body) and the plan header
  (mode, reason, assist, controller, repairs, command id, creation time, attestation) as JSON in
  header.frame_id. The robot joints come first, in motor order, so a JointTrajectoryController-style
  consumer can read them as they are.
"""

from __future__ import annotations

import numpy as np
from builtin_interfaces.msg import Duration
from geometry_msgs.msg import Transform
from sensor_msgs.msg import JointState
from trajectory_msgs.msg import JointTrajectory, JointTrajectoryPoint, MultiDOFJointTrajectory, MultiDOFJointTrajectoryPoint

import json

from humanoid_lmm.errors import ConfigError, MotionError
from humanoid_lmm.execution import ExecutionPlan
from humanoid_lmm.motion import SMPL_JOINT_NAMES, Motion
from humanoid_lmm.motion.rotations import axis_angle_to_quat, quat_to_axis_angle
from humanoid_lmm.robots import RobotTrajectory

__all__ = [
    "ROOT_NAMES", "CONTACT_NAMES", "TORSO_NAMES", "VELOCITY_NAMES", "duration_msg", "motion_to_msg",
    "msg_to_motion", "msg_to_plan", "plan_to_msg", "trajectory_to_msg", "msg_to_trajectory", "joint_state_msg",
]

ROOT_NAMES = ("root/x", "root/y", "root/z", "root/qw", "root/qx", "root/qy", "root/qz")
CONTACT_NAMES = ("contact/left_foot", "contact/right_foot")
VELOCITY_NAMES = ("command/vx", "command/vy", "command/wz")  # body-frame [m/s, m/s, rad/s]
TORSO_NAMES = ("torso/qw", "torso/qx", "torso/qy", "torso/qz")  # reference torso orientation (world)
_PSEUDO = (*ROOT_NAMES, *CONTACT_NAMES, *VELOCITY_NAMES, *TORSO_NAMES)


def duration_msg(seconds: float) -> Duration:
    ns = int(round(seconds * 1e9))
    return Duration(sec=ns // 1_000_000_000, nanosec=ns % 1_000_000_000)


def _seconds(d: Duration) -> float:
    return d.sec + d.nanosec * 1e-9


MAX_POINTS = 60_000  # at most 2 minutes at 500 Hz in one message
LIMIT_TOLERANCE_RAD = 0.05  # joint targets may touch the URDF limits, not pass them
MAX_ROOT_M = 1000.0
MAX_NAMES = 128
MAX_DURATION_S = 600.0


def _fps_from_times(times: list[float]) -> float:
    if len(times) < 2:
        return 20.0
    t = np.asarray(times, float)
    if not np.all(np.isfinite(t)) or t[-1] > MAX_DURATION_S or t[0] < 0:
        raise MotionError(f"trajectory message times must lie in [0, {MAX_DURATION_S:g}] s")
    dt = np.diff(t)
    if np.any(dt <= 0):
        raise MotionError("trajectory message time_from_start must increase strictly")
    med = float(np.median(dt))
    if np.max(np.abs(dt - med)) > 0.01 * med + 2e-9:
        raise MotionError("trajectory message points must be evenly spaced in time (one frame rate)")
    return round(1.0 / med, 6)  # times are whole nanoseconds


def motion_to_msg(motion: Motion, stamp=None) -> MultiDOFJointTrajectory:
    msg = MultiDOFJointTrajectory()
    if stamp is not None:
        msg.header.stamp = stamp
    msg.header.frame_id = "world"
    msg.joint_names = list(SMPL_JOINT_NAMES)
    quats = axis_angle_to_quat(motion.rotations)  # (T, 22, 4) wxyz
    for t in range(motion.n_frames):
        point = MultiDOFJointTrajectoryPoint(time_from_start=duration_msg(t / motion.fps))
        for j in range(len(SMPL_JOINT_NAMES)):
            tf = Transform()
            if j == 0:
                tf.translation.x, tf.translation.y, tf.translation.z = (float(v) for v in motion.root_pos[t])
            w, x, y, z = (float(v) for v in quats[t, j])
            tf.rotation.w, tf.rotation.x, tf.rotation.y, tf.rotation.z = w, x, y, z
            point.transforms.append(tf)
        msg.points.append(point)
    return msg


def msg_to_motion(msg: MultiDOFJointTrajectory, text: str = "") -> Motion:
    if list(msg.joint_names) != list(SMPL_JOINT_NAMES):
        raise MotionError(f"motion message joints must be the 22 SMPL joints in order, got {list(msg.joint_names)[:5]}...")
    if not msg.points:
        raise MotionError("motion message has no points")
    T, J = len(msg.points), len(SMPL_JOINT_NAMES)
    root = np.empty((T, 3))
    quat = np.empty((T, J, 4))
    for t, p in enumerate(msg.points):
        if len(p.transforms) != J:
            raise MotionError(f"motion message point {t} has {len(p.transforms)} transforms, expected {J}")
        tr = p.transforms[0].translation
        root[t] = (tr.x, tr.y, tr.z)
        quat[t] = [(tf.rotation.w, tf.rotation.x, tf.rotation.y, tf.rotation.z) for tf in p.transforms]
    fps = _fps_from_times([_seconds(p.time_from_start) for p in msg.points])
    return Motion(fps=fps, root_pos=root, rotations=quat_to_axis_angle(quat), text=text)


def trajectory_to_msg(traj: RobotTrajectory, stamp=None, with_base: bool = True, extra=()) -> JointTrajectory:
    """JointTrajectory in motor order; `with_base` appends ROOT_NAMES and CONTACT_NAMES pseudo-joints, `extra`
    more (names, (T, k) values) pairs."""
    msg = JointTrajectory()
    if stamp is not None:
        msg.header.stamp = stamp
    names = list(traj.joint_names)
    table = [traj.q]
    if with_base:
        names += [*ROOT_NAMES, *CONTACT_NAMES]
        table += [traj.root_pos, traj.root_quat, traj.contacts.astype(float)]
    for extra_names, values in extra:
        names += list(extra_names)
        table.append(np.asarray(values, float))
    msg.joint_names = names
    values = np.column_stack(table)
    dq = np.gradient(traj.q, 1.0 / traj.fps, axis=0) if traj.n_frames > 1 else np.zeros_like(traj.q)
    for t in range(traj.n_frames):
        msg.points.append(
            JointTrajectoryPoint(
                positions=values[t].tolist(),
                velocities=dq[t].tolist() + ([0.0] * (len(names) - len(traj.joint_names))),
                time_from_start=duration_msg(t / traj.fps),
            )
        )
    return msg


def msg_to_trajectory(msg: JointTrajectory, robot: str) -> RobotTrajectory:
    """A RobotTrajectory from a JointTrajectory; anything malformed raises MotionError saying what."""
    names = list(msg.joint_names)
    if not msg.points:
        raise MotionError("trajectory message has no points")
    if len(msg.points) > MAX_POINTS or len(names) > MAX_NAMES:
        raise MotionError(f"trajectory message too large: {len(msg.points)} points x {len(names)} names "
                          f"(limits {MAX_POINTS} x {MAX_NAMES})")
    if any(len(p.positions) != len(names) for p in msg.points):
        raise MotionError(f"trajectory message: every point needs {len(names)} positions, one per joint name")
    values = np.array([p.positions for p in msg.points], dtype=float).reshape(len(msg.points), len(names))
    if values.shape[1] != len(names):
        raise MotionError(f"trajectory message: {values.shape[1]} positions per point for {len(names)} joints")
    if len(set(names)) != len(names):
        raise MotionError("trajectory message names a joint twice")
    joints = [n for n in names if n not in _PSEUDO]
    col = {n: i for i, n in enumerate(names)}
    T = len(values)
    has_base = all(n in col for n in ROOT_NAMES)
    root_pos = values[:, [col[n] for n in ROOT_NAMES[:3]]] if has_base else np.zeros((T, 3))
    root_quat = values[:, [col[n] for n in ROOT_NAMES[3:]]] if has_base else np.tile([1.0, 0, 0, 0], (T, 1))
    if all(n in col for n in CONTACT_NAMES):
        flags = values[:, [col[n] for n in CONTACT_NAMES]]
        if not np.all((flags == 0.0) | (flags == 1.0)):
            raise MotionError(f"trajectory message: the contact columns {CONTACT_NAMES} must be 0 or 1")
        contacts = flags > 0.5
    else:
        contacts = np.ones((T, 2), bool)
    traj = RobotTrajectory(
        robot=robot,
        fps=_fps_from_times([_seconds(p.time_from_start) for p in msg.points]),
        joint_names=tuple(joints),
        q=values[:, [col[n] for n in joints]],
        root_pos=root_pos,
        root_quat=root_quat,
        contacts=contacts,
    )
    _check_robot(traj)
    return traj


def _check_robot(traj: RobotTrajectory) -> None:
    """A trajectory for `traj.robot` names exactly its joints in motor order, stays within the joint limits
    (+ LIMIT_TOLERANCE_RAD) and has unit root quaternions; anything else is refused here, before any stage."""
    from humanoid_lmm.robots import load_robot_config

    cfg = load_robot_config(traj.robot)
    if tuple(traj.joint_names) != tuple(cfg.joint_names):
        unknown = sorted(set(traj.joint_names) - set(cfg.joint_names))[:3]
        missing = sorted(set(cfg.joint_names) - set(traj.joint_names))[:3]
        raise MotionError(f"trajectory message joints are not the {cfg.name} joints in motor order "
                          f"(unknown {unknown}, missing {missing})")
    lo, hi = cfg.q_lower - LIMIT_TOLERANCE_RAD, cfg.q_upper + LIMIT_TOLERANCE_RAD
    bad = np.flatnonzero(np.any((traj.q < lo) | (traj.q > hi), axis=0))
    if bad.size:
        raise MotionError(f"trajectory message moves {[cfg.joint_names[i] for i in bad[:3]]} beyond the joint limits")
    if np.any(np.abs(traj.root_pos) > MAX_ROOT_M):
        raise MotionError(f"trajectory message root position beyond {MAX_ROOT_M:g} m")
    if np.any(np.abs(np.linalg.norm(traj.root_quat, axis=1) - 1.0) > 1e-3):
        raise MotionError("trajectory message root quaternions are not unit quaternions")


def plan_to_msg(plan: ExecutionPlan, stamp=None) -> JointTrajectory:
    """An ExecutionPlan on a plan topic (see the module docstring)."""
    extra = []
    if plan.velocity is not None:
        extra.append((VELOCITY_NAMES, plan.velocity))
    if plan.torso_quat is not None:
        extra.append((TORSO_NAMES, plan.torso_quat))
    msg = trajectory_to_msg(plan.reference, stamp=stamp, with_base=True, extra=extra)
    msg.header.frame_id = json.dumps(plan.header(), separators=(",", ":"))
    return msg


def msg_to_plan(msg: JointTrajectory, robot: str) -> ExecutionPlan:
    """Inverse of `plan_to_msg`; a malformed message raises MotionError / ConfigError naming what is wrong."""
    if len(msg.header.frame_id) > 65536:
        raise ConfigError("plan message header.frame_id is too long for a plan header")
    try:
        head = json.loads(msg.header.frame_id or "{}")
    except ValueError as e:
        raise ConfigError(f"plan message header.frame_id is not a plan header (JSON): {e}") from None
    if not isinstance(head, dict) or "mode" not in head:
        raise ConfigError("plan message carries no plan header (mode, reason, ...) in header.frame_id")
    traj = msg_to_trajectory(msg, robot)
    col = {n: i for i, n in enumerate(msg.joint_names)}
    values = np.array([p.positions for p in msg.points], dtype=float)

    def block(names):
        return values[:, [col[n] for n in names]] if all(n in col for n in names) else None

    try:
        return ExecutionPlan.from_header(head, traj, block(VELOCITY_NAMES), block(TORSO_NAMES))
    except (TypeError, ValueError, KeyError) as e:  # ConfigError / MotionError are ValueErrors too
        if isinstance(e, (ConfigError, MotionError)):
            raise
        raise ConfigError(f"plan message header is malformed: {type(e).__name__}: {e}") from None


def joint_state_msg(names, q, dq=None, effort=None, stamp=None) -> JointState:
    msg = JointState()
    if stamp is not None:
        msg.header.stamp = stamp
    msg.name = list(names)
    msg.position = [float(v) for v in q]
    msg.velocity = [float(v) for v in dq] if dq is not None else []
    msg.effort = [float(v) for v in effort] if effort is not None else []
    return msg
