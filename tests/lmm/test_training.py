"""End-to-end on CPU: tiny corpus + tiny real MotionTokenizer -> stage 1 -> resume -> stage 2 -> Motion."""
import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from lmm_fixtures import tiny_motion_tokenizer, write_tiny_corpus
from humanoid_lmm.lmm import LMMConfig, MotionGenerator, SamplingConfig, TrainConfig
from humanoid_lmm.lmm.training import latest_checkpoint, train
from humanoid_lmm.motion import Motion

TINY = dict(arch="gpt2", n_layer=2, n_embd=64, n_head=2, n_positions=256, text_vocab_size=300,
            max_motion_seconds=4.0, max_prompt_tokens=48)


def run_cfg(tmp, stage, out, steps, **kw):
    return TrainConfig(stage=stage, data=str(tmp / "corpus"), out=str(tmp / out),
                       motion_tokenizer=str(tmp / "mtok"), model=LMMConfig(**TINY), steps=steps,
                       batch_size=4, eval_every=3, eval_batches=1, save_every=3, warmup_steps=2,
                       progress=False, threads=1, **kw)


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lmm")
    write_tiny_corpus(tmp / "corpus")
    tiny_motion_tokenizer(tmp / "mtok")
    final = train(run_cfg(tmp, 1, "s1", 6))
    return tmp, final


