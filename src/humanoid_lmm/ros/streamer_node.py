"""streamer node: validated trajectory -> safety filter -> Unitree DDS (rt/lowcmd | rt/arm_sdk).

The only node that talks to the robot, and only through `humanoid_lmm.control.UnitreeBridge` (safety
filter, soft start, watchdog -> damping, latched e-stop, refusal when another process publishes rt/lowcmd).
Publishes what was actually sent (/humanoid/joint_targets), the measured state (/humanoid/joint_states),
/diagnostics, and one "stream" status per command when the robot has finished it (tracking error, upright).
Parameters: robot, mode (sim | real), net_interface, domain_id, bridge_mode (lowcmd | arm_sdk),
publish_rate [Hz].
"""

from __future__ import annotations

import threading
import time

import numpy as np
from rclpy.callback_groups import ReentrantCallbackGroup
from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus, KeyValue
from sensor_msgs.msg import JointState
from std_msgs.msg import Bool
from std_srvs.srv import Trigger
from trajectory_msgs.msg import JointTrajectory

from humanoid_lmm.errors import HumanoidLMMError
from humanoid_lmm.robots import load_robot_config
from humanoid_lmm.ros import qos, topics
from humanoid_lmm.ros.base import StageNode, run_nodes, stamp_id
from humanoid_lmm.ros.convert import joint_state_msg, msg_to_trajectory

