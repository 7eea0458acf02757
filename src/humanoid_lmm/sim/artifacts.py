"""What the demo writes after a run: the HTML validation report and a video of the simulated execution.

    from humanoid_lmm.sim.artifacts import write_execution_artifacts
    video, report = write_execution_artifacts(validated, "out", motion=motion, retargeted=retargeted,
                                              title="wave your right hand")

`validated` is the plan as the validator published it (possibly repaired; in upper-body mode only the
waist and arm joints, without the floating base); `execution_trajectory` completes it the way the robot
executes it, and the physics run is `sim.logged_validation.validate_with_log` in that mode.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from humanoid_lmm.robots import RobotConfig, RobotTrajectory, load_robot_config

__all__ = ["execution_trajectory", "write_execution_artifacts"]


def execution_trajectory(validated: RobotTrajectory, cfg: RobotConfig, retargeted: RobotTrajectory | None = None) -> RobotTrajectory:
    """Every joint in motor order (missing ones at the default pose: upper-body mode) and the floating base +
    foot contacts from `retargeted` on the same normalised time (a time-scaling repair stretches uniformly)."""
    T = validated.n_frames
    q = np.tile(cfg.default_q, (T, 1))
    for i, name in enumerate(validated.joint_names):
        q[:, cfg.joint_index(name)] = validated.q[:, i]
    partial = tuple(validated.joint_names) != tuple(cfg.joint_names)
    out = validated.replace(joint_names=cfg.joint_names, q=q, upper_body_only=partial)
    if retargeted is None:
        return out
    u, src = np.linspace(0.0, 1.0, T), np.linspace(0.0, 1.0, retargeted.n_frames)
    nearest = np.clip(np.rint(u * (retargeted.n_frames - 1)).astype(int), 0, retargeted.n_frames - 1)
    root = np.stack([np.interp(u, src, retargeted.root_pos[:, k]) for k in range(3)], axis=1)
    return out.replace(root_pos=root, root_quat=retargeted.root_quat[nearest], contacts=retargeted.contacts[nearest])


def write_execution_artifacts(validated: RobotTrajectory, out_dir: str | Path, motion=None,
                              retargeted: RobotTrajectory | None = None, title: str = "", video_name: str = "execution.mp4",
                              report_name: str = "report.html", width: int = 640, height: int = 480,
                              fps: float = 25.0) -> tuple[Path, Path]:
    """Simulate the validated plan (upper-body when it is partial), write `<out_dir>/report.html` and
    `<out_dir>/execution.mp4` (>= 640x480, human skeleton beside the robot when `motion` is given)."""
    from humanoid_lmm.sim.execution_video import render_execution_video
    from humanoid_lmm.sim.html_report import write_html_report
    from humanoid_lmm.sim.logged_validation import validate_with_log

    cfg = load_robot_config(validated.robot)
    traj = execution_trajectory(validated, cfg, retargeted)
    lv = validate_with_log(traj, mode="upper_body" if traj.upper_body_only else "whole_body")
    out_dir = Path(out_dir)
    report = write_html_report(out_dir / report_name, lv.report, lv.log, title=title)
    video = render_execution_video(lv.log, out_dir / video_name, motion=motion, width=width, height=height,
                                   fps=fps, verdict=lv.report.verdict, title=title)
    return video, report
