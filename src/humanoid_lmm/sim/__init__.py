"""sim stage: MuJoCo validation of an `ExecutionPlan` - kinematic checks, then its execution by the robot-side
controllers (the same Executor the robot runs), repair, rendering.

    from humanoid_lmm.retarget import plan_execution
    from humanoid_lmm.sim import validate, validate_and_repair
    report = validate(plan)                       # ValidationReport: report.passed, print(report)
    fixed, report = validate_and_repair(plan)     # slowed / shrunk / upper-body; report.repairs says how
"""

from humanoid_lmm.sim.config import ValidateConfig, load_validate_config
from humanoid_lmm.sim.dynamics import DynamicsResult, measure
from humanoid_lmm.sim.modes import upper_body_execution
from humanoid_lmm.sim.repair import repair_candidates, scale_amplitude, time_scale, validate_and_repair
from humanoid_lmm.sim.report import Failure, ValidationReport
from humanoid_lmm.sim.rollout import RolloutLog, rollout
from humanoid_lmm.sim.validate import Validation, describe_execution, run_validation, validate

__all__ = [
    "DynamicsResult",
    "Failure",
    "RolloutLog",
    "Validation",
    "ValidateConfig",
    "ValidationReport",
    "describe_execution",
    "load_validate_config",
    "measure",
    "repair_candidates",
    "rollout",
    "run_validation",
    "scale_amplitude",
    "time_scale",
    "upper_body_execution",
    "validate",
    "validate_and_repair",
]
