"""control stage: safety filter, watchdog, streamer, Unitree SDK2 bridge and a simulated robot on DDS.

The library never imports rclpy; `humanoid_lmm.ros` wraps `UnitreeBridge` (e-stop topic, diagnostics).
"""

from humanoid_lmm.control.config import ControlConfig, load_control_config
from humanoid_lmm.control.events import Event, EventLog
from humanoid_lmm.control.safety_filter import FilterResult, SafetyFilter
from humanoid_lmm.control.streamer import Streamer
from humanoid_lmm.control.watchdog import Watchdog

__all__ = [
    "ControlConfig",
    "Event",
    "EventLog",
    "FilterResult",
    "SafetyFilter",
    "SimRobot",
    "Streamer",
    "UnitreeBridge",
    "Watchdog",
    "load_control_config",
]


def __getattr__(name):  # DDS/MuJoCo modules load on first use (import humanoid_lmm.control stays light)
    if name == "UnitreeBridge":
        from humanoid_lmm.control.unitree_bridge import UnitreeBridge

        return UnitreeBridge
    if name == "SimRobot":
        from humanoid_lmm.control.sim_robot import SimRobot

        return SimRobot
    raise AttributeError(name)
