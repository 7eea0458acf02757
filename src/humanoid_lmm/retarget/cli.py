"""`humanoid-lmm retarget motion.npz --robot g1 -o traj.npz [--fps 50] [--csv traj.csv] [--report]`.

Any motion file `humanoid-lmm data` can read (our npz, AMASS npz, BVH, HumanML3D joints, holosoma demos).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path


def run(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from humanoid_lmm.motion.io import load_motion
    from humanoid_lmm.retarget import load_retarget_config, retarget, retarget_metrics

    loaded = load_motion(args.motion)
    motion = loaded.motion if hasattr(loaded, "motion") else loaded
    t0 = time.perf_counter()
    traj = retarget(motion, robot=args.robot, fps=args.fps, config=load_retarget_config(args.config))
    dt = time.perf_counter() - t0
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    traj.save_npz(out)
    if args.csv:
        traj.save_csv(args.csv)
    console = Console()
    console.print(f"{args.motion} -> {out}: {traj.n_frames} frames at {traj.fps:g} fps, {args.robot} "
                  f"({traj.n_frames / dt:.0f} frames/s)")
    if args.report:
        m = retarget_metrics(traj)
        table = Table(title=f"retargeting report ({args.robot})")
        table.add_column("metric")
        table.add_column("value", justify="right")
        for k, v in m.as_dict().items():
            table.add_row(k, f"{v:.2f}" if isinstance(v, float) else str(v))
        console.print(table)
        Path(out.with_suffix(".report.json")).write_text(json.dumps(m.as_dict(), indent=2))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("retarget", help="retarget a human motion file to the G1 or H1 (Pinocchio QP IK)")
    p.add_argument("motion", help="motion file (npz, AMASS npz, BVH, holosoma .pt/.npy)")
    p.add_argument("--robot", choices=["g1", "h1"], default="g1")
    p.add_argument("-o", "--output", required=True, help="RobotTrajectory .npz (motor order)")
    p.add_argument("--fps", type=float, default=None, help="output rate [Hz] (default: the motion's)")
    p.add_argument("--csv", help="also write a CSV in motor order")
    p.add_argument("--report", action="store_true", help="print and save metrics (<output>.report.json)")
    p.add_argument("--config", help="retarget config (default config/retarget.yaml)")
    p.set_defaults(func=run)
