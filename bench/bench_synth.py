"""Speed of the procedural corpus: clips/s for sampling alone and pairs/s for writing a corpus.

Usage::

    .venv/bin/python bench/bench_synth.py --n 2000 --workers 1 2
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from humanoid_lmm.motion.dataset import MotionLibDataset
from humanoid_lmm.motion.synth import clip_for_index, synthesize_corpus


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000, help="pairs per corpus run")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    rows = []
    n_sample = min(args.n, 500)
    t0 = time.perf_counter()
    frames = sum(clip_for_index(args.seed, i)[0].n_frames for i in range(n_sample))
    dt = time.perf_counter() - t0
    rows.append(("sample_clip only", 1, n_sample, dt, n_sample / dt, frames / n_sample / 20.0, "-"))
    for w in args.workers:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "corpus"
            t0 = time.perf_counter()
            synthesize_corpus(root, args.n, seed=args.seed, workers=w, progress=False)
            dt = time.perf_counter() - t0
            ds = MotionLibDataset(root, split=None)
            mean_s = float(np.mean(ds.lengths)) / ds.fps
            size = sum(p.stat().st_size for p in root.iterdir()) / 2**20
            rows.append(("synthesize_corpus", w, args.n, dt, args.n / dt, mean_s, f"{size:.0f}"))
    print(f"{'what':<20} {'workers':>7} {'pairs':>7} {'seconds':>8} {'pairs/s':>8} {'mean clip s':>11} {'MiB':>6}")
    for what, w, n, dt, rate, mean_s, size in rows:
        print(f"{what:<20} {w:>7} {n:>7} {dt:>8.1f} {rate:>8.1f} {mean_s:>11.2f} {size:>6}")


if __name__ == "__main__":
    main()
