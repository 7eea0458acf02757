"""Procedural text-motion corpus: 42 parameterised primitives (locomotion, upper body, lower body,
whole body) chained into 2-10 s clips at 20 fps, leg IK with planted feet, paraphrased and
hierarchical texts, written as a MotionLib dataset.

Example::

    import numpy as np
    from humanoid_lmm.motion.synth import PRIMITIVES, sample_clip, synthesize_corpus
    motion, hier, paraphrases, meta = sample_clip(np.random.default_rng(0))
    synthesize_corpus("data/corpus_2k", n=2000, seed=0)
"""

from .base import PRIMITIVES, Primitive
from .body import solve_tracks
from .corpus import clip_for_index, synthesize_corpus
from .sample import FRAME_MULTIPLE, MAX_SECONDS, MIN_SECONDS, SYNTH_FPS, build_clip, sample_clip
from .tracks import Tracks

__all__ = [
    "PRIMITIVES",
    "Primitive",
    "Tracks",
    "solve_tracks",
    "sample_clip",
    "build_clip",
    "clip_for_index",
    "synthesize_corpus",
    "SYNTH_FPS",
    "MIN_SECONDS",
    "MAX_SECONDS",
    "FRAME_MULTIPLE",
]
