"""`render_execution_video`: a video of the simulated execution (the physics states of an `ExecutionLog`, not
the kinematic plan), the source human skeleton beside the robot, a caption with time, mode and verdict.

    v = run_validation(traj, log=True)
    render_execution_video(v.dynamics.log, "out/wave.mp4", motion=motion, verdict=v.report.verdict)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from humanoid_lmm.sim.execution_log import ExecutionLog

__all__ = ["execution_qpos", "render_execution_video"]


def execution_qpos(log: ExecutionLog, mj) -> np.ndarray:
    """(K, nq) MuJoCo states of the log for the model `mj`: the logged qpos, or rebuilt from root pose + q."""
    if log.qpos.shape[1] == mj.model.nq:
        return log.qpos
    qpos = np.tile(mj.data.qpos, (log.n_steps, 1))
    if not mj.fixed_base:
        qpos[:, 0:3], qpos[:, 3:7] = log.root_pos, log.root_quat
    qpos[:, mj.qpos_index] = log.q
    return qpos


def _caption(frame: np.ndarray, lines: list[str]) -> np.ndarray:
    from PIL import Image, ImageDraw, ImageFont

    img = Image.fromarray(frame)
    draw = ImageDraw.Draw(img)
    size = max(12, frame.shape[0] // 32)
    try:
        font = ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1: fixed-size bitmap font
        font = ImageFont.load_default()
    y = 8
    for text in lines:
        draw.text((10, y), text, fill=(255, 255, 255), font=font, stroke_width=2, stroke_fill=(0, 0, 0))
        y += int(size * 1.3)
    return np.asarray(img)


def render_execution_video(
    log: ExecutionLog,
    path: str | Path,
    motion=None,
    width: int = 640,
    height: int = 480,
    fps: float = 25.0,
    verdict: str = "",
    title: str = "",
    include_settling: bool = False,
) -> Path:
    """Render the simulated execution in `log` to `.mp4` / `.gif` at `width` x `height` (>= 640x480 for the
    demo) and `fps`; `motion` (a `Motion`) adds the human skeleton beside the robot, stretched to the
    execution's length (a repair may have slowed the plan down). Returns the path."""
    from humanoid_lmm.robots import build_mujoco_model, load_robot_config
    from humanoid_lmm.sim.render import render_frames, save_video

    mj = build_mujoco_model(load_robot_config(log.robot), actuators="none")
    qpos = execution_qpos(log, mj)
    start = float(log.times[0]) if include_settling else max(0.0, float(log.times[0]))
    t = np.arange(start, float(log.times[-1]) + 1e-9, 1.0 / fps)
    pick = np.asarray(log.index_at(t))
    skeleton = None
    if motion is not None:
        joints = np.asarray(motion.positions())
        stretch = motion.duration_s / max(float(log.times[-1]), 1e-6)  # a slowed-down (repaired) plan: same pace
        skeleton = joints[np.clip(np.rint(np.clip(t, 0.0, None) * stretch * motion.fps).astype(int), 0, len(joints) - 1)]
    frames = render_frames(mj, qpos[pick], width, height, skeleton=skeleton)
    head = f"{title}  " if title else ""
    label = f"simulated execution: {log.robot}, {log.mode}" + (f", verdict {verdict.upper()}" if verdict else "")
    frames = [_caption(f, [f"{head}t = {tk:5.2f} s", label] + (["orange: human motion"] if skeleton is not None else []))
              for f, tk in zip(frames, t)]
    return save_video(frames, path, fps)
