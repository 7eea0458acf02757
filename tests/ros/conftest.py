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
    thread = threading.Thread(target=executor.spin, daemon=True)
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
