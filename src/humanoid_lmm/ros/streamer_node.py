"""streamer node: validated ExecutionPlan -> executor (controller + safety filter) -> Unitree DDS.

The only node that talks to the robot, and only through `humanoid_lmm.control.UnitreeBridge` (safety filter,
soft start, watchdog -> damping, latched e-stop, refusal when another process publishes the command topic, and
refusal of plans whose mode its transport cannot run). Publishes what was actually sent
(/humanoid/joint_targets), the measured state (/humanoid/joint_states), /diagnostics, and one "stream" status
per command when the robot has finished it (tracking error; in simulation also the ground-truth base: fall or
upright, measured from the simulated pelvis).

Parameters: robot, mode (sim | real), net_interface, domain_id, transport ("" = sim: lowcmd, real: arm_sdk),
allow_lowcmd_policy (real robot: release the built-in controller and balance with the stack's policy),
gantry (the robot hangs on its gantry), require_confirmation (hold each plan until an operator confirms it:
/humanoid/confirm, `humanoid-lmm confirm ID`, the preview's button; the launcher sets it in real mode),
confirmation_timeout_s, publish_rate [Hz].
"""

from __future__ import annotations

import threading
import time

import numpy as np
from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus, KeyValue
from rclpy.callback_groups import ReentrantCallbackGroup
from sensor_msgs.msg import JointState
from std_msgs.msg import Bool, String
from std_srvs.srv import Trigger
from trajectory_msgs.msg import JointTrajectory

from humanoid_lmm.errors import HumanoidLMMError, SafetyError
from humanoid_lmm.robots import load_robot_config
from humanoid_lmm.ros import qos, topics
from humanoid_lmm.ros.base import StageNode, run_nodes, stamp_id
from humanoid_lmm.ros.convert import joint_state_msg, msg_to_plan

BRIDGE_WAIT_S = 15.0  # a plan that arrives while the robot link is still coming up waits this long
FALL_HEIGHT_M = 0.5  # fell: the simulated pelvis this far below where it stood when the plan started, or ...
FALL_TILT_RAD = 0.8  # ... tilted this far (the execution bench's thresholds)
_LEVELS = {"OK": DiagnosticStatus.OK, "WARN": DiagnosticStatus.WARN, "ERROR": DiagnosticStatus.ERROR}


def _tilt(quat_wxyz: np.ndarray) -> float:
    """Angle [rad] between the body z axis and the world z axis."""
    w, x, y, z = quat_wxyz
    return float(np.arccos(np.clip(1.0 - 2.0 * (x * x + y * y), -1.0, 1.0)))


