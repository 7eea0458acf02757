"""``humanoid-lmm data ...``: build MotionLib datasets from motion files or the procedural corpus.

Examples::

    humanoid-lmm data build mocap/ -o data/mocap_lib --fps 20
    humanoid-lmm data synth --n 2000 -o data/corpus_2k --seed 0 --workers 2
    humanoid-lmm data convert walk.bvh -o walk.npz          # any supported file -> npz / bvh / amass npz
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from humanoid_lmm.progress import add_progress_args, log_to_file

__all__ = ["register", "corpus_plausibility"]


def corpus_plausibility(root: str | Path, limit: int | None = None) -> dict[str, np.ndarray]:
    """Kinematic metrics of every sample (or the first ``limit``) of a MotionLib folder, all splits."""
    from .dataset import MotionLibDataset
    from .filters import check_motion

    ds = MotionLibDataset(root, split=None)
    n = len(ds) if limit is None else min(limit, len(ds))
    cols: dict[str, list] = {}
    rejected: list[str] = []
    for i in range(n):
        res = check_motion(ds[i].motion)
        for k, v in res.values.items():
            cols.setdefault(k, []).append(v)
        rejected.extend(res.reasons)
    out = {k: np.asarray(v, dtype=np.float64) for k, v in cols.items()}
    out["_rejected"] = np.asarray(rejected)
    return out


def _print_table(metrics: dict[str, np.ndarray]) -> None:
    print(f"{'metric':<14}{'mean':>12}{'p95':>12}{'max':>12}")
    for k, v in metrics.items():
        if k.startswith("_") or v.size == 0:
            continue
        print(f"{k:<14}{v.mean():>12.4g}{np.percentile(v, 95):>12.4g}{v.max():>12.4g}")
    rej = metrics.get("_rejected", np.array([]))
    if rej.size:
        names, counts = np.unique(rej, return_counts=True)
        print("filter rejections: " + ", ".join(f"{a} {b}" for a, b in zip(names, counts)))
    else:
        print("filter rejections: none")


def _cmd_build(args) -> int:
    from .build import build_motionlib

    report = build_motionlib(args.folder, args.out, fps=args.fps, clip_seconds=args.clip_seconds,
                             refine_steps=args.ik_steps, overwrite=args.overwrite)
    print(report.summary())
    return 0 if report.n_kept > 0 else 1


def _cmd_synth(args) -> int:
    from .synth import synthesize_corpus

    log_to_file(args.log_file or Path(args.out) / "synth.log")

    root = synthesize_corpus(args.out, n=args.n, seed=args.seed, workers=args.workers,
                             progress=not args.quiet, overwrite=args.overwrite,
                             primitives=args.primitives.split(",") if args.primitives else None)
    print(f"wrote {args.n} pairs to {root}")
    if args.check != 0:
        _print_table(corpus_plausibility(root, None if args.check < 0 else args.check))
    return 0


def _cmd_convert(args) -> int:
    from .io.amass import save_amass_npz
    from .io.bvh import save_bvh
    from .io.loaders import load_motion

    loaded = load_motion(args.input)
    out = Path(args.out)
    if out.suffix == ".bvh":
        save_bvh(loaded.motion, out)
    elif args.amass:
        save_amass_npz(loaded.motion, out)
    else:
        loaded.motion.save_npz(out)
    extra = f", IK residual {loaded.ik_residual_mm:.1f} mm" if loaded.ik_residual_mm is not None else ""
    print(f"{args.input} ({loaded.format}, {loaded.motion.n_frames} frames @ {loaded.motion.fps:g} fps{extra}) -> {out}")
    return 0


def register(subparsers) -> None:
    """Add the ``data`` command group to the top-level ``humanoid-lmm`` parser."""
    data = subparsers.add_parser("data", help="build MotionLib datasets (import files, procedural corpus)",
                                 description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = data.add_subparsers(dest="data_command", metavar="DATA_COMMAND")
    data.set_defaults(func=lambda a: (data.print_help(), 2)[1])

    b = sub.add_parser("build", help="import a folder of motion files (+ .txt texts) into a MotionLib")
    b.add_argument("folder", help="folder searched recursively for .npz .bvh .npy .pt")
    b.add_argument("-o", "--out", required=True, help="output MotionLib folder")
    b.add_argument("--fps", type=float, default=20.0, help="dataset frame rate [1/s] (default 20)")
    b.add_argument("--clip-seconds", type=float, default=10.0, help="cut longer motions into clips [s]")
    b.add_argument("--ik-steps", type=int, default=30, help="L-BFGS refinement steps of position IK")
    b.add_argument("--overwrite", action="store_true")
    b.set_defaults(func=_cmd_build)

    s = sub.add_parser("synth", help="procedural text-motion corpus + plausibility table")
    s.add_argument("--n", type=int, default=2000, help="number of pairs")
    s.add_argument("-o", "--out", required=True, help="output MotionLib folder")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--workers", type=int, default=1)
    s.add_argument("--check", type=int, default=-1, help="samples to check (-1 all, 0 none)")
    s.add_argument("--quiet", "--no-progress", dest="quiet", action="store_true", help="no progress bar")
    add_progress_args(s, no_progress=False)
    s.add_argument("--overwrite", action="store_true")
    s.add_argument("--primitives", default=None,
                   help="comma-separated primitive names to draw from (default: all), e.g. wave_right,clap")
    s.set_defaults(func=_cmd_synth)

    c = sub.add_parser("convert", help="convert one motion file (any supported) to .npz / .bvh")
    c.add_argument("input")
    c.add_argument("-o", "--out", required=True, help="output .npz (ours) or .bvh")
    c.add_argument("--amass", action="store_true", help="write an AMASS-style npz instead of ours")
    c.set_defaults(func=_cmd_convert)
