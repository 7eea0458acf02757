"""Building blocks shared by the primitives: the ``Primitive`` spec, the registry, time envelopes and
keyframe interpolation (all vectorised over frames)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .body import blend_dirs, neutral_tracks
from .tracks import Tracks, mirror_tracks

__all__ = [
    "Primitive",
    "PRIMITIVES",
    "register",
    "ease",
    "keyframes",
    "dir_keyframes",
    "frames_for",
    "start",
    "bump",
    "SPEEDS",
    "sample_common",
]

# speed word -> time scale (durations are divided by it)
SPEEDS = {"slowly": 0.65, "": 1.0, "quickly": 1.45}


@dataclass(frozen=True)
class Primitive:
    """One parameterised motion primitive with its text templates.

    ``build(params, fps) -> Tracks`` in the local frame. ``imperative`` / ``descriptive`` are verb-phrase
    templates (second person command / third person) with the placeholders ``{side}``, ``{reps}``,
    ``{speed}``, ``{dur}``; ``upper`` / ``lower`` describe the upper and lower body for the hierarchical
    text. ``sample(rng) -> params`` draws parameters (including ``reps``, ``speed``, ``amp``, ``dur``).
    """

    name: str
    category: str  # "locomotion" | "upper" | "lower" | "whole"
    build: Callable[[dict, float], Tracks]
    sample: Callable[[np.random.Generator], dict]
    imperative: tuple[str, ...]
    descriptive: tuple[str, ...]
    upper: str
    lower: str
    side: str = ""  # "left" | "right" | "both" | ""
    holds: bool = False  # whether "{dur}" is meaningful (a held pose)
    tags: tuple[str, ...] = field(default_factory=tuple)


PRIMITIVES: dict[str, Primitive] = {}


def register(
    name: str, category: str, build, sample, imperative, descriptive, upper: str, lower: str,
    side: str = "", holds: bool = False, mirror: bool = False,
) -> Primitive:
    """Add a primitive to :data:`PRIMITIVES`. ``mirror=True``: ``build`` makes the right-side version and
    the left-side one is its mirror image."""
    if name in PRIMITIVES:
        raise ValueError(f"primitive {name!r} registered twice")
    fn = (lambda p, fps, _b=build: mirror_tracks(_b(p, fps))) if mirror else build
    prim = Primitive(name, category, fn, sample, tuple(imperative), tuple(descriptive), upper, lower, side, holds)
    PRIMITIVES[name] = prim
    return prim


def sample_common(rng: np.random.Generator, reps=(1, 4), dur=(1.5, 4.0), amp=(0.7, 1.15)) -> dict:
    """Parameters most primitives take: repetitions, speed word, amplitude, hold duration [s]."""
    return {
        "reps": int(rng.integers(reps[0], reps[1] + 1)),
        "speed": str(rng.choice(list(SPEEDS), p=[0.2, 0.6, 0.2])),
        "amp": float(rng.uniform(*amp)),
        "dur": float(int(rng.integers(int(dur[0] * 2), int(dur[1] * 2) + 1)) / 2),
    }


def ease(x):
    """Smooth 0 -> 1 ramp (cosine), clipped outside [0, 1]."""
    x = np.clip(x, 0.0, 1.0)
    return 0.5 - 0.5 * np.cos(np.pi * x)


def bump(u):
    """Smooth 0 -> 1 -> 0 over u in [0, 1] (zero outside)."""
    u = np.clip(u, 0.0, 1.0)
    return np.sin(np.pi * u) ** 2


def frames_for(duration_s: float, fps: float) -> int:
    return max(2, int(round(duration_s * fps)))


def start(duration_s: float, fps: float) -> tuple[Tracks, np.ndarray]:
    """Neutral tracks for ``duration_s`` and the time grid t (T,) [s]."""
    T = frames_for(duration_s, fps)
    return neutral_tracks(T, fps), np.arange(T) / fps


def keyframes(t: np.ndarray, times, values) -> np.ndarray:
    """Piecewise eased interpolation through keyframes (held before the first / after the last).

    ``times`` (K,) increasing [s]; ``values`` (K, ...) -> (T, ...).
    """
    times = np.asarray(times, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    i = np.clip(np.searchsorted(times, t, side="right") - 1, 0, len(times) - 2)
    span = np.maximum(times[i + 1] - times[i], 1e-9)
    u = ease((t - times[i]) / span)
    u = u.reshape(u.shape + (1,) * (values.ndim - 1))
    return values[i] * (1 - u) + values[i + 1] * u


def dir_keyframes(t: np.ndarray, times, dirs) -> np.ndarray:
    """Like :func:`keyframes` for unit directions (K, 3) -> (T, 3), interpolated on the sphere."""
    times = np.asarray(times, dtype=np.float64)
    dirs = np.asarray(dirs, dtype=np.float64)
    i = np.clip(np.searchsorted(times, t, side="right") - 1, 0, len(times) - 2)
    span = np.maximum(times[i + 1] - times[i], 1e-9)
    return blend_dirs(dirs[i], dirs[i + 1], ease((t - times[i]) / span))
