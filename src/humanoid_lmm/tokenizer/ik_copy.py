"""IK copy of a corpus: every motion re-expressed with the rotation conventions of the position importer.

Real mocap reaches us as joint positions and is converted to SMPL rotations by
``humanoid_lmm.motion.io.ik.positions_to_motion`` (zero twist about each bone, Kabsch at branching
joints). The procedural generator writes other, equally valid twists. The d135 features carry those
unobservable twists, so a tokenizer trained only on generator output reconstructs IK-imported motions
badly (docs/tokenizer.md). This module writes a MotionLib copy of a corpus whose motions have the
*same joint positions* but the importer's rotations (FK positions -> analytic IK), with the same
sample ids, sequence ids and train/val/test split, to train on both.
"""

from __future__ import annotations

import json
import multiprocessing as mp
from pathlib import Path

from ..motion.dataset import MotionLibDataset, MotionLibWriter

__all__ = ["ik_copy_corpus"]


def _convert(args: tuple[str, int, int]):
    from ..motion.io.ik import positions_to_motion  # importer stage of humanoid_lmm.motion

    root, lo, hi = args
    ds = MotionLibDataset(root, split=None)
    out = []
    for i in range(lo, hi):
        sample = ds[i]
        m = sample.motion
        ik = positions_to_motion(m.positions(), m.fps, scale=1.0, refine_steps=0, text=m.text)
        out.append((ik.motion, sample.texts, sample.meta, ds.samples[i]["seq"], sample.id))
    return out


def ik_copy_corpus(src: str | Path, dst: str | Path, workers: int = 1, overwrite: bool = False) -> Path:
    """Write the IK copy of the MotionLib dataset ``src`` into ``dst``; returns ``dst``."""
    ds = MotionLibDataset(src, split=None)
    n = len(ds)
    jobs = [(str(src), lo, min(lo + 64, n)) for lo in range(0, n, 64)]
    with MotionLibWriter(dst, fps=ds.fps, overwrite=overwrite) as w:
        pool = mp.get_context("spawn").Pool(workers) if workers > 1 else None
        try:
            results = pool.imap(_convert, jobs) if pool else map(_convert, jobs)
            for chunk in results:
                for motion, texts, meta, seq, sid in chunk:
                    w.add(motion, texts, {**meta, "ik_copy_of": str(src)}, seq_id=seq, sample_id=sid)
        finally:
            if pool:
                pool.close()
                pool.join()
    # keep the source's split of every sample (the writer re-derives splits with default fractions)
    index_path = Path(dst) / "index.json"
    index = json.loads(index_path.read_text(encoding="utf-8"))
    split = {s["id"]: s["split"] for s in ds.samples}
    for s in index["samples"]:
        s["split"] = split[s["id"]]
    index_path.write_text(json.dumps(index), encoding="utf-8")
    return Path(dst)
