"""execution: what runs the robot and how - shared by the planner, validation (sim) and the robot side (control).

    from humanoid_lmm.execution import Executor, ExecutionPlan, Plant, load_execution_config
    ex = Executor(load_robot_config("g1"), load_execution_config())      # stand policy + safety filter
    ex.start(state); ex.play(plan, state, t); cmd = ex.step(state, t)     # at the controller rate (50 Hz)

The same Executor object is stepped by the bridge on the robot and by dynamic validation in MuJoCo (`Plant`),
so a validated plan is executed with the same controllers, gains, rates and limits.
"""

from humanoid_lmm.execution.builtin import BuiltinStandIn
from humanoid_lmm.execution.config import ExecutionConfig, SafetyConfig, StreamerConfig, load_execution_config
from humanoid_lmm.execution.events import Event, EventLog
from humanoid_lmm.execution.executor import ROLE_OF_MODE, TRANSPORTS, Executor, sample_rows
from humanoid_lmm.execution.plan import ASSISTS, ExecutionMode, ExecutionPlan
from humanoid_lmm.execution.plant import Plant
from humanoid_lmm.execution.safety_filter import CLIP_KINDS, FilterResult, SafetyFilter
from humanoid_lmm.execution.streamer import Streamer
from humanoid_lmm.execution.types import JointCommand, Reference, RobotState

__all__ = [
    "ASSISTS", "BuiltinStandIn", "CLIP_KINDS", "Event", "EventLog", "ExecutionConfig", "ExecutionMode",
    "ExecutionPlan", "Executor", "FilterResult", "JointCommand", "Plant", "ROLE_OF_MODE", "Reference",
    "RobotState", "SafetyConfig", "SafetyFilter", "Streamer", "StreamerConfig", "TRANSPORTS",
    "load_execution_config", "sample_rows",
]
