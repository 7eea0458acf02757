"""Library values <-> standard ROS messages (the only place that knows both).

- `Motion` <-> trajectory_msgs/MultiDOFJointTrajectory: joint_names are the 22 SMPL joints; each point has
  one geometry_msgs/Transform per joint: the pelvis transform holds the root position and orientation in
  the world, the others hold the joint's rotation relative to its parent (translation zero).
- `RobotTrajectory` <-> trajectory_msgs/JointTrajectory in motor order. The internal retargeted-trajectory
  topic appends the floating base and foot contacts as named pseudo-joints (ROOT_NAMES, CONTACT_NAMES) so
  nothing is lost between nodes; the validated-trajectory topic carries the robot joints only, as a
  ros2_control JointTrajectoryController expects.
"""

from __future__ import annotations

import numpy as np
from builtin_interfaces.msg import Duration
from geometry_msgs.msg import Transform
from sensor_msgs.msg import JointState
from trajectory_msgs.msg import JointTrajectory, JointTrajectoryPoint, MultiDOFJointTrajectory, MultiDOFJointTrajectoryPoint

from humanoid_lmm.errors import MotionError
from humanoid_lmm.motion import SMPL_JOINT_NAMES, Motion
from humanoid_lmm.motion.rotations import axis_angle_to_quat, quat_to_axis_angle
from humanoid_lmm.robots import RobotTrajectory

__all__ = [
    "ROOT_NAMES", "CONTACT_NAMES", "duration_msg", "motion_to_msg", "msg_to_motion",
    "trajectory_to_msg", "msg_to_trajectory", "joint_state_msg",
]

ROOT_NAMES = ("root/x", "root/y", "root/z", "root/qw", "root/qx", "root/qy", "root/qz")
CONTACT_NAMES = ("contact/left_foot", "contact/right_foot")


def duration_msg(seconds: float) -> Duration:
    ns = int(round(seconds * 1e9))
    return Duration(sec=ns // 1_000_000_000, nanosec=ns % 1_000_000_000)


def _seconds(d: Duration) -> float:
    return d.sec + d.nanosec * 1e-9


def _fps_from_times(times: list[float]) -> float:
    if len(times) < 2:
        return 20.0
    dt = np.diff(times)
    if np.any(dt <= 0):
        raise MotionError("trajectory message time_from_start must increase strictly")
    return round(float(1.0 / np.median(dt)), 6)  # times are whole nanoseconds


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


def trajectory_to_msg(traj: RobotTrajectory, stamp=None, with_base: bool = True) -> JointTrajectory:
    """JointTrajectory in motor order; `with_base` appends ROOT_NAMES and CONTACT_NAMES pseudo-joints."""
    msg = JointTrajectory()
    if stamp is not None:
        msg.header.stamp = stamp
    names = list(traj.joint_names)
    table = [traj.q]
    if with_base:
        names += [*ROOT_NAMES, *CONTACT_NAMES]
        table += [traj.root_pos, traj.root_quat, traj.contacts.astype(float)]
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


def msg_to_trajectory(msg: JointTrajectory, robot: str, upper_body_only: bool = False) -> RobotTrajectory:
    names = list(msg.joint_names)
    if not msg.points:
        raise MotionError("trajectory message has no points")
    values = np.array([p.positions for p in msg.points], dtype=float)
    if values.shape[1] != len(names):
        raise MotionError(f"trajectory message: {values.shape[1]} positions per point for {len(names)} joints")
    joints = [n for n in names if n not in ROOT_NAMES and n not in CONTACT_NAMES]
    col = {n: i for i, n in enumerate(names)}
    T = len(values)
    has_base = all(n in col for n in ROOT_NAMES)
    root_pos = values[:, [col[n] for n in ROOT_NAMES[:3]]] if has_base else np.zeros((T, 3))
    root_quat = values[:, [col[n] for n in ROOT_NAMES[3:]]] if has_base else np.tile([1.0, 0, 0, 0], (T, 1))
    contacts = values[:, [col[n] for n in CONTACT_NAMES]] > 0.5 if all(n in col for n in CONTACT_NAMES) else np.ones((T, 2), bool)
    return RobotTrajectory(
        robot=robot,
        fps=_fps_from_times([_seconds(p.time_from_start) for p in msg.points]),
        joint_names=tuple(joints),
        q=values[:, [col[n] for n in joints]],
        root_pos=root_pos,
        root_quat=root_quat,
        contacts=contacts,
        upper_body_only=upper_body_only,
    )


def joint_state_msg(names, q, dq=None, effort=None, stamp=None) -> JointState:
    msg = JointState()
    if stamp is not None:
        msg.header.stamp = stamp
    msg.name = list(names)
    msg.position = [float(v) for v in q]
    msg.velocity = [float(v) for v in dq] if dq is not None else []
    msg.effort = [float(v) for v in effort] if effort is not None else []
    return msg
