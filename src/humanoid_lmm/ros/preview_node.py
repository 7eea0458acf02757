"""preview node (optional, off by default): the graph's plans in the 3D browser preview, with Confirm / Reject.

Subscribes /humanoid/accepted_command, /humanoid/motion, /humanoid/retargeted_trajectory,
/humanoid/validated_trajectory, /humanoid/status and /humanoid/confirmation; per command id it shows the
human motion, the plan (retargeted, then replaced by the validated, possibly repaired plan as the robot
will execute it), the verdict and mode, and the simulated execution: the validated
trajectory re-run through `sim.logged_validation.validate_with_log` in the validator's mode (deterministic
physics, so the same run the validator judged). The page's Confirm / Reject buttons publish the plan id on
/humanoid/confirm / /humanoid/reject, what `humanoid-lmm confirm ID` does.

    humanoid-lmm up --sim --preview                 # then open http://127.0.0.1:8080
    ros2 launch humanoid_lmm bringup.launch.py preview:=true
Parameters: robot, port (8080), host ("127.0.0.1"; "0.0.0.0" to reach it from another machine), simulate
(true: re-run the physics for the execution column).
"""

from __future__ import annotations

import json
import threading
from dataclasses import replace

from rclpy.node import Node
from std_msgs.msg import String
from trajectory_msgs.msg import JointTrajectory, MultiDOFJointTrajectory

from humanoid_lmm.errors import HumanoidLMMError
from humanoid_lmm.preview.plan import PreviewPlan
from humanoid_lmm.ros import qos, topics
from humanoid_lmm.ros.base import run_nodes, stamp_id
from humanoid_lmm.ros.convert import msg_to_motion, msg_to_plan, msg_to_trajectory

__all__ = ["PreviewNode", "main"]


class PreviewNode(Node):
    def __init__(self, **kwargs):
        super().__init__("humanoid_preview", **kwargs)
        for name, default in (("robot", "g1"), ("port", 8080), ("host", "127.0.0.1"), ("simulate", True)):
            self.declare_parameter(name, default)
        from humanoid_lmm.preview.scene import PreviewServer

        self.robot = self.get_parameter("robot").value
        self._plans: dict[str, PreviewPlan] = {}
        self._texts: dict[str, str] = {}
        self._lock = threading.Lock()
        self._sim_lock = threading.Lock()  # sim's validation robot is shared per process: one run at a time
        self._confirm_pub = self.create_publisher(String, topics.CONFIRM, qos.COMMANDS)
        self._reject_pub = self.create_publisher(String, topics.REJECT, qos.COMMANDS)
        self.server = PreviewServer(host=self.get_parameter("host").value, port=int(self.get_parameter("port").value),
                                    on_confirm=lambda pid: self._decide(self._confirm_pub, pid, "confirm"),
                                    on_reject=lambda pid: self._decide(self._reject_pub, pid, "reject"))
        self.create_subscription(String, topics.ACCEPTED, self.on_accepted, qos.COMMANDS)
        self.create_subscription(MultiDOFJointTrajectory, topics.MOTION, self.on_motion, qos.PLANS)
        self.create_subscription(JointTrajectory, topics.RETARGETED, self.on_retargeted, qos.PLANS)
        self.create_subscription(JointTrajectory, topics.VALIDATED, self.on_validated, qos.PLANS)
        self.create_subscription(String, topics.STATUS, self.on_status, qos.STATUS)
        self.create_subscription(String, topics.CONFIRMATION, self.on_confirmation, qos.STATUS)
        self.get_logger().info(f"preview at {self.server.url}")

    def _decide(self, pub, plan_id: str, what: str) -> str:
        pub.publish(String(data=plan_id))
        return f"{what} sent on {topics.CONFIRM if what == 'confirm' else topics.REJECT}; the holder answers on {topics.CONFIRMATION}"

    def _update(self, plan_id: str, **changes) -> PreviewPlan:
        """Merge `changes` into this plan and show it (the newest plan is always the one on the page)."""
        with self._lock:
            plan = self._plans.get(plan_id) or PreviewPlan(plan_id=plan_id, robot=self.robot, text=self._texts.get(plan_id, ""))
            plan = replace(plan, **changes)
            self._plans[plan_id] = plan
            while len(self._plans) > 20:
                self._plans.pop(next(iter(self._plans)))
        self.server.show(plan)
        return plan

    def on_accepted(self, msg: String) -> None:
        try:
            request = json.loads(msg.data)
            self._texts[request["id"]] = request.get("text", "")
        except (ValueError, KeyError, TypeError):
            return

    def on_motion(self, msg) -> None:
        pid = stamp_id(msg.header.stamp)
        try:
            self._update(pid, motion=msg_to_motion(msg, self._texts.get(pid, "")), text=self._texts.get(pid, ""))
        except HumanoidLMMError as e:
            self.get_logger().warning(f"[{pid}] preview: bad motion message: {e}")

    def on_retargeted(self, msg) -> None:
        pid = stamp_id(msg.header.stamp)
        try:
            self._update(pid, trajectory=msg_to_trajectory(msg, self.robot))
        except HumanoidLMMError as e:
            self.get_logger().warning(f"[{pid}] preview: bad trajectory message: {e}")

    def on_status(self, msg: String) -> None:
        try:
            s = json.loads(msg.data)
        except ValueError:
            return
        if s.get("stage") == "validate" and "id" in s:
            reasons = (s["error"],) if s.get("error") else ()
            notes = tuple(f"repair: {r}" for r in s.get("repairs", []))
            self._update(s["id"], verdict=s.get("verdict", ""), mode=s.get("mode", ""), reasons=reasons, notes=notes)

    def on_confirmation(self, msg: String) -> None:
        try:
            a = json.loads(msg.data)
        except ValueError:
            return
        pid = a.get("id", "")
        if pid in self._plans:
            extra = f" ({a['timeout_s']:.0f} s to confirm)" if a.get("state") == "pending" and "timeout_s" in a else ""
            self._update(pid, notes=tuple(n for n in self._plans[pid].notes if not n.startswith("operator:"))
                         + (f"operator: {a.get('state')}{extra}",))

    def on_validated(self, msg: JointTrajectory) -> None:
        """The validated (possibly repaired, possibly partial upper-body) plan: simulate it for the page."""
        pid = stamp_id(msg.header.stamp)
        if not self.get_parameter("simulate").value:
            return
        threading.Thread(target=self._simulate, args=(pid, msg), daemon=True).start()

    def _simulate(self, pid: str, msg: JointTrajectory) -> None:
        from humanoid_lmm.sim.logged_validation import validate_with_log

        try:
            plan = msg_to_plan(msg, self.robot)  # the validated (possibly repaired) plan, mode and all
            traj = plan.reference
            with self._sim_lock:
                lv = validate_with_log(plan)
        except HumanoidLMMError as e:
            self.get_logger().warning(f"[{pid}] preview: simulation failed: {e}")
            return
        self._update(pid, trajectory=traj, execution=lv.log, mode=lv.report.mode)  # the plan as executed

    def destroy_node(self):
        self.server.close()
        return super().destroy_node()


def main(args=None) -> None:
    run_nodes([PreviewNode], args)


if __name__ == "__main__":
    main()
