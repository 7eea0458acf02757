"""`OnnxPolicy`: one ONNX policy on onnxruntime (CPU, one thread), its gains and its observation vector.

Gains come from the model's metadata (`kp`, `kd`, as holosoma exports them; the robot config's otherwise), and
the metadata's `dof_names` must equal the robot's motor order, so a policy for another joint order fails at
load instead of moving the wrong joints.
"""

from __future__ import annotations

import numpy as np

from humanoid_lmm.errors import ConfigError
from humanoid_lmm.execution.controllers.policy_spec import PolicySpec, onnx_metadata
from humanoid_lmm.robots import RobotConfig

__all__ = ["OnnxPolicy"]

ACTION_CLIP = 100.0  # raw actions are clipped like the reference deploy code (holosoma policies/wbt.py)


class OnnxPolicy:
    def __init__(self, spec: PolicySpec, robot: RobotConfig):
        import onnxruntime as ort

        if spec.robot and spec.robot != robot.name:
            raise ConfigError(f"policy {spec.name!r} is for robot {spec.robot!r}, not {robot.name!r}")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1  # ~0.1 ms per call: threads only add jitter
        opts.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(spec.onnx), opts, providers=["CPUExecutionProvider"])
        inputs = {i.name: i.shape for i in self.session.get_inputs()}
        outputs = [o.name for o in self.session.get_outputs()]
        if spec.input not in inputs or spec.output not in outputs:
            raise ConfigError(f"{spec.onnx}: expects input {spec.input!r} / output {spec.output!r}; "
                              f"the model has inputs {list(inputs)}, outputs {outputs}")
        missing = set(inputs) - {spec.input} - set(spec.extra_inputs)
        if missing:
            raise ConfigError(f"{spec.onnx}: inputs {sorted(missing)} have no value (policy spec extra_inputs)")
        width = inputs[spec.input][-1]
        if isinstance(width, int) and width != spec.obs_dim:
            raise ConfigError(f"{spec.source}: observation terms add up to {spec.obs_dim}, the model takes {width}")
        meta = onnx_metadata(spec.onnx)
        names = meta.get("dof_names")
        if names is not None and list(names) != list(robot.joint_names):
            raise ConfigError(f"{spec.onnx}: dof_names differ from {robot.name}'s motor order")
        self.kp = np.asarray(meta.get("kp", robot.kp), dtype=float)
        self.kd = np.asarray(meta.get("kd", robot.kd), dtype=float)
        if self.kp.shape != (robot.num_joints,) or self.kd.shape != (robot.num_joints,):
            raise ConfigError(f"{spec.onnx}: kp/kd metadata must have {robot.num_joints} values")
        self.spec, self.robot = spec, robot
        self._slices = spec.offsets()
        self._obs = np.zeros((1, spec.obs_dim), dtype=np.float32)
        self._feed = {k: np.full((1, 1), v, dtype=np.float32) for k, v in spec.extra_inputs.items()}

    def observe(self, values: dict[str, np.ndarray]) -> np.ndarray:
        """The (1, D) float32 observation: each spec term, scaled, at its place."""
        for t in self.spec.terms:
            self._obs[0, self._slices[t.name]] = np.asarray(values[t.name], dtype=np.float32) * t.scale
        return self._obs

    def act(self, obs: np.ndarray) -> np.ndarray:
        """Raw action (n,) for observation (1, D)."""
        self._feed[self.spec.input] = obs
        out = self.session.run([self.spec.output], self._feed)[0]
        return np.clip(np.asarray(out, dtype=float).reshape(-1), -ACTION_CLIP, ACTION_CLIP)

    def target(self, action: np.ndarray) -> np.ndarray:
        """PD target positions of an action: default_q + action_scale * action."""
        return self.spec.default_q + self.spec.action_scale * action

    def action_of(self, q_target: np.ndarray) -> np.ndarray:
        """The action that would command `q_target` (to take over from another controller without a jump)."""
        return (np.asarray(q_target, float) - self.spec.default_q) / self.spec.action_scale
