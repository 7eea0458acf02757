"""``humanoid-lmm tokenizer {train,ik-copy,eval}``: train and evaluate the MotionBook motion tokenizer.

Examples::

    humanoid-lmm tokenizer train --data data/corpus_2k --out runs/tokenizer/lfq10 --codebook-bits 10 --steps 2000
    humanoid-lmm tokenizer train --data data/corpus_2k --out runs/tokenizer/vq512 --quantizer vq --device cuda
    humanoid-lmm tokenizer train --data data/corpus_2k --out runs/tokenizer/rq512x2 --quantizer rq --vq-codes 512 --rq-levels 2
    humanoid-lmm tokenizer ik-copy --data data/corpus_2k --out runs/tokenizer/corpus_2k_ik --workers 2
    humanoid-lmm tokenizer train --data data/corpus_2k runs/tokenizer/corpus_2k_ik --yaw-augment --out runs/tokenizer/mix
    humanoid-lmm tokenizer eval --model models/motionbook --data data/corpus_2k --split test
"""

from __future__ import annotations

import argparse
import json
import sys

from humanoid_lmm.progress import add_progress_args, log_to_file

__all__ = ["register", "main"]


def _train(args) -> int:
    from .configuration import MotionTokenizerConfig, TrainConfig
    from .train import train_motionbook

    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    cfg = MotionTokenizerConfig(
        quantizer=args.quantizer, codebook_bits=args.codebook_bits, vq_codes=args.vq_codes, rq_levels=args.rq_levels,
        part_layout=args.parts, downsample=args.downsample, width=args.width, res_blocks=args.res_blocks,
        fps=args.fps, ee_weight=args.ee_weight, rot_weight=args.rot_weight,
    )
    tc = TrainConfig(
        steps=args.steps, batch_size=args.batch_size, window=args.window, lr=args.lr, seed=args.seed,
        device=args.device, val_every=args.val_every, ckpt_every=args.val_every,
        warmup_steps=min(500, args.steps // 10), yaw_augment=args.yaw_augment, min_std=args.min_std,
    )
    data = args.data[0] if len(args.data) == 1 else args.data
    limit = args.time_limit_min * 60 if args.time_limit_min else None
    log_to_file(args.log_file or f"{args.out}/train.log")
    train_motionbook(data, args.out, cfg, tc, resume=not args.no_resume, progress=not args.no_progress,
                     time_limit_s=limit, init=args.init)
    print(f"saved {args.out}")
    return 0


def _ik_copy(args) -> int:
    from .ik_copy import ik_copy_corpus

    print(f"wrote {ik_copy_corpus(args.data, args.out, args.workers, args.overwrite)}")
    return 0


def _eval(args) -> int:
    import torch

    from .data import load_split_motions
    from .evaluate import evaluate_tokenizer
    from .tokenizer import load_motion_tokenizer

    torch.set_num_threads(args.threads or 2)
    tok = load_motion_tokenizer(args.model, device=args.device)
    motions = load_split_motions(args.data, args.split)
    res = {"model": args.model, "data": args.data, "split": args.split,
           "parameters": tok.num_parameters(), **evaluate_tokenizer(tok, motions, args.max_motions)}
    if args.json:
        print(json.dumps(res))
    else:
        for k, v in res.items():
            print(f"{k:>20}: {v:.4g}" if isinstance(v, float) else f"{k:>20}: {v}")
    return 0


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``tokenizer`` command group to a top-level ``add_subparsers()`` object."""
    p = subparsers.add_parser("tokenizer", help="MotionBook motion tokenizer: train / eval",
                              description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="tokenizer_cmd", required=True)

    t = sub.add_parser("train", help="train a tokenizer on a corpus (train/val splits)")
    t.add_argument("--data", required=True, nargs="+", help="corpus directory or directories (e.g. data/corpus_2k)")
    t.add_argument("--out", required=True, help="output directory (resumes from out/checkpoint)")
    t.add_argument("--quantizer", choices=["lfq", "vq", "rq"], default="lfq")
    t.add_argument("--codebook-bits", type=int, default=10, help="LFQ: d, codebook 2**d (default 10)")
    t.add_argument("--vq-codes", type=int, default=512, help="VQ / RQ: number of codes (per level)")
    t.add_argument("--rq-levels", type=int, default=2, help="RQ: residual levels")
    t.add_argument("--parts", default="body6", help="part layout: body6 | whole")
    t.add_argument("--downsample", type=int, default=4, help="alpha: frames per token step")
    t.add_argument("--width", type=int, default=128)
    t.add_argument("--res-blocks", type=int, default=2)
    t.add_argument("--fps", type=float, default=20.0, help="fps of the corpus [1/s]")
    t.add_argument("--ee-weight", type=float, default=1.0,
                   help="weight of wrists, ankles and feet in the FK position/velocity loss (others 1)")
    t.add_argument("--rot-weight", type=float, default=1.0,
                   help="weight of the neck, head, collar and ankle rotations in the d135 term (nods, shrugs, toes)")
    t.add_argument("--init", default=None, help="MotionBook directory to start from (fine-tune; same architecture)")
    t.add_argument("--steps", type=int, default=20000)
    t.add_argument("--batch-size", type=int, default=64)
    t.add_argument("--window", type=int, default=64, help="training crop length [frames]")
    t.add_argument("--lr", type=float, default=2e-4)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--device", default="cpu", help="cpu | cuda")
    t.add_argument("--val-every", type=int, default=1000, help="validate and checkpoint every N steps")
    t.add_argument("--yaw-augment", action="store_true", help="random heading per training window")
    t.add_argument("--min-std", type=float, default=0.01, help="floor of the normalisation std per d135 column")
    t.add_argument("--time-limit-min", type=float, default=0.0,
                   help="wall-clock budget [min]: the LR decays by time or steps, whichever ends first (0: none)")
    t.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: leave)")
    t.add_argument("--no-resume", action="store_true")
    t.add_argument("--no-progress", action="store_true")
    add_progress_args(t, no_progress=False)
    t.set_defaults(func=_train)

    k = sub.add_parser("ik-copy", help="write a corpus copy with the IK importer's rotation conventions")
    k.add_argument("--data", required=True, help="source MotionLib corpus")
    k.add_argument("--out", required=True, help="destination folder")
    k.add_argument("--workers", type=int, default=1)
    k.add_argument("--overwrite", action="store_true")
    k.set_defaults(func=_ik_copy)

    e = sub.add_parser("eval", help="reconstruction metrics on a held-out split")
    e.add_argument("--model", required=True, help="tokenizer directory (config.json + model.safetensors)")
    e.add_argument("--data", required=True, help="corpus directory")
    e.add_argument("--split", default="test")
    e.add_argument("--max-motions", type=int, default=None)
    e.add_argument("--device", default="cpu")
    e.add_argument("--threads", type=int, default=2)
    e.add_argument("--json", action="store_true", help="print one JSON line")
    e.set_defaults(func=_eval)
    return p


def main(argv=None) -> int:
    """Stand-alone entry point: ``python -m humanoid_lmm.tokenizer.cli tokenizer train ...``."""
    parser = argparse.ArgumentParser(prog="humanoid-lmm")
    register(parser.add_subparsers(dest="cmd", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
