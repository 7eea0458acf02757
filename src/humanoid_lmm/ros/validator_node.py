"""validator node: ExecutionPlan -> MuJoCo validation by the robot-side controllers (+ repair) ->
/humanoid/validated_trajectory.

A plan that fails (after repair, if enabled) is never published: the status says why. The plan's mode comes
from the retargeter (decided once); validation honours it, except that repair may reduce a plan to its upper
body, which the status reports.
Parameters: robot, repair (bool), transport (lowcmd | arm_sdk: how the streamer sends it - validated as sent).
"""

from __future__ import annotations

import time

from trajectory_msgs.msg import JointTrajectory

from humanoid_lmm.errors import HumanoidLMMError
from humanoid_lmm.ros import qos, topics
from humanoid_lmm.ros.base import StageNode, run_nodes, stamp_id
from humanoid_lmm.ros.convert import msg_to_plan, plan_to_msg


class ValidatorNode(StageNode):
    stage = "validate"

    def __init__(self, **kwargs):
        super().__init__("humanoid_validator", **kwargs)
        from humanoid_lmm import sim
        from humanoid_lmm.execution import ExecutionPlan
        from humanoid_lmm.robots import RobotTrajectory, load_robot_config

        from humanoid_lmm.control.attestation import PlanSigner, load_launch_key

        self._sim = sim
        self._signer = PlanSigner(load_launch_key())  # the streamer plays only plans this node signed
        self.declare_parameter("robot", "g1")
        self.declare_parameter("repair", True)
        self.declare_parameter("transport", "lowcmd")
        self.transport = self.get_parameter("transport").value
        cfg = load_robot_config(self.get_parameter("robot").value)
        still = RobotTrajectory.standing(cfg, seconds=0.2)
        sim.validate(ExecutionPlan(mode="upper_body", reason="warm-up", reference=still), dynamic=False)
        self._pub = self.create_publisher(JointTrajectory, topics.VALIDATED, qos.PLANS)
        self.create_subscription(JointTrajectory, topics.RETARGETED, self.on_plan, qos.PLANS)

    def on_plan(self, msg: JointTrajectory) -> None:
        started = time.perf_counter()
        command_id = stamp_id(msg.header.stamp)
        robot = self.get_parameter("robot").value
        try:
            plan = msg_to_plan(msg, robot)
            if self.get_parameter("repair").value:
                plan, report = self._sim.validate_and_repair(plan, transport=self.transport)
            else:
                report = self._sim.validate(plan, transport=self.transport)
        except HumanoidLMMError as e:
            self.publish_status(command_id, False, started, robot=robot, error=str(e))
            return
        detail = dict(robot=robot, verdict=report.verdict, mode=report.mode, reason=report.reason,
                      repairs=report.repairs, failed_checks=report.failed_checks(), metrics=report.metrics,
                      execution=report.balance, controller=report.controller, assist=report.assist)
        if not report.passed:
            self.publish_status(command_id, False, started, error="validation failed: " +
                                "; ".join(str(f) for f in report.failures[:5]), **detail)
            return
        self._pub.publish(plan_to_msg(self._signer.attest(plan), stamp=msg.header.stamp))
        self.publish_status(command_id, True, started, **detail)


def main(args=None) -> None:
    run_nodes([ValidatorNode], args)


if __name__ == "__main__":
    main()
