"""sim stage: MuJoCo validation of a `RobotTrajectory` (kinematic + dynamic checks), repair, rendering.

    from humanoid_lmm.sim import validate, validate_and_repair
    report = validate(traj)                       # ValidationReport: report.passed, print(report)
    fixed, report = validate_and_repair(traj)     # slowed / shrunk / upper-body; report.repairs says how
"""

from humanoid_lmm.sim.config import ValidateConfig, load_validate_config
from humanoid_lmm.sim.dynamics import DynamicsResult, simulate
from humanoid_lmm.sim.modes import choose_mode, upper_body_execution
from humanoid_lmm.sim.repair import scale_amplitude, time_scale, validate_and_repair
from humanoid_lmm.sim.report import Failure, ValidationReport
from humanoid_lmm.sim.tracking import Tracker, inverse_dynamics, stand_gains
from humanoid_lmm.sim.validate import Validation, run_validation, validate

__all__ = [
    "DynamicsResult",
    "Failure",
    "Tracker",
    "Validation",
    "ValidateConfig",
    "ValidationReport",
    "choose_mode",
    "inverse_dynamics",
    "load_validate_config",
    "run_validation",
    "scale_amplitude",
    "simulate",
    "stand_gains",
    "time_scale",
    "upper_body_execution",
    "validate",
    "validate_and_repair",
]
