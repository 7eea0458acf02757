"""retarget stage: SMPL `Motion` -> `RobotTrajectory` for the Unitree G1 / H1 (Pinocchio QP IK).

    from humanoid_lmm.retarget import retarget, retarget_metrics
    traj = retarget(motion, robot="g1", fps=50)
    print(retarget_metrics(traj))
    plan = plan_execution(traj)               # ExecutionPlan: the execution mode, decided once, with its reason
"""

from humanoid_lmm.retarget.collision import CollisionAvoidanceLimit, avoidance_pairs
from humanoid_lmm.retarget.config import RetargetConfig, RobotScale, load_retarget_config
from humanoid_lmm.retarget.metrics import RetargetMetrics, retarget_metrics
from humanoid_lmm.retarget.planner import plan_execution, velocity_commands
from humanoid_lmm.retarget.qp_ik import QPIK, OrientationTask, PositionTask
from humanoid_lmm.retarget.retarget import retarget, robot_for
from humanoid_lmm.retarget.targets import HumanTargets, human_targets

__all__ = [
    "CollisionAvoidanceLimit",
    "HumanTargets",
    "OrientationTask",
    "PositionTask",
    "QPIK",
    "RetargetConfig",
    "RetargetMetrics",
    "RobotScale",
    "avoidance_pairs",
    "human_targets",
    "load_retarget_config",
    "plan_execution",
    "retarget",
    "retarget_metrics",
    "robot_for",
    "velocity_commands",
]
