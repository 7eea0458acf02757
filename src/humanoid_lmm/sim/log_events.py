"""Pieces of an `ExecutionLog` computed from a physics run: support polygons and torque-limit events."""

from __future__ import annotations

import numpy as np
from scipy.spatial import ConvexHull, QhullError

from humanoid_lmm.sim.execution_log import LogEvent

__all__ = ["support_polygon", "torque_limit_events"]


def support_polygon(points: np.ndarray, size: int) -> np.ndarray:
    """(size, 2) counter-clockwise convex hull of contact points (N, 2) [m], NaN-padded (all NaN if N = 0)."""
    out = np.full((size, 2), np.nan)
    pts = np.unique(np.round(np.asarray(points, float).reshape(-1, 2), 5), axis=0)
    if len(pts) >= 3:
        try:
            pts = pts[ConvexHull(pts).vertices]  # 2-D hulls come counter-clockwise
        except QhullError:  # collinear: keep the two ends of the segment
            axis = int(np.argmax(np.ptp(pts, axis=0)))
            pts = pts[[np.argmin(pts[:, axis]), np.argmax(pts[:, axis])]]
    pts = pts[:size]
    out[: len(pts)] = pts
    return out


def torque_limit_events(times, tau, tau_max, names, rel_tol: float = 1e-3, per_joint: int = 10) -> list[LogEvent]:
    """One "torque_limit" event per run of steps in which a joint's torque sat at its limit (clipped)."""
    sat = np.abs(tau) >= np.asarray(tau_max) * (1.0 - rel_tol)
    dt = float(times[1] - times[0]) if len(times) > 1 else 0.0
    events = []
    for j, name in enumerate(names):
        edges = np.flatnonzero(np.diff(np.concatenate([[0], sat[:, j].astype(np.int8), [0]])))
        for start, stop in list(zip(edges[::2], edges[1::2]))[:per_joint]:
            span = float(times[stop - 1] - times[start]) + dt
            events.append(LogEvent(float(times[start]), "torque_limit",
                                   f"{name} clipped at {tau_max[j]:g} N*m for {span:.2f} s", name))
    return events
