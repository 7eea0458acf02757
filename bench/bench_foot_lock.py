"""Foot-skate cleanup on the built-in model's motions: skating, planted-foot slide, checks, time.

Generates every corpus primitive's own caption (42, `lmm.evaluate --primitives`) with several seeds,
decodes each motion once, and measures it raw (the motion tokenizer's decoder) and with planted feet
pinned (`motion.foot_lock.FootLock`, what `MotionGenerator` returns by default):
- skating: share of toe-contact frames (toe < 5 cm) whose toe moves faster than 0.1 m/s (motion.metrics);
- slide: the largest distance a toe travels over the ground during one of its contacts (contacts as
  the lock finds them), median and 95th percentile over the motions;
- passed: the primitive's strict behaviour check (eval.behaviour);
- ms: time of the cleanup per motion (1 thread).

    .venv/bin/python bench/bench_foot_lock.py             # 3 seeds, ~1 min
    .venv/bin/python bench/bench_foot_lock.py --seeds 10
"""
from __future__ import annotations

import argparse
import time

import numpy as np


def contact_slide(motion, config) -> float:
    """Largest horizontal travel of a toe within one contact (height and speed as the lock decides) [m]."""
    from humanoid_lmm.motion import joint_index

    toes = motion.positions()[:, [joint_index("left_foot"), joint_index("right_foot")]]
    speed = np.r_[np.zeros((1, 2)), np.linalg.norm(np.diff(toes[:, :, :2], axis=0), axis=-1) * motion.fps]
    down = (toes[:, :, 2] < config.height) & (speed < config.speed)
    worst = 0.0
    for f in range(2):
        start = None
        for t in range(len(down) + 1):
            if t < len(down) and down[t, f]:
                start = t if start is None else start
            elif start is not None:
                if t - start >= config.min_frames:
                    seg = toes[start:t, f, :2]
                    worst = max(worst, float(np.linalg.norm(seg - seg[0], axis=-1).max()))
                start = None
    return worst


def main(argv=None) -> int:
    import torch

    from humanoid_lmm.eval.behaviour import check_behaviour
    from humanoid_lmm.lmm.configuration_lmm import SamplingConfig
    from humanoid_lmm.lmm.evaluate import primitive_commands
    from humanoid_lmm.lmm.generation import MotionGenerator
    from humanoid_lmm.motion.foot_lock import FootLock
    from humanoid_lmm.motion.metrics import foot_skating

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=3)
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    gen = MotionGenerator.from_pretrained(sampling=SamplingConfig(foot_lock=False))
    lock = FootLock()
    rows = {"raw": [], "locked": []}
    times = []
    for text, check, reps in primitive_commands():
        for seed in range(args.seeds):
            raw = gen.generate(text, seed=seed)
            t0 = time.perf_counter()
            locked = lock(raw)
            times.append((time.perf_counter() - t0) * 1e3)
            for name, m in (("raw", raw), ("locked", locked)):
                rows[name].append((foot_skating(m.positions(), m.fps)["ratio"], contact_slide(m, lock.config),
                                   check_behaviour(check, m, reps).passed))
    print("| motions | skating ratio (mean) | contact slide median / p95 [cm] | checks passed |")
    print("|---|---|---|---|")
    for name, r in rows.items():
        a = np.array(r, dtype=float)
        print(f"| {name} | {a[:, 0].mean():.3f} | {np.median(a[:, 1]) * 100:.1f} / {np.percentile(a[:, 1], 95) * 100:.1f} "
              f"| {int(a[:, 2].sum())}/{len(a)} |")
    raw, locked = np.array(rows["raw"], float), np.array(rows["locked"], float)
    print(f"\nfoot lock: {len(raw)} motions; skating {raw[:, 0].mean():.3f} -> {locked[:, 0].mean():.3f}, contact slide p95 "
          f"{np.percentile(raw[:, 1], 95) * 100:.1f} -> {np.percentile(locked[:, 1], 95) * 100:.1f} cm, checks "
          f"{int(raw[:, 2].sum())} -> {int(locked[:, 2].sum())}/{len(raw)}, {np.median(times):.1f} ms per motion (median)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