BRIDGE_WAIT_S = 15.0  # a plan that arrives while the robot link is still coming up waits this long
UPRIGHT_TILT_RAD = 0.5  # torso tilt (from the IMU quaternion) above which the robot counts as fallen
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
                              ("bridge_mode", "lowcmd"), ("publish_rate", 50.0)):
            self.declare_parameter(name, default)
        p = {n: self.get_parameter(n).value for n in ("robot", "mode", "net_interface", "domain_id", "bridge_mode")}
        self.config = load_robot_config(p["robot"])
        from humanoid_lmm.control import UnitreeBridge, load_control_config

        control = load_control_config()
        if p["mode"] == "sim":
            control = control.for_simulated_robot()
        self.bridge = UnitreeBridge(self.config, control, mode=p["bridge_mode"], domain_id=int(p["domain_id"]),
                                    interface=p["net_interface"], motion_switcher=p["mode"] == "real")
        self._ready = threading.Event()
        self._closing = False
        self._active: dict | None = None  # the command being executed
        self._lock = threading.Lock()
        self._targets = self.create_publisher(JointState, topics.TARGETS, qos.STREAM)
        self._states = self.create_publisher(JointState, topics.JOINT_STATES, qos.STREAM)
        self._diag = self.create_publisher(DiagnosticArray, topics.DIAGNOSTICS, 10)
        self.create_subscription(JointTrajectory, topics.VALIDATED, self.on_trajectory, qos.PLANS,
                                 callback_group=ReentrantCallbackGroup())  # may wait for the bridge
        self.create_subscription(Bool, topics.ESTOP, lambda m: m.data and self._estop("topic"), qos.ESTOP)
        self.create_service(Trigger, topics.ESTOP_SRV, lambda req, res: self._trigger(res, self._estop, "service"))
        self.create_service(Trigger, topics.RESET_ESTOP_SRV, lambda req, res: self._trigger(res, self.bridge.reset))
        self.create_service(Trigger, topics.CANCEL_SRV, lambda req, res: self._trigger(res, self.bridge.cancel))
        self.create_timer(1.0 / float(self.get_parameter("publish_rate").value), self._publish)
        self.create_timer(1.0, self._publish_diagnostics)
        threading.Thread(target=self._start_bridge, daemon=True).start()

    def _start_bridge(self, retry_s: float = 2.0) -> None:
        """Connect to the robot; until it answers (robot or sim-robot still starting) retry, refusing plans."""
        while not self._closing:
            try:
                self.bridge.start()
            except HumanoidLMMError as e:
                self.get_logger().warning(f"robot bridge not up, retrying in {retry_s:.0f} s: {e}")
                if "another process" in str(e):
                    return  # never fight another controller for the robot
                time.sleep(retry_s)
                continue
            self._ready.set()
            self.get_logger().info(f"bridge up: {self.bridge.mode} on domain {self.bridge.domain_id}")
            return

    def _estop(self, source: str) -> bool:
        self.bridge.estop(source)
        with self._lock:
            active, self._active = self._active, None
        if active:
            self.publish_status(active["id"], False, active["started"], error=f"e-stop ({source}): damping")
        return True

    def _trigger(self, response, action, *args):
        try:
            action(*args)
            response.success, response.message = True, "done"
        except HumanoidLMMError as e:
            response.success, response.message = False, str(e)
        return response

    def _full(self, traj):
        """A partial (upper-body) trajectory moves its joints; the others hold the default stand pose."""
        cfg = self.config
        if traj.joint_names == cfg.joint_names:
            return traj
        q = np.tile(cfg.default_q, (traj.n_frames, 1))
        for i, name in enumerate(traj.joint_names):
            q[:, cfg.joint_index(name)] = traj.q[:, i]
        return traj.replace(joint_names=cfg.joint_names, q=q, upper_body_only=True)

    def on_trajectory(self, msg: JointTrajectory) -> None:
        started = time.perf_counter()
        command_id = stamp_id(msg.header.stamp)
        try:
            if not self._ready.wait(BRIDGE_WAIT_S):
                raise HumanoidLMMError(f"robot bridge not running ({self.bridge.phase}); nothing sent")
            traj = self._full(msg_to_trajectory(msg, self.config.name))
            self.bridge.play(traj)
        except HumanoidLMMError as e:
            self.publish_status(command_id, False, started, error=str(e), done=True)
            return
        with self._lock:
            self._active = {"id": command_id, "started": started, "err": [], "tilt": 0.0,
                            "first_target_ms": None, "duration_s": traj.duration_s}
        self.publish_status(command_id, True, started, done=False, phase=self.bridge.phase)

    def _publish(self) -> None:
        st, sent = self.bridge.state, self.bridge.last_sent
        stamp = self.get_clock().now().to_msg()
        if sent is not None:
            self._targets.publish(joint_state_msg(self.config.joint_names, sent.q, stamp=stamp))
        if st is not None:
            self._states.publish(joint_state_msg(self.config.joint_names, st.q, st.dq, st.tau, stamp=stamp))
        with self._lock:
            a = self._active
            if a is None or st is None or sent is None:
                return
            if a["first_target_ms"] is None:
                a["first_target_ms"] = round((time.perf_counter() - a["started"]) * 1e3, 1)
            a["err"].append(np.asarray(st.q) - np.asarray(sent.q))
            a["tilt"] = max(a["tilt"], _tilt(st.quat))
            phase = self.bridge.phase
            if phase in ("hold", "idle", "damping") and len(a["err"]) > 5:
                self._active = None
        if self._active is None:
            err = np.abs(np.stack(a["err"]))
            fault = {}
            if phase == "damping":  # why: the latched fault and its event message (e.g. the state age)
                ev = self.bridge.events.first(self.bridge.damping or "damping")
                fault = {"damping": self.bridge.damping, "error": ev.message if ev else "damping"}
            self.publish_status(a["id"], phase != "damping", a["started"], done=True, phase=phase, **fault,
                                tracking_rmse_rad=float(np.sqrt(np.mean(err**2))), tracking_max_rad=float(err.max()),
                                max_tilt_rad=a["tilt"], upright=a["tilt"] < UPRIGHT_TILT_RAD,
                                first_target_ms=a["first_target_ms"], events=self.bridge.events.counters())

    def _publish_diagnostics(self) -> None:
        d = self.bridge.events.diagnostics()
        status = DiagnosticStatus(level=_LEVELS.get(d["level"], DiagnosticStatus.WARN), name="humanoid_lmm/streamer",
                                  message=f"{self.bridge.phase}: {d['message']}", hardware_id=self.config.name)
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