class StreamerNode(StageNode):
    stage = "stream"

    def __init__(self, **kwargs):
        super().__init__("humanoid_streamer", **kwargs)
        for name, default in (("robot", "g1"), ("mode", "sim"), ("net_interface", "lo"), ("domain_id", 1),
                              ("transport", ""), ("allow_lowcmd_policy", False), ("gantry", False),
                              ("require_confirmation", False), ("confirmation_timeout_s", 30.0),
                              ("plan_max_age_s", 10.0),
                              ("publish_rate", 50.0)):
            self.declare_parameter(name, default)
        p = {n: self.get_parameter(n).value for n in ("robot", "mode", "net_interface", "domain_id", "transport",
                                                      "allow_lowcmd_policy", "gantry")}
        from humanoid_lmm.control import RobotLink, UnitreeBridge, load_control_config

        self.link = RobotLink.parse(p["mode"])
        self.config = load_robot_config(p["robot"])
        transport = p["transport"] or ("lowcmd" if self.link is RobotLink.SIM else "arm_sdk")
        self._refusal = None
        if self.link is RobotLink.REAL and transport == "lowcmd":
            if not p["allow_lowcmd_policy"]:
                self._refusal = ("transport lowcmd on the real robot releases its built-in controller: set "
                                 "allow_lowcmd_policy:=true to balance it with the stack's policy (gantry first)")
            else:
                self.get_logger().warning("REAL robot on rt/lowcmd: the built-in controller is released and the "
                                          "stack's policy balances it (allow_lowcmd_policy)")
        self.bridge = UnitreeBridge(self.config, load_control_config().for_link(self.link), transport,
                                    domain_id=int(p["domain_id"]), interface=p["net_interface"],
                                    motion_switcher=self.link is RobotLink.REAL, free_standing=not p["gantry"])
        from humanoid_lmm.control.attestation import PlanSigner, load_launch_key

        self._signer = PlanSigner(load_launch_key())  # plays only plans the validator of this launch signed
        self._truth = None
        self._confirm = None
        if self.get_parameter("require_confirmation").value:
            from humanoid_lmm.control.confirmation import ConfirmationGate
            from humanoid_lmm.ros.confirmation import ConfirmationListener

            gate = ConfirmationGate(timeout_s=float(self.get_parameter("confirmation_timeout_s").value))
            self._confirm = ConfirmationListener(self, gate, callback_group=ReentrantCallbackGroup())
        self._ready = threading.Event()
        self._closing = False
        self._active: dict | None = None  # the command being executed
        self._lock = threading.Lock()
        self._targets = self.create_publisher(JointState, topics.TARGETS, qos.STREAM)
        self._states = self.create_publisher(JointState, topics.JOINT_STATES, qos.STREAM)
        self._diag = self.create_publisher(DiagnosticArray, topics.DIAGNOSTICS, 10)
        self.create_subscription(JointTrajectory, topics.VALIDATED, self.on_plan, qos.PLANS,
                                 callback_group=ReentrantCallbackGroup())  # may wait for the bridge
        self.create_subscription(Bool, topics.ESTOP, lambda m: m.data and self._estop("topic"), qos.ESTOP)
        self.create_service(Trigger, topics.ESTOP_SRV, lambda req, res: self._trigger(res, self._estop, "service"))
        self.create_subscription(String, topics.RESET_ESTOP, self._reset, qos.ESTOP)
        self.create_service(Trigger, topics.CANCEL_SRV, lambda req, res: self._trigger(res, self.bridge.cancel))
        self.create_timer(1.0 / float(self.get_parameter("publish_rate").value), self._publish)
        self.create_timer(1.0, self._publish_diagnostics)
        if self._refusal:
            self.get_logger().error(f"robot bridge not started: {self._refusal}")
        else:
            threading.Thread(target=self._start_bridge, daemon=True).start()

    def _start_bridge(self, retry_s: float = 2.0) -> None:
        """Connect to the robot; until it answers (robot or sim-robot still starting) retry, refusing plans."""
        while not self._closing:
            try:
                self.bridge.start()
            except HumanoidLMMError as e:
                self.get_logger().warning(f"robot bridge not up, retrying in {retry_s:.0f} s: {e}")
                if "another process" in str(e) or "plain PD" in str(e):
                    self._refusal = str(e)
                    return  # never fight another controller for the robot, never stand on plain PD
                time.sleep(retry_s)
                continue
            if self.link.value == "sim":
                self._truth = self._open_ground_truth()
            self._ready.set()
            self.get_logger().info(f"bridge up: {self.bridge.transport} on domain {self.bridge.domain_id}")
            return

    @staticmethod
    def _open_ground_truth():
        """The simulated robot's ground-truth base (rt/sportmodestate), for measuring falls in simulation."""
        from unitree_sdk2py.idl.unitree_go.msg.dds_ import SportModeState_

        from humanoid_lmm.control import dds
        from humanoid_lmm.control.messages import TOPIC_SPORT_STATE

        return dds.open_reader(TOPIC_SPORT_STATE, SportModeState_)

    def _estop(self, source: str) -> bool:
        self.bridge.estop(source)
        with self._lock:
            active, self._active = self._active, None
        if active:
            self.publish_status(active["id"], False, active["started"], error=f"e-stop ({source}): damping")
        return True

    def _reset(self, msg) -> None:
        """Clear a latched fault: only with a signed, fresh token (an authorised source) and sane robot state."""
        try:
            self._signer.check_reset(msg.data)
            self.bridge.reset()
        except HumanoidLMMError as e:
            self.bridge.events.record("reset_refused", str(e))
            self.get_logger().error(f"e-stop reset refused: {e}")
            return
        self.get_logger().warning("e-stop reset: standing from the measured pose")

    def _trigger(self, response, action, *args):
        try:
            action(*args)
            response.success, response.message = True, "done"
        except HumanoidLMMError as e:
            response.success, response.message = False, str(e)
        return response

    def on_plan(self, msg: JointTrajectory) -> None:
        started = time.perf_counter()
        command_id = stamp_id(msg.header.stamp)
        try:
            if self._refusal:
                raise SafetyError(f"robot bridge refused to start: {self._refusal}")
            if not self._ready.wait(BRIDGE_WAIT_S):
                raise SafetyError(f"robot bridge not running ({self.bridge.phase}); nothing sent")
            plan = msg_to_plan(msg, self.config.name)
            self._signer.check(plan, float(self.get_parameter("plan_max_age_s").value))
            if self._confirm is not None and not self._confirmed(command_id, plan, started):
                return
            self.bridge.play(plan)
        except HumanoidLMMError as e:
            self.publish_status(command_id, False, started, error=str(e), done=True)
            return
        except Exception as e:  # noqa: BLE001 - a bug must refuse the plan, not kill the node that holds the robot
            self.get_logger().error(f"plan handling failed: {type(e).__name__}: {e}")
            self.publish_status(command_id, False, started, error=f"plan refused: internal error {type(e).__name__}: {e}",
                                done=True)
            return
        base = self._ground_truth()
        with self._lock:
            self._active = {"id": command_id, "started": started, "err": [], "tilt": 0.0, "drop": 0.0,
                            "base0": None if base is None else base[0], "first_target_ms": None,
                            "duration_s": plan.duration_s, "mode": plan.mode.value, "seen_busy": False}
        self.publish_status(command_id, True, started, done=False, phase=self.bridge.phase, mode=plan.mode.value,
                            transport=self.bridge.transport)

    def _confirmed(self, command_id: str, plan, started: float) -> bool:
        """Hold the plan until an operator confirms it; a rejected or expired plan is never executed."""
        self._confirm.hold(command_id, frames=plan.reference.n_frames, mode=plan.mode.value)
        self.publish_status(command_id, True, started, done=False, phase="awaiting_confirmation",
                            mode=plan.mode.value, confirm_with=f"humanoid-lmm confirm {command_id}")
        if self._confirm.wait(command_id, cancelled=lambda: self._closing):
            return True
        self.publish_status(command_id, False, started, done=True, error="not confirmed (rejected or timed out): nothing sent")
        return False

    def _ground_truth(self):
        """(pelvis position, quaternion) of the simulated robot, or None (real robot / not yet received)."""
        if self._truth is None:
            return None
        m = self._truth.latest()
        if m is not None:
            self._last_truth = (np.array(m.position, float), np.array(m.imu_state.quaternion, float))
        return getattr(self, "_last_truth", None)

    def _publish(self) -> None:
        st, sent = self.bridge.state, self.bridge.last_sent
        stamp = self.get_clock().now().to_msg()
        if sent is not None:
            self._targets.publish(joint_state_msg(self.config.joint_names, sent.q, stamp=stamp))
        if st is not None:
            self._states.publish(joint_state_msg(self.config.joint_names, st.q, st.dq, st.tau, stamp=stamp))
        truth = self._ground_truth()
        with self._lock:
            a = self._active
            if a is None or st is None or sent is None:
                return
            if a["first_target_ms"] is None:
                a["first_target_ms"] = round((time.perf_counter() - a["started"]) * 1e3, 1)
            j = self.bridge.joints
            a["err"].append(np.asarray(st.q)[j] - np.asarray(sent.q)[j])
            a["tilt"] = max(a["tilt"], _tilt(st.quat))
            if truth is not None and a["base0"] is not None:
                a["drop"] = max(a["drop"], float(a["base0"][2] - truth[0][2]))
                a["drift"] = float(np.linalg.norm(truth[0][:2] - a["base0"][:2]))
            a["seen_busy"] |= self.bridge.executor.busy
            phase = self.bridge.phase
            if (phase == "damping" or (a["seen_busy"] and not self.bridge.executor.busy)) and len(a["err"]) > 5:
                self._active = None
        if self._active is None:
            self._finish(a, phase)

    def _finish(self, a: dict, phase: str) -> None:
        err = np.abs(np.stack(a["err"]))
        fault = {}
        if phase == "damping":  # why: the latched fault and its event message (e.g. the state age)
            ev = self.bridge.events.first(self.bridge.damping or "damping")
            fault = {"damping": self.bridge.damping, "error": ev.message if ev else "damping"}
        truth = {}
        if a["base0"] is not None:  # simulation: measured from the simulated base, not the plan
            fell = a["drop"] > FALL_HEIGHT_M or a["tilt"] > FALL_TILT_RAD
            truth = {"fell": fell, "upright": not fell, "base_drop_m": a["drop"], "base_drift_m": a.get("drift"),
                     "upright_measured_from": "simulated pelvis (rt/sportmodestate)"}
        clips = {k: v for k, v in self.bridge.events.counters().items() if k.startswith("clip_")}
        self.publish_status(a["id"], phase != "damping" and not truth.get("fell", False), a["started"], done=True,
                            phase=phase, mode=a["mode"], **fault, **truth,
                            tracking_rmse_rad=float(np.sqrt(np.mean(err**2))), tracking_max_rad=float(err.max()),
                            max_tilt_rad=a["tilt"], first_target_ms=a["first_target_ms"], clip_events=clips,
                            events=self.bridge.events.counters())

    def _publish_diagnostics(self) -> None:
        d = self.bridge.events.diagnostics()
        level = "ERROR" if self._refusal else d["level"]
        message = f"refused: {self._refusal}" if self._refusal else f"{self.bridge.phase}: {d['message']}"
        status = DiagnosticStatus(level=_LEVELS.get(level, DiagnosticStatus.WARN), name="humanoid_lmm/streamer",
                                  message=message, hardware_id=self.config.name)
        status.values = [KeyValue(key=k, value=v) for k, v in d["values"].items()]
        msg = DiagnosticArray(status=[status])
        msg.header.stamp = self.get_clock().now().to_msg()
        self._diag.publish(msg)

    def destroy_node(self):
        self._closing = True
        self.bridge.close()
        return super().destroy_node()


def main(args=None) -> None:
    run_nodes([StreamerNode], args)


if __name__ == "__main__":
    main()
