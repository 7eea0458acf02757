"""Validation speed: plan seconds validated per wall-clock second (target >= 20x for G1).

Run:  .venv/bin/python bench/bench_validate.py [--seconds 10] [--repeats 3]
Validates the plans of the synthetic wave (upper-body) and squat (whole-body) of sim.samples with the full
pipeline (limits, kinematic contact replay, then execution by the robot-side controllers incl. settle, soft
start and return) and prints a table; ratios = plan duration / time taken, by wall clock and by this process's
CPU time (the machine's 2 cores are shared: wall varies with load).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

from humanoid_lmm.retarget import plan_execution
from humanoid_lmm.robots import load_robot_config
from humanoid_lmm.sim import run_validation
from humanoid_lmm.sim.samples import make_sample


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--robots", default="g1,h1")
    args = ap.parse_args()
    print(f"# {platform.processor() or platform.machine()}, python {platform.python_version()}")
    print(f"| robot | motion | traj s | kinematic ms | dynamic ms | total ms (median of {args.repeats}) | x real time (wall) | x real time (CPU) | verdict |")
    print("|---|---|---|---|---|---|---|---|---|")
    for robot in args.robots.split(","):
        cfg = load_robot_config(robot)
        for motion in ("wave", "squat"):
            _row(robot, motion, plan_execution(make_sample(motion, cfg, seconds=args.seconds, fps=30.0)), args.repeats)
    return 0


def _row(robot, motion, traj, repeats) -> None:
    """One table row: median wall time of `repeats` full validations (kinematic-only timed separately)."""
    run_validation(traj)  # warm-up: model build and caches
    walls, kins, cpus = [], [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        run_validation(traj, dynamic=False)
        kins.append(time.perf_counter() - t0)
        t0, c0 = time.perf_counter(), time.process_time()
        v = run_validation(traj)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    wall, kin, cpu = statistics.median(walls), statistics.median(kins), statistics.median(cpus)
    print(f"| {robot} | {motion} | {traj.duration_s:.1f} | {kin * 1e3:.0f} | {(wall - kin) * 1e3:.0f} | {wall * 1e3:.0f} | "
          f"{traj.duration_s / wall:.1f} | {traj.duration_s / cpu:.1f} | {v.report.verdict} ({v.report.mode}) |")


if __name__ == "__main__":
    raise SystemExit(main())
