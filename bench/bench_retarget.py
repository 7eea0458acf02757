"""Retargeting speed (frames/s on one core) and quality (metrics per demo sequence and robot).

Run:  .venv/bin/python bench/bench_retarget.py [--frames 150] [--repeats 3] [--robot g1]
      .venv/bin/python bench/bench_retarget.py --metrics      # the quality table of docs/retargeting.md

Speed: one process pinned to one core, BLAS/OpenMP threads 1; the first call warms up (model, convex hulls), then
the median of `--repeats` timed calls of `retarget()` on the first `--frames` frames of a real holosoma demo
sequence (includes the human-target preprocessing, ~5% of the time). Rows: the full QP IK (limits, stance
contacts, orientation tasks, collision avoidance), the same without collision avoidance, and a plain damped
least-squares baseline on the same position targets (no limits, no contacts, 3 iterations, warm start).
Goal in the issue: >= 3,000 frames/s with limits and contacts.
"""

from __future__ import annotations

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import glob  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import pinocchio as pin  # noqa: E402

from humanoid_lmm.motion.io import load_motion  # noqa: E402
from humanoid_lmm.retarget import load_retarget_config, retarget, retarget_metrics, robot_for  # noqa: E402
from humanoid_lmm.robots import demo_data_dir  # noqa: E402


def demo_sequences(n_climb: int = 2) -> list[str]:
    root = demo_data_dir()
    return sorted(glob.glob(str(root / "OMOMO_new" / "*.pt"))) + sorted(glob.glob(str(root / "climb" / "*" / "*.npy")))[:n_climb]


def dls(robot: str, targets: np.ndarray, joints: tuple, iterations: int = 3, damping: float = 1e-3) -> np.ndarray:
    """Baseline: damped least squares on the stacked position tasks, warm-started frame to frame. (T, nq)."""
    cfg, pr, h, _ = robot_for(robot)
    model, data = pr.model, pr.data
    frames = [pr.frame_id(cfg.smpl_map[j]) for j in joints]
    q = pr.configuration([*targets[0, 0, :2], h], [1, 0, 0, 0], cfg.default_q)
    out = np.empty((len(targets), model.nq))
    eye = damping * np.eye(3 * len(frames))
    for t in range(len(targets)):
        for _ in range(iterations):
            pin.computeJointJacobians(model, data, q)
            pin.updateFramePlacements(model, data)
            J = np.vstack([pin.getFrameJacobian(model, data, f, pin.LOCAL_WORLD_ALIGNED)[:3] for f in frames])
            e = (targets[t] - np.stack([data.oMf[f].translation for f in frames])).ravel()
            q = pin.integrate(model, q, J.T @ np.linalg.solve(J @ J.T + eye, e))
        out[t] = q
    return out


def _timed(fn, repeats: int) -> tuple[float, float]:
    """(median wall s, median process CPU s) of `repeats` calls after one warm-up call."""
    fn()
    walls, cpus = [], []
    for _ in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus)


def speed(robot: str, frames: int, repeats: int) -> None:
    path = demo_sequences()[1]
    motion = load_motion(path).motion
    motion = motion.slice(0, min(frames, motion.n_frames))
    cfg = load_retarget_config()
    no_coll = dataclasses.replace(cfg, collision_gain=0.0)
    ref = retarget(motion, robot, fps=30, config=cfg)
    targets, joints = ref.meta["targets"], ref.meta["target_joints"]
    rows = [("QP IK: limits + contacts + collision avoidance", lambda: retarget(motion, robot, fps=30, config=cfg)),
            ("QP IK: limits + contacts, no collision avoidance", lambda: retarget(motion, robot, fps=30, config=no_coll)),
            ("DLS baseline: position tasks only, 3 it., warm start", lambda: dls(robot, targets, joints))]
    n = motion.n_frames
    print(f"# {platform.processor() or platform.machine()}, python {platform.python_version()}, "
          f"cores allowed {sorted(os.sched_getaffinity(0))}, {robot}, {path.split('/')[-1]} first {n} frames, "
          f"median of {repeats}")
    print("| method | ms/frame (wall) | frames/s (wall) | frames/s (CPU) | goal 3,000 frames/s |")
    print("|---|---|---|---|---|")
    for name, fn in rows:
        wall, cpu = _timed(fn, repeats)
        ok = "met" if n / wall >= 3000 else "not met"
        print(f"| {name} | {1e3 * wall / n:.2f} | {n / wall:,.0f} | {n / cpu:,.0f} | {ok} |")


def metrics(frames: int) -> None:
    print(f"# first {frames} frames of each demo sequence at 30 fps; self-collisions checked on every frame "
          f"(all non-adjacent URDF mesh pairs)")
    print("| robot | sequence | frames | MPJPE mm (max) | stance slide mm/frame (max) | penetration mm | "
          "limit / velocity violations | self-collision frames | jerk rad/s^3 | frames/s (wall) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for robot in ("g1", "h1"):
        for path in demo_sequences():
            motion = load_motion(path).motion
            motion = motion.slice(0, min(frames, motion.n_frames))
            retarget(motion.slice(0, 2), robot, fps=30)  # warm-up (model, hulls)
            t = time.perf_counter()
            traj = retarget(motion, robot, fps=30)
            wall = time.perf_counter() - t
            m = retarget_metrics(traj, collision_every=1)
            print(f"| {robot} | {path.split('/')[-1][:28]} | {m.frames} | {m.mpjpe_mm:.0f} ({m.mpjpe_max_mm:.0f}) | "
                  f"{m.foot_slide_mm_per_frame:.2f} ({m.foot_slide_max_mm_per_frame:.1f}) | {m.penetration_mm:.1f} | "
                  f"{m.limit_violations} / {m.velocity_violations} | {m.self_collision_frames} | "
                  f"{m.jerk_rad_s3:.0f} | {m.frames / wall:.0f} |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--frames", type=int, default=150)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--robot", default="g1", choices=["g1", "h1"])
    ap.add_argument("--metrics", action="store_true", help="print the quality table instead of the speed table")
    args = ap.parse_args()
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    if args.metrics:
        metrics(args.frames)
    else:
        speed(args.robot, args.frames, args.repeats)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
