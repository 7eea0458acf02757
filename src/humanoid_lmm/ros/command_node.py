"""command node: text from /humanoid/command (or a spoken WAV / the microphone) -> accepted command.

Empty, overlong or non-English input, and anything the semantic gate finds the robot cannot do
(reason out_of_scope / unsafe, with the closest things it can do as ``suggestions``), is refused on
/humanoid/status and goes no further. An accepted command goes on as {"id", "text": the corpus caption
the motion model gets, "said", "capabilities", "duration_s", "steps": [[caption, duration_s], ...] per action,
"counts": [repetitions or null, ...] per action}.
Parameters: speech_config (path, default config/speech.yaml), language_config (path, default
config/language.yaml), wav (path: recognise once at start), mic_seconds (> 0: listen in a loop with ALSA).
"""

from __future__ import annotations

import json
import threading
import time

from std_msgs.msg import String

from humanoid_lmm.errors import HumanoidLMMError
from humanoid_lmm.ros import qos, topics
from humanoid_lmm.ros.base import StageNode, run_nodes, stamp_id
from humanoid_lmm.speech import CommandGate, load_speech_config, understand_command


class CommandNode(StageNode):
    stage = "command"

    def __init__(self, **kwargs):
        super().__init__("humanoid_command", **kwargs)
        self.declare_parameter("speech_config", "")
        self.declare_parameter("wav", "")
        self.declare_parameter("mic_seconds", 0.0)
        self.declare_parameter("language_config", "")
        self.config = load_speech_config(self.get_parameter("speech_config").value or None)
        self.gate = CommandGate.load(self.get_parameter("language_config").value or None)
        self._pub = self.create_publisher(String, topics.ACCEPTED, qos.COMMANDS)
        self.create_subscription(String, topics.COMMAND, lambda m: self.on_text(m.data, "topic"), qos.COMMANDS)
        wav, mic = self.get_parameter("wav").value, float(self.get_parameter("mic_seconds").value)
        if wav or mic > 0:
            threading.Thread(target=self._listen, args=(wav, mic), daemon=True).start()

    def on_text(self, text: str, source: str) -> bool:
        started = time.perf_counter()
        command_id = stamp_id(self.get_clock().now().to_msg())
        try:
            accepted = understand_command(text, self.config, self.gate)
        except HumanoidLMMError as e:
            self.publish_status(command_id, False, started, source=source, error=str(e),
                                reason=getattr(e, "reason", "invalid"), input_chars=len(text or ""),
                                suggestions=list(getattr(e, "suggestions", ())), kind=getattr(e, "kind", ""))
            return False
        self._pub.publish(String(data=json.dumps({
            "id": command_id, "text": accepted.caption, "said": accepted.said,
            "capabilities": list(accepted.capabilities), "duration_s": accepted.duration_s,
            "steps": [list(step) for step in accepted.steps], "counts": list(accepted.counts)})))
        self.publish_status(command_id, True, started, source=source, text=accepted.said, caption=accepted.caption)
        return True

    def _listen(self, wav: str, mic_seconds: float) -> None:
        from humanoid_lmm.speech import CommandRecognizer, record_microphone

        recognizer = CommandRecognizer(self.config)
        if wav:
            self.on_text(recognizer.transcribe_wav(wav), "speech:" + wav)
            return
        while True:
            text = recognizer.transcribe(record_microphone(mic_seconds, self.config.sample_rate))
            if text:  # silence is not a command: say nothing rather than refuse every few seconds
                self.on_text(text, "speech:microphone")


def main(args=None) -> None:
    run_nodes([CommandNode], args)


if __name__ == "__main__":
    main()
