"""Encode / decode throughput of the MotionBook tokenizer on CPU, printed as a table.

Usage::

    .venv/bin/python bench/bench_tokenizer.py                       # models/motionbook, 1 and 2 threads
    .venv/bin/python bench/bench_tokenizer.py --model runs/tokenizer/gpu1/lfq10 --threads 2 --repeats 5
    .venv/bin/python bench/bench_tokenizer.py --holosoma          # reconstruction of the real demo mocap

Measures, per clip length: ``encode(motion)`` (Motion -> ids, includes motion_to_d135),
``decode_d135(ids)`` (ids -> d135 features) and ``decode(ids)`` (ids -> Motion, includes d135_to_motion),
in frames of motion per second of wall time (median of ``--repeats``), and the latency of decoding one
streaming chunk of 1 time step (alpha frames) with its whole prefix (the decoder is causal, so a
streaming consumer decodes the prefix and keeps the last alpha frames).

``--holosoma``: reconstruction errors on the real human mocap shipped with holosoma-retargeting
(OMOMO 30 fps and climb 120 fps joint positions), imported with ``humanoid_lmm.motion.io`` (positions
resampled to the tokenizer's fps by linear interpolation, then SMPL IK on the canonical skeleton); the
MPJPE compares the tokenizer's reconstruction with that IK motion (the tokenizer's input).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np
import torch

from humanoid_lmm.motion import REST_PELVIS_HEIGHT, Motion
from humanoid_lmm.tokenizer import load_motion_tokenizer


def _motion(n_frames: int, fps: float, seed: int = 0) -> Motion:
    rng = np.random.default_rng(seed)
    t = np.arange(n_frames)[:, None, None] / fps
    rot = rng.uniform(0.05, 0.4, (1, 22, 3)) * np.sin(2 * np.pi * rng.uniform(0.3, 1.5, (1, 22, 3)) * t)
    root = np.zeros((n_frames, 3))
    root[:, 0] = 0.8 * t[:, 0, 0]
    root[:, 2] = REST_PELVIS_HEIGHT
    return Motion(fps, root, rot)


def _resample_positions(pos: np.ndarray, fps_in: float, fps_out: float) -> np.ndarray:
    """(T, J, 3) positions -> linearly interpolated at ``fps_out`` over the same duration."""
    t_in = np.arange(pos.shape[0]) / fps_in
    t_out = np.arange(int(np.floor(t_in[-1] * fps_out)) + 1) / fps_out
    flat = pos.reshape(pos.shape[0], -1)
    return np.stack([np.interp(t_out, t_in, flat[:, k]) for k in range(flat.shape[1])], 1).reshape(-1, *pos.shape[1:])


def holosoma_table(tok) -> None:
    import importlib.util

    from humanoid_lmm.motion.io import holosoma as hs
    from humanoid_lmm.motion.io.ik import positions_to_motion
    from humanoid_lmm.tokenizer import evaluate_tokenizer

    spec = importlib.util.find_spec("holosoma_retargeting")
    demo = Path(list(spec.submodule_search_locations)[0]) / "demo_data"
    files = [(f, hs.read_omomo_positions, hs.OMOMO_JOINTS, hs.OMOMO_TO_SMPL, hs.OMOMO_FPS)
             for f in sorted((demo / "OMOMO_new").glob("*.pt"))]
    files += [(f, hs.read_climb_positions, hs.MIXAMO_JOINTS, hs.MIXAMO_TO_SMPL, hs.CLIMB_FPS)
              for f in sorted((demo / "climb").rglob("*.npy"))]
    print(f"{'sequence':<48} {'frames':>6} {'IK res mm':>9} | {'MPJPE mm':>8} {'global mm':>9} {'root mm':>7} "
          f"{'codes':>5}")
    total = {"mpjpe_mm": 0.0, "global_mpjpe_mm": 0.0, "root_error_mm": 0.0}
    frames = 0
    for f, read, names, name_map, fps in files:
        pos = _resample_positions(read(f), fps, tok.fps)
        smpl, mask = hs.map_to_smpl(pos, names, name_map)
        ik = positions_to_motion(smpl, tok.fps, mask)
        r = evaluate_tokenizer(tok, [ik.motion])
        for k in total:
            total[k] += r[k] * r["frames"]
        frames += r["frames"]
        print(f"{f.name[:48]:<48} {r['frames']:>6} {ik.residual_mm:>9.1f} | {r['mpjpe_mm']:>8.1f} "
              f"{r['global_mpjpe_mm']:>9.1f} {r['root_error_mm']:>7.1f} {r['used_codes']:>5}")
    print(f"{'all (frame-weighted)':<48} {frames:>6} {'':>9} | {total['mpjpe_mm'] / frames:>8.1f} "
          f"{total['global_mpjpe_mm'] / frames:>9.1f} {total['root_error_mm'] / frames:>7.1f}")


def _median_s(fn, repeats: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=str(Path(__file__).resolve().parents[1] / "models" / "motionbook"))
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--seconds", type=float, nargs="+", default=[2.0, 10.0], help="clip lengths [s]")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--holosoma", action="store_true", help="reconstruction table of the holosoma demo mocap")
    args = ap.parse_args()

    tok = load_motion_tokenizer(args.model)
    print(f"{tok!r}, {tok.num_parameters():,} parameters, {tok.tokens_per_second:g} tokens/s of motion")
    if args.holosoma:
        torch.set_num_threads(args.threads[0])
        holosoma_table(tok)
        return
    print(f"{'threads':>7} {'clip s':>6} {'frames':>6} | {'encode fr/s':>11} {'decode_d135 fr/s':>16} "
          f"{'decode fr/s':>11} | {'chunk ms':>8}")
    for threads in args.threads:
        torch.set_num_threads(threads)
        for sec in args.seconds:
            n = int(round(sec * tok.fps))
            n -= n % tok.downsample
            m = _motion(n, tok.fps)
            ids = tok.encode(m)
            enc = _median_s(lambda: tok.encode(m), args.repeats)
            dec = _median_s(lambda: tok.decode_d135(ids), args.repeats)
            dec_m = _median_s(lambda: tok.decode(ids), args.repeats)
            chunk = _median_s(lambda: tok.decode_d135(ids)[-tok.downsample :], args.repeats)
            print(f"{threads:>7} {sec:>6g} {n:>6} | {n / enc:>11,.0f} {n / dec:>16,.0f} {n / dec_m:>11,.0f} | "
                  f"{chunk * 1000:>8.1f}")


if __name__ == "__main__":
    main()
