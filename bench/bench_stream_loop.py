"""500 Hz stream-loop period jitter: UnitreeBridge (lowcmd, G1, stand policy) + in-process SimRobot over DDS.

    .venv/bin/python bench/bench_stream_loop.py --seconds 10 [--domain 123] [--load]

--load adds a busy thread (stand-in for the rest of the stack in the same process). Prints a table of
tick-to-tick periods (p50/p99/max) and the deviation from the nominal 2 ms. Honest numbers: Python + GIL.
"""

from __future__ import annotations

import argparse
import random
import threading
import time

import numpy as np

from humanoid_lmm.control.config import load_control_config
from humanoid_lmm.control.sim_robot import SimRobot
from humanoid_lmm.control.unitree_bridge import UnitreeBridge
from humanoid_lmm.execution import ExecutionPlan
from humanoid_lmm.robots import RobotTrajectory, load_robot_config


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--domain", type=int, default=random.randint(50, 200))
    ap.add_argument("--load", action="store_true", help="busy numpy thread in the same process")
    args = ap.parse_args()
    cfg, ctl = load_robot_config("g1"), load_control_config()
    sim = SimRobot(cfg, ctl, args.domain, "lo")
    sim.start()
    bridge = UnitreeBridge(cfg, ctl, "lowcmd", args.domain, "lo", motion_switcher=False)
    bridge.start()
    T = int(args.seconds * 50) + 1
    q = np.tile(bridge.executor.stand.stand_pose(), (T, 1))
    q[:, 18] += 0.3 * (1 - np.cos(np.arange(T) / 50 * np.pi))
    ref = RobotTrajectory(cfg.name, 50.0, tuple(cfg.joint_names), q, np.tile([0.0, 0, 0.76], (T, 1)),
                          np.tile([1.0, 0, 0, 0], (T, 1)), np.ones((T, 2), bool))
    bridge.play(ExecutionPlan(mode="upper_body", reason="bench", reference=ref))
    stop = threading.Event()
    if args.load:
        def busy():
            a = np.random.rand(200, 200)
            while not stop.is_set():
                a = a @ a.T / 200.0
        threading.Thread(target=busy, daemon=True).start()
    time.sleep(1.0)
    bridge.loop.reset_stats()
    sim.loop.reset_stats()
    time.sleep(args.seconds)
    stop.set()
    rows = [("bridge rt/lowcmd", bridge.loop), ("sim-robot rt/lowstate", sim.loop)]
    print(f"\n500 Hz loops, {args.seconds:g} s, load={'busy thread' if args.load else 'none'} (nominal 2.000 ms)")
    print("| loop | ticks | period p50 [ms] | p99 [ms] | max [ms] | |dev| p99 [ms] | overruns |")
    print("|---|---|---|---|---|---|---|")
    for name, loop in rows:
        p = loop.periods() * 1e3
        dev = np.abs(p - 2.0)
        print(f"| {name} | {len(p)} | {np.percentile(p, 50):.3f} | {np.percentile(p, 99):.3f} | {p.max():.3f} | "
              f"{np.percentile(dev, 99):.3f} | {loop.overruns} |")
    print(f"events: {bridge.events.counters()}  sim: {sim.stats()}")
    bridge.close()
    sim.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
