"""Pillow stick-figure renderer: joint positions -> images and contact sheets (no matplotlib, no GPU).

Orthographic projection of our z-up world seen from a camera at azimuth ``azim`` [deg] (0 = looking at
the body's front from +x; 90 = from the left side, +y) and elevation ``elev`` [deg]. Left limbs are drawn
blue, right limbs red, the spine grey, the floor (z = 0) as a line.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
from PIL import Image, ImageDraw

from ..errors import MotionError
from .motion import Motion
from .skeleton import NUM_JOINTS, SMPL_JOINT_NAMES, SMPL_PARENTS

__all__ = ["project", "render_frame", "contact_sheet", "render_motion_sheet"]

_LEFT, _RIGHT, _MID = (40, 90, 200), (200, 50, 40), (90, 90, 90)


def _color(j: int) -> tuple[int, int, int]:
    n = SMPL_JOINT_NAMES[j]
    return _LEFT if n.startswith("left") else _RIGHT if n.startswith("right") else _MID


def project(points: np.ndarray, azim: float = 30.0, elev: float = 10.0) -> np.ndarray:
    """(..., 3) world points [m] -> (..., 2) image-plane coordinates [m] (u right, v up)."""
    a, e = np.radians(azim), np.radians(elev)
    view = np.array([np.cos(a) * np.cos(e), np.sin(a) * np.cos(e), np.sin(e)])  # towards the camera
    right = np.array([-np.sin(a), np.cos(a), 0.0])
    up = np.cross(view, right)
    return np.stack([points @ right, points @ up], -1)  # viewer sees the body's left on the image right


def render_frame(positions: np.ndarray, size: int = 256, azim: float = 30.0, elev: float = 10.0,
                 center: np.ndarray | None = None, extent: float = 2.2, label: str = "") -> Image.Image:
    """(22, 3) joint positions [m] -> RGB image ``size`` x ``size`` px showing ``extent`` metres.

    ``center`` (3,) is the world point at the image centre (default: pelvis xy at 0.9 m height).
    """
    pos = np.asarray(positions, dtype=np.float64)
    if pos.shape != (NUM_JOINTS, 3):
        raise MotionError(f"render_frame: expected (22, 3) positions, got {pos.shape}")
    if center is None:
        center = np.array([pos[0, 0], pos[0, 1], 0.9])
    k = size / extent
    uv = project(pos - center, azim, elev)
    px = np.stack([size / 2 + uv[:, 0] * k, size / 2 - uv[:, 1] * k], -1)
    img = Image.new("RGB", (size, size), (250, 250, 247))
    d = ImageDraw.Draw(img)
    # floor: project a ground square around the pelvis
    g = np.array([[-1, -1, 0], [1, -1, 0], [1, 1, 0], [-1, 1, 0]], float) * [extent / 2, extent / 2, 1]
    g = g + [center[0], center[1], 0.0]
    guv = project(g - center, azim, elev)
    gpx = [(size / 2 + u * k, size / 2 - v * k) for u, v in guv]
    d.polygon(gpx, fill=(225, 228, 222), outline=(190, 190, 185))
    w = max(2, size // 80)
    order = np.argsort(-(pos @ np.array([np.cos(np.radians(azim)), np.sin(np.radians(azim)), 0.0])))
    for j in order:  # far bones first
        p = SMPL_PARENTS[j]
        if p >= 0:
            d.line([tuple(px[p]), tuple(px[j])], fill=_color(j), width=w)
    r = w
    for j in range(NUM_JOINTS):
        x, y = px[j]
        d.ellipse([x - r, y - r, x + r, y + r], fill=_color(j))
    if label:
        d.text((4, 4), label, fill=(20, 20, 20))
    return img


def contact_sheet(images: Sequence[Image.Image], cols: int = 4, pad: int = 4) -> Image.Image:
    """Tile equally sized images into a grid (row-major)."""
    if not images:
        raise MotionError("contact_sheet: no images")
    w, h = images[0].size
    rows = (len(images) + cols - 1) // cols
    sheet = Image.new("RGB", (cols * w + (cols + 1) * pad, rows * h + (rows + 1) * pad), (255, 255, 255))
    for i, im in enumerate(images):
        r, c = divmod(i, cols)
        sheet.paste(im, (pad + c * (w + pad), pad + r * (h + pad)))
    return sheet


def render_motion_sheet(motion: Motion, n: int = 8, cols: int = 4, size: int = 200, azim: float = 30.0,
                        elev: float = 10.0, extent: float = 2.2) -> Image.Image:
    """``n`` evenly spaced frames of ``motion`` as a contact sheet, each labelled with its time [s]."""
    pos = motion.positions()
    idx = np.linspace(0, motion.n_frames - 1, n).round().astype(int)
    return contact_sheet([render_frame(pos[i], size, azim, elev, extent=extent, label=f"t={i / motion.fps:.2f}s")
                          for i in idx], cols)
