"""Training loop for stage 1 (text<->motion alignment) and stage 2 (instruction tuning).

Runs on CPU or one CUDA device, and unchanged under ``torchrun --nproc_per_node N`` (gloo on CPU,
nccl on CUDA) with the strategy of ``cfg.scale`` (DDP, FSDP2, DeepSpeed ZeRO-2/3, optionally LoRA:
:mod:`humanoid_lmm.lmm.strategies`). Step-based: each process draws its own batches from a generator seeded by
(seed, rank, step), so a resumed run continues the same stream. Rank 0 writes checkpoints
``out/checkpoint-<step>/`` (model, tokenizer, lmm_config.json, trainer_state.pt), ``out/final/`` and
``out/metrics.jsonl``; training resumes from the newest checkpoint in ``out``.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import random
import shutil
import time
from pathlib import Path

import torch
import torch.distributed as dist

from humanoid_lmm.errors import ConfigError
from humanoid_lmm.lmm.configuration_lmm import TrainConfig
from humanoid_lmm.lmm.data_lmm import (ExampleBuilder, PairRecord, corpus_texts, encode_corpus, load_records,
                                       record_source, save_records)
from humanoid_lmm.lmm.modeling_lmm import LargeMotionModel, load_motion_tokenizer, resolve_path
from humanoid_lmm.lmm.strategies import EngineOptions, init_distributed, make_engine, weights_dir

__all__ = ["train", "latest_checkpoint", "load_corpus_records"]


def _dist_info() -> tuple[int, int, int]:
    return int(os.environ.get("RANK", 0)), int(os.environ.get("WORLD_SIZE", 1)), int(os.environ.get("LOCAL_RANK", 0))


def _barrier(world: int) -> None:
    if world > 1:
        dist.barrier()


def latest_checkpoint(out: str | Path) -> Path | None:
    """Newest ``checkpoint-<step>`` folder holding a trainer_state.pt, or None."""
    cks = [p for p in Path(out).glob("checkpoint-*") if (p / "trainer_state.pt").is_file()]
    return max(cks, key=lambda p: int(p.name.split("-")[1])) if cks else None


def corpus_roots(cfg: TrainConfig) -> list[Path]:
    """The MotionLib folders of ``cfg.data`` (one path, or several whose clips are pooled)."""
    return [resolve_path(d) for d in ((cfg.data,) if isinstance(cfg.data, (str, Path)) else cfg.data)]


def _fingerprint(cfg: TrainConfig) -> str:
    """Corpus folders + motion tokenizer weights hash: a cached tokenisation is reused only if both match."""
    weights = resolve_path(cfg.motion_tokenizer) / "model.safetensors"
    digest = hashlib.sha1(weights.read_bytes()).hexdigest()[:16] if weights.is_file() else "unsaved"
    return f"{'+'.join(str(r.resolve()) for r in corpus_roots(cfg))}|{digest}"


def load_corpus_records(cfg: TrainConfig, motion_tokenizer, split: str, cache_dir: Path) -> list[PairRecord]:
    """Tokenised corpus split, cached as ``cache_dir/records_<split>.npz`` (recomputed if stale)."""
    path, source = cache_dir / f"records_{split}.npz", _fingerprint(cfg)
    if path.is_file() and record_source(path) == source:
        return load_records(path)
    recs = [r for root in corpus_roots(cfg) for r in encode_corpus(motion_tokenizer, root, split)]
    save_records(recs, path, source)
    return recs


def bucketed_records(records: list, batch_size: int, pool: int, seed, step: int) -> list:
    """The records of training step ``step``: ``pool`` batches are drawn at random together (with
    replacement, seeded by ``seed`` and ``step // pool``), sorted by motion length and cut into
    ``pool`` batches, served in a shuffled order. Every record is as likely as with plain random
    batches, but a batch holds similar lengths, so right padding wastes little compute. ``pool=1``:
    plain random batches. Deterministic per step (resume-safe)."""
    rng = random.Random(hash((*seed, step // pool, "bucket")) & 0xFFFFFFFF)
    drawn = rng.choices(records, k=batch_size * pool)
    if pool == 1:
        return drawn
    drawn.sort(key=lambda r: len(r.codes))
    order = list(range(pool))
    rng.shuffle(order)
    i = order[step % pool]
    return drawn[i * batch_size:(i + 1) * batch_size]


def _lr(cfg: TrainConfig, step: int, time_frac: float = 0.0) -> float:
    """Linear warmup, then cosine decay to 10 % by whichever of steps and ``max_minutes`` (``time_frac``
    = elapsed / budget of this call) is nearer its end, so a time-boxed run still anneals."""
    if step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / cfg.warmup_steps
    frac = max((step - cfg.warmup_steps) / max(1, cfg.steps - cfg.warmup_steps), time_frac)
    return cfg.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, frac))))


def _save(lmm: LargeMotionModel, opt, step: int, cfg: TrainConfig, out: Path, mt_src: Path | None) -> Path:
    ck = out / f"checkpoint-{step}"
    lmm.save_pretrained(ck, motion_tokenizer_src=mt_src)
    torch.save({"step": step, "optimizer": opt.state_dict() if opt is not None else None,
                "stage": cfg.stage}, ck / "trainer_state.pt")
    return _prune(out, ck, cfg)


def _save_engine(engine, step: int, cfg: TrainConfig, out: Path, mt_src: Path | None) -> None:
    """Every rank: the engine's checkpoint (collective), then rank 0 writes trainer_state.pt and prunes."""
    ck = out / f"checkpoint-{step}"
    engine.save(ck, mt_src)
    if engine.rank == 0:
        torch.save({"step": step, "stage": cfg.stage, **engine.trainer_state()}, ck / "trainer_state.pt")
        _prune(out, ck, cfg)


def _prune(out: Path, ck: Path, cfg: TrainConfig) -> Path:
    old = sorted((p for p in out.glob("checkpoint-*") if p != ck and int(p.name.split("-")[1]) > 0),
                 key=lambda p: int(p.name.split("-")[1]))
    for p in old[: max(0, len(old) - (cfg.keep_checkpoints - 1))]:
        shutil.rmtree(p, ignore_errors=True)
    return ck


def _init_model(cfg: TrainConfig, mt, train_recs, out: Path, mt_src: Path) -> None:
    """Rank 0: write checkpoint-0 (a new model or ``cfg.init``) so every rank starts from the same files."""
    if cfg.init:
        lmm = LargeMotionModel.from_pretrained(resolve_path(cfg.init))
    else:
        m = cfg.model
        m.codebook_size, m.num_parts, m.downsample, m.fps = (int(mt.codebook_size), int(mt.num_parts),
                                                            int(mt.downsample), float(mt.fps))
        m.__post_init__()
        torch.manual_seed(cfg.seed)
        if cfg.warm_start:
            lmm = LargeMotionModel.from_pretrained(resolve_path(cfg.warm_start)).warm_started(m)
        else:
            lmm = LargeMotionModel.create(m, corpus_texts(train_recs, random.Random(cfg.seed)))
            if m.base_model and cfg.scale.motion_init == "mean":
                from humanoid_lmm.lmm.vocab_init import init_motion_rows

                init_motion_rows(lmm.model, lmm.vocab, seed=cfg.seed)
    _save(lmm, None, 0, cfg, out, mt_src)


def train(cfg: TrainConfig, motion_tokenizer=None) -> Path:
    """Train (or resume) one stage; returns ``out/final``. ``motion_tokenizer`` overrides the checkpoint."""
    rank, world, local = _dist_info()
    use_cuda = cfg.device == "cuda" or (cfg.device == "auto" and torch.cuda.is_available())
    if world > 1 or cfg.scale.strategy != "ddp":
        init_distributed(use_cuda)
    device = torch.device(f"cuda:{local}" if use_cuda else "cpu")
    if not use_cuda:
        torch.set_num_threads(cfg.threads)
    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    mt_src = resolve_path(cfg.motion_tokenizer)
    if motion_tokenizer is None:
        if not mt_src.exists():
            raise ConfigError(f"motion_tokenizer={cfg.motion_tokenizer!r}: {mt_src} does not exist")
        motion_tokenizer = load_motion_tokenizer(mt_src, device=device)
    mt_bundle = mt_src if mt_src.exists() else None

    if rank == 0:
        train_recs = load_corpus_records(cfg, motion_tokenizer, "train", out)
        load_corpus_records(cfg, motion_tokenizer, "val", out)
        if latest_checkpoint(out) is None:
            _init_model(cfg, motion_tokenizer, train_recs, out, mt_bundle)
    _barrier(world)
    train_recs = load_records(out / "records_train.npz")
    val_recs = load_records(out / "records_val.npz") or train_recs[:64]
    if not train_recs:
        raise ConfigError(f"data={cfg.data!r}: the train split has no motions with text")

    ck = latest_checkpoint(out)
    state = torch.load(ck / "trainer_state.pt", map_location="cpu", weights_only=False)
    start = int(state["step"])
    lmm = LargeMotionModel.from_pretrained(weights_dir(cfg.scale.strategy, cfg.scale.lora, ck, out / "checkpoint-0"))
    lmm.set_motion_tokenizer(motion_tokenizer)
    engine = make_engine(lmm, EngineOptions(cfg.scale, cfg.lr, cfg.weight_decay, cfg.grad_clip, cfg.batch_size,
                                            device, cfg.amp), ck if start > 0 else None, state)
    model, ddp, opt = engine.model, engine.module, engine.optimizer
    builder = ExampleBuilder(lmm.tokenizer, lmm.vocab, cfg.stage, cfg.m2t_fraction, cfg.response_only_loss,
                             lmm.config.n_positions, lmm.config.max_prompt_tokens,
                             paraphrase_fraction=cfg.paraphrase_fraction)
    amp = engine.autocast()

    def run_eval() -> float:
        model.eval()
        rng, tot = random.Random(cfg.seed + 1000 + rank), torch.zeros(2, device=device)
        with torch.no_grad():
            for _ in range(cfg.eval_batches):
                b = {k: v.to(device) for k, v in builder.batch(rng.choices(val_recs, k=cfg.batch_size), rng).items()}
                with amp:
                    tot += torch.stack([model(**b).loss.float(), torch.ones((), device=device)])
        if world > 1:
            dist.all_reduce(tot)
        model.train()
        return float(tot[0] / tot[1])

    bar = None
    if rank == 0:
        from humanoid_lmm.progress import progress_bar

        bar = progress_bar(total=cfg.steps, initial=start, desc=f"lmm stage {cfg.stage}", unit="step", enabled=cfg.progress)
    log = open(out / "metrics.jsonl", "a") if rank == 0 else None
    t0, tokens = time.time(), 0
    end = cfg.steps
    time_frac = 0.0
    for step in range(start, cfg.steps):
        rng = random.Random(hash((cfg.seed, rank, step)) & 0xFFFFFFFF)
        recs = bucketed_records(train_recs, cfg.batch_size, cfg.bucket_pool, (cfg.seed, rank), step)
        batch = {k: v.to(device) for k, v in builder.batch(recs, rng).items()}
        lr = _lr(cfg, step, time_frac)
        for g in opt.param_groups:
            g["lr"] = lr
        with amp:
            loss = ddp(**batch).loss
        engine.step(loss)
        tokens += int(batch["attention_mask"].sum()) * world
        done = step + 1
        if cfg.max_minutes is not None:   # every rank uses rank-wide max elapsed time: same lr, same stop
            elapsed = torch.tensor((time.time() - t0) / (60 * cfg.max_minutes), device=device)
            if world > 1:
                dist.all_reduce(elapsed, op=dist.ReduceOp.MAX)
            time_frac = float(elapsed)
            if time_frac >= 1.0:
                end = done
        rec = {"step": done, "loss": loss.item(), "lr": lr, "tokens_per_s": tokens / (time.time() - t0)}
        if done % cfg.eval_every == 0 or done == end:
            rec["eval_loss"] = run_eval()
        if rank == 0:
            if bar is not None:
                bar.update(1)
                post = {"loss": f"{rec['loss']:.3f}"}
                if "eval_loss" in rec:
                    post["eval"] = f"{rec['eval_loss']:.3f}"
                bar.set_postfix(**post)
            log.write(json.dumps(rec) + "\n")
            log.flush()
        if done % cfg.save_every == 0 or done == end:
            _save_engine(engine, done, cfg, out, mt_bundle)
        _barrier(world)
        if done == end:
            if end < cfg.steps and rank == 0:
                print(f"max_minutes={cfg.max_minutes} spent: stopped at step {end} of {cfg.steps}")
            break
    engine.export(out / "final", mt_bundle, out / "checkpoint-0")
    if rank == 0:
        if bar is not None:
            bar.close()
        log.close()
    _barrier(world)
    if dist.is_initialized():
        dist.destroy_process_group()
    return out / "final"
