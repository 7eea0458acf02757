"""Matplotlib figures of an `ExecutionLog` (Agg backend, no display): the plots of the HTML report.

Each function returns a `matplotlib.figure.Figure`; `figure_png(fig)` turns it into PNG bytes.
"""

from __future__ import annotations

import io

import numpy as np

from humanoid_lmm.sim.execution_log import ExecutionLog, joint_groups

__all__ = ["com_support_figure", "contacts_figure", "events_figure", "figure_png", "support_margin",
           "torque_figure", "tracking_figure"]

_W = 10.0  # figure width [inch]; at 80 dpi an 800 px wide plot


def _figure(rows: int, height: float):
    from matplotlib.figure import Figure  # object API: no pyplot state, no GUI backend

    fig = Figure(figsize=(_W, height), dpi=80, layout="constrained")
    axes = fig.subplots(rows, 1, sharex=True, squeeze=False)[:, 0]
    return fig, axes


def figure_png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _short(name: str) -> str:
    return name.removesuffix("_joint").replace("left_", "L ").replace("right_", "R ")


def _mark_times(ax, times_s) -> None:
    for t in times_s:
        ax.axvline(t, color="tab:red", lw=0.8, ls=":", alpha=0.8)


def tracking_figure(log: ExecutionLog, mark_s=()):
    """Measured (solid) and reference (dashed) joint angles [rad], one panel per joint group."""
    groups = joint_groups(log.joint_names)
    fig, axes = _figure(len(groups), 1.9 * len(groups) + 0.6)
    for ax, (group, idx) in zip(axes, groups.items()):
        for c, j in enumerate(idx):
            color = f"C{c % 10}"
            ax.plot(log.times, log.q[:, j], color=color, lw=1.2, label=_short(log.joint_names[j]))
            ax.plot(log.times, log.q_ref[:, j], color=color, lw=1.0, ls="--")
        ax.set_ylabel(f"{group}\n[rad]")
        ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=7, frameon=False)
        _mark_times(ax, mark_s)
    axes[0].set_title("joint tracking: measured (solid) vs reference (dashed)")
    axes[-1].set_xlabel("time [s] (negative: settling before the plan)")
    return fig


def torque_figure(log: ExecutionLog):
    """|tau| / tau_max [%] per joint, one panel per group; the red line is the limit."""
    groups = joint_groups(log.joint_names)
    fig, axes = _figure(len(groups), 1.7 * len(groups) + 0.6)
    ratio = 100.0 * np.abs(log.tau) / np.maximum(log.tau_max, 1e-9)
    for ax, (group, idx) in zip(axes, groups.items()):
        for c, j in enumerate(idx):
            ax.plot(log.times, ratio[:, j], color=f"C{c % 10}", lw=1.0,
                    label=f"{_short(log.joint_names[j])} ({log.tau_max[j]:g} N*m)")
        ax.axhline(100.0, color="tab:red", lw=1.2)
        ax.set_ylim(0, max(110.0, float(ratio[:, idx].max()) * 1.05))
        ax.set_ylabel(f"{group}\n|tau|/limit [%]")
        ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=7, frameon=False)
    axes[0].set_title("joint torques against their limits")
    axes[-1].set_xlabel("time [s]")
    return fig


def support_margin(com_xy: np.ndarray, polygons: np.ndarray) -> np.ndarray:
    """(K,) signed distance [m] of the CoM ground projection to each step's support polygon edge
    (positive inside, negative outside, NaN without a polygon of >= 3 vertices). polygons (K, P, 2) CCW."""
    out = np.full(len(com_xy), np.nan)
    for k, (c, poly) in enumerate(zip(com_xy, polygons)):
        p = poly[~np.isnan(poly).any(axis=1)]
        if len(p) < 3:
            continue
        a, b = p, np.roll(p, -1, axis=0)
        edge = b - a
        length = np.linalg.norm(edge, axis=1)
        cross = (edge[:, 0] * (c[1] - a[:, 1]) - edge[:, 1] * (c[0] - a[:, 0])) / np.maximum(length, 1e-12)
        out[k] = float(cross.min())
    return out


