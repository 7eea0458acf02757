"""QoS per topic (documented in docs/ros.md). Mismatched QoS silently delivers nothing: use these."""

from rclpy.qos import DurabilityPolicy, HistoryPolicy, QoSProfile, ReliabilityPolicy

__all__ = ["COMMANDS", "PLANS", "STREAM", "STATUS", "ESTOP"]

# Commands and e-stop: every message matters, late joiners must not replay old commands.
COMMANDS = QoSProfile(depth=10, history=HistoryPolicy.KEEP_LAST, reliability=ReliabilityPolicy.RELIABLE,
                      durability=DurabilityPolicy.VOLATILE)
ESTOP = COMMANDS
# Motions and trajectories: large, reliable; the latest plan stays available to a late subscriber.
PLANS = QoSProfile(depth=1, history=HistoryPolicy.KEEP_LAST, reliability=ReliabilityPolicy.RELIABLE,
                   durability=DurabilityPolicy.TRANSIENT_LOCAL)
# Streamed joint targets / joint states at 50 Hz: the newest sample is all that matters (SensorDataQoS-like).
STREAM = QoSProfile(depth=5, history=HistoryPolicy.KEEP_LAST, reliability=ReliabilityPolicy.BEST_EFFORT,
                    durability=DurabilityPolicy.VOLATILE)
# Status: reliable with some history so a monitor sees every stage of every command.
STATUS = QoSProfile(depth=50, history=HistoryPolicy.KEEP_LAST, reliability=ReliabilityPolicy.RELIABLE,
                    durability=DurabilityPolicy.VOLATILE)
