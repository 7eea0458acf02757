"""The preview page in headless Chromium: it loads, the scene appears, and the pixels show the robots."""

import shutil
from dataclasses import replace

import pytest

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian chromium (scripts/install.sh)")]


def test_preview_page_shows_human_plan_and_execution(wave_plan, tmp_path):
    from humanoid_lmm.preview.scene import PreviewServer
    from humanoid_lmm.preview.snapshot import column_pixels, snapshot

    plan, _ = wave_plan
    server = PreviewServer(port=0, on_confirm=lambda pid: "ok")
    try:
        server.show(plan)
        server.set_time(1.2)
        image, counts = snapshot(server.url, tmp_path / "preview.png", columns=("human", "plan", "execution"))
        assert (tmp_path / "preview.png").stat().st_size > 10_000
        assert counts["plan"] > 1200 and counts["execution"] > 1200 and counts["human"] > 400, counts
        # the same page without the robots: the robot colours disappear (the pixel check can fail)
        server.show(replace(plan, trajectory=None, execution=None))
        server.set_time(1.2)
        _, bare = snapshot(server.url, columns=("human",))
        assert bare["plan"] < 50 and bare["execution"] < 50, bare
        assert column_pixels(image)["plan"] >= counts["plan"]  # the saved image is the page with its panel
    finally:
        server.close()
