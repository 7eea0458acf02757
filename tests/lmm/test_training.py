"""End-to-end on CPU: tiny corpus + tiny real MotionTokenizer -> stage 1 -> resume -> stage 2 -> Motion."""
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
