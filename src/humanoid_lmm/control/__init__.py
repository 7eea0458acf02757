"""control stage: the link to the robot - Unitree SDK2 bridge (executor + safety filter on DDS), watchdog,
damping, and a simulated robot on the same DDS topics.

The library never imports rclpy; `humanoid_lmm.ros` wraps `UnitreeBridge` (e-stop topic, diagnostics). What is
executed and how (controllers, limits, the plan value) is `humanoid_lmm.execution`.
"""

from humanoid_lmm.control.config import ControlConfig, RobotLink, load_control_config
from humanoid_lmm.control.watchdog import Watchdog
from humanoid_lmm.execution import EventLog, SafetyFilter

__all__ = [
    "ControlConfig",
    "EventLog",
    "RobotLink",
    "SafetyFilter",
    "SimRobot",
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
