"""`PreviewServer`: a viser web page showing one plan in 3D before the robot runs it.

One scene, three columns along y: the generated human motion (SMPL skeleton, orange, left), the
retargeted plan (robot meshes, blue, middle) and the simulated execution (robot meshes, green, right),
on one timeline with play/pause, speed and a time slider; the panel shows the plan's text, mode, verdict
with reasons, and (when given callbacks) Confirm / Reject buttons.

    server = PreviewServer(port=8080, on_confirm=lambda plan_id: ..., on_reject=lambda plan_id: ...)
    server.show(plan)            # a PreviewPlan; call again for a new plan
    print(server.url)            # open in a browser
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np

from humanoid_lmm.preview.meshes import body_poses, robot_meshes
from humanoid_lmm.preview.plan import PreviewPlan
from humanoid_lmm.sim.render import SMPL_PARENTS

__all__ = ["COLOURS", "PreviewServer", "trajectory_qpos"]

COLOURS = {"human": (255, 140, 0), "plan": (60, 110, 235), "execution": (40, 175, 90)}  # RGB
COLUMN_Y = {"human": -1.1, "plan": 0.0, "execution": 1.1}  # [m] lateral offset of each column
FRAME_RATE = 25.0  # [Hz] scene updates while playing


def trajectory_qpos(traj, mj) -> np.ndarray:
    """(T, nq) MuJoCo states of a RobotTrajectory (root pose + joints in motor order)."""
    qpos = np.tile(mj.data.qpos, (traj.n_frames, 1))
    qpos[:, 0:3], qpos[:, 3:7] = traj.root_pos, traj.root_quat
    index = {n: i for i, n in enumerate(mj.config.joint_names)}
    for i, name in enumerate(traj.joint_names):
        qpos[:, mj.qpos_index[index[name]]] = traj.q[:, i]
    return qpos


class _Track:
    """Pre-computed poses of one column on a fixed clock: frame k is at time k / rate (clamped at the end)."""

    def __init__(self, values: np.ndarray, rate: float, start: float = 0.0):
        self.values, self.rate, self.start = values, rate, start

    def at(self, t: float) -> np.ndarray:
        return self.values[int(np.clip(round((t - self.start) * self.rate), 0, len(self.values) - 1))]


class PreviewServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 8080, on_confirm: Callable[[str], str] | None = None,
                 on_reject: Callable[[str], str] | None = None):
        import viser

        self.server = viser.ViserServer(host=host, port=port, verbose=False)
        self.host, self.port = host, self.server.get_port()
        self.on_confirm, self.on_reject = on_confirm, on_reject
        self.plan: PreviewPlan | None = None
        self._lock = threading.RLock()
        self._tracks: dict[str, _Track] = {}
        self._handles: dict[str, list] = {}
        self._playing, self._speed, self._t = True, 1.0, 0.0
        s = self.server.scene
        s.set_up_direction("+z")
        s.add_grid("/ground", width=6.0, height=6.0, cell_size=0.5, position=(0.0, 0.0, 0.0))
        # looking along -x at the three columns, aimed right of centre: the GUI panel covers the right side
        self.server.initial_camera.position = (3.1, 0.5, 1.35)
        self.server.initial_camera.look_at = (0.0, 0.5, 0.7)
        self._build_gui()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._play_loop, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # ------------------------------------------------------------------ GUI
    def _build_gui(self) -> None:
        gui = self.server.gui
        self._info = gui.add_markdown("waiting for a plan ...")
        self._verdict = gui.add_markdown("")
        self._time = gui.add_slider("time [s]", min=0.0, max=1.0, step=0.02, initial_value=0.0)
        self._play = gui.add_button("Pause")
        self._speed_in = gui.add_dropdown("speed", ("0.25x", "0.5x", "1x", "2x"), initial_value="1x")
        self._confirm = gui.add_button("Confirm plan", color="green", visible=self.on_confirm is not None)
        self._reject = gui.add_button("Reject plan", color="red", visible=self.on_reject is not None)
        self._answer = gui.add_markdown("")

        @self._time.on_update
        def _(_event) -> None:
            if not self._playing:
                self._apply(float(self._time.value))

        @self._play.on_click
        def _(_event) -> None:
            self._playing = not self._playing
            self._play.label = "Pause" if self._playing else "Play"

        @self._speed_in.on_update
        def _(_event) -> None:
            self._speed = float(self._speed_in.value.rstrip("x"))

        self._confirm.on_click(lambda _e: self._decide(self.on_confirm, "confirm"))
        self._reject.on_click(lambda _e: self._decide(self.on_reject, "reject"))

    def _decide(self, callback, what: str) -> None:
        plan = self.plan
        if plan is None or callback is None:
            return
        try:
            answer = callback(plan.plan_id)
        except Exception as e:  # noqa: BLE001 - shown to the operator, the page stays up
            answer = f"failed: {e}"
        self._answer.content = f"**{what} {plan.plan_id}:** {answer}"

    # ------------------------------------------------------------------ scene
    def _clear(self) -> None:
        for handles in self._handles.values():
            for h in handles:
                if "/mesh" not in h.name:  # removing a body frame removes its mesh too
                    h.remove()
        self._handles, self._tracks = {}, {}

    def _add_robot(self, column: str, qpos: np.ndarray, rate: float, start: float, mj, meshes) -> None:
        dy = COLUMN_Y[column]
        s, handles = self.server.scene, []
        for name, v, f in zip(meshes.names, meshes.vertices, meshes.faces):
            frame = s.add_frame(f"/{column}/{name}", show_axes=False)
            mesh = s.add_mesh_simple(f"/{column}/{name}/mesh", v, f, color=COLOURS[column],
                                     cast_shadow=False, receive_shadow=False)  # software WebGL: keep it cheap
            handles += [frame, mesh]
        poses = body_poses(mj, qpos, meshes.bodies)
        poses[:, :, 1] += dy
        self._handles[column] = handles
        self._tracks[column] = _Track(poses, rate, start)
        label = {"plan": "plan", "execution": "executed"}[column]
        self._handles[column].append(s.add_label(f"/{column}_label", label, position=(0.0, dy, 1.45)))

    def _add_human(self, motion, dy: float, duration_s: float | None = None) -> None:
        """The skeleton on the plan's clock: a repair that slowed the plan down slows the human track too."""
        joints = np.asarray(motion.positions(), float).copy()
        joints[..., 1] += dy
        joints[..., 2] -= min(0.0, float(joints[..., 2].min()))  # never below the floor
        bones = [(p, j) for j, p in enumerate(SMPL_PARENTS) if p >= 0]
        segments = np.stack([joints[:, [p, j]] for p, j in bones], axis=1).astype(np.float32)  # (T, 21, 2, 3)
        colours = np.tile(np.array(COLOURS["human"], np.uint8), (len(bones), 2, 1))
        s = self.server.scene
        handle = s.add_line_segments("/human/skeleton", segments[0], colours, thickness=0.035, thickness_units="world")
        self._handles["human"] = [handle, s.add_label("/human_label", "human", position=(0.0, dy, 1.45))]
        rate = motion.fps * (motion.duration_s / duration_s if duration_s else 1.0)
        self._tracks["human"] = _Track(segments, rate)

    def show(self, plan: PreviewPlan) -> None:
        """Replace the scene with `plan` and restart its timeline at 0 (playing)."""
        from humanoid_lmm.robots import build_mujoco_model, load_robot_config
        from humanoid_lmm.sim.execution_video import execution_qpos

        cfg = load_robot_config(plan.robot)
        meshes = robot_meshes(cfg)
        mj = build_mujoco_model(cfg, actuators="none")
        with self._lock, self.server.atomic():
            self._clear()
            self.plan = plan
            if plan.motion is not None:
                self._add_human(plan.motion, COLUMN_Y["human"],
                                plan.trajectory.duration_s if plan.trajectory is not None else None)
            if plan.trajectory is not None:
                self._add_robot("plan", trajectory_qpos(plan.trajectory, mj), plan.trajectory.fps, 0.0, mj, meshes)
            log = plan.execution
            if log is not None and log.n_steps:
                keep = log.times >= 0.0
                qpos = execution_qpos(log, mj)[keep]
                self._add_robot("execution", qpos, 1.0 / (log.dt or 0.01), float(log.times[keep][0]), mj, meshes)
            self._time.max = max(0.1, round(plan.duration_s, 2))
            self._describe(plan)
            self._t = 0.0
            self._apply(0.0)

    def _describe(self, plan: PreviewPlan) -> None:
        verdict = plan.verdict.upper() or "NOT VALIDATED"
        self._info.content = (f"**Plan** `{plan.plan_id}`  \n**Command:** {plan.text or '-'}  \n"
                              f"**Robot:** {plan.robot}  \n**Mode:** {plan.mode or '-'}  \n"
                              f"**Duration:** {plan.duration_s:.2f} s")
        lines = [f"### Verdict: {verdict}"]
        lines += [f"- {r}" for r in plan.reasons[:12]]
        if plan.execution is not None:
            lines.append(f"*executed by {plan.execution.controller}; assist: {plan.execution.assist}*")
        lines += [f"*{n}*" for n in plan.notes]
        self._verdict.content = "  \n".join(lines)
        self._answer.content = ""

    def _apply(self, t: float) -> None:
        with self._lock, self.server.atomic():
            for column, track in self._tracks.items():
                value = track.at(t)
                handles = self._handles[column]
                if column == "human":
                    handles[0].points = value
                    continue
                for b in range(value.shape[0]):
                    frame = handles[2 * b]
                    frame.position, frame.wxyz = value[b, :3], value[b, 3:]

    def set_time(self, t: float) -> None:
        """Pause and show time `t` [s]."""
        self._playing = False
        self._play.label = "Play"
        self._t = float(t)
        self._time.value = round(float(t), 2)
        self._apply(float(t))

    def _play_loop(self) -> None:
        last = time.monotonic()
        while not self._stop.wait(1.0 / FRAME_RATE):
            now = time.monotonic()
            if self._playing and self.plan is not None:
                end = max(0.1, self.plan.duration_s)
                self._t = (self._t + (now - last) * self._speed) % (end + 0.5)  # a short pause at the end
                self._time.value = round(min(self._t, end), 2)
                self._apply(min(self._t, end))
            last = now

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.server.stop()
