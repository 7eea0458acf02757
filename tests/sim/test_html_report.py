"""The HTML validation report: self-contained, every plot present, verdict with reasons; renders in Chromium."""

import re
import shutil

import numpy as np
import pytest

from humanoid_lmm.sim.logged_validation import validate_with_log
from humanoid_lmm.sim.html_report import PLOT_IDS, render_html_report, write_html_report


@pytest.fixture(scope="module")
def fallen(g1, sample):
    return validate_with_log(sample("lean_fall", g1))


def test_report_has_every_plot_and_the_reasons(fallen):
    page = render_html_report(fallen.report, fallen.log, title="lean & fall")
    for plot_id in PLOT_IDS:
        assert f'id="plot-{plot_id}"' in page, plot_id
    assert len(re.findall(r'src="data:image/png;base64,', page)) == len(PLOT_IDS)
    assert 'class="verdict fail"' in page and "FAIL" in page
    for f in fallen.report.failures:  # every reason is listed
        assert f.check in page
    assert "lean &amp; fall" in page  # escaped
    # self-contained: no external resource of any kind
    assert not re.search(r'(src|href)="(https?:)?//', page) and "<script" not in page and "@import" not in page


def test_without_a_log_there_are_no_plots(fallen):
    page = render_html_report(fallen.report, None)
    assert "plot-" not in page and "FAIL" in page


def test_validate_cli_writes_the_report(tmp_path):
    from humanoid_lmm.cli import main

    out = tmp_path / "r" / "report.html"
    assert main(["validate", "--sample", "wave", "--robot", "g1", "--report", str(out)]) == 0
    text = out.read_text()
    assert 'class="verdict pass"' in text and all(f'id="plot-{p}"' in text for p in PLOT_IDS)


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian chromium (scripts/install.sh)")
def test_report_renders_in_headless_chromium_with_non_blank_plots(fallen, tmp_path):
    from humanoid_lmm.preview.browser import HeadlessChromium

    path = write_html_report(tmp_path / "report.html", fallen.report, fallen.log, title="lean_fall")
    with HeadlessChromium(width=1100, height=900) as browser:
        page = browser.open(path.as_uri())
        n = page.wait_for("document.readyState === 'complete' && [...document.querySelectorAll('figure.plot img')]"
                          ".every(i => i.complete && i.naturalWidth > 0) && document.querySelectorAll('figure.plot img').length",
                          timeout=30)
        assert n == len(PLOT_IDS)
        boxes = page.evaluate("[...document.querySelectorAll('figure.plot img')].map(i => {const r = i.getBoundingClientRect();"
                              " return [i.parentElement.id, r.x, r.y + window.scrollY, r.width, r.height]})")
        shot = page.screenshot(full_page=True)
        verdict = page.evaluate("getComputedStyle(document.getElementById('verdict')).backgroundColor")
    assert verdict == "rgb(198, 40, 40)"  # the red FAIL badge is styled, i.e. the inline CSS applied
    for plot_id, x, y, w, h in boxes:
        assert w > 400 and h > 80, plot_id
        crop = shot[int(y): int(y + h), int(x): int(x + w)].astype(int)
        assert crop.shape[0] > 50, plot_id
        ink = (np.abs(crop - 255).sum(axis=2) > 60).mean()  # share of clearly non-white pixels
        colours = len(np.unique(crop.reshape(-1, 3) // 32, axis=0))
        assert ink > 0.02 and colours >= 6, f"{plot_id}: looks blank (ink {ink:.3f}, {colours} colours)"
