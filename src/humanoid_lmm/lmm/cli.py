"""`humanoid-lmm lmm train` and `humanoid-lmm generate`: the LMM's command-line jobs.

Examples::

    humanoid-lmm lmm train --stage 1 --data data/corpus_2k --out runs/lmm/stage1 --steps 2000
    humanoid-lmm lmm train --stage 2 --init runs/lmm/stage1/final --out runs/lmm/stage2 --export models/lmm
    torchrun --nproc_per_node 2 -m humanoid_lmm.lmm.cli train --stage 1 --steps 20 --threads 1
    humanoid-lmm generate "wave your right hand" -o wave.npz --duration 3 --seed 0
    humanoid-lmm generate "could you give me a wave with your left hand, then do 2 squats" --understand -o w.npz
    (FSDP2 / DeepSpeed / LoRA / vLLM: see humanoid_lmm.lmm.cli_scale and docs/scaling.md)
"""
from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from humanoid_lmm.errors import HumanoidLMMError
from humanoid_lmm.lmm.cli_scale import add_backend_args, add_scale_args, backend_from_args, register_scale, scale_from_args
from humanoid_lmm.progress import add_progress_args, log_to_file

__all__ = ["register", "cmd_train", "cmd_generate", "main"]


def _add_train_args(p: argparse.ArgumentParser) -> None:
    from humanoid_lmm.lmm.configuration_lmm import LMMConfig, TrainConfig

    t, m = TrainConfig(), LMMConfig()
    p.add_argument("--stage", type=int, choices=(1, 2), required=True, help="1 = text<->motion alignment, 2 = instructions")
    p.add_argument("--data", default=[t.data], nargs="+",
                   help="MotionLib corpus root(s); several are pooled (default %(default)s)")
    p.add_argument("--out", default=None, help="run folder (default runs/lmm/stage<N>)")
    p.add_argument("--init", default=None, help="LMM directory to start from (e.g. the stage-1 final)")
    p.add_argument("--warm-start", default=None,
                   help="LMM directory whose text tokenizer and fitting weights seed a new model (new motion tokenizer)")
    p.add_argument("--motion-tokenizer", default=t.motion_tokenizer, help="MotionBook checkpoint (default %(default)s)")
    p.add_argument("--arch", default=m.arch, choices=("gpt2", "llama"))
    p.add_argument("--base-model", default=None, help="local HF causal-LM directory instead of --arch")
    p.add_argument("--layers", type=int, default=m.n_layer)
    p.add_argument("--width", type=int, default=m.n_embd)
    p.add_argument("--heads", type=int, default=m.n_head)
    p.add_argument("--positions", type=int, default=m.n_positions)
    p.add_argument("--text-vocab", type=int, default=m.text_vocab_size)
    p.add_argument("--max-seconds", type=float, default=m.max_motion_seconds)
    p.add_argument("--steps", type=int, default=t.steps)
    p.add_argument("--batch-size", type=int, default=t.batch_size, help="per process")
    p.add_argument("--bucket-pool", type=int, default=t.bucket_pool,
                   help="batches drawn together and split by length to cut padding (1 = plain random)")
    p.add_argument("--lr", type=float, default=t.lr)
    p.add_argument("--warmup", type=int, default=t.warmup_steps)
    p.add_argument("--eval-every", type=int, default=t.eval_every)
    p.add_argument("--save-every", type=int, default=t.save_every)
    p.add_argument("--m2t-fraction", type=float, default=t.m2t_fraction)
    p.add_argument("--paraphrase-fraction", type=float, default=t.paraphrase_fraction,
                   help="share of text->motion prompts rewritten as everyday paraphrases (lmm/paraphrase.py)")
    p.add_argument("--full-loss", action="store_true", help="loss on prompt tokens too (default: response only)")
    p.add_argument("--no-amp", action="store_true", help="no bfloat16 autocast on CUDA")
    p.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    p.add_argument("--threads", type=int, default=2, help="CPU threads per process")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-progress", action="store_true")
    add_progress_args(p, no_progress=False)
    p.add_argument("--max-minutes", type=float, default=None, help="stop (and save) after this wall time")
    p.add_argument("--export", default=None, help="copy out/final here when done (e.g. models/lmm)")
    add_scale_args(p)


