"""retargeter node: SMPL motion on /humanoid/motion -> robot trajectory (Pinocchio QP IK) -> ExecutionPlan
(the execution mode, decided here, once, with its reason) on /humanoid/retargeted_trajectory.

Parameters: robot (g1|h1), fps (output rate, Hz), upper_body_only (operator policy: every plan upper body).
"""

from __future__ import annotations

import dataclasses
import time

from trajectory_msgs.msg import JointTrajectory, MultiDOFJointTrajectory

from humanoid_lmm.errors import HumanoidLMMError
from humanoid_lmm.ros import qos, topics
from humanoid_lmm.ros.base import StageNode, run_nodes, stamp_id
from humanoid_lmm.ros.convert import msg_to_motion, plan_to_msg


class RetargetNode(StageNode):
    stage = "retarget"

    def __init__(self, **kwargs):
        super().__init__("humanoid_retargeter", **kwargs)
        from humanoid_lmm.execution import load_execution_config
        from humanoid_lmm.motion import Motion
        from humanoid_lmm.retarget import plan_execution, retarget
        from humanoid_lmm.robots import load_robot_config

        self._retarget, self._plan = retarget, plan_execution
        self.declare_parameter("robot", "g1")
        self.declare_parameter("fps", 50.0)
        self.declare_parameter("upper_body_only", False)
        cfg = load_execution_config()
        self.execution = dataclasses.replace(cfg, planner=dataclasses.replace(
            cfg.planner, upper_body_only=bool(self.get_parameter("upper_body_only").value)))
        self.robot = load_robot_config(self.get_parameter("robot").value)
        still = Motion(fps=20.0, root_pos=[[0.0, 0.0, 0.92]] * 4, rotations=[[[0.0] * 3] * 22] * 4)
        retarget(still, robot=self.robot.name)  # warm-up: robot models, solver
        self._pub = self.create_publisher(JointTrajectory, topics.RETARGETED, qos.PLANS)
        self.create_subscription(MultiDOFJointTrajectory, topics.MOTION, self.on_motion, qos.PLANS)

    def on_motion(self, msg: MultiDOFJointTrajectory) -> None:
        started = time.perf_counter()
        command_id = stamp_id(msg.header.stamp)
        robot = self.robot.name
        try:
            motion = msg_to_motion(msg)
            traj = self._retarget(motion, robot=robot, fps=float(self.get_parameter("fps").value))
            plan = self._plan(traj, self.robot, self.execution, command_id=command_id)
        except HumanoidLMMError as e:
            self.publish_status(command_id, False, started, robot=robot, error=str(e))
            return
        self._pub.publish(plan_to_msg(plan, stamp=msg.header.stamp))
        residual = None if traj.residual is None else float(abs(traj.residual).mean() * 1e3)
        self.publish_status(command_id, True, started, robot=robot, frames=traj.n_frames, mean_residual_mm=residual,
                            mode=plan.mode.value, reason=plan.reason, assist=plan.assist)


def main(args=None) -> None:
    run_nodes([RetargetNode], args)


if __name__ == "__main__":
    main()
