"""Regenerate docs/img/retarget_g1.png: the scaled human skeleton (orange) beside the retargeted G1 at the same
frames of a real OMOMO box-lifting sequence (holosoma demo data), rendered offscreen with MuJoCo.

Run: MUJOCO_GL=osmesa .venv/bin/python bench/retarget_docs_figure.py [-o docs/img/retarget_g1.png] [--robot g1]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from PIL import Image

from humanoid_lmm.motion.io import load_motion
from humanoid_lmm.motion.ops import ground_align
from humanoid_lmm.retarget import retarget
from humanoid_lmm.robots import build_mujoco_model, demo_data_dir, load_robot_config
from humanoid_lmm.sim.render import contact_sheet, render_frames


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("-o", "--out", default="docs/img/retarget_g1.png")
    ap.add_argument("--robot", default="g1", choices=["g1", "h1"])
    ap.add_argument("--sequence", default="sub3_largebox_003.pt", help="file name under the demo OMOMO_new/ folder")
    ap.add_argument("--frames", default="0,60,100,140", help="frame indices to show (30 fps)")
    args = ap.parse_args(argv)
    picks = [int(k) for k in args.frames.split(",")]
    motion = load_motion(demo_data_dir() / "OMOMO_new" / args.sequence).motion
    motion = motion.slice(0, min(motion.n_frames, max(picks) + 1))
    traj = retarget(motion, args.robot, fps=30)
    mj = build_mujoco_model(load_robot_config(args.robot), actuators="none")
    qpos = []
    for k in picks:
        mj.set_state(traj.root_pos[k], traj.root_quat[k], traj.q[k])
        qpos.append(mj.data.qpos.copy())
    # The human skeleton scaled like the IK targets (ground-aligned, scaled about the origin; before the robot's
    # arm-length, hip and shoulder-width corrections), drawn beside the robot at each frame.
    skeleton = ground_align(motion).positions()[picks] * float(traj.meta["scale"])
    frames = [render_frames(mj, qpos[i][None], width=360, height=320, skeleton=skeleton[i:i + 1], azimuth=150.0)[0]
              for i in range(len(picks))]
    out = contact_sheet(frames, args.out, cols=len(picks), n=len(picks),
                        labels=[f"frame {k} ({k / 30:.1f} s): human (scaled) | {args.robot.upper()}" for k in picks])
    img = Image.open(out).convert("P", palette=Image.ADAPTIVE, colors=128)
    img.save(out, optimize=True)
    print(f"wrote {out} ({Path(out).stat().st_size / 1024:.0f} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