def cmd_train(args) -> int:
    from humanoid_lmm.lmm.configuration_lmm import LMMConfig, TrainConfig
    from humanoid_lmm.lmm.training import train

    model = LMMConfig(arch=args.arch, base_model=args.base_model, n_layer=args.layers, n_embd=args.width,
                      n_head=args.heads, n_positions=args.positions, text_vocab_size=args.text_vocab,
                      max_motion_seconds=args.max_seconds)
    cfg = TrainConfig(stage=args.stage, data=args.data[0] if len(args.data) == 1 else tuple(args.data), out=args.out or f"runs/lmm/stage{args.stage}",
                      init=args.init, warm_start=args.warm_start, motion_tokenizer=args.motion_tokenizer,
                      model=model, steps=args.steps, batch_size=args.batch_size, bucket_pool=args.bucket_pool,
                      lr=args.lr, warmup_steps=args.warmup, eval_every=args.eval_every, save_every=args.save_every, m2t_fraction=args.m2t_fraction,
                      paraphrase_fraction=args.paraphrase_fraction,
                      response_only_loss=not args.full_loss, amp=not args.no_amp, device=args.device,
                      threads=args.threads, seed=args.seed, progress=not args.no_progress,
                      max_minutes=args.max_minutes, scale=scale_from_args(args))
    log_to_file(args.log_file or Path(cfg.out) / "train.log")
    final = train(cfg)
    if args.export and int(__import__("os").environ.get("RANK", 0)) == 0:
        dst = Path(args.export)
        if dst.exists():
            shutil.rmtree(dst)
        shutil.copytree(final, dst)
        print(f"exported {final} -> {dst}")
    return 0


def cmd_generate(args) -> int:
    import torch

    from humanoid_lmm.lmm.configuration_lmm import SamplingConfig
    from humanoid_lmm.lmm.remote import make_generator

    torch.set_num_threads(args.threads)
    sampling = SamplingConfig(temperature=args.temperature, top_k=args.top_k, top_p=args.top_p,
                              use_hf_generate=args.hf_generate)
    gen = make_generator(backend_from_args(args), args.model, sampling, device=args.device)
    if args.understand:   # the command pipeline: semantic gate, corpus captions, actions one by one, caption check
        from humanoid_lmm.lmm.refusal import CheckedGenerator
        from humanoid_lmm.speech.gate import CommandGate

        gate = CommandGate.load()
        accepted = gate.accept(args.text)   # CommandRejected (exit 1) with the reason and suggestions
        print(f"understood: {accepted.caption!r}")
        checked = CheckedGenerator.from_config(gen, gate.reader, gate.config)
        steps = list(accepted.steps)
        if args.duration is not None and len(steps) == 1:
            steps = [(steps[0][0], args.duration)]
        motion = checked.generate_steps(steps, accepted.capabilities, args.seed, check=True,
                                        counts=accepted.counts).motion
    else:
        motion = gen.generate(args.text, duration_s=args.duration, seed=args.seed)
    path = motion.save_npz(args.output)
    print(f"{motion!r} -> {path}")
    return 0


def _safe(func):
    def run(args) -> int:
        try:
            return func(args)
        except HumanoidLMMError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    return run


