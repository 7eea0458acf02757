"""Tokenizer table (docs/evaluation.md, table a): FID, MPJPE (held-out corpus and the real holosoma demo
mocap), codebook use and parameters of MotionBook checkpoints.

    python scripts/tables/tokenizer_table.py runs/tables/tokenizer/{vq512,rq512x2,lfq10,lfq12} models/motionbook

Held-out corpus: the first ``--clips`` test clips of the evaluator's corpus (seed 1; no tokenizer trained
on it), regenerated. FID: evaluator (models/evaluator) embeddings of the reconstructions against those
of the originals. Holosoma: the 7 demo sequences, resampled to 20 fps, IK-fitted to SMPL (as in
bench/bench_tokenizer.py --holosoma), MPJPE of the reconstruction against the IK motion.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
from pathlib import Path

import numpy as np
import torch


def holosoma_motions(fps: float, cache: Path | None = None) -> list:
    from humanoid_lmm.motion import Motion
    from humanoid_lmm.motion.io import holosoma as hs

    if cache is not None and cache.is_dir() and list(cache.glob("*.npz")):
        return [Motion.load_npz(f) for f in sorted(cache.glob("*.npz"))]
    from humanoid_lmm.motion.io.ik import positions_to_motion

    demo = Path(list(importlib.util.find_spec("holosoma_retargeting").submodule_search_locations)[0]) / "demo_data"
    files = [(f, hs.read_omomo_positions, hs.OMOMO_JOINTS, hs.OMOMO_TO_SMPL, hs.OMOMO_FPS)
             for f in sorted((demo / "OMOMO_new").glob("*.pt"))]
    files += [(f, hs.read_climb_positions, hs.MIXAMO_JOINTS, hs.MIXAMO_TO_SMPL, hs.CLIMB_FPS)
              for f in sorted((demo / "climb").rglob("*.npy"))]
    out = []
    for f, read, names, name_map, src_fps in files:
        pos = read(f)
        t_in = np.arange(len(pos)) / src_fps
        t_out = np.arange(int(np.floor(t_in[-1] * fps)) + 1) / fps
        flat = pos.reshape(len(pos), -1)
        pos = np.stack([np.interp(t_out, t_in, flat[:, k]) for k in range(flat.shape[1])], 1).reshape(-1, *pos.shape[1:])
        smpl, mask = hs.map_to_smpl(pos, names, name_map)
        out.append(positions_to_motion(smpl, fps, mask).motion)
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        for k, m in enumerate(out):
            m.save_npz(cache / f"{k:02d}.npz")
    return out


def main() -> None:
    from humanoid_lmm.eval.evaluator import TextMotionEvaluator
    from humanoid_lmm.eval.t2m import corpus_split
    from humanoid_lmm.eval.t2m_metrics import fid, gaussian
    from humanoid_lmm.tokenizer import evaluate_tokenizer, load_motion_tokenizer

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("models", nargs="+")
    ap.add_argument("--clips", type=int, default=256)
    ap.add_argument("--evaluator", default=None)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--json", default=None)
    ap.add_argument("--ik-cache", default="runs/holosoma_ik", help="IK-fitted demo motions are kept here")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    test = corpus_split(split="test", limit=args.clips).motions
    ev = TextMotionEvaluator.from_pretrained(args.evaluator)
    ref = gaussian(ev.embed_motions(test))
    real = holosoma_motions(20.0, Path(args.ik_cache) if args.ik_cache else None)
    rows = []
    for d in args.models:
        tok = load_motion_tokenizer(d)
        r = evaluate_tokenizer(tok, test)
        recs = [tok.decode(tok.encode(m), start_xy=m.root_pos[0, :2]).slice(0, m.n_frames) for m in test]
        h = evaluate_tokenizer(tok, real)
        cfg = json.loads((Path(d) / "config.json").read_text())
        q = tok.model.quantizer
        levels = ""
        if hasattr(q, "level_ids"):   # RQ: use of each level's codebook
            ids = torch.from_numpy(np.concatenate([tok.encode(m).reshape(-1) for m in test]))
            levels = " / ".join(f"{len(torch.unique(i)) / q.num_codes:.0%}" for i in q.level_ids(ids))
        rows.append({"model": d, "quantizer": cfg["model"]["quantizer"], "codebook": tok.codebook_size,
                     "params": tok.num_parameters(), "steps": cfg.get("step"), "minutes": round(cfg.get("time_s", 0) / 60, 1),
                     "fid": fid(ev.embed_motions(recs), ref), "mpjpe_mm": r["mpjpe_mm"],
                     "global_mpjpe_mm": r["global_mpjpe_mm"], "used_codes": r["used_codes"],
                     "utilisation": r["utilisation"], "perplexity": r["perplexity"], "rq_levels_use": levels,
                     "holosoma_mpjpe_mm": h["mpjpe_mm"]})
        print(json.dumps(rows[-1]), flush=True)
    print("\n| tokenizer | codebook | params | steps (min) | FID | MPJPE mm held-out | MPJPE mm holosoma | codes used | perplexity |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        use = f"{r['used_codes']} ({r['utilisation']:.1%})" + (f"; levels {r['rq_levels_use']}" if r["rq_levels_use"] else "")
        print(f"| {r['model']} ({r['quantizer']}) | {r['codebook']:,} | {r['params'] / 1e6:.2f} M | {r['steps']} "
              f"({r['minutes']}) | {r['fid']:.3f} | {r['mpjpe_mm']:.1f} | {r['holosoma_mpjpe_mm']:.1f} | {use} | "
              f"{r['perplexity']:.0f} |")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
