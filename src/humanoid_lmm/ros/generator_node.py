"""generator node: accepted command -> Large Motion Model -> SMPL motion on /humanoid/motion.

Each motion is captioned by the model's motion-to-text direction and compared with the command
(:mod:`humanoid_lmm.lmm.refusal`); after ``check.attempts`` mismatches it is refused (status ok=false,
reason motion_mismatch) and nothing moves. A chain ("X then Y", ``steps`` in the request) is generated
one action at a time and joined.
Parameters: model_dir (default: the built-in model in models/), seed (int, -1 = random), duration_s
(0 = what the command says, else the model decides), check (caption check on/off, default
config/language.yaml check.enabled), language_config (path);
backend (local | vllm), url, served_model, timeout_s, retries: sample on
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
        self.declare_parameter("language_config", "")
        from humanoid_lmm.speech.gate import load_language_config

        language = load_language_config(self.get_parameter("language_config").value or None)
        self.declare_parameter("check", language.check_enabled)
        defaults = BackendConfig()
        for name, value in (("backend", defaults.backend), ("url", defaults.url), ("served_model", defaults.model),
                            ("timeout_s", defaults.timeout_s), ("retries", defaults.retries)):
            self.declare_parameter(name, value)
        p = lambda n: self.get_parameter(n).value  # noqa: E731
        backend = BackendConfig(backend=p("backend"), url=p("url"), model=p("served_model"),
                                timeout_s=float(p("timeout_s")), retries=int(p("retries")))
        started = time.perf_counter()
        self.generator = make_generator(backend, p("model_dir") or None)
        self.check = bool(p("check"))
        if self.check and backend.backend != "local":  # the captioner needs the model's weights in this process
            self.get_logger().warning(f"caption check off: backend {backend.backend} serves the weights elsewhere")
            self.check = False
        self.checked = None
        if self.check or backend.backend == "local":
            from humanoid_lmm.lmm.refusal import CheckedGenerator
            from humanoid_lmm.speech.gate import CommandGate

            gate = CommandGate.load(p("language_config") or None)
            self.checked = CheckedGenerator.from_config(self.generator, gate.reader, language)
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
        duration = float(self.get_parameter("duration_s").value) or request.get("duration_s") or None
        seed = None if seed < 0 else seed
        wanted = tuple(request["capabilities"]) if request.get("capabilities") else None
        steps = [tuple(st) for st in request.get("steps") or ()]
        counts = request.get("counts")
        if not (isinstance(counts, list) and len(counts) == len(steps)
                and all(c is None or (isinstance(c, int) and c >= 1) for c in counts)):
            counts = None   # an older or hand-written request: each caption's own count
        if len(steps) == 1 and self.get_parameter("duration_s").value:
            steps = [(steps[0][0], duration)]
        try:
            if wanted and len(steps) == len(wanted) and self.checked is not None:   # one action at a time
                motion = self.checked.generate_steps(steps, wanted, seed, check=self.check, counts=counts).motion
            elif self.check:
                motion = self.checked.generate_checked(text, duration, seed, wanted).motion
            else:
                motion = self.generator.generate(text, duration_s=duration, seed=seed)
        except HumanoidLMMError as e:
            self.publish_status(command_id, False, started, text=text, error=str(e),
                                reason=getattr(e, "reason", "generation_failed"))
            return
        self._pub.publish(motion_to_msg(motion.with_text(text), stamp=id_stamp(command_id)))
        self.publish_status(command_id, True, started, text=text, frames=motion.n_frames,
                            duration_s=round(motion.duration_s, 2))


def main(args=None) -> None:
    run_nodes([GeneratorNode], args)


if __name__ == "__main__":
    main()
