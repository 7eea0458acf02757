"""`humanoid-lmm validate`: MuJoCo validation of a trajectory file, with optional repair, report and video.

Examples:
  humanoid-lmm validate wave_g1.npz --robot g1
  humanoid-lmm validate wave_g1.npz --robot g1 --video wave.mp4 --sheet wave.png --json report.json
  humanoid-lmm validate fast_g1.npz --robot g1 --repair -o fixed_g1.npz
  humanoid-lmm validate --sample too_fast --robot h1 --repair       # built-in test motions
  humanoid-lmm validate wave_g1.npz --skeleton human_joints.npy --video side_by_side.mp4
  humanoid-lmm validate --sample lean_fall --robot g1 --report report.html   # plots: tracking, torques, CoM, contacts

Exit status: 0 pass, 1 fail (or error).
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import numpy as np

__all__ = ["register", "run"]

log = logging.getLogger(__name__)


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "validate", help="check a robot trajectory in MuJoCo (limits, collisions, balance), repair, render",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("trajectory", nargs="?", type=Path, help="RobotTrajectory .npz")
    p.add_argument("--robot", help="robot name (g1, h1); must match the file's robot")
    p.add_argument("--sample", help="validate a built-in synthetic motion instead of a file (wave, too_fast, over_limits, self_collision, lean_fall)")
    p.add_argument("--mode", default="auto", choices=["auto", "upper_body", "whole_body"])
    p.add_argument("--config", type=Path, help="validation YAML (default config/validate.yaml)")
    p.add_argument("--repair", action="store_true", help="try time scaling / amplitude scaling / upper-body mode")
    p.add_argument("-o", "--output", type=Path, help="write the (repaired) trajectory .npz, only if it passes")
    p.add_argument("--json", type=Path, help="write the ValidationReport as JSON")
    p.add_argument("--report", type=Path, help="write a self-contained HTML report with plots (sim/html_report.py)")
    p.add_argument("--video", type=Path, help="render the simulated execution (.mp4 or .gif)")
    p.add_argument("--sheet", type=Path, help="PNG contact sheet of the simulated execution")
    p.add_argument("--skeleton", type=Path, help=".npy (T, 22, 3) human joint positions drawn beside the robot")
    p.add_argument("--size", default=None, help="video size WxH (default from the config's render section)")
    p.set_defaults(func=run)


def _load(args):
    from humanoid_lmm.errors import ConfigError
    from humanoid_lmm.robots import RobotTrajectory, load_robot_config
    from humanoid_lmm.sim.samples import make_sample

    if args.sample:
        return make_sample(args.sample, load_robot_config(args.robot or "g1"))
    if args.trajectory is None:
        raise ConfigError("give a trajectory .npz or --sample NAME")
    traj = RobotTrajectory.load_npz(args.trajectory)
    if args.robot and args.robot != traj.robot:
        raise ConfigError(f"--robot {args.robot} but {args.trajectory} is a {traj.robot} trajectory")
    return traj


def run(args) -> int:
    from rich.console import Console

    from humanoid_lmm.sim.repair import validate_and_repair
    from humanoid_lmm.sim.validate import resolve_config, run_validation

    vc = resolve_config(args.config)
    traj = _load(args)
    if args.repair:
        traj, report = validate_and_repair(traj, vc, args.mode)
        v = run_validation(traj, vc, report.mode) if (args.video or args.sheet) else None
    else:
        v = run_validation(traj, vc, args.mode)
        report = v.report
    Console().print(report.rich_table())
    print(report)
    if args.json:
        args.json.write_text(report.to_json())
    if args.report:
        from humanoid_lmm.sim.html_report import write_html_report
        from humanoid_lmm.sim.logged_validation import validate_with_log

        exec_log = validate_with_log(traj, report.mode, config=vc).log  # the plan as validated (repaired if asked)
        write_html_report(args.report, report, exec_log, str(args.sample or args.trajectory))
        log.info("wrote %s", args.report)
    if args.output:
        if report.passed:
            traj.save_npz(args.output)
            log.info("wrote %s", args.output)
        else:
            log.warning("not writing %s: the trajectory failed validation", args.output)
    if args.video or args.sheet:
        _render(args, vc, v)
    return 0 if report.passed else 1


def _render(args, vc, v) -> None:
    from humanoid_lmm.robots import load_robot_config
    from humanoid_lmm.sim.model import validation_robot
    from humanoid_lmm.sim.render import contact_sheet, render_frames, save_video

    w, h = (int(x) for x in args.size.split("x")) if args.size else (vc.render.width, vc.render.height)
    dyn = v.dynamics
    keep = dyn.times >= 0.0
    times, qpos = dyn.times[keep], dyn.qpos[keep]
    pick = np.unique(np.searchsorted(times, np.arange(0.0, times[-1] + 1e-9, 1.0 / vc.render.fps)).clip(0, len(times) - 1))
    skeleton = None
    if args.skeleton:
        joints = np.load(args.skeleton)
        idx = np.clip(np.rint(times[pick] * v.executed.fps).astype(int), 0, len(joints) - 1)
        skeleton = joints[idx]
    mj = validation_robot(load_robot_config(v.report.robot))
    labels = [f"t={t:.1f}s" for t in times[pick]]
    if args.video:
        frames = render_frames(mj, qpos[pick], w, h, skeleton=skeleton)
        save_video(frames, args.video, vc.render.fps)
        log.info("wrote %s (%d frames)", args.video, len(frames))
    if args.sheet:
        if not args.video:  # render only the frames the sheet shows
            keep8 = np.linspace(0, len(pick) - 1, min(8, len(pick))).round().astype(int)
            pick, labels = pick[keep8], [labels[i] for i in keep8]
            skeleton = None if skeleton is None else skeleton[keep8]
            frames = render_frames(mj, qpos[pick], w, h, skeleton=skeleton)
        contact_sheet(frames, args.sheet, labels=labels)
        log.info("wrote %s", args.sheet)
