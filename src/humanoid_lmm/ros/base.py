"""What every humanoid_lmm node shares: the per-command status message and a safe main()."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import rclpy
from rclpy.executors import ExternalShutdownException, MultiThreadedExecutor
from rclpy.node import Node
from std_msgs.msg import String

from humanoid_lmm.ros import qos, topics

__all__ = ["StageNode", "stamp_id", "id_stamp", "run_nodes"]


def stamp_id(stamp) -> str:
    """Command id = the stamp given when the command was accepted; every later stage copies it."""
    return f"{stamp.sec}.{stamp.nanosec:09d}"


def id_stamp(command_id: str):
    """Inverse of `stamp_id`: the builtin_interfaces/Time to put in the headers of this command's plans."""
    from builtin_interfaces.msg import Time

    sec, nanosec = command_id.split(".")
    return Time(sec=int(sec), nanosec=int(nanosec))


class StageNode(Node):
    """A node that reports each command's outcome on /humanoid/status as JSON."""

    stage = "stage"

    def __init__(self, name: str, **kwargs):
        super().__init__(name, **kwargs)
        self._status_pub = self.create_publisher(String, topics.STATUS, qos.STATUS)

    def publish_status(self, command_id: str, ok: bool, started: float | None = None, **detail) -> dict:
        status = {"id": command_id, "stage": self.stage, "ok": bool(ok), "node": self.get_name(), **detail}
        if started is not None:
            status["ms"] = round((time.perf_counter() - started) * 1e3, 1)
        self._status_pub.publish(String(data=json.dumps(status, default=float)))
        # rclpy pins one severity per call site: two separate calls, not a chosen bound method.
        if ok:
            self.get_logger().info(f"[{command_id}] {self.stage}: ok")
        else:
            self.get_logger().warning(f"[{command_id}] {self.stage}: refused/failed: {detail.get('error', '')}")
        return status


def run_nodes(factories: list[Callable[[], Node]], args=None) -> None:
    """Spin nodes in one process with a multi-threaded executor; always shut down cleanly."""
    rclpy.init(args=args)
    nodes = []
    executor = MultiThreadedExecutor()
    try:
        for make in factories:
            node = make()
            nodes.append(node)
            executor.add_node(node)
        executor.spin()
    except (KeyboardInterrupt, ExternalShutdownException):
        pass
    finally:
        for node in nodes:
            node.destroy_node()
        if rclpy.ok():
            rclpy.shutdown()
