"""Quality filters for building a MotionLib: each motion gets a list of rejection reasons (empty = keep).

Checks (thresholds in :class:`FilterConfig`, units in brackets), built on :mod:`humanoid_lmm.motion.metrics`:

* ``nan``: non-finite numbers (raw arrays; a ``Motion`` cannot hold them, so :func:`check_arrays` exists);
* ``too_short`` / ``too_long``: duration [s];
* ``jitter``: mean joint jerk [m/s^3];
* ``skating``: share of contact frames whose toe moves faster than 0.1 m/s;
* ``penetration``: lowest foot joint below the floor [m] (after the motion was ground-aligned or not:
  the filter measures what it gets);
* ``floating``: lowest foot joint of the whole motion higher than ``max_float`` [m] (never touches ground).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .metrics import foot_skating, jitter, penetration
from .motion import Motion
from .skeleton import FOOT_JOINTS

__all__ = ["FilterConfig", "FilterResult", "check_arrays", "check_motion"]


@dataclass(frozen=True)
class FilterConfig:
    """Thresholds of the quality filters.

    Attributes:
        min_seconds, max_seconds: allowed duration [s].
        max_jerk_mean: mean joint jerk [m/s^3] (procedural / clean mocap at 20-30 fps is a few hundred).
        max_skate_ratio: share of contact frames with toe speed > 0.1 m/s.
        max_penetration: deepest foot joint below z = 0 [m].
        max_float: lowest foot joint over the motion may be at most this high [m].
    """

    min_seconds: float = 1.0
    max_seconds: float = 20.0
    max_jerk_mean: float = 2000.0
    max_skate_ratio: float = 0.5
    max_penetration: float = 0.05
    max_float: float = 0.3


@dataclass(frozen=True)
class FilterResult:
    """``reasons`` (empty = keep) and the measured ``values`` the decision was made on."""

    reasons: tuple[str, ...]
    values: dict

    @property
    def ok(self) -> bool:
        return not self.reasons


def check_arrays(root_pos: np.ndarray, rotations: np.ndarray) -> tuple[str, ...]:
    """Reasons found in raw arrays before building a Motion: ``("nan",)`` or ``()``."""
    if not (np.isfinite(np.asarray(root_pos, float)).all() and np.isfinite(np.asarray(rotations, float)).all()):
        return ("nan",)
    return ()


def check_motion(motion: Motion, cfg: FilterConfig = FilterConfig()) -> FilterResult:
    """Run every check on ``motion``; returns the reasons it should be rejected (possibly several)."""
    reasons: list[str] = []
    dur = motion.duration_s
    values: dict = {"duration_s": dur}
    if dur < cfg.min_seconds:
        reasons.append("too_short")
    if dur > cfg.max_seconds:
        reasons.append("too_long")
    pos = motion.positions()
    ji = jitter(pos, motion.fps)
    sk = foot_skating(pos, motion.fps)
    pe = penetration(pos)
    low = float(pos[:, list(FOOT_JOINTS), 2].min())
    values.update(jerk_mean=ji["mean"], skate_ratio=sk["ratio"], skate_mean=sk["mean"], min_foot_z=pe["min_z"])
    if ji["mean"] > cfg.max_jerk_mean:
        reasons.append("jitter")
    if sk["ratio"] > cfg.max_skate_ratio:
        reasons.append("skating")
    if pe["min_z"] < -cfg.max_penetration:
        reasons.append("penetration")
    if low > cfg.max_float:
        reasons.append("floating")
    return FilterResult(tuple(reasons), values)
