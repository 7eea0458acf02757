"""recorder node: the graph's topics -> one MCAP file (or rosbag2 bag folder) with ROS 2 message schemas.

Records commands, statuses, plans (motion, retargeted and validated trajectories), joint targets, joint
states (the simulated robot's measured state, from rt/lowstate via the streamer), diagnostics, e-stop and
confirmation traffic, as the serialized CDR bytes (what rosbag2 stores). Plans use the graph's
transient-local QoS, so the latest plan published before the recorder started is recorded too.

    humanoid-lmm record -o out.mcap                  # until Ctrl-C
    humanoid-lmm record -o bags/run1 --duration 30   # a rosbag2 bag folder (metadata.yaml + run1_0.mcap)
    humanoid-lmm up --sim --record out.mcap          # the graph + this recorder
    ros2 bag info out.mcap; foxglove-studio out.mcap  # see docs/preview.md
"""

from __future__ import annotations

import argparse
import importlib
import signal
import time
from pathlib import Path

import rclpy
from rclpy.executors import ExternalShutdownException, SingleThreadedExecutor
from rclpy.node import Node
from rclpy.qos import QoSProfile

from humanoid_lmm.ros import qos, topics
from humanoid_lmm.ros.mcap_bag import McapBagWriter

__all__ = ["RECORDED_TOPICS", "RecorderNode", "main", "message_class", "qos_yaml"]

_DIAGNOSTICS_QOS = QoSProfile(depth=10)  # rclpy's default (reliable, volatile), as the streamer publishes it
RECORDED_TOPICS: tuple[tuple[str, str, QoSProfile], ...] = (
    (topics.COMMAND, "std_msgs/msg/String", qos.COMMANDS),
    (topics.ACCEPTED, "std_msgs/msg/String", qos.COMMANDS),
    (topics.STATUS, "std_msgs/msg/String", qos.STATUS),
    (topics.MOTION, "trajectory_msgs/msg/MultiDOFJointTrajectory", qos.PLANS),
    (topics.RETARGETED, "trajectory_msgs/msg/JointTrajectory", qos.PLANS),
    (topics.VALIDATED, "trajectory_msgs/msg/JointTrajectory", qos.PLANS),
    (topics.TARGETS, "sensor_msgs/msg/JointState", qos.STREAM),
    (topics.JOINT_STATES, "sensor_msgs/msg/JointState", qos.STREAM),
    (topics.DIAGNOSTICS, "diagnostic_msgs/msg/DiagnosticArray", _DIAGNOSTICS_QOS),
    (topics.ESTOP, "std_msgs/msg/Bool", qos.ESTOP),
    (topics.CONFIRM, "std_msgs/msg/String", qos.COMMANDS),
    (topics.REJECT, "std_msgs/msg/String", qos.COMMANDS),
    (topics.CONFIRMATION, "std_msgs/msg/String", qos.STATUS),
)


def message_class(type_name: str):
    """"std_msgs/msg/String" -> the std_msgs.msg.String class."""
    pkg, sub, name = type_name.split("/")
    return getattr(importlib.import_module(f"{pkg}.{sub}"), name)


def qos_yaml(profile: QoSProfile) -> str:
    """The profile in the YAML list form of rosbag2's `offered_qos_profiles` channel metadata."""
    zero = {"sec": 0, "nsec": 0}
    return (f"- history: {int(profile.history.value)}\n  depth: {int(profile.depth)}\n"
            f"  reliability: {int(profile.reliability.value)}\n  durability: {int(profile.durability.value)}\n"
            f"  deadline: {zero}\n  lifespan: {zero}\n  liveliness: 1\n  liveliness_lease_duration: {zero}\n"
            f"  avoid_ros_namespace_conventions: false\n")


class RecorderNode(Node):
    """Subscribes every topic of `recorded` (raw CDR) and writes it to `output` (.mcap file or bag folder)."""

    def __init__(self, output: str | Path, recorded=RECORDED_TOPICS, **kwargs):
        super().__init__("humanoid_recorder", **kwargs)
        self.bag = McapBagWriter(output)
        for topic, type_name, profile in recorded:
            self.bag.add_topic(topic, type_name, qos_yaml(profile))
            self.create_subscription(message_class(type_name), topic,
                                     lambda data, t=topic, ty=type_name: self.bag.write(t, ty, data, time.time_ns()),
                                     profile, raw=True)
        self.get_logger().info(f"recording {len(recorded)} topics to {self.bag.path}")

    def destroy_node(self):
        path = self.bag.close()
        self.get_logger().info(f"wrote {path}: {sum(self.bag.counts.values())} messages")
        return super().destroy_node()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def record(output: str | Path, duration_s: float = 0.0, args=None) -> dict[str, int]:
    """Record until `duration_s` [s] passed (0 = until Ctrl-C / SIGTERM); returns messages per topic."""
    from rclpy.signals import SignalHandlerOptions

    # Our own handlers, not rclpy's: rclpy's shuts the context down at once, and a signal between two
    # spin_once calls then failed the next one (exit 1 after the file was written). Ctrl-C and the
    # launcher's SIGTERM both end the loop here, with the context still valid for the clean close.
    rclpy.init(args=args, signal_handler_options=SignalHandlerOptions.NO)
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    node = RecorderNode(output)
    executor = SingleThreadedExecutor()
    executor.add_node(node)
    end = time.monotonic() + duration_s if duration_s > 0 else float("inf")
    try:
        while time.monotonic() < end:
            executor.spin_once(timeout_sec=0.1)
    except (KeyboardInterrupt, ExternalShutdownException):
        pass
    finally:
        counts = dict(node.bag.counts)
        executor.shutdown()
        node.destroy_node()
        if rclpy.ok():
            rclpy.shutdown()
    return counts


def main(argv=None) -> None:
    p = argparse.ArgumentParser(prog="humanoid_recorder", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-o", "--output", required=True, help="out.mcap (one file) or a folder (rosbag2 bag)")
    p.add_argument("--duration", type=float, default=0.0, help="[s] stop after this long (0 = until Ctrl-C)")
    known, ros_args = p.parse_known_args(argv)
    counts = record(known.output, known.duration, ros_args or None)
    print(f"humanoid_recorder: {sum(counts.values())} messages on {sum(1 for c in counts.values() if c)} topics")


if __name__ == "__main__":
    main()
