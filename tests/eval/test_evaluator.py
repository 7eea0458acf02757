"""Evaluator: trains on a tiny corpus, saves / loads, retrieves its own clips; batched LMM sampling."""
import numpy as np
import pytest
import torch

from humanoid_lmm.eval.evaluator import EvaluatorConfig, TextMotionEvaluator
from humanoid_lmm.eval.t2m import corpus_split


@pytest.fixture(scope="module")
def tiny_corpus(tmp_path_factory):
    from humanoid_lmm.motion.synth import synthesize_corpus

    root = tmp_path_factory.mktemp("corpus") / "c"
    synthesize_corpus(root, n=160, seed=3, progress=False)
    return root


def test_train_save_load_and_retrieve(tiny_corpus, tmp_path):
    from humanoid_lmm.eval.evaluator_train import load_split, train_evaluator

    torch.set_num_threads(1)
    cfg = EvaluatorConfig(width=32, layers=1, heads=2, embed_dim=32)
    out = train_evaluator(tiny_corpus, tmp_path / "ev", cfg, steps=120, batch_size=32, lr=3e-3, val_every=60,
                          log=lambda *a: None)
    ev = TextMotionEvaluator.from_pretrained(out)
    feats, texts, _ = load_split(tiny_corpus, "train")
    m = ev.embed_features(feats[:64])
    t = ev.embed_texts([ts[0] for ts in texts[:64]])
    assert m.shape == (64, 32) and np.allclose(np.linalg.norm(m, axis=1), 1, atol=1e-5)
    # trained encoders retrieve the right clip far above chance (5/64 for the top 5) on their training clips
    rank = (np.linalg.norm(t[:, None] - m[None], axis=-1) < np.linalg.norm(t - m, axis=-1)[:, None]).sum(1)
    assert (rank < 5).mean() >= 0.25, rank
    again = TextMotionEvaluator.from_pretrained(out).embed_features(feats[:4])
    assert np.abs(again - m[:4]).max() < 1e-4, np.abs(again - m[:4]).max()


def test_regenerated_split_equals_the_written_corpus(tiny_corpus):
    from humanoid_lmm.eval.t2m import load_corpus_split

    written = load_corpus_split(tiny_corpus, "test")
    regen = corpus_split(seed=3, n=160, split="test")
    assert written.ids == regen.ids and len(regen.ids) > 0
    for a, b in zip(written.motions, regen.motions):
        assert np.allclose(a.rotations, b.rotations, atol=1e-5)


@pytest.mark.slow
def test_batched_sampling_of_the_built_in_model():
    from humanoid_lmm.eval.batch_generation import caption_motions, sample_motion_codes
    from humanoid_lmm.eval.behaviour import check_command
    from humanoid_lmm.lmm import MotionGenerator

    torch.set_num_threads(1)
    lmm = MotionGenerator.from_pretrained().lmm
    texts = ["wave your right hand", "squat", "turn left", "jump"]
    codes = sample_motion_codes(lmm, texts, seed=0)
    assert all(c.ndim == 2 and c.shape[1] == lmm.vocab.num_parts and len(c) >= 5 for c in codes)
    motions = [lmm.motion_tokenizer.decode(c) for c in codes]
    assert sum(check_command(t, m).passed for t, m in zip(texts, motions)) >= 3
    caps = caption_motions(lmm, codes)
    assert len(caps) == 4 and all(isinstance(c, str) and c for c in caps)
