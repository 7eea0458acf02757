"""SimRobot: a MuJoCo G1/H1 that behaves like the robot on the real DDS topics.

Reads rt/lowcmd (and rt/arm_sdk for hg) at each tick, publishes rt/lowstate (motor slots, IMU, mode_machine, tick,
CRC) at `rate_hz`, real-time paced, and applies tau + kp (q_des - q) + kd (dq_des - dq) clipped to tau_max.
Unlike unitree_mujoco it rejects commands with a wrong CRC or mode_machine (counted in `stats()`), and honours
the arm_sdk weight: upper-body command = w * arm_sdk + (1 - w) * built-in controller.

Built-in controller stand-in: until a valid rt/lowcmd arrives the robot holds its default pose with the config
kp/kd (the real G1 stands under its own controller). Legs: base "fixed" welds the pelvis at standing height
(the robot hanging on its gantry), because a PD-only stand at deploy gains falls in MuJoCo (see
shared/facts/measured-on-this-machine.md) and we have no balance controller; "free" puts it on the floor.
"""

from __future__ import annotations

import logging
import threading
import time

import mujoco
import numpy as np

from humanoid_lmm.control import dds
from humanoid_lmm.control.config import ControlConfig, load_control_config
from humanoid_lmm.control.events import EventLog
from humanoid_lmm.control.loop import RateLoop
from humanoid_lmm.control.messages import (
    TOPIC_ARM_SDK, TOPIC_LOWCMD, TOPIC_LOWSTATE, JointCommand, command_types, crc_ok, new_state, read_command, set_crc,
)
from humanoid_lmm.robots import RobotConfig, build_mujoco_model

__all__ = ["SimRobot"]

log = logging.getLogger("humanoid_lmm.control")


