"""Held-out primitive combinations for the generalisation table, and training corpora without them.

A combination is an unordered pair of distinct primitives appearing in one clip (a clip of 2-3
primitives holds 1-3 pairs). One pair in five is held out, chosen by a hash of the pair's names, so the
choice is fixed and independent of any corpus. A training corpus drops every clip holding a held-out
pair (single-primitive clips always stay: every primitive is seen); the out-of-distribution test clips
are 2-primitive clips of a held-out pair, the in-distribution ones 2-primitive clips of a kept pair.

    humanoid-lmm eval subset --data data/lmm_s0_16k --out data/scale_4k --n 4000 --drop-held-out
"""
from __future__ import annotations

import hashlib
from itertools import combinations
from pathlib import Path

__all__ = ["is_held_out", "clip_held_out", "write_subset", "combination_clips", "HELD_OUT_MODULUS"]

HELD_OUT_MODULUS = 5   # one pair in five


def is_held_out(a: str, b: str) -> bool:
    if a == b:
        return False
    key = "|".join(sorted((a, b))).encode()
    return int.from_bytes(hashlib.sha1(key).digest()[:4], "big") % HELD_OUT_MODULUS == 0


def clip_held_out(primitives) -> bool:
    return any(is_held_out(a, b) for a, b in combinations(list(primitives), 2))


def write_subset(src: str | Path, out: str | Path, n: int | None = None, drop_held_out: bool = True,
                 overwrite: bool = False) -> dict:
    """Copy the first ``n`` clips of ``src`` (after dropping clips with a held-out pair) into ``out``,
    keeping ids, texts, meta and therefore splits. Returns counts."""
    from humanoid_lmm.motion.dataset import MotionLibDataset, MotionLibWriter

    ds = MotionLibDataset(src, None)
    kept = dropped = 0
    with MotionLibWriter(out, fps=ds.index["fps"], overwrite=overwrite) as w:
        for i in range(len(ds)):
            if n is not None and kept >= n:
                break
            s = ds[i]
            meta = dict(getattr(s, "meta", None) or {})
            if drop_held_out and clip_held_out(meta.get("primitives", [])):
                dropped += 1
                continue
            w.add(s.motion, list(s.texts), meta, hier=s.hier, sample_id=ds.samples[i]["id"],
                  seq_id=ds.samples[i]["seq"])
            kept += 1
    return {"kept": kept, "dropped": dropped, "out": str(out)}


def combination_clips(held_out: bool, n: int, seed: int = 1, start: int = 10000):
    """``n`` 2-primitive clips of corpus ``seed`` from index ``start`` on (past the evaluator's corpus,
    so no model saw them) whose pair is (``held_out``) or is not held out, as EvalClips."""
    from humanoid_lmm.motion.synth import clip_for_index

    from .t2m import EvalClips

    out, i = EvalClips([], [], []), start
    while len(out.ids) < n:
        motion, hier, texts, meta = clip_for_index(seed, i)
        p = meta["primitives"]
        if len(p) == 2 and p[0] != p[1] and is_held_out(*p) == held_out:
            out.motions.append(motion)
            out.texts.append(list(texts) + [hier.overall])
            out.ids.append(f"synth-{seed}-{i:07d}")
        i += 1
    return out
