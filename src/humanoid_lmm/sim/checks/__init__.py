"""Kinematic checks: joint limits (finite differences) and a MuJoCo replay for contacts."""

from humanoid_lmm.sim.checks.contacts import check_contacts
from humanoid_lmm.sim.checks.limits import check_joint_limits, joint_acceleration, joint_velocity

__all__ = ["check_contacts", "check_joint_limits", "joint_acceleration", "joint_velocity"]
