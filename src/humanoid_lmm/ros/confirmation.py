"""The ROS side of the confirmation gate: `/humanoid/confirm` and `/humanoid/reject` (std_msgs/String, the
plan id), answers and announcements on `/humanoid/confirmation` (std_msgs/String JSON).

The node that holds plans (the streamer, in real mode):

    gate = ConfirmationGate(timeout_s=30.0)
    confirm = ConfirmationListener(node, gate)
    confirm.hold(command_id, frames=traj.n_frames)   # announces {"id", "state": "pending", "timeout_s"}
    if confirm.wait(command_id):                     # blocks until confirmed (True) / rejected / expired
        bridge.play(traj)

An operator (or the preview page's button, or `humanoid-lmm confirm ID`) calls `send_confirmation(ID)`.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

import rclpy
from rclpy.executors import SingleThreadedExecutor
from rclpy.node import Node
from std_msgs.msg import String

from humanoid_lmm.control.confirmation import ConfirmationGate, PlanState
from humanoid_lmm.ros import qos, topics

__all__ = ["ConfirmationListener", "send_confirmation"]


class ConfirmationListener:
    """Connects a `ConfirmationGate` to the confirm / reject topics of `node` (time from `clock` [s])."""

    def __init__(self, node: Node, gate: ConfirmationGate, clock: Callable[[], float] = time.monotonic,
                 callback_group=None):
        self.node, self.gate, self.clock = node, gate, clock
        self._changed = threading.Condition()
        self._pub = node.create_publisher(String, topics.CONFIRMATION, qos.STATUS)
        node.create_subscription(String, topics.CONFIRM, lambda m: self._decide(m.data, False), qos.COMMANDS,
                                 callback_group=callback_group)
        node.create_subscription(String, topics.REJECT, lambda m: self._decide(m.data, True), qos.COMMANDS,
                                 callback_group=callback_group)

    def _announce(self, plan_id: str, state: PlanState, **detail) -> None:
        self._pub.publish(String(data=json.dumps({"id": plan_id, "state": state.value, **detail}, default=float)))

    def _decide(self, plan_id: str, reject: bool) -> None:
        plan_id = plan_id.strip()
        now = self.clock()
        state = self.gate.reject(plan_id, now) if reject else self.gate.confirm(plan_id, now)
        self.node.get_logger().info(f"[{plan_id}] {'reject' if reject else 'confirm'} -> {state.value}")
        self._announce(plan_id, state, source="reject" if reject else "confirm")
        with self._changed:
            self._changed.notify_all()

    def hold(self, plan_id: str, timeout_s: float | None = None, **detail) -> None:
        """Hold the plan pending and announce it (operators and the preview see its id and the timeout)."""
        self.gate.hold(plan_id, self.clock(), timeout_s)
        self._announce(plan_id, PlanState.PENDING, timeout_s=timeout_s or self.gate.timeout_s, **detail)

    def wait(self, plan_id: str, cancelled: Callable[[], bool] = lambda: False, poll_s: float = 0.1) -> bool:
        """Block until the plan is decided or expires; True only when it is released to execute (once)."""
        while True:
            now = self.clock()
            state = self.gate.state(plan_id, now)
            if state is PlanState.CONFIRMED:
                return self.gate.release(plan_id, now)
            if state.final or cancelled():
                if state is PlanState.EXPIRED:
                    self._announce(plan_id, state, source="timeout")
                return False
            with self._changed:
                self._changed.wait(timeout=min(poll_s, max(1e-3, self.gate.remaining_s(plan_id, now))))


def send_confirmation(plan_id: str, reject: bool = False, timeout: float = 10.0, domain_id: int | None = None) -> str:
    """Publish the decision on /humanoid/confirm (or /humanoid/reject) and return the holder's answer:
    "confirmed", "rejected", "expired", "released" or "unknown". TimeoutError if nobody holds plans."""
    context = rclpy.Context()
    rclpy.init(context=context, domain_id=domain_id)
    node = Node("humanoid_confirm", context=context)
    answers: list[dict] = []
    node.create_subscription(String, topics.CONFIRMATION, lambda m: answers.append(json.loads(m.data)), qos.STATUS)
    topic = topics.REJECT if reject else topics.CONFIRM
    pub = node.create_publisher(String, topic, qos.COMMANDS)
    executor = SingleThreadedExecutor(context=context)
    executor.add_node(node)
    try:
        deadline = time.monotonic() + timeout
        while pub.get_subscription_count() == 0 or node.count_publishers(topics.CONFIRMATION) == 0:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no node subscribes {topic} (is the graph running in real mode?)")
            executor.spin_once(timeout_sec=0.05)
        time.sleep(0.2)  # let the answer topic match as well
        pub.publish(String(data=plan_id))
        sent = time.monotonic()
        while time.monotonic() < deadline:
            executor.spin_once(timeout_sec=0.05)
            if time.monotonic() - sent > 1.0:   # the answer may have gone out before its topic matched here:
                pub.publish(String(data=plan_id))   # ask again (a decided plan keeps its decision)
                sent = time.monotonic()
            for a in answers:
                if a.get("id") == plan_id and a.get("state") != PlanState.PENDING.value:
                    return str(a["state"])
        raise TimeoutError(f"no answer for plan {plan_id!r} on {topics.CONFIRMATION} within {timeout:.0f} s")
    finally:
        executor.shutdown()
        node.destroy_node()
        rclpy.shutdown(context=context)
