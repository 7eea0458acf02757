"""UnitreeBridge: the last gate before hardware. Streamer -> SafetyFilter -> LowCmd_ (CRC) on DDS.

Modes: "lowcmd" (full body on rt/lowcmd at 500 Hz; G1 releases the built-in controller through
MotionSwitcher first unless `motion_switcher=False`) and "arm_sdk" (G1 waist + arms on rt/arm_sdk at 50 Hz,
weight in motor_cmd[29].q ramped, the built-in controller keeps balance).
Faults (e-stop, watchdog) latch damping (kp = 0, kd = damping_kd) until `reset()`; a rejected target holds.

    bridge = UnitreeBridge(load_robot_config("g1"), domain_id=1, interface="lo", motion_switcher=False)
    bridge.start(); bridge.play(traj); ...; bridge.estop("button"); bridge.close()
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque

import numpy as np

from humanoid_lmm.control import dds
from humanoid_lmm.control.config import ControlConfig, load_control_config
from humanoid_lmm.control.events import EventLog
from humanoid_lmm.control.messages import (
    ARM_SDK_WEIGHT_SLOT, TOPIC_ARM_SDK, TOPIC_LOWCMD, TOPIC_LOWSTATE, JointCommand, JointState,
    command_types, crc_ok, fill_command, new_command, read_state,
)
from humanoid_lmm.control.loop import RateLoop
from humanoid_lmm.control.safety_filter import SafetyFilter
from humanoid_lmm.control.streamer import Streamer
from humanoid_lmm.control.watchdog import Watchdog
from humanoid_lmm.errors import SafetyError
from humanoid_lmm.robots import RobotConfig, RobotTrajectory

__all__ = ["UnitreeBridge"]

log = logging.getLogger("humanoid_lmm.control")


class UnitreeBridge:
    def __init__(self, robot: RobotConfig, control: ControlConfig | None = None, mode: str = "lowcmd",
                 domain_id: int = 1, interface: str | None = "lo", motion_switcher: bool = True,
                 events: EventLog | None = None, rate_hz: float | None = None, trace: int = 0):
        if mode not in ("lowcmd", "arm_sdk"):
            raise SafetyError(f"mode={mode!r}; valid choices: ['lowcmd', 'arm_sdk']")
        if mode == "arm_sdk" and robot.message_family != "hg":
            raise SafetyError(f"arm_sdk needs a unitree_hg robot (G1); {robot.name} is {robot.message_family!r}")
        self.robot, self.mode = robot, mode
        self.cfg = control or load_control_config()
        self.rcfg = self.cfg.robot(robot.name)
        self.domain_id, self.interface, self.motion_switcher = domain_id, interface, motion_switcher
        self.events = events if events is not None else EventLog()
        b = self.cfg.bridge
        self.rate_hz = rate_hz or (b.lowcmd_rate_hz if mode == "lowcmd" else b.arm_sdk_rate_hz)
        self.dt = 1.0 / self.rate_hz
        n = robot.num_joints
        self.joints = np.arange(n) if mode == "lowcmd" else np.asarray(robot.upper_body)
        self.kp = robot.kp.copy() if mode == "lowcmd" else np.zeros(n)
        self.kd = robot.kd.copy() if mode == "lowcmd" else np.zeros(n)
        if mode == "arm_sdk":
            self.kp[self.joints], self.kd[self.joints] = self.rcfg.arm_sdk_kp, self.rcfg.arm_sdk_kd
        self.filter = SafetyFilter(robot, self.cfg.safety, self.events)
        self.streamer = Streamer(robot.joint_names, self.cfg.streamer)
        self.watchdog = Watchdog(self.cfg.watchdog)
        self._lock = threading.RLock()
        self._state: JointState | None = None
        self._mode_machine: int | None = None
        self._damping: str | None = None  # latched reason
        self._weight = 0.0 if mode == "arm_sdk" else 1.0
        self._weight_goal = 1.0
        self._hold_q: np.ndarray | None = None
        self._cmd = new_command(robot)
        self._pub = self._sub = None
        self.last_sent: JointCommand | None = None
        self._closed = False
        self.sent = 0
        self.trace: deque = deque(maxlen=trace)  # (t_monotonic, phase, q_sent, kp_sent) when trace > 0
        self.loop = RateLoop(self._tick, self.rate_hz, name=f"bridge-{mode}")

    # ---------------------------------------------------------------- lifecycle
    def start(self) -> None:
        """Check the topic is free, wait for rt/lowstate, release the built-in controller, start the loop."""
        dds.init_dds(self.domain_id, self.interface)
        cmd_t, state_t = command_types(self.robot)
        topic = TOPIC_LOWCMD if self.mode == "lowcmd" else TOPIC_ARM_SDK
        self.topic = topic
        others = dds.count_publishers_samples(topic, cmd_t, self.cfg.bridge.second_publisher_window_s)
        if others:
            self.events.record("second_publisher", f"{others} samples on {topic} from another process: refusing")
            raise SafetyError(f"another process already publishes {topic} ({others} samples in "
                              f"{self.cfg.bridge.second_publisher_window_s} s); refusing to start")
        self._sub = dds.open_reader(TOPIC_LOWSTATE, state_t)  # polled by the loop: newest state each tick
        t_end = time.monotonic() + self.cfg.bridge.state_wait_s
        while not self._poll_state() and time.monotonic() < t_end:
            time.sleep(0.002)
        if self._state is None:
            raise SafetyError(f"no {TOPIC_LOWSTATE} on domain {self.domain_id} / {self.interface} within "
                              f"{self.cfg.bridge.state_wait_s} s: robot (or sim-robot) not running?")
        if self.mode == "lowcmd" and self.robot.message_family == "hg":
            self._release_builtin_controller()
        with self._lock:
            st = self._state
            self._hold_q = np.clip(st.q, self.filter.lower, self.filter.upper)
            self.filter.reset(st.q)
        self._pub = dds.open_publisher(topic, cmd_t)
        self.events.record("start", f"{self.mode} on {topic} at {self.rate_hz:g} Hz, mode_machine {self._mode_machine}")
        self.loop.start()

    def close(self, timeout_s: float = 5.0) -> None:
        """arm_sdk: ramp the weight to 0 then stop. lowcmd: end in damping (never a stale command)."""
        if self._pub is None:
            return
        if self.mode == "arm_sdk" and self._damping is None:
            with self._lock:
                self.streamer.cancel(time.monotonic())
                self._weight_goal = 0.0
            t_end = time.monotonic() + timeout_s
            while self._weight > 0.0 and time.monotonic() < t_end and self.loop.running:
                time.sleep(0.02)
        elif self.mode == "lowcmd" and self._damping is None:
            self.enter_damping("close", "bridge closed: damping")
            time.sleep(0.05)
        self.loop.stop()
        self._closed = True
        self._pub = None  # the DDS writer/reader stay alive but unused (see dds.py)

    def _release_builtin_controller(self) -> None:
        if not self.motion_switcher:
            self.events.record("motion_switcher_skipped", "MotionSwitcher skipped (motion_switcher=False): "
                               "assuming no built-in controller (simulated robot)")
            return
        from unitree_sdk2py.comm.motion_switcher.motion_switcher_client import MotionSwitcherClient

        msc = MotionSwitcherClient()
        msc.SetTimeout(5.0)
        msc.Init()
        for _ in range(10):
            code, result = msc.CheckMode()
            if code != 0:
                raise SafetyError(f"MotionSwitcher CheckMode failed (code {code}); pass --no-motion-switcher "
                                  "only for the simulated robot")
            if not result or not result.get("name"):
                self.events.record("motion_switcher_released", "built-in controller released")
                return
            log.warning("releasing built-in controller %r", result.get("name"))
            msc.ReleaseMode()
            time.sleep(1.0)
        raise SafetyError("MotionSwitcher: built-in controller still active after 10 release attempts")

    # ---------------------------------------------------------------- inputs
    def _poll_state(self) -> bool:
        """Take the newest rt/lowstate (if one arrived since the last tick); True if it was accepted."""
        msg = self._sub.latest()
        if msg is None or self._closed:
            return False
        if not crc_ok(msg):
            self.events.record("state_crc_bad", "rt/lowstate with a wrong CRC ignored")
            return False
        st = read_state(self.robot, msg)
        if not (np.all(np.isfinite(st.q)) and np.all(np.isfinite(st.dq))):
            self.events.record("non_finite", "rt/lowstate with non-finite joints ignored")
            return False
        if self._mode_machine is None:
            self._mode_machine = st.mode_machine
        self._state = st
        self.watchdog.state_seen(time.monotonic())
        return True

    @property
    def state(self) -> JointState | None:
        return self._state

    @property
    def phase(self) -> str:
        return "damping" if self._damping else self.streamer.phase

    @property
    def damping(self) -> str | None:
        return self._damping

    def play(self, traj: RobotTrajectory) -> None:
        with self._lock:
            self._require_active()
            self.watchdog.disarm_upstream()
            self.streamer.play(traj, time.monotonic(), self.filter.last)

    def feed(self, q_target: np.ndarray) -> None:
        """Live target from an upstream (e.g. ROS at 50 Hz); silence > upstream_timeout_s -> damping."""
        with self._lock:
            self._require_active()
            t = time.monotonic()
            self.watchdog.upstream_seen(t)
            self.streamer.feed(q_target, t, self.filter.last)

    def cancel(self) -> None:
        with self._lock:
            self.watchdog.disarm_upstream()
            self.streamer.cancel(time.monotonic())

    def estop(self, reason: str = "api") -> None:
        """Damping now (a damping command is sent from this thread), latched until reset()."""
        self.enter_damping("estop", f"e-stop: {reason}")

    def enter_damping(self, kind: str, message: str) -> None:
        with self._lock:
            first = self._damping is None
            self._damping = self._damping or kind
            if self._pub is not None:
                self._send_damping()  # first the command, then the bookkeeping
            if first:
                self.events.record(kind, message)
                self.events.record("damping", f"damping (kp=0, kd={self.rcfg.damping_kd}) after {kind}")

    def reset(self) -> None:
        """Clear a latched fault: hold the measured pose (no jump), streamer idle."""
        with self._lock:
            if self._state is None or self.watchdog.check(time.monotonic()) == "watchdog_state":
                raise SafetyError("cannot reset: no fresh robot state")
            self.watchdog.disarm_upstream()
            self.filter.reset(self._state.q)
            self._hold_q = self.filter.last
            self.streamer = Streamer(self.robot.joint_names, self.cfg.streamer)
            self.events.record("reset", f"fault {self._damping!r} cleared; holding measured pose")
            self._damping = None

    def _require_active(self) -> None:
        if self._damping:
            raise SafetyError(f"damping latched ({self._damping}); call reset() first")
        if self._pub is None:
            raise SafetyError("bridge not started")

    # ---------------------------------------------------------------- output
    def _tick(self) -> None:
        with self._lock:
            self._poll_state()
            if self._damping:
                self._send_damping()
                return
            t = time.monotonic()
            reason = self.watchdog.check(t)
            if reason:
                age = self.watchdog.state_age(t)
                self.enter_damping(reason, f"{reason}: state age {age * 1e3:.0f} ms, phase {self.streamer.phase}")
                return
            st = self._state
            q_ref, _ = self.streamer.step(t)
            if q_ref is None:
                q_ref = self._hold_q
            if self.mode == "arm_sdk":  # legs are the built-in controller's: keep them at the measured pose
                q_ref = q_ref.copy()
                legs = np.setdiff1d(np.arange(self.robot.num_joints), self.joints)
                q_ref[legs] = st.q[legs]
                step = self.cfg.bridge.arm_sdk_weight_rate * self.dt
                self._weight = float(np.clip(self._weight_goal, self._weight - step, self._weight + step))
            res = self.filter.step(q_ref, self.dt, st.q, st.dq, self.kp, self.kd)
            if res.fault:
                self.streamer.hold(res.q)
            z = np.zeros(self.robot.num_joints)
            self._publish(JointCommand(res.q, z, z, self.kp, self.kd, self._mode_machine or 0, self._weight))

    def _send_damping(self) -> None:
        n = self.robot.num_joints
        q = self._state.q if self._state is not None else np.zeros(n)
        z = np.zeros(n)
        self._publish(JointCommand(q, z, z, z, np.full(n, self.rcfg.damping_kd), self._mode_machine or 0,
                                   self._weight))

    def _publish(self, c: JointCommand) -> None:
        if self.mode == "arm_sdk":
            self._cmd.motor_cmd[ARM_SDK_WEIGHT_SLOT].q = float(c.weight)
        fill_command(self.robot, self._cmd, c, self.joints, self.cfg.bridge.mode_pr)
        self._pub.Write(self._cmd)
        self.last_sent = c
        self.sent += 1
        if self.trace.maxlen:
            self.trace.append((time.monotonic(), self.phase, c.q.copy(), c.kp.copy()))
