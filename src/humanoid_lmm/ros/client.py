"""Send a command to a running graph from another process and follow its status (an example client node).

    from humanoid_lmm.ros.client import send_command
    for status in send_command("wave your right hand"):
        print(status["stage"], status["ok"], status.get("ms"))
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import rclpy
from rclpy.node import Node
from std_msgs.msg import String

from humanoid_lmm.ros import qos, topics

__all__ = ["send_command", "stage_subscribers", "FINAL_STAGE", "OBSERVER_NODES"]

FINAL_STAGE = "stream"  # the streamer reports once the robot has executed (or refused) the motion
# Each stage's input topic: the graph is ready when every one has a subscriber.
GRAPH_INPUTS = (topics.COMMAND, topics.ACCEPTED, topics.MOTION, topics.RETARGETED, topics.VALIDATED)
# Nodes that subscribe those inputs without being a stage (they must not make a half-started graph look ready).
OBSERVER_NODES = ("humanoid_recorder", "humanoid_preview")


def stage_subscribers(node: Node, topic: str) -> int:
    """Subscribers of `topic` other than the observers (recorder, preview). An endpoint whose node is not
    discovered yet ("_NODE_NAME_UNKNOWN_") does not count: it may be an observer."""
    return sum(1 for info in node.get_subscriptions_info_by_topic(topic)
               if info.node_name not in OBSERVER_NODES and not info.node_name.startswith("_NODE_NAME_UNKNOWN"))


def send_command(text: str, timeout: float = 60.0, discovery_timeout: float = 10.0) -> Iterator[dict]:
    """Publish `text` on /humanoid/command; yield this command's status dicts until it ends or times out."""
    own_context = not rclpy.ok()
    if own_context:
        rclpy.init()
    node = Node("humanoid_say")
    statuses: list[dict] = []
    node.create_subscription(String, topics.STATUS, lambda m: statuses.append(json.loads(m.data)), qos.STATUS)
    pub = node.create_publisher(String, topics.COMMAND, qos.COMMANDS)
    try:
        deadline = time.monotonic() + discovery_timeout
        while missing := [t for t in GRAPH_INPUTS if stage_subscribers(node, t) == 0]:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no node subscribes {missing} (is the graph running? humanoid-lmm up)")
            rclpy.spin_once(node, timeout_sec=0.1)
        time.sleep(0.2)  # let the status subscription match too
        statuses.clear()
        pub.publish(String(data=text))
        command_id, seen = None, 0
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            rclpy.spin_once(node, timeout_sec=0.05)
            while seen < len(statuses):
                s = statuses[seen]
                seen += 1
                if command_id is None and s.get("stage") == "command":
                    command_id = s["id"]
                if s.get("id") != command_id:
                    continue
                yield s
                if not s.get("ok") or (s.get("stage") == FINAL_STAGE and s.get("done", True)):
                    return
        raise TimeoutError(f"command {text!r}: no final status within {timeout:.0f} s")
    finally:
        node.destroy_node()
        if own_context and rclpy.ok():
            rclpy.shutdown()
