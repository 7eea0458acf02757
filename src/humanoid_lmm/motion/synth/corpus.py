"""``synthesize_corpus``: write N procedural text-motion pairs as a MotionLib dataset.

Clip ``i`` is drawn from ``np.random.default_rng([seed, i])``, so the corpus is identical for any
number of workers and any prefix of a larger corpus equals the smaller one.

Example::

    from humanoid_lmm.motion.synth import synthesize_corpus
    synthesize_corpus("data/corpus_2k", n=2000, seed=0, workers=2)
"""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path

import numpy as np

from ...errors import MotionError
from ..dataset import MotionLibWriter
from .sample import SYNTH_FPS, check_primitives, sample_clip

__all__ = ["synthesize_corpus", "clip_for_index"]

_CHUNK = 64


def clip_for_index(seed: int, i: int, primitives=None):
    """The ``i``-th clip of the corpus with ``seed`` (and ``primitives``): (motion, hier, paraphrases, meta)."""
    motion, hier, texts, meta = sample_clip(np.random.default_rng([int(seed), int(i)]), primitives=primitives)
    meta = {**meta, "seed": int(seed), "index": int(i)}
    return motion, hier, texts, meta


def _chunk(args: tuple):
    seed, lo, hi, primitives = args
    return [clip_for_index(seed, i, primitives) for i in range(lo, hi)]


def synthesize_corpus(
    root: str | Path, n: int, seed: int = 0, workers: int = 1, progress: bool = True,
    shard_size: int = 1000, overwrite: bool = False, primitives=None,
) -> Path:
    """Generate ``n`` clips (20 fps, 2-10 s) into the MotionLib folder ``root``; returns ``root``.

    Args:
        root: output folder (see :mod:`humanoid_lmm.motion.dataset` for the layout).
        n: number of text-motion pairs (>= 1).
        seed: corpus seed; the same seed gives the same corpus.
        workers: processes generating clips (the main process writes); 1 = no multiprocessing.
        progress: show a tqdm progress bar.
        shard_size: pairs per shard file.
        overwrite: replace an existing dataset in ``root``.
        primitives: draw only these primitive names (a focused corpus, e.g. fast arm motions to
            rebalance tokenizer training); None = all.
    """
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise MotionError(f"synthesize_corpus: n must be an int >= 1, got {n!r}")
    if not isinstance(workers, int) or workers < 1:
        raise MotionError(f"synthesize_corpus: workers must be an int >= 1, got {workers!r}")
    if primitives is not None:
        primitives = tuple(check_primitives(primitives))
    jobs = [(int(seed), lo, min(lo + _CHUNK, int(n)), primitives) for lo in range(0, int(n), _CHUNK)]
    from humanoid_lmm.progress import progress_bar

    bar = progress_bar(total=int(n), desc="synth", unit="pair", enabled=progress)  # logs ETA even when hidden
    root = Path(root)
    with MotionLibWriter(root, shard_size=shard_size, fps=SYNTH_FPS, overwrite=overwrite) as writer:
        if workers == 1:
            results = map(_chunk, jobs)
            pool = None
        else:
            pool = mp.get_context("spawn").Pool(workers)
            results = pool.imap(_chunk, jobs)
        try:
            for clips in results:
                for motion, hier, texts, meta in clips:
                    writer.add(motion, texts, meta, hier=hier, sample_id=f"synth-{seed}-{meta['index']:07d}")
                if bar is not None:
                    bar.update(len(clips))
        finally:
            if pool is not None:
                pool.close()
                pool.join()
            if bar is not None:
                bar.close()
    return root
