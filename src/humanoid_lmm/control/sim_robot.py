"""SimRobot: a MuJoCo G1/H1 that behaves like the robot on the real DDS topics, standing on the floor.

Physics is `execution.Plant` on the robot's simulation model (G1: holosoma's MJCF; free base by default, the
gantry only when `base: gantry` - an explicit assist). It reads rt/lowcmd (and rt/arm_sdk for hg) at each tick,
publishes rt/lowstate (motor slots, pelvis IMU, mode_machine, tick, CRC) at `rate_hz`, real-time paced, and
rt/sportmodestate with the ground-truth base position and velocity (simulation only: measurements, never
controller inputs). Commands with a wrong CRC or mode_machine are rejected and counted (unlike
unitree_mujoco).

Built-in controller stand-in: until the first valid rt/lowcmd arrives, the robot is held by
`execution.BuiltinStandIn` - the stand policy - with rt/arm_sdk blended over it by its weight, as Unitree's
controller does on the G1. After that the robot only applies the PD targets it receives (as after a
MotionSwitcher release on the real robot): the balancing policy then runs on the stack's side.
"""

from __future__ import annotations

import logging
import threading
import time

import numpy as np
from unitree_sdk2py.idl.default import unitree_go_msg_dds__SportModeState_
from unitree_sdk2py.idl.unitree_go.msg.dds_ import SportModeState_

from humanoid_lmm.control import dds
from humanoid_lmm.control.config import ControlConfig, load_control_config
from humanoid_lmm.control.loop import RateLoop
from humanoid_lmm.control.messages import (
    TOPIC_ARM_SDK, TOPIC_LOWCMD, TOPIC_LOWSTATE, TOPIC_SPORT_STATE, command_types, crc_ok, new_state, read_command,
    set_crc,
)
from humanoid_lmm.execution import BuiltinStandIn, EventLog, ExecutionConfig, JointCommand, Plant, load_execution_config
from humanoid_lmm.motion.rotations import quat_inverse, quat_rotate
from humanoid_lmm.robots import RobotConfig, build_sim_model

__all__ = ["SimRobot"]

log = logging.getLogger("humanoid_lmm.control")
_G = np.array([0.0, 0.0, 9.81])


