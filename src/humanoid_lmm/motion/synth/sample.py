"""Drawing one procedural clip: 1-3 primitives chained and blended, IK-solved into a 20 fps Motion of
2-10 s whose length is a multiple of 4 frames, with its paraphrases, hierarchical text and meta."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ...errors import MotionError
from ..dataset import HierText
from ..motion import Motion
from . import locomotion, lower, upper, whole  # noqa: F401  (register the primitives)
from .base import PRIMITIVES, Primitive
from .body import neutral_tracks, solve_tracks
from .text import describe_sequence
from .tracks import Tracks, concat_tracks

__all__ = ["sample_clip", "build_clip", "check_primitives", "SYNTH_FPS", "MIN_SECONDS", "MAX_SECONDS", "FRAME_MULTIPLE"]

SYNTH_FPS = 20.0  # HumanML3D rate
MIN_SECONDS, MAX_SECONDS = 2.0, 10.0
FRAME_MULTIPLE = 4
BLEND_SECONDS = 0.3
_SEQ_PROBS = (0.55, 0.35, 0.10)  # 1, 2 or 3 primitives per clip


def _jsonable(p: dict) -> dict:
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in p.items()}


def build_clip(parts: list[tuple[Primitive, dict]], fps: float = SYNTH_FPS, lead_in: float = 0.2,
               built: list[Tracks] | None = None) -> Motion:
    """Chain the primitives (cross-faded), pad with standing still to >= 2 s and a multiple of 4 frames.
    ``built``: the primitives' tracks if already built at ``fps``."""
    tracks = [neutral_tracks(max(1, int(round(lead_in * fps))), fps)]
    tracks += built if built is not None else [prim.build(p, fps) for prim, p in parts]
    tr = concat_tracks(tracks, overlap_frames=int(round(BLEND_SECONDS * fps)))
    T = tr.n_frames
    target = max(T, int(np.ceil(MIN_SECONDS * fps)))
    target = int(np.ceil(target / FRAME_MULTIPLE) * FRAME_MULTIPLE)
    if target > T:
        tr = concat_tracks([tr, neutral_tracks(target - T, fps)], overlap_frames=0)
    return solve_tracks(tr)


def check_primitives(names: Sequence[str]) -> list[str]:
    """``names`` if every one is a registered primitive, else MotionError naming the unknown ones."""
    names = list(names)
    unknown = sorted(set(names) - set(PRIMITIVES))
    if not names or unknown:
        raise MotionError(f"primitives: unknown {unknown or 'empty list'}; known: {', '.join(sorted(PRIMITIVES))}")
    return names


def _draw_parts(rng: np.random.Generator, names: list[str]) -> list[tuple[Primitive, dict]]:
    k = int(rng.choice(len(_SEQ_PROBS), p=_SEQ_PROBS)) + 1
    return [(PRIMITIVES[n], PRIMITIVES[n].sample(rng)) for n in rng.choice(names, size=k)]


def sample_clip(rng: np.random.Generator, fps: float = SYNTH_FPS,
                primitives: Sequence[str] | None = None) -> tuple[Motion, HierText, list[str], dict]:
    """One random clip -> (motion, hierarchical text, paraphrases, meta). Deterministic given ``rng``.

    Draws 1-3 primitives (from ``primitives`` when given, else all); trailing ones are dropped while
    the clip would exceed 10 s.
    """
    names = sorted(PRIMITIVES) if primitives is None else sorted(check_primitives(primitives))
    limit = int(MAX_SECONDS * fps) - FRAME_MULTIPLE  # room for the lead-in and the padding
    for _ in range(20):
        parts = _draw_parts(rng, names)
        built = [prim.build(p, fps) for prim, p in parts]
        while len(parts) > 1 and sum(b.n_frames for b in built) > limit:
            parts, built = parts[:-1], built[:-1]
        if sum(b.n_frames for b in built) <= limit:
            break
    else:  # pragma: no cover - every primitive fits in 10 s with some parameters
        parts = [(PRIMITIVES["idle_stand"], {"reps": 1, "speed": "", "amp": 1.0, "dur": 3.0})]
        built = [parts[0][0].build(parts[0][1], fps)]
    motion = build_clip(parts, fps, built=built)
    texts, hier = describe_sequence(parts, rng)
    meta = {
        "source": "synth",
        "primitives": [prim.name for prim, _ in parts],
        "categories": [prim.category for prim, _ in parts],
        "params": [_jsonable(p) for _, p in parts],
    }
    return motion.with_text(texts[0]), hier, texts, meta
