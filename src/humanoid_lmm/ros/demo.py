"""`humanoid-lmm demo`: the README's main job.

Starts the whole ROS 2 graph in simulation (built-in motion model, MuJoCo robot on the Unitree DDS topics
over loopback), sends one command the way any other node would (`/humanoid/command`), waits until the
simulated robot has executed it, and prints per-stage latency, the validation verdict, the tracking error
and where the video of the simulated execution and the HTML report are.

    humanoid-lmm demo                                   # "wave your right hand" on a G1
    humanoid-lmm demo --robot h1 --text "raise both arms" --video out/h1.mp4
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

STAGE_ORDER = ("command", "generate", "retarget", "validate", "stream")


def _artifacts(plan_msg, motion_msg, robot: str, video: Path, report: Path, text: str):
    """The simulated execution of the validated plan (the robot-side controllers on the simulation model, the
    same run validation judged), filmed at 640x480 beside the human skeleton, and the HTML report."""
    from humanoid_lmm.ros.convert import msg_to_motion, msg_to_plan
    from humanoid_lmm.sim.artifacts import write_execution_artifacts
    from humanoid_lmm.sim.render import ensure_headless_gl

    ensure_headless_gl()
    motion = msg_to_motion(motion_msg, text) if motion_msg is not None else None
    v, r = write_execution_artifacts(msg_to_plan(plan_msg, robot), video.parent, motion=motion, title=text,
                                     video_name=video.name, report_name=report.name)
    if report.parent != video.parent:
        r = r.replace(report)
    return v, r


def _summary(statuses: list[dict], video: Path | None, report: Path | None = None) -> str:
    by_stage = {s["stage"]: s for s in statuses}
    lines = ["", "stage       ok     latency"]
    for stage in STAGE_ORDER:
        s = by_stage.get(stage)
        if s is None:
            lines.append(f"{stage:<11} -      (no status)")
            continue
        lines.append(f"{stage:<11} {'yes' if s['ok'] else 'NO ':<6} {s.get('ms', float('nan')):8.1f} ms"
                     + (f"   {s['error']}" if not s["ok"] and s.get("error") else ""))
    v = by_stage.get("validate", {})
    st = by_stage.get("stream", {})
    lines += [
        "",
        f"execution plan     : {v.get('mode', '-')} ({v.get('reason', '-')})",
        f"validation verdict : {v.get('verdict', '-')}: {v.get('execution', '-')}; repairs {v.get('repairs', [])}",
        f"tracking error     : {st.get('tracking_rmse_rad', float('nan')):.4f} rad RMS, "
        f"max {st.get('tracking_max_rad', float('nan')):.4f} rad (driven joints, simulated robot, rt/lowstate)",
        f"robot upright      : {st.get('upright', '-')} (measured from the simulated pelvis: dropped "
        f"{st.get('base_drop_m', float('nan')):.3f} m, drifted {st.get('base_drift_m') or float('nan'):.3f} m, "
        f"max tilt {st.get('max_tilt_rad', float('nan')):.3f} rad)",
        f"safety-filter clips: {st.get('clip_events', '-')}",
        f"video              : {video if video else '-'} (simulated execution, 640x480, human skeleton beside)",
        f"report             : {report if report else '-'}",
    ]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    import rclpy
    from rclpy.node import Node
    from trajectory_msgs.msg import JointTrajectory, MultiDOFJointTrajectory

    from humanoid_lmm.ros import qos, topics
    from humanoid_lmm.ros.client import send_command
    from humanoid_lmm.ros.launcher import Launcher, LaunchArgs

    print(f"humanoid-lmm demo: robot={args.robot}, command={args.text!r}, simulated robot on DDS loopback")
    statuses: list[dict] = []
    validated: list[JointTrajectory] = []
    motions: list = []
    t0 = time.perf_counter()
    with Launcher(LaunchArgs(robot=args.robot, mode="sim", composed=args.composed, domain_id=args.domain)):
        rclpy.init()
        watcher = Node("humanoid_demo")
        watcher.create_subscription(JointTrajectory, topics.VALIDATED, validated.append, qos.PLANS)
        watcher.create_subscription(MultiDOFJointTrajectory, topics.MOTION, motions.append, qos.PLANS)
        try:
            for status in send_command(args.text, timeout=args.timeout, discovery_timeout=120.0):
                statuses.append(status)
                print(f"  {status['stage']:<9} {'ok' if status['ok'] else 'FAILED'} "
                      f"{status.get('ms', 0):8.1f} ms  {json.dumps({k: v for k, v in status.items() if k in ('text', 'verdict', 'frames', 'error', 'reason')})}")
            rclpy.spin_once(watcher, timeout_sec=0.5)
        finally:
            watcher.destroy_node()
            rclpy.shutdown()
    print(f"graph up + command done in {time.perf_counter() - t0:.1f} s")
    video = report = None
    if validated and args.video:
        video, report = _artifacts(validated[-1], motions[-1] if motions else None, args.robot, Path(args.video),
                                   Path(args.report), args.text)
    print(_summary(statuses, video, report))
    ok = bool(statuses) and all(s["ok"] for s in statuses) and statuses[-1]["stage"] == "stream"
    return 0 if ok else 1


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="the main job: a text command through the whole graph on a simulated robot")
    p.add_argument("--robot", choices=["g1", "h1"], default="g1")
    p.add_argument("--text", default="wave your right hand")
    p.add_argument("--video", default="out/demo.mp4",
                   help="video of the simulated execution ('' = no video and no report)")
    p.add_argument("--report", default="out/report.html", help="HTML validation report of that execution")
    p.add_argument("--composed", action="store_true", help="all nodes in one process")
    p.add_argument("--domain", type=int, default=1, help="DDS domain of the simulated robot")
    p.add_argument("--timeout", type=float, default=180.0, help="[s] for the command to finish")
    p.set_defaults(func=run)
