"""torchrun worker of the strategy parity tests: train a tiny LMM with one strategy on fixed batches.

    torchrun --nproc_per_node 2 tests/lmm/dist_worker.py --strategy fsdp2 --out DIR --steps 4 --save-at 2

Phase "a": steps 0..N-1 from DIR/base, a checkpoint after ``--save-at`` steps, export DIR/final_a.
Phase "b": a new engine resumes from that checkpoint, runs the remaining steps, exports DIR/final_b.
Phase "c" (``--bf16-ac``): bf16 mixed precision + activation checkpointing from DIR/base, export DIR/final_c.
Rank 0 writes the all-rank mean loss of every step to DIR/losses.json.
"""
import argparse
import json
import random
import sys
from pathlib import Path

import torch
import torch.distributed as dist

sys.path.insert(0, str(Path(__file__).parent))
from lmm_fixtures import pattern_records  # noqa: E402

LR, WD, CLIP, B = 3e-3, 0.01, 1.0, 4


def fixed_batch(lmm, step: int, rank: int) -> dict:
    """The batch of (step, rank): the same in the workers and in the one-process reference."""
    from humanoid_lmm.lmm.data_lmm import ExampleBuilder

    rng = random.Random(1000 * step + rank)
    builder = ExampleBuilder(lmm.tokenizer, lmm.vocab, 1, 0.2, True, lmm.config.n_positions, 48)
    return builder.batch(rng.choices(pattern_records(), k=B), rng)


def reference_losses(base: Path, steps: int, world: int = 2) -> tuple[list[float], dict]:
    """One process, plain AdamW, the gradient of the mean of the ``world`` per-rank losses."""
    from humanoid_lmm.lmm import LargeMotionModel

    lmm = LargeMotionModel.from_pretrained(base)
    model = lmm.model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=WD, betas=(0.9, 0.98))
    losses = []
    for step in range(steps):
        loss = sum(model(**fixed_batch(lmm, step, r)).loss for r in range(world)) / world
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)
        opt.step()
        losses.append(float(loss.detach()))
    return losses, {k: v.detach().clone() for k, v in model.state_dict().items()}


def run(args, base: Path, steps: range, resume, scale, tag: str) -> list[float]:
    from humanoid_lmm.lmm import LargeMotionModel
    from humanoid_lmm.lmm.strategies import EngineOptions, make_engine

    rank, world = dist.get_rank(), dist.get_world_size()
    lmm = LargeMotionModel.from_pretrained(base)
    engine = make_engine(lmm, EngineOptions(scale, LR, WD, CLIP, B, torch.device("cpu")), resume, None)
    losses = []
    for step in steps:
        with engine.autocast():
            loss = engine.module(**fixed_batch(lmm, step, rank)).loss
        engine.step(loss)
        mean = loss.detach().float().clone()
        dist.all_reduce(mean)
        losses.append(float(mean) / world)
        if tag == "a" and step + 1 == args.save_at:
            engine.save(Path(args.out) / "ck")
    engine.export(Path(args.out) / f"final_{tag}", None, base)
    run.held = held_fraction(engine.model)
    return losses


def held_fraction(model) -> float:
    """Parameter elements this rank holds / all elements (1.0 = a full replica)."""
    held = total = 0
    for p in model.parameters():
        if hasattr(p, "to_local"):                        # FSDP2 DTensor shard
            held, total = held + p.to_local().numel(), total + p.numel()
        elif hasattr(p, "ds_numel"):                      # ZeRO-3 partition
            held, total = held + p.ds_tensor.numel(), total + p.ds_numel
        else:
            held, total = held + p.numel(), total + p.numel()
    return held / total


def main() -> None:
    from humanoid_lmm.lmm.configuration_scale import ScaleConfig
    from humanoid_lmm.lmm.strategies import init_distributed

    p = argparse.ArgumentParser()
    p.add_argument("--strategy", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--steps", type=int, default=4)
    p.add_argument("--save-at", type=int, default=2)
    p.add_argument("--bf16-ac", action="store_true")
    p.add_argument("--lora", default=None)
    args = p.parse_args()
    torch.set_num_threads(1)
    init_distributed(False)
    base = Path(args.out) / "base"
    scale = ScaleConfig(strategy=args.strategy, bf16=False, lora=args.lora)
    out = {"a": run(args, base, range(args.steps), None, scale, "a"), "held": run.held}
    out["b"] = run(args, base, range(args.save_at, args.steps), Path(args.out) / "ck", scale, "b")
    if args.bf16_ac:
        scale_c = ScaleConfig(strategy=args.strategy, bf16=True, activation_checkpointing=True, lora=args.lora)
        out["c"] = run(args, base, range(args.steps), None, scale_c, "c")
    if dist.get_rank() == 0:
        (Path(args.out) / "losses.json").write_text(json.dumps(out))
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
