"""`humanoid-lmm demo`: the README's main job.

Starts the whole ROS 2 graph in simulation (built-in motion model, MuJoCo robot on the Unitree DDS topics
over loopback), sends one command the way any other node would (`/humanoid/command`), waits until the
simulated robot has executed it, and prints per-stage latency, the validation verdict, the tracking error
and where the video is.

    humanoid-lmm demo                                   # "wave your right hand" on a G1
    humanoid-lmm demo --robot h1 --text "raise both arms" --video out/h1.mp4
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

STAGE_ORDER = ("command", "generate", "retarget", "validate", "stream")


def _render(trajectory_msg, robot: str, path: Path, fps: float = 12.5) -> Path:
    """Offscreen MuJoCo video of the validated trajectory (a partial, upper-body one holds the legs)."""
    import numpy as np

    from humanoid_lmm.robots import build_mujoco_model, load_robot_config
    from humanoid_lmm.ros.convert import msg_to_trajectory
    from humanoid_lmm.sim.render import ensure_headless_gl, render_frames, save_video

    ensure_headless_gl()
    cfg = load_robot_config(robot)
    traj = msg_to_trajectory(trajectory_msg, robot)
    mj = build_mujoco_model(cfg, actuators="none")
    step = max(1, int(round(traj.fps / fps)))
    qpos = np.tile(mj.data.qpos, (len(range(0, traj.n_frames, step)), 1))
    for k, t in enumerate(range(0, traj.n_frames, step)):
        for i, name in enumerate(traj.joint_names):
            qpos[k, mj.qpos_index[cfg.joint_index(name)]] = traj.q[t, i]
    path.parent.mkdir(parents=True, exist_ok=True)
    return save_video(render_frames(mj, qpos, width=320, height=240), path, fps=traj.fps / step)


def _summary(statuses: list[dict], video: Path | None) -> str:
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
        f"video              : {video if video else '-'}",
    ]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    import rclpy
    from rclpy.node import Node
    from trajectory_msgs.msg import JointTrajectory

    from humanoid_lmm.ros import qos, topics
    from humanoid_lmm.ros.client import send_command
    from humanoid_lmm.ros.launcher import Launcher, LaunchArgs

    print(f"humanoid-lmm demo: robot={args.robot}, command={args.text!r}, simulated robot on DDS loopback")
    statuses: list[dict] = []
    validated: list[JointTrajectory] = []
    t0 = time.perf_counter()
    with Launcher(LaunchArgs(robot=args.robot, mode="sim", composed=args.composed, domain_id=args.domain)):
        rclpy.init()
        watcher = Node("humanoid_demo")
        watcher.create_subscription(JointTrajectory, topics.VALIDATED, validated.append, qos.PLANS)
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
    video = None
    if validated and args.video:
        video = _render(validated[-1], args.robot, Path(args.video))
    print(_summary(statuses, video))
    ok = bool(statuses) and all(s["ok"] for s in statuses) and statuses[-1]["stage"] == "stream"
    return 0 if ok else 1


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="the main job: a text command through the whole graph on a simulated robot")
    p.add_argument("--robot", choices=["g1", "h1"], default="g1")
    p.add_argument("--text", default="wave your right hand")
    p.add_argument("--video", default="out/demo.mp4", help="render the validated motion here ('' = no video)")
    p.add_argument("--composed", action="store_true", help="all nodes in one process")
    p.add_argument("--domain", type=int, default=1, help="DDS domain of the simulated robot")
    p.add_argument("--timeout", type=float, default=180.0, help="[s] for the command to finish")
    p.set_defaults(func=run)
