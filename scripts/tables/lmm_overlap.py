"""Which clips of the evaluator corpus (seed 1) show a motion that is also in the LMM's training corpus
(seed 0, 50,000 clips)? Procedural primitives with only discrete parameters (held poses, salutes) give
identical motions in both seeds; those clips are left out of the t2m test set.

    python scripts/tables/lmm_overlap.py --out models/evaluator/lmm_overlap.json
"""
import argparse
import hashlib
import json

import numpy as np

from humanoid_lmm.eval.t2m import EVAL_CLIPS, EVAL_SEED
from humanoid_lmm.motion.dataset import split_of
from humanoid_lmm.motion.synth import clip_for_index


def digest(m) -> str:
    return hashlib.sha1(np.asarray(m.root_pos, np.float32).tobytes() + np.asarray(m.rotations, np.float32).tobytes()).hexdigest()


ap = argparse.ArgumentParser()
ap.add_argument("--lmm-seed", type=int, default=0)
ap.add_argument("--lmm-clips", type=int, default=50000)
ap.add_argument("--out", required=True)
args = ap.parse_args()
lmm = {digest(clip_for_index(args.lmm_seed, i)[0]) for i in range(args.lmm_clips)}
out = {"lmm_corpus": f"synthesize_corpus(n={args.lmm_clips}, seed={args.lmm_seed})", "lmm_distinct_motions": len(lmm)}
for split in ("test", "val", "train"):
    ids = [f"synth-{EVAL_SEED}-{i:07d}" for i in range(EVAL_CLIPS) if split_of(f"synth-{EVAL_SEED}-{i:07d}") == split]
    shared = [s for s in ids if digest(clip_for_index(EVAL_SEED, int(s.rsplit("-", 1)[1]))[0]) in lmm]
    out[split] = {"clips": len(ids), "shared_with_lmm": len(shared)}
    if split != "train":
        out[split]["ids"] = shared
    print(split, out[split]["clips"], len(shared), flush=True)
with open(args.out, "w") as f:
    json.dump(out, f, indent=1)