def test_stage1_writes_checkpoints_metrics_and_bundles_tokenizer(tiny_run):
    tmp, final = tiny_run
    assert (final / "model.safetensors").is_file() and (final / "motion_tokenizer" / "config.json").is_file()
    assert json.loads((final / "lmm_config.json").read_text())["motion_tokenizer"] == "motion_tokenizer"
    rows = [json.loads(x) for x in (tmp / "s1" / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in rows] == list(range(1, 7))
    assert all(np.isfinite(r["loss"]) for r in rows) and "eval_loss" in rows[2] and "eval_loss" in rows[5]
    assert latest_checkpoint(tmp / "s1").name == "checkpoint-6"
    assert (tmp / "s1" / "records_train.npz").is_file()


def test_resume_continues_from_last_checkpoint(tiny_run):
    tmp, _ = tiny_run
    train(run_cfg(tmp, 1, "s1", 8))
    rows = [json.loads(x) for x in (tmp / "s1" / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in rows][6:] == [7, 8]
    assert latest_checkpoint(tmp / "s1").name == "checkpoint-8"
    assert not (tmp / "s1" / "checkpoint-3").exists()   # keep_checkpoints=2 prunes old ones


def test_stage2_from_stage1_then_generate_and_stream(tiny_run):
    tmp, final1 = tiny_run
    final2 = train(run_cfg(tmp, 2, "s2", 3, init=str(final1)))
    gen = MotionGenerator.from_pretrained(final2, sampling=SamplingConfig(chunk_steps=2, min_seconds=0.8))
    motion = gen.generate("squat down", duration_s=2.0, seed=1)
    assert isinstance(motion, Motion) and motion.fps == 20.0 and motion.text == "squat down"
    lo, hi = gen.bounds(2.0)
    assert lo * 4 <= motion.n_frames <= hi * 4 and motion.n_frames % 4 == 0
    chunks = list(gen.stream("squat down", duration_s=2.0, seed=1))
    assert len(chunks) >= 2 and all(c.n_frames % 4 == 0 for c in chunks)
    root = np.concatenate([c.root_pos for c in chunks])
    rots = np.concatenate([c.rotations for c in chunks])
    np.testing.assert_allclose(root, motion.root_pos, atol=1e-5)  # causal decoder: stream == whole
    np.testing.assert_allclose(rots, motion.rotations, atol=1e-5)
    gen.sampling = SamplingConfig(chunk_steps=2, min_seconds=0.8, stream_context_steps=1)   # windowed decoding
    win = list(gen.stream("squat down", duration_s=2.0, seed=1))
    assert sum(c.n_frames for c in win) == motion.n_frames and len(win) == len(chunks)
    np.testing.assert_allclose(win[0].root_pos, chunks[0].root_pos, atol=1e-5)            # first window exact
    root_w = np.concatenate([c.root_pos for c in win])
    assert np.abs(np.diff(root_w[:, :2], axis=0)).max() < 0.2                               # continuous pelvis


def test_cli_generate_writes_npz(tiny_run):
    from humanoid_lmm.lmm.cli import main

    tmp, final = tiny_run
    out = tmp / "wave.npz"
    assert main(["generate", "wave your right hand", "-o", str(out), "--model", str(final), "--seed", "0",
                 "--threads", "1"]) == 0
    assert Motion.load_npz(out).n_frames >= 4
    assert main(["generate", "x" * 300, "-o", str(out), "--model", str(final)]) == 1


@pytest.mark.slow
def test_torchrun_two_cpu_processes(tiny_run):
    tmp, _ = tiny_run
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONPATH=str(Path(__file__).resolve().parents[2] / "src"))
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--master_port", "29533",
           "-m", "humanoid_lmm.lmm.cli", "train", "--stage", "1", "--data", str(tmp / "corpus"),
           "--motion-tokenizer", str(tmp / "mtok"), "--out", str(tmp / "ddp"), "--steps", "4",
           "--batch-size", "2", "--eval-every", "2", "--save-every", "2", "--layers", "2", "--width", "64",
           "--heads", "2", "--positions", "256", "--text-vocab", "300", "--max-seconds", "4",
           "--threads", "1", "--no-progress", "--device", "cpu"]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = [json.loads(x) for x in (tmp / "ddp" / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in rows] == [1, 2, 3, 4] and "eval_loss" in rows[-1]
    assert (tmp / "ddp" / "final" / "model.safetensors").is_file()


def test_time_budget_stops_early_and_saves(tiny_run):
    tmp, _ = tiny_run
    final = train(run_cfg(tmp, 1, "budget", 50, max_minutes=1e-6))
    rows = [json.loads(x) for x in (tmp / "budget" / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in rows] == [1] and "eval_loss" in rows[0]
    assert (final / "model.safetensors").is_file() and latest_checkpoint(tmp / "budget").name == "checkpoint-1"


def test_batched_corpus_encoding_equals_per_motion_encode(tiny_run):
    from humanoid_lmm.lmm.data_lmm import encode_corpus
    from humanoid_lmm.motion.dataset import MotionLibDataset

    tmp, _ = tiny_run
    tok = tiny_motion_tokenizer()
    recs = encode_corpus(tok, tmp / "corpus", "train", batch_size=3)
    ds = MotionLibDataset(tmp / "corpus", "train")
    assert len(recs) == len(ds)
    for i, rec in enumerate(recs):
        np.testing.assert_array_equal(rec.codes, tok.encode(ds[i].motion))
        assert rec.texts[: len(ds[i].texts)] == ds[i].texts


def test_lr_anneals_by_steps_or_by_the_time_budget():
    from humanoid_lmm.lmm.training import _lr

    cfg = TrainConfig(steps=100, warmup_steps=10, lr=1.0)
    assert _lr(cfg, 0) == pytest.approx(0.1) and _lr(cfg, 10) == pytest.approx(1.0)
    assert _lr(cfg, 100) == pytest.approx(0.1)
    assert _lr(cfg, 20, time_frac=1.0) == pytest.approx(0.1)      # the time budget ends first
    assert _lr(cfg, 20, time_frac=0.5) < _lr(cfg, 20) < 1.0


def test_warm_start_trains_a_new_model_on_the_old_text_side(tiny_run):
    """--warm-start: a new model (longer context) seeded by a trained one, for a new motion tokenizer."""
    import torch

    from humanoid_lmm.lmm import LargeMotionModel

    tmp, final = tiny_run
    cfg = run_cfg(tmp, 1, "warm", 3, warm_start=str(final))
    cfg.model.n_positions = 320
    out = train(cfg)
    src, ck0 = LargeMotionModel.from_pretrained(final), LargeMotionModel.from_pretrained(tmp / "warm" / "checkpoint-0")
    assert ck0.config.n_positions == 320 and ck0.tokenizer.get_vocab() == src.tokenizer.get_vocab()
    torch.testing.assert_close(ck0.model.transformer.h[0].attn.c_attn.weight, src.model.transformer.h[0].attn.c_attn.weight)
    torch.testing.assert_close(ck0.model.transformer.wpe.weight[:256], src.model.transformer.wpe.weight)
    assert LargeMotionModel.from_pretrained(out).config.n_positions == 320


def test_bucketed_batches_cut_padding_keep_sampling_and_resume():
    from humanoid_lmm.lmm.data_lmm import PairRecord
    from humanoid_lmm.lmm.training import bucketed_records

    recs = [PairRecord(np.zeros((n, 2), np.int64), [f"m{n}"], n / 5) for n in range(1, 101)]
    B, pool = 8, 4
    batches = [bucketed_records(recs, B, pool, (0, 0), s) for s in range(pool)]
    assert all(len(b) == B for b in batches)
    plain = [bucketed_records(recs, B, 1, (0, 0), s) for s in range(pool)]
    pad = lambda bs: sum(B * max(len(r.codes) for r in b) - sum(len(r.codes) for r in b) for b in bs)  # noqa: E731
    assert pad(batches) < 0.5 * pad(plain)
    spans = sorted((min(len(r.codes) for r in b), max(len(r.codes) for r in b)) for b in batches)
    assert all(hi <= lo2 for (_, hi), (lo2, _) in zip(spans, spans[1:]))      # disjoint length ranges
    assert [bucketed_records(recs, B, pool, (0, 0), 2)[i].texts for i in range(B)] == [r.texts for r in batches[2]]
    other = [r.texts for r in bucketed_records(recs, B, pool, (0, 1), 2)]
    assert other != [r.texts for r in batches[2]]                             # other rank, other draw
    seen = {r.texts[0] for s in range(400) for r in bucketed_records(recs, B, pool, (0, 0), s)}
    assert len(seen) == 100                                                   # every record is drawn


def test_several_corpora_are_pooled_and_cached_apart(tiny_run, tmp_path):
    from humanoid_lmm.lmm.training import load_corpus_records

    tmp, _ = tiny_run
    tok = tiny_motion_tokenizer()
    (tmp_path / "a").mkdir()
    one = load_corpus_records(run_cfg(tmp, 1, "x", 1), tok, "train", tmp_path / "a")
    cfg = dataclasses.replace(run_cfg(tmp, 1, "x", 1), data=(str(tmp / "corpus"), str(tmp / "corpus")))
    two = load_corpus_records(cfg, tok, "train", tmp_path / "a")   # same cache folder: a new fingerprint
    assert len(two) == 2 * len(one)
    np.testing.assert_array_equal(two[len(one)].codes, one[0].codes)


def test_an_lmm_moved_onto_permuted_codes_predicts_the_same(tiny_run):
    """A new tokenizer whose codes are a permutation of the old one's: aligned and remapped, the model gives
    the old model's logits, permuted."""
    import torch

    from humanoid_lmm.lmm.data_lmm import encode_corpus
    from humanoid_lmm.lmm.modeling_lmm import LargeMotionModel
    from humanoid_lmm.lmm.vocab_init import code_alignment, remap_motion_rows

    tmp, final = tiny_run
    old = LargeMotionModel.from_pretrained(final)
    moved = LargeMotionModel.from_pretrained(final)
    v = old.vocab
    perm = np.random.default_rng(0).permutation(v.codebook_size)          # new code = perm[old code]
    codes = [r.codes for r in encode_corpus(tiny_motion_tokenizer(), tmp / "corpus", "train")]
    source = code_alignment(codes, [perm[c] for c in codes], v.codebook_size)
    used = np.unique(np.concatenate([c.ravel() for c in codes]))
    np.testing.assert_array_equal(source[perm[used]], used)               # each used new code -> its old code
    assert remap_motion_rows(moved.model, v, source) > 0
    c = codes[0][:3].ravel()
    ids_old = torch.tensor([[v.eos_id, v.mot_id] + list(c + v.motion_base)])
    ids_new = torch.tensor([[v.eos_id, v.mot_id] + list(perm[c] + v.motion_base)])
    with torch.no_grad():
        lo = old.model(ids_old).logits[0, :, v.motion_base:v.motion_base + v.codebook_size]
        ln = moved.model(ids_new).logits[0, :, v.motion_base:v.motion_base + v.codebook_size]
    torch.testing.assert_close(ln[:, perm[used]], lo[:, used])


def test_cli_remap_codes_writes_a_loadable_lmm(tiny_run, tmp_path, capsys):
    from humanoid_lmm.lmm.cli import main
    from humanoid_lmm.lmm.modeling_lmm import LargeMotionModel

    tmp, final = tiny_run
    assert main(["lmm", "remap-codes", "--init", str(final), "--old-motion-tokenizer", str(tmp / "mtok"),
                 "--motion-tokenizer", str(tmp / "mtok"), "--data", str(tmp / "corpus"), "--out",
                 str(tmp_path / "moved"), "--threads", "1"]) == 0
    assert "100.0% of the codes are the same" in capsys.readouterr().out
    assert LargeMotionModel.from_pretrained(tmp_path / "moved").motion_tokenizer is not None
