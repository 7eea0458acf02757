"""Text-to-motion table of the built-in LMM (models/lmm) scored by the built-in evaluator (models/evaluator).

    .venv/bin/python bench/bench_t2m.py                     # 128 test captions x 3 generations, ~2 min on an idle CPU core
    .venv/bin/python bench/bench_t2m.py --texts 256 --samples 5 --m2t

Test captions: the first ``--texts`` clips of the evaluator corpus' test split (regenerated, offline);
rows Real / shuffled texts / tokenizer round trip / ours; 20 replications of batches of 32; mean±95 % CI.
The last line is ``R@1 <ours> (real <real>), FID <ours>``.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def main() -> None:
    import torch

    from humanoid_lmm.eval.evaluator import TextMotionEvaluator
    from humanoid_lmm.eval.t2m import corpus_split, evaluate_m2t, evaluate_t2m, excluded_ids, format_rows
    from humanoid_lmm.lmm.modeling_lmm import LargeMotionModel

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=None)
    ap.add_argument("--texts", type=int, default=128)
    ap.add_argument("--samples", type=int, default=3)
    ap.add_argument("--replications", type=int, default=20)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--m2t", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    t0 = time.time()
    lmm = LargeMotionModel.from_pretrained(args.model)
    ev = TextMotionEvaluator.from_pretrained()
    ex = excluded_ids()
    test = corpus_split(split="test", limit=args.texts, exclude=ex)
    floor = corpus_split(split="val", limit=args.texts, exclude=ex)
    rows = evaluate_t2m(lmm, ev, test, floor, args.samples, args.replications, log=lambda *a: None)
    info = rows.pop("_info")
    print(f"{info['clips']} captions x {args.samples} generations, {args.replications} replications, batches of 32 "
          f"(generation {info['generation_s']:.0f} s for {info['generated_motion_s']:.0f} s of motion)\n")
    print(format_rows(rows))
    if args.m2t:
        m = evaluate_m2t(lmm, ev, test, args.replications)
        print(f"\nmotion-to-text: R@1 {m['R@1']}, R@3 {m['R@3']}, BLEU-4 {m['BLEU-4']:.3f}, ROUGE-L {m['ROUGE-L']:.3f}")
    print(f"\ntotal {time.time() - t0:.0f} s")
    print(f"R@1 {rows['ours']['R@1'].mean:.3f} (real {rows['Real']['R@1'].mean:.3f}), FID {rows['ours']['FID'].mean:.3f}")


if __name__ == "__main__":
    main()
