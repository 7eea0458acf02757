"""``humanoid-lmm eval ...``: the text-motion evaluator and the field's text-to-motion table.

Examples::

    humanoid-lmm data synth --n 10000 -o data/eval_s1 --seed 1          # the evaluator's corpus
    humanoid-lmm eval train-evaluator --data data/eval_s1 --out models/evaluator --minutes 10 \\
        --lmm-data data/corpus_50k                                       # + proves the corpora disjoint
    humanoid-lmm eval t2m --model models/lmm                             # offline, regenerates the test split
    humanoid-lmm eval t2m --model models/lmm --samples 20 --max-texts 0 --m2t --json runs/t2m.json
    humanoid-lmm eval t2m --model runs/scale/base_4k/final --set held-out-pairs --max-texts 128
    humanoid-lmm eval subset --data data/lmm_s0_16k --out data/scale_4k --n 4000
    humanoid-lmm eval disjoint data/eval_s1 data/corpus_50k
    humanoid-lmm eval export-hml3d --model models/lmm --out runs/hml3d      # real/ and ours/ HML263 folders
    humanoid-lmm eval hml3d-fid --weights finest.tar --mean mean.npy --std std.npy runs/hml3d/real runs/hml3d/ours
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

__all__ = ["register", "main"]


def _train(args) -> int:
    import torch

    from .evaluator_train import content_hashes, train_evaluator

    torch.set_num_threads(args.threads)
    out = train_evaluator(args.data, args.out, steps=args.steps, batch_size=args.batch_size, lr=args.lr,
                          seed=args.seed, time_limit_min=args.minutes)
    if args.lmm_data:
        mine, theirs = content_hashes(args.data), content_hashes(args.lmm_data)
        shared = sorted(set(mine) & set(theirs))
        cfg = json.loads((Path(out) / "config.json").read_text())
        cfg["disjoint_from"] = {"corpus": args.lmm_data, "evaluator_clips": len(mine), "lmm_clips": len(theirs),
                                "shared_motions": len(shared)}
        (Path(out) / "config.json").write_text(json.dumps(cfg, indent=2) + "\n")
        print(f"{len(shared)} motions shared between {args.data} ({len(mine)}) and {args.lmm_data} ({len(theirs)})")
    return 0


def _disjoint(args) -> int:
    from humanoid_lmm.motion.dataset import MotionLibDataset

    from .evaluator_train import content_hashes

    a, b = content_hashes(args.a), content_hashes(args.b)
    ids_a = {s["id"] for s in MotionLibDataset(args.a, None).samples}
    ids_b = {s["id"] for s in MotionLibDataset(args.b, None).samples}
    print(json.dumps({"a": args.a, "b": args.b, "clips_a": len(a), "clips_b": len(b),
                      "shared_motions": len(set(a) & set(b)), "shared_ids": len(ids_a & ids_b)}))
    return 0


def _subset(args) -> int:
    from .combinations import write_subset

    print(json.dumps(write_subset(args.data, args.out, args.n or None, not args.keep_held_out, args.overwrite)))
    return 0


def _clips(args):
    from .combinations import combination_clips
    from .t2m import corpus_split, excluded_ids, load_corpus_split

    limit, ex = args.max_texts or None, excluded_ids(args.evaluator)

    def split(name):
        return load_corpus_split(args.data, name, limit, ex) if args.data else corpus_split(split=name, limit=limit, exclude=ex)

    if args.set == "test":
        return split("test"), (None if args.no_floor else split("val"))
    held = args.set == "held-out-pairs"
    return combination_clips(held, args.max_texts or 128), None


def _t2m(args) -> int:
    import torch

    from humanoid_lmm.lmm.configuration_lmm import SamplingConfig
    from humanoid_lmm.lmm.modeling_lmm import LargeMotionModel

    from .evaluator import TextMotionEvaluator
    from .t2m import evaluate_m2t, evaluate_t2m, format_rows

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    lmm = LargeMotionModel.from_pretrained(args.model)
    ev = TextMotionEvaluator.from_pretrained(args.evaluator)
    test, floor = _clips(args)
    sampling = SamplingConfig(temperature=args.temperature, top_p=args.top_p)
    rows = evaluate_t2m(lmm, ev, test, floor, args.samples, args.replications, args.batch, args.seed, sampling,
                        log=(lambda *a: None) if args.quiet else print)
    info = rows.pop("_info")
    rows = {("ours" if k == "ours" else k): v for k, v in rows.items()}
    print(f"\ntext-to-motion, {info['clips']} captions ({args.set}), batches of {args.batch}, "
          f"{args.replications} replications, {args.samples} generations per caption "
          f"({info['generated_motion_s']:.0f} s of motion in {info['generation_s']:.0f} s); mean±95% CI\n")
    print(format_rows(rows))
    result = {"info": info, "set": args.set, "model": str(args.model),
              "t2m": {r: {k: [v.mean, v.ci95] for k, v in m.items()} for r, m in rows.items()}}
    if args.m2t:
        m2t = evaluate_m2t(lmm, ev, test, args.replications, args.batch, args.seed)
        print(f"\nmotion-to-text (greedy captions of the {info['clips']} real motions): R@1 {m2t['R@1']}, "
              f"R@2 {m2t['R@2']}, R@3 {m2t['R@3']}, BLEU-1 {m2t['BLEU-1']:.3f}, BLEU-4 {m2t['BLEU-4']:.3f}, "
              f"ROUGE-L {m2t['ROUGE-L']:.3f}")
        for ref, cap in m2t["examples"]:
            print(f"  {ref!r} -> {cap!r}")
        result["m2t"] = {k: ([v.mean, v.ci95] if hasattr(v, "mean") else v) for k, v in m2t.items()}
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    return 0


def _export(args) -> int:
    """Real test motions and the LMM's generations as two HumanML3D folders (new_joint_vecs/, texts/, test.txt)."""
    import numpy as np
    import torch

    from humanoid_lmm.lmm.modeling_lmm import LargeMotionModel
    from humanoid_lmm.motion.io.humanml3d import motion_to_hml263

    from .batch_generation import sample_motion_codes
    from .t2m import _captions, corpus_split, excluded_ids

    torch.set_num_threads(args.threads)
    lmm = LargeMotionModel.from_pretrained(args.model)
    test = corpus_split(split="test", limit=args.max_texts or None, exclude=excluded_ids())
    caps = _captions(test, args.seed)
    gen = [lmm.motion_tokenizer.decode(c) for c in sample_motion_codes(lmm, caps, seed=args.seed)]
    for name, motions in (("real", test.motions), ("ours", gen)):
        root = Path(args.out) / name
        (root / "new_joint_vecs").mkdir(parents=True, exist_ok=True)
        (root / "texts").mkdir(exist_ok=True)
        for sid, cap, m in zip(test.ids, caps, motions):
            np.save(root / "new_joint_vecs" / f"{sid}.npy", motion_to_hml263(m))
            (root / "texts" / f"{sid}.txt").write_text(f"{cap}#\n")   # tokens ("word/POS") left to the user's tagger
        (root / "test.txt").write_text("\n".join(test.ids) + "\n")
    print(f"wrote {len(test.ids)} real and generated motions to {args.out}/real and {args.out}/ours")
    return 0