def cmd_remap_codes(args) -> int:
    """An LMM moved onto a new motion tokenizer's ids (vocab_init.remap_motion_rows), written with it bundled."""
    from humanoid_lmm.lmm.data_lmm import encode_corpus
    from humanoid_lmm.lmm.modeling_lmm import LargeMotionModel, load_motion_tokenizer
    from humanoid_lmm.lmm.vocab_init import code_alignment, remap_motion_rows
    import torch

    torch.set_num_threads(args.threads)
    lmm = LargeMotionModel.from_pretrained(args.init)
    new = load_motion_tokenizer(args.motion_tokenizer)
    lmm.set_motion_tokenizer(new)   # checks K, P, alpha and fps against the model
    old_codes = [r.codes for r in encode_corpus(load_motion_tokenizer(args.old_motion_tokenizer), args.data, "train",
                                                limit=args.clips)]
    new_codes = [r.codes for r in encode_corpus(new, args.data, "train", limit=args.clips)]
    source = code_alignment(old_codes, new_codes, lmm.vocab.codebook_size)
    same = sum(int((o == n).sum()) for o, n in zip(old_codes, new_codes)) / sum(o.size for o in old_codes)
    changed = remap_motion_rows(lmm.model, lmm.vocab, source)
    lmm.save_pretrained(args.out, motion_tokenizer_src=args.motion_tokenizer)
    print(f"{len(old_codes)} clips: {same:.1%} of the codes are the same in both tokenizers; {changed} of "
          f"{lmm.vocab.codebook_size} motion rows take an old code's row; written to {args.out}")
    return 0


def register(subparsers) -> None:
    """Add ``lmm`` (with ``train``) and ``generate`` to the top-level ``humanoid-lmm`` parser."""
    lmm = subparsers.add_parser("lmm", help="Large Motion Model jobs", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = lmm.add_subparsers(dest="lmm_command", required=True)
    tr = sub.add_parser("train", help="train stage 1 or 2 (CPU, CUDA, or under torchrun)")
    _add_train_args(tr)
    tr.set_defaults(func=_safe(cmd_train))
    register_scale(sub, _safe)
    rm = sub.add_parser("remap-codes", help="move an LMM onto a new motion tokenizer's ids (before training on them)",
                        description="Example: humanoid-lmm lmm remap-codes --init models/lmm --old-motion-tokenizer "
                        "models/motionbook --motion-tokenizer runs/tok_nod --data data/corpus_gen --out runs/lmm_moved")
    rm.add_argument("--init", required=True, help="the trained LMM directory")
    rm.add_argument("--old-motion-tokenizer", required=True, help="the motion tokenizer it was trained with")
    rm.add_argument("--motion-tokenizer", required=True, help="the new motion tokenizer (same K, parts, alpha, fps)")
    rm.add_argument("--data", required=True, help="MotionLib corpus whose clips both tokenizers encode")
    rm.add_argument("--clips", type=int, default=4000, help="train clips encoded for the alignment")
    rm.add_argument("--out", required=True)
    rm.add_argument("--threads", type=int, default=2)
    rm.set_defaults(func=_safe(cmd_remap_codes))

    g = subparsers.add_parser("generate", help="text command -> motion .npz",
                              description="Example: humanoid-lmm generate \"wave your right hand\" -o wave.npz")
    g.add_argument("text")
    g.add_argument("-o", "--output", required=True, help="output .npz (Motion.save_npz)")
    g.add_argument("--model", default=None, help="LMM directory (default: the built-in models/lmm)")
    g.add_argument("--duration", type=float, default=None, help="requested length [s]")
    g.add_argument("--seed", type=int, default=None)
    g.add_argument("--temperature", type=float, default=0.8)
    g.add_argument("--top-k", type=int, default=0)
    g.add_argument("--top-p", type=float, default=0.95)
    g.add_argument("--hf-generate", action="store_true", help="sample with model.generate + LogitsProcessor")
    g.add_argument("--understand", action="store_true",
                   help="read the command first (paraphrases, chains, refusals; docs/language.md)")
    g.add_argument("--device", default="cpu")
    g.add_argument("--threads", type=int, default=1)
    add_backend_args(g)
    g.set_defaults(func=_safe(cmd_generate))


def main(argv=None) -> int:
    """Stand-alone entry (``python -m humanoid_lmm.lmm.cli train ...``), used under torchrun."""
    parser = argparse.ArgumentParser(prog="humanoid_lmm.lmm.cli")
    sub = parser.add_subparsers(dest="command", required=True)
    register(sub)
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "train":
        argv = ["lmm"] + argv
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
