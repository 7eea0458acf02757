"""Build the controller for a role ("stand", "locomotion", "whole_body") of a robot from config/execution.yaml."""

from __future__ import annotations

from functools import lru_cache

from humanoid_lmm.errors import ConfigError
from humanoid_lmm.execution.config import ExecutionConfig
from humanoid_lmm.execution.controllers.base import Controller
from humanoid_lmm.execution.controllers.locomotion import LocomotionController
from humanoid_lmm.execution.controllers.onnx_policy import OnnxPolicy
from humanoid_lmm.execution.controllers.pd import PDController
from humanoid_lmm.execution.controllers.policy_spec import load_policy_spec
from humanoid_lmm.execution.controllers.tracking import TrackingController
from humanoid_lmm.robots import RobotConfig

__all__ = ["ROLES", "build_controller", "controller_name"]

ROLES = ("stand", "locomotion", "whole_body")


def controller_name(robot: RobotConfig, cfg: ExecutionConfig, role: str) -> str:
    if role not in ROLES:
        raise ConfigError(f"controller role {role!r}; valid choices: {list(ROLES)}")
    return getattr(cfg.controllers_for(robot.name), role)


@lru_cache(maxsize=16)
def _policy(name: str, robot: RobotConfig) -> OnnxPolicy:
    return OnnxPolicy(load_policy_spec(name, robot.num_joints), robot)


def build_controller(robot: RobotConfig, cfg: ExecutionConfig, role: str, override: str | None = None) -> Controller:
    """A fresh controller (its own state) for `role`; `override` names another policy or "pd" (tests, benches).
    ONNX sessions are shared per process (they are stateless)."""
    name = override or controller_name(robot, cfg, role)
    if name == "pd":
        return PDController(robot)
    policy = _policy(name, robot)
    kind = policy.spec.kind
    if role == "whole_body" and kind != "tracking":
        raise ConfigError(f"policy {name!r} is a {kind} policy; the whole_body role needs a tracking policy")
    if role != "whole_body" and kind != "locomotion":
        raise ConfigError(f"policy {name!r} is a {kind} policy; the {role} role needs a locomotion policy")
    if kind == "tracking":
        return TrackingController(policy, robot)
    return LocomotionController(policy, robot, cfg.controllers_for(robot.name))
