"""generator node: accepted command -> Large Motion Model -> SMPL motion on /humanoid/motion.

Parameters: model_dir (default: the built-in model in models/), seed (int, -1 = random), duration_s
(0 = let the model decide); backend (local | vllm), url, served_model, timeout_s, retries: sample on
an OpenAI-compatible vLLM server under the same motion grammar (humanoid_lmm.lmm.remote). The
motion still passes retargeting, validation and the safety filter: robot safety never rests on the server.
"""

from __future__ import annotations

import json
import time

from std_msgs.msg import String

from humanoid_lmm.errors import HumanoidLMMError
from humanoid_lmm.ros import qos, topics
from humanoid_lmm.ros.base import StageNode, id_stamp, run_nodes
from humanoid_lmm.ros.convert import motion_to_msg
from trajectory_msgs.msg import MultiDOFJointTrajectory


class GeneratorNode(StageNode):
    stage = "generate"

    def __init__(self, **kwargs):
        super().__init__("humanoid_generator", **kwargs)
        from humanoid_lmm.lmm.remote import BackendConfig, make_generator

        self.declare_parameter("model_dir", "")
        self.declare_parameter("seed", 0)
        self.declare_parameter("duration_s", 0.0)
        defaults = BackendConfig()
        for name, value in (("backend", defaults.backend), ("url", defaults.url), ("served_model", defaults.model),
                            ("timeout_s", defaults.timeout_s), ("retries", defaults.retries)):
            self.declare_parameter(name, value)
        p = lambda n: self.get_parameter(n).value  # noqa: E731
        backend = BackendConfig(backend=p("backend"), url=p("url"), model=p("served_model"),
                                timeout_s=float(p("timeout_s")), retries=int(p("retries")))
        started = time.perf_counter()
        self.generator = make_generator(backend, p("model_dir") or None)
        try:
            self.generator.generate("stand still", duration_s=1.0, seed=0)  # warm-up: first call pays the setup
        except HumanoidLMMError as e:  # a remote server may come up later; each command reports its own error
            if backend.backend == "local":
                raise
            self.get_logger().error(f"warm-up on {backend.url} failed: {e}")
        self.get_logger().info(f"motion model ({backend.backend}) ready in {time.perf_counter() - started:.1f} s")
        self._pub = self.create_publisher(MultiDOFJointTrajectory, topics.MOTION, qos.PLANS)
        self.create_subscription(String, topics.ACCEPTED, self.on_command, qos.COMMANDS)

    def on_command(self, msg: String) -> None:
        started = time.perf_counter()
        try:
            request = json.loads(msg.data)
            command_id, text = request["id"], request["text"]
        except (ValueError, KeyError, TypeError) as e:
            self.get_logger().error(f"malformed accepted command {msg.data[:80]!r}: {e}")
            return
        seed = int(self.get_parameter("seed").value)
        duration = float(self.get_parameter("duration_s").value) or None
        try:
            motion = self.generator.generate(text, duration_s=duration, seed=None if seed < 0 else seed)
        except HumanoidLMMError as e:
            self.publish_status(command_id, False, started, text=text, error=str(e))
            return
        self._pub.publish(motion_to_msg(motion.with_text(text), stamp=id_stamp(command_id)))
        self.publish_status(command_id, True, started, text=text, frames=motion.n_frames,
                            duration_s=round(motion.duration_s, 2))


def main(args=None) -> None:
    run_nodes([GeneratorNode], args)


if __name__ == "__main__":
    main()
