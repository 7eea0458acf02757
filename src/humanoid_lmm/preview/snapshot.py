"""Screenshots of the preview page in headless Chromium, and which of its columns the pixels show.

    image, counts = snapshot("http://127.0.0.1:8080", "preview.png")
    counts   # {"human": 5123, "plan": 11019, "execution": 10544}: pixels of each column's colour
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from humanoid_lmm.preview.browser import BrowserError, HeadlessChromium

__all__ = ["MIN_PIXELS", "column_pixels", "snapshot"]

# Hide (or show again) every element that is not a canvas or an ancestor of one: the GUI panel,
# toasts and 3D labels, whose buttons and borders share the columns' colours. visibility keeps the layout.
_OVERLAYS_JS = """(() => {{ let n = 0;
  for (const el of document.body.querySelectorAll('*')) {{
    if (el.tagName === 'CANVAS' || el.querySelector('canvas')) continue; el.style.visibility = '{0}'; n++; }}
  return n; }})()"""


def column_pixels(image: np.ndarray) -> dict[str, int]:
    """Pixels of each column's colour (scene.COLOURS: orange human, blue plan robot, green executed robot),
    judged by hue dominance so shading does not matter. image (H, W, 3) uint8 RGB."""
    r, g, b = (image[..., i].astype(int) for i in range(3))
    return {
        "human": int(((r > 150) & (r - b > 100) & (g > 80) & (g < r)).sum()),
        "plan": int(((b - r > 60) & (b - g > 25)).sum()),
        "execution": int(((g - r > 50) & (g - b > 25)).sum()),
    }


MIN_PIXELS = {"human": 400, "plan": 1200, "execution": 1200}  # at 1024x700: a robot covers ~2-3k, the skeleton ~1k


def snapshot(url: str, path: str | Path | None = None, width: int = 1024, height: int = 700, timeout: float = 45.0,
             columns=("plan", "execution"), min_pixels: dict[str, int] | None = None) -> tuple[np.ndarray, dict[str, int]]:
    """Open the preview, wait until every one of `columns` shows >= `min_pixels` pixels in the 3D scene
    (overlays hidden while counting) and the count has settled (software WebGL draws progressively); save a
    screenshot with the panel to `path` (PNG). Returns (that image, the scene's pixel counts)."""
    deadline = time.monotonic() + timeout
    with HeadlessChromium(width=width, height=height) as browser:
        page = browser.open(url)
        page.wait_for("document.querySelector('canvas') !== null", timeout=timeout)
        last = None
        while True:
            page.evaluate(_OVERLAYS_JS.format("hidden"))
            image = page.screenshot()
            counts = column_pixels(image)
            ready = all(counts[c] >= {**MIN_PIXELS, **(min_pixels or {})}[c] for c in columns)
            if ready and last is not None and abs(sum(counts.values()) - sum(last.values())) < 0.05 * sum(counts.values()):
                break
            if time.monotonic() > deadline:
                if ready:
                    break
                raise BrowserError(f"preview at {url}: the scene did not show {list(columns)} within {timeout:.0f} s "
                                   f"(pixels {counts})")
            last = counts if ready else None
            time.sleep(0.5)
        if path is not None:  # what an operator sees: with the panel
            page.evaluate(_OVERLAYS_JS.format(""))
            image = page.screenshot()
    if path is not None:
        from PIL import Image

        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(image).save(path)
    return image, counts