class SimRobot:
    def __init__(self, robot: RobotConfig, control: ControlConfig | None = None, domain_id: int = 1,
                 interface: str | None = "lo", base: str | None = None, events: EventLog | None = None):
        cfg = (control or load_control_config()).sim_robot
        self.robot, self.cfg = robot, cfg
        self.domain_id, self.interface = domain_id, interface
        self.base = base or cfg.base
        self.events = events if events is not None else EventLog()
        self.mj = build_mujoco_model(robot, actuators="motor", fixed_base=self.base == "fixed")
        self.mj.set_state(q_motor=robot.default_q)
        self.substeps = max(1, int(round(1.0 / (cfg.rate_hz * self.mj.model.opt.timestep))))
        self.mode_machine = cfg.mode_machine
        self._pelvis = self.mj.body_id(robot.links.pelvis)
        n = robot.num_joints
        z = np.zeros(n)
        self._builtin = JointCommand(robot.default_q.copy(), z, z, robot.kp * cfg.builtin_kp_scale, robot.kd.copy())
        self._lowcmd: JointCommand | None = None
        self._arm: JointCommand | None = None
        self._lock = threading.Lock()
        self._counts = {"ticks": 0, "lowcmd_ok": 0, "arm_sdk_ok": 0, "rejected_crc": 0, "rejected_mode_machine": 0}
        self.applied: JointCommand = self._builtin  # the command applied at the last tick
        self.tau = z.copy()
        self._state = new_state(robot)
        self._pub = None
        self._subs = []
        self._closed = False
        self.loop = RateLoop(self._tick, cfg.rate_hz, name="sim-robot")

    # ------------------------------------------------------------------ DDS
    def start(self) -> None:
        dds.init_dds(self.domain_id, self.interface)
        cmd_t, state_t = command_types(self.robot)
        self._pub = dds.open_publisher(TOPIC_LOWSTATE, state_t)
        # Polled each tick like the robot's own loop; depth 32 so a burst between two ticks is still counted.
        self._subs = [("lowcmd", dds.open_reader(TOPIC_LOWCMD, cmd_t, depth=32))]
        if self.robot.message_family == "hg":
            self._subs.append(("arm_sdk", dds.open_reader(TOPIC_ARM_SDK, cmd_t, depth=32)))
        log.info("sim-robot %s: base %s, %g Hz, mode_machine %d, domain %d on %s", self.robot.name, self.base,
                 self.cfg.rate_hz, self.mode_machine, self.domain_id, self.interface)
        self.loop.start()

    def stop(self) -> None:
        """Stop publishing rt/lowstate (a robot that went silent); DDS readers stay (process-wide domain)."""
        self.loop.stop()

    def close(self) -> None:
        self.stop()
        self._closed = True  # DDS entities stay alive, muted (see dds.py)
        self._subs, self._pub = [], None

    def _on_cmd(self, msg, topic: str) -> None:
        if self._closed:
            return
        if not crc_ok(msg):
            self._count("rejected_crc", f"{topic}: wrong CRC {int(msg.crc):#010x}")
            return
        c = read_command(self.robot, msg)
        if self.robot.message_family == "hg" and c.mode_machine != self.mode_machine:
            self._count("rejected_mode_machine", f"{topic}: mode_machine {c.mode_machine} != {self.mode_machine}")
            return
        if not all(np.all(np.isfinite(a)) for a in (c.q, c.dq, c.tau, c.kp, c.kd)):
            self._count("rejected_crc", f"{topic}: non-finite fields")
            return
        with self._lock:
            if topic == "lowcmd":
                self._lowcmd = c
                self._counts["lowcmd_ok"] += 1
            else:
                c.weight = float(np.clip(c.weight, 0.0, 1.0))
                self._arm = c
                self._counts["arm_sdk_ok"] += 1

    def _count(self, kind: str, message: str) -> None:
        with self._lock:
            self._counts[kind] += 1
        self.events.record(kind, message)

    def stats(self) -> dict:
        with self._lock:
            return dict(self._counts)

    # ------------------------------------------------------------------ physics
    def command(self) -> JointCommand:
        """The command in force: rt/lowcmd if any arrived, else the built-in stand-in blended with arm_sdk."""
        with self._lock:
            if self._lowcmd is not None:
                return self._lowcmd
            base, arm = self._builtin, self._arm
        if arm is None or arm.weight <= 0.0:
            return base
        w = arm.weight
        ub = self.robot.upper_body
        out = JointCommand(*(a.copy() for a in (base.q, base.dq, base.tau, base.kp, base.kd)), weight=w)
        for name in ("q", "dq", "tau", "kp", "kd"):
            getattr(out, name)[ub] = (1 - w) * getattr(base, name)[ub] + w * getattr(arm, name)[ub]
        return out

    def step(self, c: JointCommand | None = None) -> None:
        """Advance 1/rate_hz of simulated time under command c (default: the command in force)."""
        c = c or self.command()
        m, d = self.mj.model, self.mj.data
        qi, vi, ai = self.mj.qpos_index, self.mj.qvel_index, self.mj.actuator_index
        tmax = self.robot.tau_max
        for _ in range(self.substeps):
            tau = c.tau + c.kp * (c.q - d.qpos[qi]) + c.kd * (c.dq - d.qvel[vi])
            tau = np.clip(tau, -tmax, tmax)
            d.ctrl[ai] = tau
            mujoco.mj_step(m, d)
        self.tau = tau
        self.applied = c

    def _tick(self) -> None:
        for topic, reader in self._subs:
            for msg in reader.take():
                self._on_cmd(msg, topic)
        self.step()
        self._publish_state()

    def _publish_state(self) -> None:
        d, st = self.mj.data, self._state
        q, dq = d.qpos[self.mj.qpos_index], d.qvel[self.mj.qvel_index]
        for i, s in enumerate(self.robot.motor_index):
            ms = st.motor_state[int(s)]
            ms.q, ms.dq, ms.tau_est = float(q[i]), float(dq[i]), float(self.tau[i])
        quat = d.xquat[self._pelvis]
        rot = d.xmat[self._pelvis].reshape(3, 3)
        imu = st.imu_state
        imu.quaternion = [float(x) for x in quat]
        imu.gyroscope = [float(x) for x in (d.qvel[3:6] if self.base == "free" else np.zeros(3))]
        imu.accelerometer = [float(x) for x in rot.T @ np.array([0.0, 0.0, 9.81])]
        if self.robot.message_family == "hg":
            st.mode_machine = self.mode_machine
        with self._lock:
            self._counts["ticks"] += 1
            st.tick = self._counts["ticks"]
        set_crc(st)
        self._pub.Write(st)

    @property
    def q(self) -> np.ndarray:
        return self.mj.q

    def run_forever(self, print_every_s: float = 5.0) -> None:
        """CLI: run until Ctrl-C, logging the counters."""
        self.start()
        try:
            while True:
                time.sleep(print_every_s)
                log.info("sim-robot stats %s, loop overruns %d", self.stats(), self.loop.overruns)
        except KeyboardInterrupt:
            pass
        finally:
            self.close()
