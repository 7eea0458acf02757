"""rclpy fixtures: one context per test module, nodes spun on a background executor thread."""

import os
import threading

import pytest

os.environ.setdefault("RMW_IMPLEMENTATION", "rmw_fastrtps_cpp")


@pytest.fixture(scope="module")
def ros():
    import rclpy
    from rclpy.executors import MultiThreadedExecutor

    # A private ROS domain per test process: parallel runs on one machine do not see each other.
    context = rclpy.Context()
    rclpy.init(context=context, domain_id=(os.getpid() % 100) + 100)
    executor = MultiThreadedExecutor(context=context)

    def spin():
        """executor.spin, but a node destroyed while the executor still waits on it (rclpy's InvalidHandle
        race) does not end the thread: that left every later test of the module without callbacks."""
        from rclpy.exceptions import InvalidHandle
        from rclpy.executors import ExternalShutdownException, ShutdownException

        while context.ok():
            try:
                executor.spin_once(timeout_sec=0.1)
            except InvalidHandle:
                continue
            except (ExternalShutdownException, ShutdownException):
                return

    thread = threading.Thread(target=spin, daemon=True)
    thread.start()

    class Ros:
        def __init__(self):
            self.context, self.executor, self.nodes = context, executor, []

        def add(self, node):
            self.nodes.append(node)
            executor.add_node(node)
            return node

    r = Ros()
    yield r
    executor.shutdown(timeout_sec=2)
    for n in r.nodes:
        n.destroy_node()
    rclpy.shutdown(context=context)
