"""Regenerate docs/img/motion_skeleton.png: stick-figure frames of a procedural clip (top) and of a real
OMOMO mocap sequence from holosoma-retargeting imported by position IK (bottom).

Run: .venv/bin/python bench/motion_docs_figure.py [-o docs/img/motion_skeleton.png]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from humanoid_lmm.motion.io.holosoma import load_omomo_pt
from humanoid_lmm.motion.ops import canonical_facing, ground_align
from humanoid_lmm.motion.render import render_motion_sheet
from humanoid_lmm.motion.synth import sample_clip
from humanoid_lmm.robots.assets import demo_data_dir


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("-o", "--out", default="docs/img/motion_skeleton.png")
    args = ap.parse_args(argv)
    synth, hier, _, _ = sample_clip(np.random.default_rng(0))
    omomo = sorted(demo_data_dir().glob("OMOMO_new/*.pt"))[0]
    real = load_omomo_pt(omomo)
    mocap = ground_align(canonical_facing(real.motion), mode="percentile")
    rows = [
        (f"procedural: {hier.overall}", render_motion_sheet(synth, n=6, cols=6, size=180)),
        (f"real mocap {omomo.name} via IK (residual {real.residual_mm:.1f} mm)",
         render_motion_sheet(mocap, n=6, cols=6, size=180)),
    ]
    w = max(r.size[0] for _, r in rows)
    h = sum(r.size[1] + 18 for _, r in rows)
    img = Image.new("RGB", (w, h), (255, 255, 255))
    d = ImageDraw.Draw(img)
    y = 0
    for title, sheet in rows:
        d.text((6, y + 3), title, fill=(0, 0, 0))
        img.paste(sheet, (0, y + 18))
        y += sheet.size[1] + 18
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    img.quantize(colors=64).save(out, optimize=True)
    print(f"{out}: {img.size[0]}x{img.size[1]} px, {out.stat().st_size / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