def _hml3d_fid(args) -> int:
    """FID / Diversity of two HML263 folders with the official evaluator's motion encoder."""
    import numpy as np

    from .hml3d_evaluator import HumanML3DEvaluator
    from .t2m_metrics import diversity, fid, gaussian

    ev = HumanML3DEvaluator.load(args.weights, args.mean, args.std)
    emb = {}
    for name in (args.real, args.generated):
        files = sorted((Path(name) / "new_joint_vecs").glob("*.npy"))
        emb[name] = ev.motion_embeddings([np.load(f) for f in files])
    rng = np.random.default_rng(0)
    ref = gaussian(emb[args.real])
    print(json.dumps({"evaluator_epoch": ev.epoch, "fid": fid(emb[args.generated], ref),
                      "diversity_real": diversity(emb[args.real], 300, rng),
                      "diversity_generated": diversity(emb[args.generated], 300, rng)}))
    return 0


def register(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser("eval", help="text-motion evaluator and text-to-motion metrics", description=__doc__,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="eval_cmd", required=True)
    t = sub.add_parser("train-evaluator", help="train the contrastive text/motion evaluator")
    t.add_argument("--data", default="data/eval_s1", help="evaluator corpus (not the LMM's)")
    t.add_argument("--out", default="models/evaluator")
    t.add_argument("--steps", type=int, default=6000)
    t.add_argument("--minutes", type=float, default=None, help="wall-clock budget of the training loop")
    t.add_argument("--batch-size", type=int, default=128)
    t.add_argument("--lr", type=float, default=5e-4)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--threads", type=int, default=1)
    t.add_argument("--lmm-data", default=None, help="the LMM's corpus: count shared motions (must be 0)")
    t.set_defaults(func=_train)

    e = sub.add_parser("t2m", help="the seed's text-to-motion table (R@k, FID, MM-Dist, Diversity, MModality)")
    e.add_argument("--model", default=None, help="LMM directory (default: the built-in models/lmm)")
    e.add_argument("--evaluator", default=None, help="evaluator directory (default: models/evaluator)")
    e.add_argument("--data", default=None, help="evaluator corpus folder (default: regenerate its test split)")
    e.add_argument("--set", default="test", choices=("test", "held-out-pairs", "kept-pairs"),
                   help="test split, or 2-primitive clips of held-out / kept combinations (generalisation)")
    e.add_argument("--max-texts", type=int, default=256, help="first N test clips (0 = all)")
    e.add_argument("--samples", type=int, default=3, help="generations per caption (the protocol: 20)")
    e.add_argument("--replications", type=int, default=20)
    e.add_argument("--batch", type=int, default=32)
    e.add_argument("--seed", type=int, default=0)
    e.add_argument("--temperature", type=float, default=0.8)
    e.add_argument("--top-p", type=float, default=0.95)
    e.add_argument("--threads", type=int, default=1)
    e.add_argument("--m2t", action="store_true", help="also motion-to-text: R-precision of captions, BLEU, ROUGE-L")
    e.add_argument("--no-floor", action="store_true", help="Real FID = 0 instead of the val-split noise floor")
    e.add_argument("--json", default=None, help="write all figures to this file")
    e.add_argument("-q", "--quiet", action="store_true")
    e.set_defaults(func=_t2m)

    s = sub.add_parser("subset", help="copy the first N clips of a corpus without held-out combinations")
    s.add_argument("--data", required=True)
    s.add_argument("--out", required=True)
    s.add_argument("--n", type=int, default=0, help="clips to keep (0 = all)")
    s.add_argument("--keep-held-out", action="store_true", help="do not drop clips of held-out combinations")
    s.add_argument("--overwrite", action="store_true")
    s.set_defaults(func=_subset)

    x = sub.add_parser("export-hml3d", help="real and generated test motions as HumanML3D feature folders")
    x.add_argument("--model", default=None)
    x.add_argument("--out", required=True)
    x.add_argument("--max-texts", type=int, default=0, help="first N test clips (0 = all)")
    x.add_argument("--seed", type=int, default=0)
    x.add_argument("--threads", type=int, default=1)
    x.set_defaults(func=_export)

    h = sub.add_parser("hml3d-fid", help="FID with the official HumanML3D evaluator weights (not shipped)")
    h.add_argument("--weights", required=True, help="checkpoints/t2m/text_mot_match/model/finest.tar")
    h.add_argument("--mean", required=True, help="checkpoints/t2m/Comp_v6_KLD01/meta/mean.npy")
    h.add_argument("--std", required=True, help="checkpoints/t2m/Comp_v6_KLD01/meta/std.npy")
    h.add_argument("real", help="HML263 folder of real motions (export-hml3d .../real)")
    h.add_argument("generated", help="HML263 folder of generated motions (.../ours)")
    h.set_defaults(func=_hml3d_fid)

    d = sub.add_parser("disjoint", help="count motions (content hash) and ids two corpora share")
    d.add_argument("a")
    d.add_argument("b")
    d.set_defaults(func=_disjoint)
    return p


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="humanoid-lmm")
    register(parser.add_subparsers(dest="cmd", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
