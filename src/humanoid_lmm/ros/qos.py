"""QoS per topic (documented in docs/ros.md). Mismatched QoS silently delivers nothing: use these."""

from rclpy.qos import DurabilityPolicy, HistoryPolicy, QoSProfile, ReliabilityPolicy

__all__ = ["COMMANDS", "PLANS", "STREAM", "STATUS", "ESTOP"]

# Commands and e-stop: every message matters, late joiners must not replay old commands.
COMMANDS = QoSProfile(depth=10, history=HistoryPolicy.KEEP_LAST, reliability=ReliabilityPolicy.RELIABLE,
                      durability=DurabilityPolicy.VOLATILE)
ESTOP = COMMANDS
# Motions, trajectories and plans: large, reliable, VOLATILE: a node that (re)starts never receives an old plan
# again (a latched plan replayed by a restarted streamer would move the robot without a command).
PLANS = QoSProfile(depth=2, history=HistoryPolicy.KEEP_LAST, reliability=ReliabilityPolicy.RELIABLE,
                   durability=DurabilityPolicy.VOLATILE)
# Streamed joint targets / joint states at 50 Hz: the newest sample is all that matters (SensorDataQoS-like).
STREAM = QoSProfile(depth=5, history=HistoryPolicy.KEEP_LAST, reliability=ReliabilityPolicy.BEST_EFFORT,
                    durability=DurabilityPolicy.VOLATILE)
# Status: reliable with some history so a monitor sees every stage of every command.
STATUS = QoSProfile(depth=50, history=HistoryPolicy.KEEP_LAST, reliability=ReliabilityPolicy.RELIABLE,
                    durability=DurabilityPolicy.VOLATILE)
