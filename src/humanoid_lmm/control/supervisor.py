"""Dead-man supervisor: a separate, minimal process that takes the robot over when the bridge goes silent.

The bridge's command stream (rt/lowcmd at 500 Hz, rt/arm_sdk at 50 Hz) is its heartbeat. Once the stream has
started, a gap longer than `heartbeat_timeout_s` (the bridge died: kill -9, a segfault, a hung loop) makes the
supervisor publish on the same topic itself - latched, until it is stopped:
- rt/lowcmd: damping (kp = 0, kd = damping_kd) on every joint, at 500 Hz;
- rt/arm_sdk: the bridge's last upper-body targets while the weight ramps to 0 (`arm_sdk_weight_rate`), so the
  built-in controller takes the arms back.
It imports neither torch nor MuJoCo nor ROS: numpy, cyclonedds and the Unitree message types only. The
launcher starts it next to the streamer and never stops it when another process fails.

    humanoid-lmm supervise --robot g1 --transport lowcmd --domain 1 --iface lo
"""

from __future__ import annotations

import logging
import threading
import time

import numpy as np

from humanoid_lmm.control import dds
from humanoid_lmm.control.config import ControlConfig, load_control_config
from humanoid_lmm.control.messages import (
    ARM_SDK_WEIGHT_SLOT, TOPIC_ARM_SDK, TOPIC_LOWCMD, TOPIC_LOWSTATE, JointCommand, command_types, fill_command,
    new_command, read_command, read_state,
)
from humanoid_lmm.robots import RobotConfig

__all__ = ["Supervisor"]

log = logging.getLogger("humanoid_lmm.control")
POLL_S = 0.004  # [s] how often the heartbeat is looked at (takeover latency <= heartbeat timeout + this)


class Supervisor:
    def __init__(self, robot: RobotConfig, control: ControlConfig | None = None, transport: str = "lowcmd",
                 domain_id: int = 1, interface: str | None = "lo"):
        if transport not in ("lowcmd", "arm_sdk"):
            raise ValueError(f"transport={transport!r}; valid choices: ['lowcmd', 'arm_sdk']")
        self.robot, self.transport = robot, transport
        self.cfg = control or load_control_config()
        self.domain_id, self.interface = domain_id, interface
        self.timeout_s = self.cfg.supervisor.heartbeat_timeout_s
        self.rate_hz = self.cfg.bridge.lowcmd_rate_hz if transport == "lowcmd" else self.cfg.bridge.arm_sdk_rate_hz
        self.took_over_at: float | None = None  # time.monotonic() of the takeover
        self.last_heartbeat: float | None = None
        self._stop = threading.Event()

    def stop(self) -> None:
        self._stop.set()

    def run(self) -> None:
        """Watch (and, after a missed heartbeat, command) until stop()."""
        dds.init_dds(self.domain_id, self.interface)
        cmd_t, state_t = command_types(self.robot)
        topic = TOPIC_LOWCMD if self.transport == "lowcmd" else TOPIC_ARM_SDK
        heart = dds.open_reader(topic, cmd_t, depth=1)  # the newest command only: ~0.2 ms to decode one
        states = dds.open_reader(TOPIC_LOWSTATE, state_t)
        writer = dds.open_publisher(topic, cmd_t)  # made now: a writer made at takeover would still be matching
        msg = new_command(self.robot)
        joints = np.arange(self.robot.num_joints) if self.transport == "lowcmd" else np.asarray(self.robot.upper_body)
        n = self.robot.num_joints
        damping_kd = self.cfg.robot(self.robot.name).damping_kd
        last_cmd: JointCommand | None = None
        mode_machine, q_meas, weight = 0, np.zeros(n), 0.0
        log.info("supervisor: watching %s (heartbeat timeout %.0f ms)", topic, self.timeout_s * 1e3)
        period, next_send = 1.0 / self.rate_hz, 0.0
        try:
            while not self._stop.is_set():
                now = time.monotonic()
                st = states.latest()
                if st is not None:
                    js = read_state(self.robot, st)
                    mode_machine, q_meas = js.mode_machine, js.q
                if self.took_over_at is None:
                    got = heart.take()
                    if got:
                        self.last_heartbeat, last_cmd = now, read_command(self.robot, got[-1])
                        weight = last_cmd.weight
                    elif self.last_heartbeat is not None and now - self.last_heartbeat > self.timeout_s:
                        self.took_over_at = now
                        log.error("supervisor: no command on %s for %.0f ms: the bridge is gone; taking over (%s)",
                                  topic, (now - self.last_heartbeat) * 1e3,
                                  "damping" if self.transport == "lowcmd" else "arm_sdk weight ramp to 0")
                if self.took_over_at is not None and now >= next_send:
                    next_send = now + period
                    z = np.zeros(n)
                    if self.transport == "lowcmd":
                        c = JointCommand(q_meas, z, z, z, np.full(n, damping_kd), mode_machine, 1.0)
                    else:
                        weight = max(0.0, weight - self.cfg.bridge.arm_sdk_weight_rate * period)
                        c = JointCommand(last_cmd.q, z, z, last_cmd.kp, last_cmd.kd, mode_machine, weight)
                        msg.motor_cmd[ARM_SDK_WEIGHT_SLOT].q = float(weight)
                    fill_command(self.robot, msg, c, joints, self.cfg.bridge.mode_pr)
                    writer.Write(msg)
                time.sleep(POLL_S)
        finally:
            for entity in (heart, states, writer):
                dds.close(entity)