def com_support_figure(log: ExecutionLog, snapshots: int = 6):
    """Top view: CoM ground track and support polygons at a few instants; below: the CoM's margin."""
    from matplotlib import colormaps
    from matplotlib.figure import Figure

    fig = Figure(figsize=(_W, 7.0), dpi=80, layout="constrained")
    top, bottom = fig.subplots(2, 1, height_ratios=[2.2, 1.0])
    cmap = colormaps["viridis"]
    t0, t1 = float(log.times[0]), float(log.times[-1])
    for k in np.linspace(0, log.n_steps - 1, snapshots).round().astype(int):
        poly = log.support[k][~np.isnan(log.support[k]).any(axis=1)]
        if len(poly):
            closed = np.vstack([poly, poly[:1]])
            color = cmap((log.times[k] - t0) / max(t1 - t0, 1e-9))
            top.fill(closed[:, 0], closed[:, 1], color=color, alpha=0.12)
            top.plot(closed[:, 0], closed[:, 1], color=color, lw=1.0, label=f"support t={log.times[k]:.1f}s")
    top.scatter(log.com[:, 0], log.com[:, 1], c=log.times, cmap=cmap, s=4, label="CoM (colour = time)")
    top.plot(*log.com[0, :2], "ko", ms=5, label="CoM start")
    top.plot(*log.com[-1, :2], "kx", ms=7, label="CoM end")
    top.set_aspect("equal", adjustable="datalim")
    top.set_xlabel("x [m] (forward)")
    top.set_ylabel("y [m] (left)")
    top.set_title("centre of mass and support polygon (top view)")
    top.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=7, frameon=False)
    margin = 100.0 * support_margin(log.com[:, :2], log.support)
    bottom.plot(log.times, margin, color="tab:blue", lw=1.2)
    bottom.axhline(0.0, color="tab:red", lw=1.0)
    bottom.set_ylabel("CoM margin to\nsupport edge [cm]")
    bottom.set_xlabel("time [s] (positive: inside the support polygon)")
    return fig


def contacts_figure(log: ExecutionLog):
    """Foot-floor contact over time, one bar row per foot."""
    fig, (ax,) = _figure(1, 1.8)
    dt = log.dt or 0.01
    for row, foot in enumerate(("left foot", "right foot")):
        on = log.contacts[:, row].astype(np.int8)
        edges = np.flatnonzero(np.diff(np.concatenate([[0], on, [0]])))
        spans = [(float(log.times[a]), float(log.times[b - 1] - log.times[a] + dt)) for a, b in zip(edges[::2], edges[1::2])]
        ax.broken_barh(spans, (row - 0.35, 0.7), color="tab:green" if row == 0 else "tab:orange")
    ax.set_yticks([0, 1], ["left foot", "right foot"])
    ax.set_xlim(float(log.times[0]), float(log.times[-1]) + dt)
    ax.set_xlabel("time [s]")
    ax.set_title("foot contacts with the floor")
    return fig


def events_figure(log: ExecutionLog, failures=()):
    """Clip / safety events (one row per kind) and the failed checks' instants."""
    rows = sorted({e.kind for e in log.events}) + sorted({f.check for f in failures if f.time_s is not None})
    rows = list(dict.fromkeys(rows)) or ["(no events)"]
    fig, (ax,) = _figure(1, 0.9 + 0.35 * len(rows))
    for e in log.events:
        ax.plot(e.time_s, rows.index(e.kind), "|", color="tab:purple", ms=14, mew=2)
    for f in failures:
        if f.time_s is not None:
            ax.plot(f.time_s, rows.index(f.check), "v", color="tab:red", ms=8)
    ax.set_yticks(range(len(rows)), rows)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.set_xlim(float(log.times[0]), float(log.times[-1]))
    ax.set_xlabel("time [s]")
    ax.set_title("clip / safety events (|) and failed checks (v)")
    return fig
