"""`humanoid-lmm validate`: execute a plan in MuJoCo as the robot would, with optional repair, report and video.

The input is a retargeted RobotTrajectory (.npz; the planner picks its execution mode, or --mode forces one)
or an ExecutionPlan (.npz written by `-o`). Validation runs the robot-side controllers of
config/execution.yaml on the robot's simulation model, free-standing (H1: on the gantry, named in the report).

Examples:
  humanoid-lmm validate wave_g1.npz --robot g1
  humanoid-lmm validate wave_g1.npz --robot g1 --video wave.mp4 --sheet wave.png --json report.json
  humanoid-lmm validate fast_g1.npz --robot g1 --repair -o plan_g1.npz      # the validated plan, for `stream`
  humanoid-lmm validate --sample too_fast --robot g1 --repair              # built-in test motions
  humanoid-lmm validate wave_g1.npz --skeleton human_joints.npy --video side_by_side.mp4
  humanoid-lmm validate wave_g1.npz --transport arm_sdk                    # as the real G1 runs it by default
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
    p.add_argument("--sample", help="validate a built-in synthetic motion instead of a file (wave, squat, too_fast, over_limits, self_collision, lean_fall)")
    p.add_argument("--mode", default="auto", choices=["auto", "upper_body", "locomotion", "whole_body"],
                   help="auto: the planner decides (config/execution.yaml planner); else force this mode")
    p.add_argument("--transport", default="lowcmd", choices=["lowcmd", "arm_sdk"],
                   help="how the plan reaches the robot: the stack's controllers on rt/lowcmd, or rt/arm_sdk "
                        "over the (simulated) built-in controller")
    p.add_argument("--config", type=Path, help="validation YAML (default config/validate.yaml)")
    p.add_argument("--repair", action="store_true", help="try time scaling / amplitude scaling / upper-body mode")
    p.add_argument("-o", "--output", type=Path, help="write the (repaired) ExecutionPlan .npz, only if it passes")
    p.add_argument("--json", type=Path, help="write the ValidationReport as JSON")
    p.add_argument("--report", type=Path, help="write a self-contained HTML report with plots (sim/html_report.py)")
    p.add_argument("--video", type=Path, help="render the simulated execution (.mp4 or .gif)")
    p.add_argument("--sheet", type=Path, help="PNG contact sheet of the simulated execution")
    p.add_argument("--skeleton", type=Path, help=".npy (T, 22, 3) human joint positions drawn beside the robot")
    p.add_argument("--size", default=None, help="video size WxH (default from the config's render section)")
    p.set_defaults(func=run)


def _load(args):
    """The ExecutionPlan to validate: a plan file as it is, or a trajectory through the planner."""
    import json

    from humanoid_lmm.errors import ConfigError
    from humanoid_lmm.execution import ExecutionPlan
    from humanoid_lmm.retarget import plan_execution
    from humanoid_lmm.robots import RobotTrajectory, load_robot_config
    from humanoid_lmm.sim.samples import make_sample

    if args.sample:
        traj = make_sample(args.sample, load_robot_config(args.robot or "g1"))
    elif args.trajectory is None:
        raise ConfigError("give a trajectory or plan .npz, or --sample NAME")
    else:
        with np.load(args.trajectory, allow_pickle=False) as z:
            is_plan = "header" in z.files
        if is_plan:
            plan = ExecutionPlan.load_npz(args.trajectory)
            if args.robot and args.robot != plan.robot:
                raise ConfigError(f"--robot {args.robot} but {args.trajectory} is a {plan.robot} plan")
            log.info("plan header: %s", json.dumps(plan.header()))
            return plan
        traj = RobotTrajectory.load_npz(args.trajectory)
        if args.robot and args.robot != traj.robot:
            raise ConfigError(f"--robot {args.robot} but {args.trajectory} is a {traj.robot} trajectory")
    mode = None if args.mode == "auto" else args.mode
    return plan_execution(traj, mode=mode, why="--mode on the command line" if mode else "")


def run(args) -> int:
    from rich.console import Console

    from humanoid_lmm.sim.repair import validate_and_repair
    from humanoid_lmm.sim.validate import resolve_config, run_validation

    vc = resolve_config(args.config)
    plan = _load(args)
    want_log = bool(args.report)
    if args.repair:
        plan, report = validate_and_repair(plan, vc, transport=args.transport)
        v = None
        if args.video or args.sheet or args.report:  # the run of the plan that passed (or the original)
            v = run_validation(plan, vc, transport=args.transport, log=want_log)
            v.report.repairs = report.repairs
    else:
        v = run_validation(plan, vc, transport=args.transport, log=want_log)
        report = v.report
    Console().print(report.rich_table())
    print(report)
    if args.json:
        args.json.write_text(report.to_json())
    if args.report:
        from humanoid_lmm.sim.html_report import write_html_report

        write_html_report(args.report, report, v.dynamics.log, str(args.sample or args.trajectory))
        log.info("wrote %s", args.report)
    if args.output:
        if report.passed:
            plan.save_npz(args.output)
            log.info("wrote %s", args.output)
        else:
            log.warning("not writing %s: the plan failed validation", args.output)
    if args.video or args.sheet:
        _render(args, vc, v)
    return 0 if report.passed else 1


def _render(args, vc, v) -> None:
    from humanoid_lmm.robots import build_sim_model, load_robot_config
    from humanoid_lmm.sim.render import contact_sheet, render_frames, save_video

    w, h = (int(x) for x in args.size.split("x")) if args.size else (vc.render.width, vc.render.height)
    dyn = v.dynamics
    keep = dyn.times >= 0.0
    times, qpos = dyn.times[keep], dyn.qpos[keep]
    pick = np.unique(np.searchsorted(times, np.arange(0.0, times[-1] + 1e-9, 1.0 / vc.render.fps)).clip(0, len(times) - 1))
    skeleton = None
    if args.skeleton:
        joints = np.load(args.skeleton)
        pt = dyn.rollout.plan_time[keep]
        tracked = np.flatnonzero(~np.isnan(pt))
        first = times[tracked[0]] if tracked.size else 0.0
        pt = np.where(np.isnan(pt), np.where(times < first, 0.0, v.executed.duration_s), pt)  # before / after
        idx = np.clip(np.rint(pt[pick] * v.executed.fps).astype(int), 0, len(joints) - 1)
        skeleton = joints[idx]
    mj = build_sim_model(load_robot_config(v.report.robot), gantry=v.plan.assist == "gantry")
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
