"""`ExecutionPlan`: what will be executed and how, decided once (by the planner) and carried to the robot.

A plan is the reference motion (a `RobotTrajectory`) plus its execution mode, the reason for that mode, and the
inputs of the controller that executes it:

- `upper_body`: waist + arm targets over a balancing lower body (G1: arm_sdk over the built-in controller, or
  the stand policy with the arms overridden);
- `locomotion`: body-frame velocity / yaw-rate commands derived from the reference root trajectory, plus the
  upper-body targets;
- `whole_body`: the whole reference, tracked by a tracking policy (reference torso orientation included).

Validation, the simulated robot, the bridge, the ROS graph and the CLI all read the mode from here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path

import numpy as np

from humanoid_lmm.errors import ConfigError, MotionError
from humanoid_lmm.robots import RobotConfig, RobotTrajectory

__all__ = ["ASSISTS", "ExecutionMode", "ExecutionPlan"]

ASSISTS = ("none", "gantry")  # "gantry": simulation with the pelvis held in place (named in every report)


class ExecutionMode(str, Enum):
    UPPER_BODY = "upper_body"
    LOCOMOTION = "locomotion"
    WHOLE_BODY = "whole_body"

    @classmethod
    def parse(cls, value) -> "ExecutionMode":
        try:
            return cls(value)
        except ValueError:
            raise ConfigError(f"execution mode {value!r}; valid choices: {[m.value for m in cls]}") from None


@dataclass(frozen=True, eq=False)
class ExecutionPlan:
    """The executable unit. `velocity` (T, 3) [vx, vy, wz] is set for locomotion, `torso_quat` (T, 4) for
    whole_body; both sampled like `reference` (its fps). `command_id`, `created` and `attestation` identify
    the plan on the way to the robot (see docs/safety.md)."""

    mode: ExecutionMode
    reason: str
    reference: RobotTrajectory
    velocity: np.ndarray | None = None
    torso_quat: np.ndarray | None = None
    assist: str = "none"
    controller: str = ""  # name of the controller that executes it (e.g. "g1_wbt_ppo")
    repairs: tuple[str, ...] = ()
    command_id: str = ""
    created: float = 0.0  # [s] unix time the plan was made
    attestation: str = ""  # the validator's signature over the plan (empty until validated)
    meta: dict = field(default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, "mode", ExecutionMode.parse(self.mode))
        if self.assist not in ASSISTS:
            raise ConfigError(f"ExecutionPlan.assist={self.assist!r}; valid choices: {list(ASSISTS)}")
        T = self.reference.n_frames
        for name, k in (("velocity", 3), ("torso_quat", 4)):
            a = getattr(self, name)
            if a is None:
                continue
            a = np.asarray(a, dtype=float)
            if a.shape != (T, k) or not np.all(np.isfinite(a)):
                raise MotionError(f"ExecutionPlan.{name} must be finite with shape {(T, k)}, got {a.shape}")
            object.__setattr__(self, name, a)
        if self.mode is ExecutionMode.LOCOMOTION and self.velocity is None:
            raise MotionError("a locomotion plan needs its velocity commands")
        if self.mode is ExecutionMode.WHOLE_BODY and self.torso_quat is None:
            raise MotionError("a whole_body plan needs its reference torso orientation")

    @property
    def robot(self) -> str:
        return self.reference.robot

    @property
    def duration_s(self) -> float:
        return self.reference.duration_s

    def driven_joints(self, cfg: RobotConfig) -> np.ndarray:
        """Motor-order indices whose targets come from the reference (the rest are the controller's)."""
        if self.mode is ExecutionMode.WHOLE_BODY:
            return np.arange(cfg.num_joints)
        return np.asarray(cfg.upper_body)

    def replace(self, **changes) -> "ExecutionPlan":
        return replace(self, **changes)

    def header(self) -> dict:
        """The plan's identity and mode as a JSON-able dict (carried in ROS messages, signed by the validator)."""
        return {"robot": self.robot, "mode": self.mode.value, "reason": self.reason, "assist": self.assist,
                "controller": self.controller, "repairs": list(self.repairs), "command_id": self.command_id,
                "created": self.created, "attestation": self.attestation}

    def digest_bytes(self) -> bytes:
        """Canonical bytes of everything the plan carries (what the attestation signs): a changed foot-contact
        flag changes them too, though only validation reads those."""
        head = {k: v for k, v in self.header().items() if k != "attestation"}
        parts = [json.dumps(head, sort_keys=True).encode(), np.float64(self.reference.fps).tobytes(),
                 "\n".join(self.reference.joint_names).encode()]
        for a in (self.reference.q, self.reference.root_pos, self.reference.root_quat, self.velocity, self.torso_quat):
            parts.append(b"-" if a is None else np.ascontiguousarray(a, dtype=np.float64).round(9).tobytes())
        parts.append(np.ascontiguousarray(self.reference.contacts, dtype=np.uint8).tobytes())  # all it carries
        return b"|".join(parts)

    def save_npz(self, path: str | Path) -> Path:
        path = Path(path)
        r = self.reference
        extra = {k: v for k, v in (("velocity", self.velocity), ("torso_quat", self.torso_quat)) if v is not None}
        np.savez_compressed(path, header=json.dumps(self.header()), robot=r.robot, fps=r.fps,
                            joint_names=np.array(r.joint_names), q=r.q, root_pos=r.root_pos, root_quat=r.root_quat,
                            contacts=r.contacts, **extra)
        return path

    @classmethod
    def load_npz(cls, path: str | Path) -> "ExecutionPlan":
        path = Path(path)
        try:
            z = np.load(path, allow_pickle=False)
            head = json.loads(str(z["header"]))
        except (OSError, ValueError, KeyError) as e:
            raise ConfigError(f"{path}: not an ExecutionPlan file (`humanoid-lmm validate ... -o` writes them): {e}") from e
        ref = RobotTrajectory(robot=str(z["robot"]), fps=float(z["fps"]),
                              joint_names=tuple(str(n) for n in z["joint_names"]), q=z["q"].astype(float),
                              root_pos=z["root_pos"].astype(float), root_quat=z["root_quat"].astype(float),
                              contacts=z["contacts"].astype(bool))
        return cls.from_header(head, ref, z["velocity"] if "velocity" in z.files else None,
                               z["torso_quat"] if "torso_quat" in z.files else None)

    @classmethod
    def from_header(cls, head: dict, reference: RobotTrajectory, velocity=None, torso_quat=None) -> "ExecutionPlan":
        if not isinstance(head, dict) or "mode" not in head:
            raise ConfigError(f"plan header must be a mapping with a 'mode', got {head!r:.80}")
        if head.get("robot", reference.robot) != reference.robot:
            raise ConfigError(f"plan header robot {head.get('robot')!r} differs from its trajectory's {reference.robot!r}")
        return cls(mode=head["mode"], reason=str(head.get("reason", "")), reference=reference, velocity=velocity,
                   torso_quat=torso_quat, assist=str(head.get("assist", "none")),
                   controller=str(head.get("controller", "")), repairs=tuple(head.get("repairs", ())),
                   command_id=str(head.get("command_id", "")), created=float(head.get("created", 0.0)),
                   attestation=str(head.get("attestation", "")))
