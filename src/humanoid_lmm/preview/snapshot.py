"""Screenshots of the preview page in headless Chromium, and which of its columns the pixels show.

    image, counts = snapshot("http://127.0.0.1:8080", "preview.png")
    counts   # {"human": 5123, "plan": 11019, "execution": 10544}: pixels of each column's colour
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from humanoid_lmm.preview.browser import BrowserError, HeadlessChromium

__all__ = ["column_pixels", "snapshot"]


def column_pixels(image: np.ndarray) -> dict[str, int]:
    """Pixels of each column's colour (scene.COLOURS: orange human, blue plan robot, green executed robot),
    judged by hue dominance so shading does not matter. image (H, W, 3) uint8 RGB."""
    r, g, b = (image[..., i].astype(int) for i in range(3))
    return {
        "human": int(((r > 150) & (r - b > 100) & (g > 80) & (g < r)).sum()),
        "plan": int(((b - r > 60) & (b - g > 25)).sum()),
        "execution": int(((g - r > 50) & (g - b > 25)).sum()),
    }


def snapshot(url: str, path: str | Path | None = None, width: int = 1024, height: int = 700, timeout: float = 45.0,
             min_pixels: int = 1500, columns=("plan", "execution")) -> tuple[np.ndarray, dict[str, int]]:
    """Open the preview, wait until every one of `columns` shows >= `min_pixels` pixels and the count has
    settled (the software renderer draws progressively), save the screenshot to `path` (PNG) and return it."""
    deadline = time.monotonic() + timeout
    with HeadlessChromium(width=width, height=height) as browser:
        page = browser.open(url)
        page.wait_for("document.querySelector('canvas') !== null", timeout=timeout)
        last = None
        while True:
            image = page.screenshot()
            counts = column_pixels(image)
            ready = all(counts[c] >= min_pixels for c in columns)
            if ready and last is not None and abs(sum(counts.values()) - sum(last.values())) < 0.05 * sum(counts.values()):
                break
            if time.monotonic() > deadline:
                if ready:
                    break
                raise BrowserError(f"preview at {url}: the scene did not show {list(columns)} within {timeout:.0f} s "
                                   f"(pixels {counts})")
            last = counts if ready else None
            time.sleep(0.5)
    if path is not None:
        from PIL import Image

        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(image).save(path)
    return image, counts
