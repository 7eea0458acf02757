"""Text -> first joint target latency of the whole graph in simulation (issue #9 bench).

Starts the graph (`humanoid-lmm up --sim` equivalent), sends one uncounted warm-up command (it also waits
for the graph to come up), then N commands one after the other on
/humanoid/command and measures, per command, the time from publishing the text to the streamer's first
status (the validated trajectory handed to the safety filter; its first target leaves on the next 2 ms
tick), plus each stage's own time. Prints a table with p50 / p95.

    .venv/bin/python bench/bench_e2e_latency.py --n 5 --robot g1
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

COMMANDS = ["wave your right hand", "raise both arms", "squat", "bow", "turn left", "clap your hands",
            "kick with your left leg", "nod"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=5)
    ap.add_argument("--robot", default="g1", choices=["g1", "h1"])
    args = ap.parse_args()

    import rclpy

    from humanoid_lmm.ros.client import send_command
    from humanoid_lmm.ros.launcher import Launcher, LaunchArgs

    os.environ.setdefault("ROS_DOMAIN_ID", "42")
    rows = []
    with Launcher(LaunchArgs(robot=args.robot, mode="sim", domain_id=43)):
        rclpy.init()
        try:
            for _ in send_command("stand still", timeout=120, discovery_timeout=180):
                pass  # warm-up: waits for the graph to come up; not counted
            for i in range(args.n):
                text = COMMANDS[i % len(COMMANDS)]
                t0 = time.perf_counter()
                stages, first_target = {}, None
                for s in send_command(text, timeout=120, discovery_timeout=180):
                    stages.setdefault(s["stage"], s.get("ms", float("nan")))
                    if s["stage"] == "stream" and first_target is None:
                        first_target = (time.perf_counter() - t0) * 1e3
                rows.append((text, first_target, stages))
        finally:
            rclpy.shutdown()
    print(f"\n{'command':<26}{'first target ms':>16}" + "".join(f"{k:>11}" for k in ("command", "generate", "retarget", "validate")))
    for text, ft, st in rows:
        print(f"{text:<26}{ft:>16.0f}" + "".join(f"{st.get(k, float('nan')):>11.0f}" for k in ("command", "generate", "retarget", "validate")))
    lat = np.array([r[1] for r in rows if r[1] is not None])
    print(f"\ntext -> first joint target: p50 {np.percentile(lat, 50):.0f} ms, p95 {np.percentile(lat, 95):.0f} ms "
          f"over {len(lat)} commands ({args.robot}, {os.cpu_count()} CPUs; goal p50 <= 150 ms)")


if __name__ == "__main__":
    main()