class SimRobot:
    def __init__(self, robot: RobotConfig, control: ControlConfig | None = None, domain_id: int = 1,
                 interface: str | None = "lo", base: str | None = None, events: EventLog | None = None,
                 execution: ExecutionConfig | None = None):
        cfg = (control or load_control_config()).sim_robot
        self.robot, self.cfg = robot, cfg
        self.domain_id, self.interface = domain_id, interface
        self.base = base or cfg.base
        if self.base not in ("free", "gantry"):
            raise ValueError(f"base={self.base!r}; valid choices: ['free', 'gantry']")
        self.events = events if events is not None else EventLog()
        self.mj = build_sim_model(robot, gantry=self.base == "gantry")
        self.plant = Plant(self.mj)
        self.builtin = BuiltinStandIn(robot, execution or load_execution_config())
        stand = self.builtin.controller.stand_pose()
        self.plant.place(stand)
        self.builtin.reset(self.plant.state())
        self.substeps = max(1, int(round(1.0 / (cfg.rate_hz * self.plant.dt))))
        self._builtin_every = max(1, int(round(cfg.rate_hz / self.builtin.rate_hz)))
        self.mode_machine = cfg.mode_machine
        self._lowcmd: JointCommand | None = None
        self._arm: JointCommand | None = None
        self._builtin_cmd: JointCommand | None = None
        self._lock = threading.Lock()
        self.loop_lock = threading.Lock()  # physics steps vs reset_pose from another thread
        self._counts = {"ticks": 0, "lowcmd_ok": 0, "arm_sdk_ok": 0, "rejected_crc": 0, "rejected_mode_machine": 0}
        self.applied: JointCommand | None = None  # the command applied at the last tick
        self.damping_since: float | None = None  # time.monotonic() the applied command became damping (kp 0)
        self.last_command_t: float | None = None  # time.monotonic() the last valid rt/lowcmd / rt/arm_sdk arrived
        self._state_fault: tuple[str, float] | None = None  # (kind, until monotonic time): fault injection
        self._held: tuple[np.ndarray, np.ndarray] | None = None  # (qpos, qvel) a person holds while damping
        self._state = new_state(robot)
        self._sport = unitree_go_msg_dds__SportModeState_()
        self._pub = self._sport_pub = None
        self._subs = []
        self._closed = False
        self.loop = RateLoop(self._tick, cfg.rate_hz, name="sim-robot")

    # ------------------------------------------------------------------ DDS
    def start(self) -> None:
        dds.init_dds(self.domain_id, self.interface)
        cmd_t, state_t = command_types(self.robot)
        self._pub = dds.open_publisher(TOPIC_LOWSTATE, state_t)
        self._sport_pub = dds.open_publisher(TOPIC_SPORT_STATE, SportModeState_)
        # Polled each tick like the robot's own loop; depth 32 so a burst between two ticks is still counted.
        self._subs = [("lowcmd", dds.open_reader(TOPIC_LOWCMD, cmd_t, depth=32))]
        if self.robot.message_family == "hg":
            self._subs.append(("arm_sdk", dds.open_reader(TOPIC_ARM_SDK, cmd_t, depth=32)))
        log.info("sim-robot %s: base %s, %g Hz, built-in stand-in %s, mode_machine %d, domain %d on %s",
                 self.robot.name, self.base, self.cfg.rate_hz, self.builtin.name, self.mode_machine,
                 self.domain_id, self.interface)
        self.loop.start()

    def stop(self) -> None:
        """Stop publishing rt/lowstate (a robot that went silent); DDS readers stay (process-wide domain)."""
        self.loop.stop()

    def close(self) -> None:
        self.stop()
        self._closed = True
        for entity in [r for _, r in self._subs] + [self._pub, self._sport_pub]:
            dds.close(entity)
        self._subs, self._pub, self._sport_pub = [], None, None

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
            self.last_command_t = time.monotonic()
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
        """The command in force: the last rt/lowcmd once one arrived, else the built-in stand-in (+ arm_sdk)."""
        with self._lock:
            lowcmd, arm = self._lowcmd, self._arm
        if lowcmd is not None:
            return lowcmd
        if self._builtin_cmd is None or self._counts["ticks"] % self._builtin_every == 0:
            self._builtin_cmd = self.builtin.step(self.plant.state(), arm)
        return self._builtin_cmd

    def step(self, c: JointCommand | None = None) -> None:
        """Advance 1/rate_hz of simulated time under command c (default: the command in force)."""
        c = c or self.command()
        damping = bool(np.all(c.kp == 0) and np.any(c.kd > 0))
        if self._held is not None and not damping:
            self._held = None  # the controller has it again: the person lets go
        for _ in range(self.substeps):
            self.plant.step(c)
        if self._held is not None:
            d = self.mj.data
            d.qpos[:], d.qvel[:] = self._held
        if damping and self.damping_since is None:
            self.damping_since = time.monotonic()
        elif not damping:
            self.damping_since = None
        self.applied = c

    def _tick(self) -> None:
        for topic, reader in self._subs:
            for msg in reader.take():
                self._on_cmd(msg, topic)
        with self.loop_lock:
            self.step()
            self._publish_state()

    def inject_state_fault(self, kind: str, seconds: float) -> None:
        """Fault injection for the test suite: for `seconds`, rt/lowstate is "drop"ped, carries "nan" or "inf"
        joint positions (with a valid CRC), or a "bad_crc"."""
        if kind not in ("drop", "nan", "inf", "bad_crc"):
            raise ValueError(f"state fault {kind!r}; valid choices: ['drop', 'nan', 'inf', 'bad_crc']")
        self._state_fault = (kind, time.monotonic() + float(seconds))

    def _publish_state(self) -> None:
        fault = self._state_fault
        if fault is not None and time.monotonic() > fault[1]:
            fault = self._state_fault = None
        if fault is not None and fault[0] == "drop":
            return
        s, st = self.plant.state(), self._state
        for i, slot in enumerate(self.robot.motor_index):
            ms = st.motor_state[int(slot)]
            ms.q, ms.dq, ms.tau_est = float(s.q[i]), float(s.dq[i]), float(self.plant.tau[i])
        imu = st.imu_state
        imu.quaternion = [float(x) for x in s.quat]
        imu.gyroscope = [float(x) for x in s.gyro]
        imu.accelerometer = [float(x) for x in quat_rotate(quat_inverse(s.quat), _G)]
        if self.robot.message_family == "hg":
            st.mode_machine = self.mode_machine
        with self._lock:
            self._counts["ticks"] += 1
            st.tick = self._counts["ticks"]
        if fault is not None and fault[0] in ("nan", "inf"):
            st.motor_state[int(self.robot.motor_index[0])].q = float("nan") if fault[0] == "nan" else float("inf")
        set_crc(st)
        if fault is not None and fault[0] == "bad_crc":
            st.crc ^= 0x1
        self._pub.Write(st)
        sp = self._sport
        sp.position = [float(x) for x in s.base_pos]
        sp.velocity = [float(x) for x in s.base_vel]
        sp.imu_state.quaternion = imu.quaternion
        self._sport_pub.Write(sp)

    @property
    def q(self) -> np.ndarray:
        return self.mj.q

    @property
    def arm_weight(self) -> float | None:
        """The rt/arm_sdk weight in force (None: no arm_sdk command has arrived)."""
        with self._lock:
            return None if self._arm is None else float(self._arm.weight)

    @property
    def base_pos(self) -> np.ndarray:
        return self.plant.state().base_pos

    def pose(self):
        """Ground truth (pelvis position, pelvis quaternion wxyz, joints)."""
        s = self.plant.state()
        return s.base_pos, s.quat, s.q

    def reset_pose(self, held: bool = False) -> None:
        """Back on its feet in the stand pose at the origin (benches, after a fall); keeps the DDS link.

        held: a person holds it still there while it is damped (as after an e-stop, before the reset), and lets
        go at the first command that is not damping.
        """
        with self.loop_lock:
            self.plant.place(self.builtin.controller.stand_pose())
            self.builtin.reset(self.plant.state())
            d = self.mj.data
            self._held = (d.qpos.copy(), np.zeros_like(d.qvel)) if held else None

    def run_forever(self, print_every_s: float = 5.0) -> None:
        """CLI: run until Ctrl-C, logging the counters."""
        self.start()
        try:
            while True:
                time.sleep(print_every_s)
                log.info("sim-robot stats %s, base %s, loop overruns %d", self.stats(), np.round(self.base_pos, 3),
                         self.loop.overruns)
        except KeyboardInterrupt:
            pass
        finally:
            self.close()
