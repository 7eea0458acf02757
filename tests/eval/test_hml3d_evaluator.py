"""Loader of the official HumanML3D evaluator weights, on a small checkpoint written in its format."""
import numpy as np
import pytest
import torch

from humanoid_lmm.errors import ConfigError
from humanoid_lmm.eval.hml3d_evaluator import POS_TAGS, HumanML3DEvaluator

# the state-dict keys of the public evaluator (text_mot_match/model/finest.tar)
MOVEMENT_KEYS = {"main.0.weight", "main.0.bias", "main.3.weight", "main.3.bias", "out_net.weight", "out_net.bias"}
GRU = {f"gru.{k}_l0{r}" for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh") for r in ("", "_reverse")}
HEAD = {f"output_net.{i}.{p}" for i in (0, 1, 3) for p in ("weight", "bias")}
MOTION_KEYS = {"input_emb.weight", "input_emb.bias", "hidden"} | GRU | HEAD
TEXT_KEYS = MOTION_KEYS | {"pos_emb.weight", "pos_emb.bias"}


def _small_checkpoint(path, hidden=16, latent=12, motion_hidden=20, out=8, word=10):
    """Random tensors with the official key names and layout, small widths (259-d movement input)."""
    g = torch.Generator().manual_seed(0)
    r = lambda *s: torch.randn(*s, generator=g) * 0.1  # noqa: E731

    def bigru(cin, h, o, pos=0):
        sd = {"input_emb.weight": r(h, cin), "input_emb.bias": r(h), "hidden": r(2, 1, h),
              "output_net.0.weight": r(h, 2 * h), "output_net.0.bias": r(h), "output_net.1.weight": 1 + r(h),
              "output_net.1.bias": r(h), "output_net.3.weight": r(o, h), "output_net.3.bias": r(o)}
        for rev in ("", "_reverse"):
            sd |= {f"gru.weight_ih_l0{rev}": r(3 * h, h), f"gru.weight_hh_l0{rev}": r(3 * h, h),
                   f"gru.bias_ih_l0{rev}": r(3 * h), f"gru.bias_hh_l0{rev}": r(3 * h)}
        if pos:
            sd |= {"pos_emb.weight": r(cin, pos), "pos_emb.bias": r(cin)}
        return sd

    state = {"movement_encoder": {"main.0.weight": r(hidden, 259, 4), "main.0.bias": r(hidden),
                                  "main.3.weight": r(latent, hidden, 4), "main.3.bias": r(latent),
                                  "out_net.weight": r(latent, latent), "out_net.bias": r(latent)},
             "motion_encoder": bigru(latent, motion_hidden, out), "text_encoder": bigru(word, hidden, out, pos=15),
             "epoch": 7}
    torch.save(state, path)
    return state


def test_loads_a_checkpoint_in_the_official_format(tmp_path):
    state = _small_checkpoint(tmp_path / "finest.tar")
    assert set(state["movement_encoder"]) == MOVEMENT_KEYS
    assert set(state["motion_encoder"]) == MOTION_KEYS and set(state["text_encoder"]) == TEXT_KEYS
    np.save(tmp_path / "mean.npy", np.zeros(263, np.float32))
    np.save(tmp_path / "std.npy", np.ones(263, np.float32))
    ev = HumanML3DEvaluator.load(tmp_path / "finest.tar", tmp_path / "mean.npy", tmp_path / "std.npy")
    assert ev.epoch == 7 and ev.feature_dim == 263 and len(POS_TAGS) == 15
    rng = np.random.default_rng(0)
    feats = [rng.normal(size=(n, 263)).astype(np.float32) for n in (40, 61, 23)]
    m = ev.motion_embeddings(feats)
    assert m.shape == (3, 8) and np.isfinite(m).all()
    # the order of the batch does not matter (lengths are packed, not sorted by the caller)
    assert np.allclose(ev.motion_embeddings(feats[::-1])[::-1], m, atol=1e-5)
    # the foot contacts (last 4 features) are not read
    changed = [f.copy() for f in feats]
    changed[0][:, -4:] += 5
    assert np.allclose(ev.motion_embeddings(changed), m, atol=1e-6)
    t = ev.text_embeddings(rng.normal(size=(2, 6, 10)), np.eye(15)[rng.integers(0, 15, (2, 6))], [6, 4])
    assert t.shape == (2, 8)


def test_a_real_motion_export_goes_through(tmp_path):
    from humanoid_lmm.motion.io.humanml3d import motion_to_hml263
    from humanoid_lmm.motion.synth import PRIMITIVES, build_clip

    _small_checkpoint(tmp_path / "finest.tar")
    ev = HumanML3DEvaluator.load(tmp_path / "finest.tar")
    prim = PRIMITIVES["wave_right"]
    motion = build_clip([(prim, prim.sample(np.random.default_rng(0)))])
    assert ev.motion_embeddings([motion_to_hml263(motion)]).shape == (1, 8)


def test_wrong_files_are_refused(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        HumanML3DEvaluator.load(tmp_path / "missing.tar")
    torch.save({"movement_encoder": {}}, tmp_path / "bad.tar")
    with pytest.raises(ConfigError, match="text_mot_match"):
        HumanML3DEvaluator.load(tmp_path / "bad.tar")
