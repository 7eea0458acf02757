"""Benchmark the LMM on CPU: time to first streamed motion chunk and motion seconds per wall second.

Goals (issue #5): first chunk <= 100 ms; >= 20x real time.

    .venv/bin/python bench/bench_lmm.py                       # built-in models/lmm
    .venv/bin/python bench/bench_lmm.py --model runs/lmm/stage2/final --threads 2 --repeats 3
    .venv/bin/python bench/bench_lmm.py --hf-generate          # compare: model.generate + LogitsProcessor
"""
from __future__ import annotations

import argparse
import statistics
import time

import torch

from humanoid_lmm.lmm import MotionGenerator, SamplingConfig

COMMANDS = ("wave your right hand", "squat twice", "turn left", "raise both arms", "kick with the left leg",
            "walk forward")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=None, help="LMM directory (default: built-in models/lmm)")
    ap.add_argument("--threads", type=int, default=1, help="torch threads (1 is fastest for small models)")
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--duration", type=float, default=4.0, help="requested motion length [s]")
    ap.add_argument("--chunk-steps", type=int, default=2)
    ap.add_argument("--hf-generate", action="store_true")
    ap.add_argument("--no-fast", action="store_true", help="HF forward + cache instead of the hand-held decoder")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    sampling = SamplingConfig(chunk_steps=args.chunk_steps, use_hf_generate=args.hf_generate,
                              fast_decoding=not args.no_fast)
    gen = MotionGenerator.from_pretrained(args.model, sampling=sampling)
    c = gen.lmm.config
    print(f"model: {gen.lmm.directory} | {type(gen.lmm.model).__name__} {gen.lmm.num_parameters() / 1e6:.2f} M params | "
          f"vocab {gen.lmm.vocab.vocab_size} | {c.steps_per_second * c.num_parts:g} motion tokens/s | "
          f"threads {args.threads} | sampler {'hf-generate' if args.hf_generate else ('hf-forward' if args.no_fast else 'fast')}")
    gen.generate("stand still", duration_s=1.0, seed=0)  # warm-up (lazy loads)

    rows = []
    for text in COMMANDS:
        firsts, speeds, whole = [], [], []
        for r in range(args.repeats):
            t0 = time.perf_counter()
            motion = gen.generate(text, duration_s=args.duration, seed=r)
            dt = time.perf_counter() - t0
            whole.append(dt)
            speeds.append(motion.duration_s / dt)
            if not args.hf_generate:
                t0 = time.perf_counter()
                it = gen.stream(text, duration_s=args.duration, seed=r)
                next(it)
                firsts.append(time.perf_counter() - t0)
                for _ in it:
                    pass
        rows.append((text, motion.duration_s, statistics.median(whole) * 1e3,
                     statistics.median(firsts) * 1e3 if firsts else float("nan"), statistics.median(speeds)))

    print("\n| command | motion [s] | generate [ms] | first chunk [ms] | x real time |")
    print("|---|---|---|---|---|")
    for text, dur, ms, first, speed in rows:
        print(f"| {text} | {dur:.2f} | {ms:.0f} | {first:.0f} | {speed:.1f} |")
    first_all = statistics.median(r[3] for r in rows)
    speed_all = statistics.median(r[4] for r in rows)
    print(f"| **median** | | | **{first_all:.0f}** (goal <= 100) | **{speed_all:.1f}** (goal >= 20) |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
