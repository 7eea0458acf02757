"""validator node: retargeted trajectory -> MuJoCo checks (+ optional repair) -> /humanoid/validated_trajectory.

A trajectory that fails (after repair, if enabled) is never published: the status says why. In upper-body
mode only the waist/arm joints are published (a partial JointTrajectory); the streamer holds the rest.
Parameters: robot, repair (bool), mode (auto | upper_body | whole_body), upper_body_only (bool: force
upper-body execution, the G1 arm_sdk way).
"""

from __future__ import annotations

import time

from trajectory_msgs.msg import JointTrajectory

from humanoid_lmm.errors import HumanoidLMMError
from humanoid_lmm.robots import load_robot_config
from humanoid_lmm.ros import qos, topics
from humanoid_lmm.ros.base import StageNode, run_nodes, stamp_id
from humanoid_lmm.ros.convert import msg_to_trajectory, trajectory_to_msg


class ValidatorNode(StageNode):
    stage = "validate"

    def __init__(self, **kwargs):
        super().__init__("humanoid_validator", **kwargs)
        from humanoid_lmm import sim

        self._sim = sim
        self.declare_parameter("robot", "g1")
        self.declare_parameter("repair", True)
        self.declare_parameter("mode", "auto")
        self.declare_parameter("upper_body_only", False)
        from humanoid_lmm.robots import RobotTrajectory

        standing = RobotTrajectory.standing(load_robot_config(self.get_parameter("robot").value), seconds=0.2)
        sim.validate(standing, mode="upper_body")  # warm-up: compiles the MuJoCo model once
        self._pub = self.create_publisher(JointTrajectory, topics.VALIDATED, qos.PLANS)
        self.create_subscription(JointTrajectory, topics.RETARGETED, self.on_trajectory, qos.PLANS)

    def on_trajectory(self, msg: JointTrajectory) -> None:
        started = time.perf_counter()
        command_id = stamp_id(msg.header.stamp)
        robot = self.get_parameter("robot").value
        mode = "upper_body" if self.get_parameter("upper_body_only").value else self.get_parameter("mode").value
        try:
            traj = msg_to_trajectory(msg, robot)
            if self.get_parameter("repair").value:
                traj, report = self._sim.validate_and_repair(traj, mode=mode)
            else:
                report = self._sim.validate(traj, mode=mode)
        except HumanoidLMMError as e:
            self.publish_status(command_id, False, started, robot=robot, error=str(e))
            return
        detail = dict(robot=robot, verdict=report.verdict, mode=report.mode, repairs=report.repairs,
                      failed_checks=report.failed_checks(), metrics=report.metrics, balance=report.balance)
        if not report.passed:
            self.publish_status(command_id, False, started, error="validation failed: " +
                                "; ".join(str(f) for f in report.failures[:5]), **detail)
            return
        if report.mode == "upper_body":  # publish only the joints to move; the streamer holds the legs
            idx = load_robot_config(robot).upper_body
            traj = traj.replace(joint_names=tuple(traj.joint_names[i] for i in idx), q=traj.q[:, idx])
        out = trajectory_to_msg(traj, stamp=msg.header.stamp, with_base=False)
        self._pub.publish(out)
        self.publish_status(command_id, True, started, upper_body_only=report.mode == "upper_body", **detail)


def main(args=None) -> None:
    run_nodes([ValidatorNode], args)


if __name__ == "__main__":
    main()
