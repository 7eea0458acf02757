"""UnitreeBridge: the last gate before hardware. Executor (controller + safety filter) -> LowCmd_ (CRC) on DDS.

Transports (an `ExecutionPlan`'s mode must be one the bridge runs, else the plan is refused):
- "lowcmd": the stack drives every joint on rt/lowcmd at 500 Hz; the controller (a balancing policy, 50 Hz)
  runs here, as on a real robot in debug mode. On a G1 the built-in controller is released through
  MotionSwitcher first, unless `motion_switcher=False` (the simulated robot has none to release). Runs every
  mode; on the real robot only after an explicit opt-in (see docs/control.md).
- "arm_sdk": G1 waist + arms on rt/arm_sdk at 50 Hz, weight in motor_cmd[29].q; the built-in controller
  keeps balance (no release). Runs upper_body plans only.
Faults latch until `reset()`: lowcmd -> damping (kp = 0, kd = damping_kd); arm_sdk -> the weight ramps to 0
(the built-in controller takes the arms back and holds). A controller exception is a fault, not a stale command.

    bridge = UnitreeBridge(load_robot_config("g1"), transport="lowcmd", domain_id=1, interface="lo",
                           motion_switcher=False)
    bridge.start(); bridge.play(plan); ...; bridge.estop("button"); bridge.close()
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque

import numpy as np

from humanoid_lmm.control import dds
from humanoid_lmm.control.config import ControlConfig, load_control_config
from humanoid_lmm.control.loop import RateLoop
from humanoid_lmm.control.messages import (
    ARM_SDK_WEIGHT_SLOT, TOPIC_ARM_SDK, TOPIC_LOWCMD, TOPIC_LOWSTATE, JointState, command_types, crc_ok,
    fill_command, new_command, read_state, robot_state,
)
from humanoid_lmm.control.watchdog import Watchdog
from humanoid_lmm.errors import SafetyError
from humanoid_lmm.execution import EventLog, ExecutionConfig, ExecutionPlan, Executor, JointCommand, load_execution_config
from humanoid_lmm.robots import RobotConfig

__all__ = ["UnitreeBridge"]

log = logging.getLogger("humanoid_lmm.control")
RESET_MAX_TILT_RAD = 0.3  # a reset needs the pelvis upright ...
RESET_MAX_JOINT_SPEED = 1.0  # [rad/s] ... and every joint nearly still


class UnitreeBridge:
    def __init__(self, robot: RobotConfig, control: ControlConfig | None = None, transport: str = "lowcmd",
                 domain_id: int = 1, interface: str | None = "lo", motion_switcher: bool = True,
                 execution: ExecutionConfig | None = None, free_standing: bool = True,
                 events: EventLog | None = None, trace: int = 0, controller_override: str | None = None):
        self.robot = robot
        self.cfg = control or load_control_config()
        self.execution = execution or load_execution_config()
        self.rcfg = self.cfg.robot(robot.name)
        self.domain_id, self.interface, self.motion_switcher = domain_id, interface, motion_switcher
        self.events = events if events is not None else EventLog()
        self.executor = Executor(robot, self.execution, transport, self.events, free_standing=free_standing,
                                 controller_override=controller_override)
        self.transport = self.mode = transport
        b = self.cfg.bridge
        self.rate_hz = b.lowcmd_rate_hz if transport == "lowcmd" else b.arm_sdk_rate_hz
        self.dt = 1.0 / self.rate_hz
        self.decimation = max(1, int(round(self.rate_hz / self.executor.rate_hz)))
        self.joints = np.arange(robot.num_joints) if transport == "lowcmd" else np.asarray(robot.upper_body)
        self.watchdog = Watchdog(self.cfg.watchdog)
        self._lock = threading.RLock()
        self._state: JointState | None = None
        self._mode_machine: int | None = None
        self._damping: str | None = None  # latched fault
        self._fault_weight = 0.0  # arm_sdk: the weight ramping down after a fault
        self._cmd = new_command(robot)
        self._current: JointCommand | None = None  # the executor's latest command (resent between its steps)
        self._pub = self._sub = self._monitor = None
        self._own_writer: int | None = None  # publication handle of our writer, as our monitor sees it
        self._closed = False
        self._ticks = 0
        # The executor runs on its own clock: exactly one control period per step, whatever the loop's jitter,
        # so the plan is sampled on the same time grid as in validation (a late tick plays it later, never
        # faster). Wall time only drives the watchdog.
        self._exec_t = 0.0
        self.last_sent: JointCommand | None = None
        self.step_hook = None  # fn(robot_state, command, executor) after each controller step (benches, recording)
        self.sent = 0
        self.trace: deque = deque(maxlen=trace)  # (t_monotonic, phase, q_sent, kp_sent) when trace > 0
        self.loop = RateLoop(self._tick, self.rate_hz, name=f"bridge-{transport}", on_error=self._loop_died)

    @property
    def filter(self):
        return self.executor.filter

    # ---------------------------------------------------------------- lifecycle
    def start(self) -> None:
        """Check the topic is free, wait for rt/lowstate, release the built-in controller (lowcmd), read the state
        again after the release, start the loop."""
        stand = self.executor.stand
        if stand is not None and self.executor.free_standing and not stand.balances:
            raise SafetyError(f"{self.robot.name} has no balancing controller ({stand.name}): rt/lowcmd would leave "
                              "a free-standing robot's legs on plain PD; only on its gantry (simulation)")
        dds.init_dds(self.domain_id, self.interface)
        cmd_t, state_t = command_types(self.robot)
        topic = TOPIC_LOWCMD if self.transport == "lowcmd" else TOPIC_ARM_SDK
        self.topic = topic
        others = dds.count_publishers_samples(topic, cmd_t, self.cfg.bridge.second_publisher_window_s)
        if others:
            self.events.record("second_publisher", f"{others} samples on {topic} from another process: refusing")
            raise SafetyError(f"another process already publishes {topic} ({others} samples in "
                              f"{self.cfg.bridge.second_publisher_window_s} s); refusing to start")
        try:
            self._sub = dds.open_reader(TOPIC_LOWSTATE, state_t)  # polled by the loop: newest state each tick
            self._wait_state("before start")
            if self.transport == "lowcmd" and self.robot.message_family == "hg":
                self._release_builtin_controller()
                self._state = None
                self._wait_state("after the controller release")  # never start from the pre-release pose
            with self._lock:
                self.executor.start(robot_state(self._state))
            # our own topic, read back: a sample from any other writer mid-motion is a second publisher
            # (depth 2: decoding a LowCmd_ costs ~0.2 ms; a second writer is still seen within a few checks)
            self._monitor = dds.open_reader(topic, cmd_t, depth=2)
        except BaseException:
            self._close_entities()  # a failed start leaves nothing open (the node retries every few seconds)
            raise
        self._pub = dds.open_publisher(topic, cmd_t)
        self.events.record("start", f"{self.transport} on {topic} at {self.rate_hz:g} Hz, controller "
                                    f"{self.executor.active.name if self.executor.active else 'built-in'}, "
                                    f"mode_machine {self._mode_machine}")
        self.loop.start()

    def _wait_state(self, when: str) -> None:
        t_end = time.monotonic() + self.cfg.bridge.state_wait_s
        while not self._poll_state() and time.monotonic() < t_end:
            time.sleep(0.002)
        if self._state is None:
            raise SafetyError(f"no {TOPIC_LOWSTATE} on domain {self.domain_id} / {self.interface} within "
                              f"{self.cfg.bridge.state_wait_s} s {when}: robot (or sim-robot) not running?")

    def close(self, timeout_s: float = 5.0) -> None:
        """arm_sdk: wind the plan down and ramp the weight to 0 (also after a fault: the ramp is finished first).
        lowcmd: end in damping (never a stale command). Then every DDS entity is deleted."""
        if self._pub is None:
            self._close_entities()
            return
        t_end = time.monotonic() + timeout_s
        if self.transport == "arm_sdk":
            if self._damping is None:
                with self._lock:
                    self.executor.cancel(self._exec_t)
                while self.executor.busy and time.monotonic() < t_end and self.loop.running:
                    time.sleep(0.02)
            else:
                while self._fault_weight > 0.0 and time.monotonic() < t_end and self.loop.running:
                    time.sleep(0.02)
        elif self._damping is None:
            self.enter_damping("close", "bridge closed: damping")
            time.sleep(0.05)
        self.loop.stop()
        self._closed = True
        self._close_entities()

    def _close_entities(self) -> None:
        for name in ("_pub", "_sub", "_monitor"):
            dds.close(getattr(self, name))
            setattr(self, name, None)

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
        if not all(np.all(np.isfinite(a)) for a in (st.q, st.dq, st.quat, st.gyro)):
            self.events.record("state_non_finite", "rt/lowstate with non-finite joints or IMU ignored")
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
        return "damping" if self._damping else self.executor.phase

    @property
    def damping(self) -> str | None:
        return self._damping

    def play(self, plan: ExecutionPlan) -> None:
        """Run a plan (validated for this robot, transport and controller); refused plans raise SafetyError."""
        with self._lock:
            self._require_active()
            self.executor.play(plan, robot_state(self._state), self._exec_t)

    def cancel(self) -> None:
        with self._lock:
            self.executor.cancel(self._exec_t)

    def estop(self, reason: str = "api") -> None:
        """Damping now (a damping command is sent from this thread), latched until reset()."""
        self.enter_damping("estop", f"e-stop: {reason}")

    def enter_damping(self, kind: str, message: str) -> None:
        with self._lock:
            first = self._damping is None
            if first:
                self._damping = kind
                self._fault_weight = self._current.weight if self._current is not None else 0.0
            if self._pub is not None:
                self._send_fault()  # first the command, then the bookkeeping
            if first:
                self.events.record(kind, message)
                what = "arm_sdk weight ramp to 0" if self.transport == "arm_sdk" else \
                    f"damping (kp=0, kd={self.rcfg.damping_kd})"
                self.events.record("damping", f"{what} after {kind}")

    def reset(self) -> None:
        """Clear a latched fault: the executor starts over from the measured state (no jump). Needs fresh and sane
        state: finite, the pelvis upright, the joints nearly still (a robot that went down in damping is put
        back on its feet - or on its gantry - by a person first)."""
        with self._lock:
            if self._state is None or self.watchdog.check(time.monotonic()) == "watchdog_state":
                raise SafetyError("cannot reset: no fresh robot state")
            st = self._state
            w, x, y, z = st.quat
            tilt = float(np.arccos(np.clip(1.0 - 2.0 * (x * x + y * y), -1.0, 1.0)))
            fast = float(np.max(np.abs(st.dq)))
            if tilt > RESET_MAX_TILT_RAD or fast > RESET_MAX_JOINT_SPEED:
                raise SafetyError(f"cannot reset: robot not at rest and upright (tilt {tilt:.2f} rad, fastest joint "
                                  f"{fast:.2f} rad/s; limits {RESET_MAX_TILT_RAD} rad, {RESET_MAX_JOINT_SPEED} rad/s)")
            self.executor.start(robot_state(self._state))
            self._current = None
            self.events.record("reset", f"fault {self._damping!r} cleared; standing from the measured pose")
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
                self._send_fault()
                return
            t = time.monotonic()
            reason = self.watchdog.check(t)
            if reason:
                age = self.watchdog.state_age(t)
                self.enter_damping(reason, f"{reason}: state age {age * 1e3:.0f} ms, phase {self.executor.phase}")
                return
            if self._ticks % self.decimation == 0 and self._other_publisher():
                return
            if self._current is None or self._ticks % self.decimation == 0:
                try:
                    cmd = self.executor.step(robot_state(self._state), self._exec_t)
                    self._exec_t += self.executor.dt
                except Exception as e:  # noqa: BLE001 - any controller failure is a fault, never a stale command
                    log.exception("controller step failed")
                    self.enter_damping("tick_exception", f"controller step failed: {type(e).__name__}: {e}")
                    return  # the loop lives on, sending the latched fault command
                if self.executor.last_filter is not None and self.executor.last_filter.fault:
                    self.enter_damping("non_finite", "the controller produced a non-finite target")
                    return
                cmd.mode_machine = self._mode_machine or 0
                self._current = cmd
                if self.step_hook is not None:
                    self.step_hook(robot_state(self._state), cmd, self.executor)
            self._ticks += 1
            self._publish(self._current)

    def _other_publisher(self) -> bool:
        """A sample on our topic from a writer that is not ours (checked at the controller rate) -> damping."""
        for _, writer in self._monitor.take_with_writers():
            if self._own_writer is None and self.sent:
                self._own_writer = writer  # the start-up check found the topic silent: the first writer is us
            if self._own_writer is not None and writer != self._own_writer:
                self.enter_damping("second_publisher", f"another process started publishing {self.topic} "
                                                       "mid-motion: damping")
                return True
        return False

    def _loop_died(self, error: BaseException) -> None:
        """RateLoop hook: the loop is ending on an exception - make sure damping is latched and on the wire."""
        try:
            self.enter_damping("tick_exception", f"control loop stopped: {type(error).__name__}: {error}")
        except Exception:  # noqa: BLE001 - nothing more can be done from here; the supervisor takes over
            log.exception("could not send damping after the loop failed")

    def _send_fault(self) -> None:
        n = self.robot.num_joints
        z = np.zeros(n)
        q = self._state.q if self._state is not None else z
        if self.transport == "arm_sdk":  # hold the last safe upper-body targets while the weight ramps down
            self._fault_weight = max(0.0, self._fault_weight - self.cfg.bridge.arm_sdk_weight_rate * self.dt)
            held = self._current if self._current is not None else JointCommand(q, z, z, z, z)
            c = JointCommand(held.q, z, z, held.kp, held.kd, self._mode_machine or 0, self._fault_weight)
        else:
            c = JointCommand(q, z, z, z, np.full(n, self.rcfg.damping_kd), self._mode_machine or 0, 1.0)
        self._publish(c)

    def _publish(self, c: JointCommand) -> None:
        if self.transport == "arm_sdk":
            self._cmd.motor_cmd[ARM_SDK_WEIGHT_SLOT].q = float(c.weight)
        fill_command(self.robot, self._cmd, c, self.joints, self.cfg.bridge.mode_pr)
        self._pub.Write(self._cmd)
        self.last_sent = c
        self.sent += 1
        if self.trace.maxlen:
            self.trace.append((time.monotonic(), self.phase, c.q.copy(), c.kp.copy()))
